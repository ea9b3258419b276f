"""Text as people type it: stored composed (NFC) whatever the channel, and a note over its limit
refused with its length, never cut (schemas.composed, payload_errors.too_long_message)."""

from __future__ import annotations

import html
import re
import unicodedata
import uuid

from sqlalchemy import select

from models import Survey, db
from tests.conftest import make_survey, staff_token, sync_via_api
from tests.test_pages import filled_survey_form
from tests.test_self_report import decide, stored
from tests.test_self_report_form import send

NOTE = "Cửa hàng đã chuyển sang túi giấy; nhãn sinh thái Việt Nam ở quầy rau."
DECOMPOSED = unicodedata.normalize("NFD", NOTE)
LONG = "Ghi chú dài. " * 238  # 3,094 characters, 3,093 once trimmed
LONG_MESSAGE = "Dài 3.093 ký tự; tối đa 2.000."


def test_the_example_is_really_decomposed():
    assert DECOMPOSED != NOTE and len(DECOMPOSED) > len(NOTE)
    assert len(LONG.strip()) == 3093


def only_survey(app) -> Survey:
    with app.app_context():
        (survey,) = db.session.scalars(select(Survey)).all()
        db.session.expunge(survey)
        return survey


# --- the API (the phone's sync) ---------------------------------------------------------------


def test_the_api_stores_a_decomposed_note_and_caption_composed(api, app):
    api.login("inspector")
    photo = {"id": str(uuid.uuid4()), "caption": unicodedata.normalize("NFD", "quầy thu ngân")}
    (result,) = sync_via_api(api, make_survey(notes=DECOMPOSED, photos=[photo]))
    assert result["status"] == "created"
    answer = api.get(f"/api/v1/surveys/{result['id']}").get_json()
    assert answer["notes"] == NOTE
    assert [item["caption"] for item in answer["photos"]] == ["quầy thu ngân"]


def test_the_api_counts_a_note_once_composed():
    """2,000 letters typed decomposed are more than 2,000 code points, and still within the limit."""
    from survey.domain.schemas import SurveyIn

    note = unicodedata.normalize("NFD", "ệ" * 2000)
    assert len(note) == 6000
    survey = SurveyIn.model_validate(make_survey(notes=note))
    assert survey.notes == "ệ" * 2000


def test_the_api_refuses_a_long_note_with_its_length(api, app):
    api.login("inspector")
    (result,) = sync_via_api(api, make_survey(notes=LONG))
    assert result["status"] == "invalid"
    assert result["errors"] == {"notes": LONG_MESSAGE}
    with app.app_context():
        assert db.session.scalar(select(Survey)) is None


def test_the_api_says_the_length_in_english_too(api, client):
    client.set_cookie("lang", "en")
    api.login("inspector")
    (result,) = sync_via_api(api, make_survey(notes=LONG))
    assert result["errors"] == {"notes": "3,093 characters long; at most 2,000."}


def test_a_review_comment_through_the_api_is_refused_with_its_length(api, app):
    survey_id = stored(app)
    api.login("reviewer")
    response = api.post(f"/api/v1/surveys/{survey_id}/review", json={"state": "approved", "comment": LONG})
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"comment": LONG_MESSAGE}


# --- the page forms -----------------------------------------------------------------------------


def test_the_simple_form_stores_a_decomposed_note_composed(client, auth, app):
    auth.login("inspector")
    data = filled_survey_form(client) | {"notes": DECOMPOSED}
    assert client.post("/surveys/new", data=data).status_code == 302
    assert only_survey(app).notes == NOTE


def test_the_simple_form_refuses_a_long_note_with_its_length_and_keeps_it_whole(client, auth, app):
    auth.login("inspector")
    page = client.get("/surveys/new").get_data(as_text=True)
    assert "maxlength" not in re.search(r"<textarea[^>]*>", page).group(0)  # nothing cut while pasting
    response = client.post("/surveys/new", data=filled_survey_form(client) | {"notes": LONG})
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert f"Ghi chú: {LONG_MESSAGE}" in page
    assert LONG.strip() in page  # what was typed comes back whole, to be shortened by its writer
    with app.app_context():
        assert db.session.scalar(select(Survey)) is None


def test_the_self_report_stores_decomposed_text_composed(client, app):
    token = staff_token(app)
    name = unicodedata.normalize("NFD", "Nguyễn Thị Hoa")
    assert send(client, token, notes=DECOMPOSED, reporter_name=name).status_code == 302
    survey = only_survey(app)
    assert (survey.notes, survey.reporter_name) == (NOTE, "Nguyễn Thị Hoa")


def test_the_self_report_refuses_a_long_note_with_its_length(client, app):
    response = send(client, staff_token(app), notes=LONG)
    assert response.status_code == 200
    assert f"Ghi chú: {LONG_MESSAGE}" in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(Survey)) is None


def test_a_review_comment_is_stored_composed_and_a_long_one_refused(client, auth, app):
    survey_id = stored(app)
    auth.login("reviewer")
    refused = decide(client, survey_id, "approved", LONG)
    assert refused.status_code == 200 and LONG_MESSAGE in html.unescape(refused.get_data(as_text=True))
    assert decide(client, survey_id, "has_issues", unicodedata.normalize("NFD", "Thiếu ảnh")).status_code == 302
    with app.app_context():
        assert db.session.get(Survey, uuid.UUID(survey_id)).review_comment == "Thiếu ảnh"
