"""Property-based tests of the review body (issue 12): POST /api/v1/surveys/<id>/review never answers 5xx.

One app per test, its examples run through an inner @given against it. A reviewer sends decisions,
mangled decisions and whole arbitrary documents to real surveys (their ids spelled in any way UUIDs
may be), to unknown ids and to ids that are no UUID at all. What a 200 says must be what the database
then holds; a refusal changes nothing.
"""

from __future__ import annotations

import json
import unicodedata
import uuid
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from models import Survey, db
from survey.domain import policy
from tests.conftest import AuthActions, JsonClient, make_survey, sync_via_api
from tests.test_fuzz_sync import (
    ODD_STRINGS,
    RAW,
    SPELLINGS,
    check_error,
    decode,
    encode,
    fuzz_settings,
    json_values,
    mutated,
    raw_json,
    text_values,
)

comments = st.one_of(text_values, st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=100))
decisions = st.fixed_dictionaries({"state": st.sampled_from(policy.REVIEW_STATES)}, optional={"comment": comments})


def stored_review(app, key: uuid.UUID) -> tuple[str, str]:
    with app.app_context():
        survey = db.session.get(Survey, key)
        return survey.review_state, survey.review_comment or ""


def reviewed_surveys(app, api, how_many=3) -> list[uuid.UUID]:
    """Surveys sent by the inspector from a phone of their own; the reviewer logged in on `api`."""
    phone = app.test_client()
    inspector = JsonClient(phone, AuthActions(phone)).login("inspector")
    surveys = [make_survey(id=str(uuid.uuid4())) for _ in range(how_many)]
    assert {r["status"] for r in sync_via_api(inspector, *surveys)} == {"created"}
    api.login("reviewer")
    return [uuid.UUID(s["id"]) for s in surveys]


def check_review_answer(app, key: uuid.UUID | None, body, response, before: tuple[str, str] | None):
    """A 200 is what was asked and is stored; a refusal is a JSON error and leaves the survey as it was."""
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.status_code in (200, 400, 404), (response.status_code, response.get_data(as_text=True))
    if key is None:
        assert response.status_code == 404
        check_error(response)
        return
    if response.status_code != 200:
        error = check_error(response)
        assert error["code"] in ("bad_json", "invalid", "not_found"), error
        assert stored_review(app, key) == before
        return
    assert isinstance(body, dict) and body.get("state") in policy.REVIEW_STATES
    answer = response.get_json()
    comment = body.get("comment", "")
    assert isinstance(comment, str)
    assert answer["id"] == str(key) and answer["review_state"] == body["state"]
    kept = unicodedata.normalize("NFC", comment).strip()  # text is stored composed (schemas.composed)
    assert answer["review_comment"] == kept
    assert not policy.reason_missing(body["state"], comment)
    assert stored_review(app, key) == (body["state"], kept)


def test_review_decisions_and_mangled_decisions_never_break_the_review(app, api):
    keys = reviewed_surveys(app, api)

    @fuzz_settings(600)
    @given(
        which=st.integers(0, len(keys) - 1),
        spelling=st.sampled_from(sorted(SPELLINGS)),
        body=st.one_of(decisions, decisions.flatmap(lambda decision: mutated(decision, max_mutations=3))),
        raw=raw_json,
    )
    def run(which, spelling, body, raw):
        key = keys[which]
        text = encode(body, raw)
        sent = decode(text)
        before = stored_review(app, key)
        response = api.client.post(
            f"/api/v1/surveys/{quote(SPELLINGS[spelling](key), safe='')}/review",
            data=text,
            content_type="application/json",
            headers={"X-CSRFToken": api.token},
        )
        if sent is RAW or (raw[:1] in "[{" and len(raw) > 1000 and response.status_code == 400):
            # Too deep or too long a number for a reader: a clean refusal, nothing changed.
            assert response.status_code < 500, response.get_data(as_text=True)
            assert response.status_code == 400 and check_error(response)["code"] in ("bad_json", "invalid")
            assert stored_review(app, key) == before
            return
        check_review_answer(app, key, sent, response, before)

    run()


def test_any_document_to_any_survey_id_is_refused_cleanly(app, api):
    keys = reviewed_surveys(app, api)
    targets = st.one_of(
        st.sampled_from(keys).map(lambda key: (key, str(key))),
        st.uuids().map(lambda key: (None, str(key))),  # no such survey
        # Any text but "/", "." and "..", which would make it another path (werkzeug routes "%2F" as "/").
        st.one_of(st.text(min_size=1, max_size=40), st.sampled_from([s for s in ODD_STRINGS if s]))
        .filter(lambda text: "/" not in text and text not in (".", ".."))
        .map(lambda text: (None, text)),
    )
    bodies = st.one_of(
        json_values.map(lambda value: ("json", value)),
        st.binary(max_size=200).map(lambda raw: ("raw", raw)),
    )

    @fuzz_settings(400)
    @given(target=targets, body=bodies, content_type=st.sampled_from(["application/json", "text/plain", ""]))
    def run(target, body, content_type):
        key, text_id = target
        if key is None:
            try:
                key = uuid.UUID(text_id) if any(uuid.UUID(text_id) == k for k in keys) else None
            except ValueError:
                key = None
        kind, value = body
        raw = json.dumps(value).encode() if kind == "json" else value
        before = stored_review(app, key) if key is not None else None
        # Percent-encoded, so that "?", "#", "%" and the rest stay in the one path segment.
        response = api.client.post(
            f"/api/v1/surveys/{quote(text_id, safe='')}/review",
            data=raw,
            content_type=content_type,
            headers={"X-CSRFToken": api.token},
        )
        if "\x00" in text_id:  # no address needs a NUL: refused before any route is looked at
            assert response.status_code == 400
            check_error(response)
        elif key is not None and kind == "json" and content_type == "application/json":
            check_review_answer(app, key, value, response, before)
        else:
            check_review_answer(app, key, None, response, before)

    run()


def test_a_review_comment_with_control_characters_is_refused_naming_the_field(app, api):
    key = reviewed_surveys(app, api, how_many=1)[0]
    response = api.post(f"/api/v1/surveys/{key}/review", json={"state": "approved", "comment": "Thiếu\x00 ảnh\x07"})
    assert response.status_code == 400, (response.status_code, response.get_data(as_text=True))
    assert set(check_error(response)["fields"]) == {"comment"}
    assert stored_review(app, key) == ("received", "")
