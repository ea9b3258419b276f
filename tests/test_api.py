"""HTTP tests of the JSON API: statuses, roles, CSRF, and the sync contract."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEntry, EcoLabelLine, PackagingLine, Survey, db
from tests.conftest import make_survey, sync_via_api


def count_rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- authentication, roles, CSRF ------------------------------------------------

API_GETS = ["/api/v1/csrf", "/api/v1/stores", "/api/v1/indicators?year=2025"]


@pytest.mark.parametrize("url", API_GETS)
def test_api_requires_login_with_json_401(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"]["code"] == "unauthorized"
    assert "Location" not in response.headers


def test_post_without_login_is_401_not_redirect(client):
    response = client.post("/api/v1/surveys", json={"surveys": []})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("username", "method", "url", "status"),
    [
        ("inspector", "get", "/api/v1/stores", 200),
        ("reviewer", "get", "/api/v1/stores", 200),
        ("admin", "get", "/api/v1/stores", 200),
        ("inspector", "get", "/api/v1/indicators?year=2025", 403),
        ("reviewer", "get", "/api/v1/indicators?year=2025", 200),
        ("admin", "get", "/api/v1/indicators?year=2025", 200),
        ("inspector", "post", "/api/v1/surveys", 200),
        ("reviewer", "post", "/api/v1/surveys", 403),
        ("admin", "post", "/api/v1/surveys", 403),
    ],
)
def test_roles(api, username, method, url, status):
    api.login(username)
    response = api.get(url) if method == "get" else api.post(url, json={"surveys": []})
    assert response.status_code == status
    if status == 403:
        assert response.get_json()["error"]["code"] == "forbidden"


def test_post_without_csrf_header_is_refused(api, app):
    api.login("inspector")
    response = api.client.post("/api/v1/surveys", json={"surveys": [make_survey()]})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"
    assert count_rows(app, Survey) == 0


def test_post_with_wrong_csrf_token_is_refused(api, app):
    api.login("inspector")
    response = api.post("/api/v1/surveys", json={"surveys": [make_survey()]}, headers={"X-CSRFToken": "forged"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"
    assert count_rows(app, Survey) == 0


def test_csrf_endpoint_gives_a_usable_token(api):
    api.login("inspector")
    token = api.get("/api/v1/csrf").get_json()["csrf_token"]
    api.token = token
    assert sync_via_api(api, make_survey())[0]["status"] == "created"


def test_pages_carry_csrf_meta(auth, client):
    auth.login("reviewer")
    html = client.get("/indicators").get_data(as_text=True)
    assert '<meta name="csrf-token" content="' in html


def test_unknown_api_path_is_json_404(api):
    api.login("reviewer")
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_healthz_and_openapi_are_public(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/surveys" in document["paths"]
    survey_schema = document["components"]["schemas"]["SurveyIn"]
    assert {"id", "visited_at", "form_version", "packaging"} <= set(survey_schema["required"])
    # A survey names its store by code, or a store found in the field by its proposal: exactly one of the two.
    assert survey_schema["oneOf"] == [{"required": ["store_code"]}, {"required": ["store_proposal"]}]


# --- stores ----------------------------------------------------------------------


def test_stores_list_has_contract_fields(api):
    api.login("inspector")
    stores = api.get("/api/v1/stores").get_json()["stores"]
    by_code = {store["code"]: store for store in stores}
    assert set(by_code) == {"S-001", "S-002", "S-003"}
    first = by_code["S-001"]
    assert {"code", "name", "type", "class", "unit_code", "unit_name", "address", "lat", "lon"} <= set(first)
    assert first["unit_code"] == "HY-PH" and first["unit_name"] == "Phường Phố Hiến"
    assert first["type"] == "supermarket"


# --- sync ------------------------------------------------------------------------


def test_sync_creates_survey_with_lines(api, app):
    api.login("inspector")
    survey = make_survey()
    assert sync_via_api(api, survey) == [{"id": survey["id"], "status": "created"}]
    with app.app_context():
        stored = db.session.get(Survey, uuid.UUID(survey["id"]))
        assert stored.source == "inspection" and stored.review_state == "received"
        assert stored.submitted_by.username == "inspector"
        assert stored.visit_year == 2025
        assert sorted((p.category_code, p.count) for p in stored.packaging) == [("PAPER", 18), ("PE_BAG", 12)]
        assert [(e.label_code, e.sku_count) for e in stored.eco_labels] == [("VN_ECOLABEL", 3)]


def test_same_batch_ten_times_stores_each_survey_once(api, app):
    api.login("inspector")
    batch = [make_survey(), make_survey(store_code="S-002")]
    first = sync_via_api(api, *batch)
    assert [r["status"] for r in first] == ["created", "created"]
    for _ in range(9):
        assert [r["status"] for r in sync_via_api(api, *batch)] == ["duplicate", "duplicate"]
    assert count_rows(app, Survey) == 2
    assert count_rows(app, PackagingLine) == 4


def test_a_survey_stored_by_another_request_meanwhile_is_refused_alone(api, app, monkeypatch):
    """The batch is checked, then another request stores one of its ids before the batch is written:
    the database refuses the bulk insert, and the batch is written again one survey at a time."""
    from survey.domain import sync as sync_module

    api.login("inspector")
    raced = make_survey()
    assert sync_via_api(api, raced)[0]["status"] == "created"
    real_read = sync_module.Batch.read

    def blind_to_the_race(surveys):
        batch = real_read(surveys)
        batch.known.pop(uuid.UUID(raced["id"]))  # as if it had been read just before the other request wrote it
        return batch

    monkeypatch.setattr(sync_module.Batch, "read", staticmethod(blind_to_the_race))
    first, last = make_survey(), make_survey()
    results = sync_via_api(api, first, raced, last)
    assert [r["status"] for r in results] == ["created", "duplicate", "created"]
    assert count_rows(app, Survey) == 3
    assert count_rows(app, PackagingLine) == 3 * len(first["packaging"])


def test_a_survey_the_database_refuses_takes_its_copies_and_its_correction_with_it_and_nothing_else(
    api, app, monkeypatch
):
    """The database refuses one survey (a value out of its range, say): that survey is `invalid`, and
    so are its later copy in the batch and its correction, which would otherwise claim it stored."""
    from sqlalchemy.exc import DataError

    from survey.domain import sync as sync_module

    refused = make_survey()
    real_insert = sync_module.insert_rows

    def refusing(accepted):
        if any(str(item.survey_id) == refused["id"] for item in accepted):
            raise DataError("INSERT", {}, ValueError("integer out of range"))
        return real_insert(accepted)

    monkeypatch.setattr(sync_module, "insert_rows", refusing)
    api.login("inspector")
    correction = make_survey(supersedes=refused["id"], notes="sửa lại")
    before, after = make_survey(), make_survey()
    results = sync_via_api(api, before, refused, dict(refused), correction, after)
    assert [r["status"] for r in results] == ["created", "invalid", "invalid", "invalid", "created"]
    assert [r["id"] for r in results] == [s["id"] for s in (before, refused, refused, correction, after)]
    assert "supersedes" in results[3]["errors"]
    with app.app_context():
        stored = {str(key) for key in db.session.scalars(select(Survey.id))}
    assert stored == {before["id"], after["id"]}


def test_duplicate_ignores_spelling_of_same_content(api, app):
    api.login("inspector")
    survey = make_survey()
    sync_via_api(api, survey)
    respelled = copy.deepcopy(survey)
    respelled["id"] = survey["id"].upper()
    respelled["visited_at"] = "2025-06-14T02:30:00+00:00"  # the same instant
    respelled["packaging"].reverse()
    assert sync_via_api(api, respelled)[0]["status"] == "duplicate"
    assert count_rows(app, Survey) == 1


def test_changed_survey_under_known_id_is_conflict_and_changes_nothing(api, app):
    api.login("inspector")
    survey = make_survey()
    sync_via_api(api, survey)
    changed = copy.deepcopy(survey)
    changed["packaging"][0]["count"] = 13
    result = sync_via_api(api, changed)[0]
    assert result["status"] == "conflict" and result["id"] == survey["id"]
    with app.app_context():
        stored = db.session.get(Survey, uuid.UUID(survey["id"]))
        assert sorted(p.count for p in stored.packaging) == [12, 18]


def test_duplicate_id_inside_one_batch(api, app):
    api.login("inspector")
    survey = make_survey()
    other = make_survey(id=survey["id"], notes="khác")
    assert [r["status"] for r in sync_via_api(api, survey, survey, other)] == ["created", "duplicate", "conflict"]
    assert count_rows(app, Survey) == 1


def test_mixed_batch_stores_exactly_the_valid_ones(api, app):
    api.login("inspector")
    good1, good2 = make_survey(), make_survey(store_code="S-002")
    bad_store = make_survey(store_code="NOPE")
    bad_count = make_survey()
    bad_count["packaging"][0]["count"] = -1
    results = sync_via_api(api, good1, bad_store, good2, bad_count)
    assert [r["status"] for r in results] == ["created", "invalid", "created", "invalid"]
    assert "store_code" in results[1]["errors"]
    assert "packaging.0.count" in results[3]["errors"]
    assert count_rows(app, Survey) == 2
    with app.app_context():
        assert db.session.get(Survey, uuid.UUID(bad_store["id"])) is None


def broken(path: str, value) -> dict:
    """A valid survey with one field replaced (path like 'packaging.0.count'), or removed when value is ..."""
    survey = make_survey()
    target, *parts = survey, *path.split(".")
    keys = [int(p) if p.isdigit() else p for p in parts]
    for key in keys[:-1]:
        target = target[key]
    if value is ...:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return survey


INVALID_CASES = [
    ("packaging.0.count", "12", "packaging.0.count"),
    ("packaging.0.count", 12.0, "packaging.0.count"),
    ("packaging.0.count", 12.5, "packaging.0.count"),
    ("packaging.0.count", True, "packaging.0.count"),
    ("packaging.0.count", -1, "packaging.0.count"),
    ("packaging.0.count", 100001, "packaging.0.count"),
    ("packaging.0.count", 10**30, "packaging.0.count"),
    ("packaging.0.count", None, "packaging.0.count"),
    ("packaging.0.category", "NOT_A_CATEGORY", "packaging.0.category"),
    ("packaging.0.category", "NATURAL", "packaging.0.category"),  # store_packed only
    ("packaging.0.zone", "car_park", "packaging.0.zone"),
    ("packaging", [], "packaging"),
    ("packaging", "many", "packaging"),
    ("packaging", [{"zone": "store_packed", "category": "PAPER", "count": 4}], "packaging"),  # no checkout
    ("packaging", [{"zone": "checkout", "category": "PAPER", "count": 0}], "packaging"),
    ("eco_labels.0.label", "MADE_UP", "eco_labels.0.label"),
    ("eco_labels.0.sku_count", "3", "eco_labels.0.sku_count"),
    ("skus_checked", -1, "skus_checked"),
    ("store_code", "UNKNOWN", "store_code"),
    ("store_code", 17, "store_code"),
    ("store_code", ..., "store_code"),
    ("id", "not-a-uuid", "id"),
    ("id", 5, "id"),
    ("id", ..., "id"),
    ("visited_at", "2025-06-14T09:30:00", "visited_at"),  # no offset
    ("visited_at", "yesterday", "visited_at"),
    ("visited_at", 1718000000, "visited_at"),
    ("visited_at", "0001-01-01T03:00:00+07:00", "visited_at"),  # would overflow on conversion to UTC
    ("visited_at", "9999-12-31T23:00:00-05:00", "visited_at"),
    ("notes", "nul\x00byte", "notes"),
    ("eco_labels.0.product_group", "a\x00b", "eco_labels.0.product_group"),
    ("form_version", 99, "form_version"),
    ("form_version", "1", "form_version"),
    ("notes", "x" * 2001, "notes"),
    ("location.lat", 95, "location.lat"),
    ("location.lon", "106", "location.lon"),
    ("unexpected", 1, "unexpected"),
]


@pytest.mark.parametrize(("path", "value", "error_key"), INVALID_CASES)
def test_invalid_surveys_are_refused_with_field_errors(api, app, path, value, error_key):
    api.login("inspector")
    result = sync_via_api(api, broken(path, value))[0]
    assert result["status"] == "invalid"
    assert error_key in result["errors"], result["errors"]
    assert result["errors"][error_key]  # a message a person can read
    assert count_rows(app, Survey) == 0


def test_more_labelled_skus_than_checked_is_stored_not_refused(api, app):
    # A product line can carry two labels: the phone and the forms ask "are you sure?", the server takes it.
    api.login("inspector")
    survey = broken("skus_checked", 2)  # fewer than the 3 labelled SKUs
    assert sync_via_api(api, survey)[0]["status"] == "created"
    assert count_rows(app, Survey) == 1


def test_visit_more_than_a_day_in_the_future_is_refused(api, app):
    api.login("inspector")
    soon = (datetime.now(UTC) + timedelta(hours=20)).isoformat()
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    results = sync_via_api(api, make_survey(visited_at=soon), make_survey(visited_at=later))
    assert [r["status"] for r in results] == ["created", "invalid"]
    assert "visited_at" in results[1]["errors"]


def test_survey_that_is_not_an_object_is_invalid_alone(api, app):
    api.login("inspector")
    results = sync_via_api(api, "hello", 42, None, make_survey())
    assert [r["status"] for r in results] == ["invalid", "invalid", "invalid", "created"]
    assert count_rows(app, Survey) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (b"{not json", "application/json", "bad_json"),
        (b"", "application/json", "bad_json"),
        (b"surveys=1", "application/x-www-form-urlencoded", "bad_json"),
        (b"[]", "application/json", "bad_request"),
        (b'{"surveys": {}}', "application/json", "bad_request"),
        (b'{"other": []}', "application/json", "bad_request"),
    ],
)
def test_bad_bodies_are_400_json(api, body, content_type, code):
    api.login("inspector")
    response = api.client.post(
        "/api/v1/surveys", data=body, content_type=content_type, headers={"X-CSRFToken": api.token}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_more_than_200_surveys_is_413(api, app):
    api.login("inspector")
    response = api.post("/api/v1/surveys", json={"surveys": [make_survey() for _ in range(201)]})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_many_surveys"
    assert count_rows(app, Survey) == 0


def test_oversized_body_is_413_json(api, app):
    api.login("inspector")
    huge = make_survey(notes="x" * (5 * 1024 * 1024))
    response = api.post("/api/v1/surveys", json={"surveys": [huge]})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_a_full_batch_of_200_is_served(api, app):
    api.login("inspector")
    results = sync_via_api(api, *[make_survey() for _ in range(200)])
    assert {r["status"] for r in results} == {"created"}
    assert count_rows(app, Survey) == 200


# --- one survey and its review -----------------------------------------------------


def test_get_survey_as_stored(api):
    api.login("inspector")
    survey = make_survey()
    sync_via_api(api, survey)
    body = api.get(f"/api/v1/surveys/{survey['id']}").get_json()
    assert body["id"] == survey["id"] and body["store_code"] == "S-001"
    assert body["source"] == "inspection" and body["review_state"] == "received"
    assert body["visited_at"] == "2025-06-14T09:30:00+07:00"
    assert sorted(body["packaging"], key=lambda p: p["category"]) == sorted(
        survey["packaging"], key=lambda p: p["category"]
    )
    assert body["location"] == survey["location"]


def test_get_survey_roles(api, client, auth):
    api.login("inspector")
    survey = make_survey()
    sync_via_api(api, survey)
    url = f"/api/v1/surveys/{survey['id']}"
    client.post("/logout", data={"csrf_token": api.token})
    auth.login("inspector2")
    assert client.get(url).status_code == 403
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login("reviewer")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("survey_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_unknown_survey_is_404(api, survey_id):
    api.login("reviewer")
    assert api.get(f"/api/v1/surveys/{survey_id}").status_code == 404
    response = api.post(f"/api/v1/surveys/{survey_id}/review", json={"state": "approved"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def stored_survey_id(app, api) -> str:
    api.login("inspector")
    survey = make_survey()
    sync_via_api(api, survey)
    api.client.post("/logout", data={"csrf_token": api.token})
    return survey["id"]


def test_review_changes_state_and_writes_audit(api, app):
    survey_id = stored_survey_id(app, api)
    api.login("reviewer")
    response = api.post(f"/api/v1/surveys/{survey_id}/review", json={"state": "rejected", "comment": "Đếm sai"})
    assert response.status_code == 200
    assert response.get_json()["review_state"] == "rejected"
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        assert (entry.from_value, entry.to_value, entry.comment) == ("received", "rejected", "Đếm sai")
        assert entry.actor.username == "reviewer"


@pytest.mark.parametrize("body", [{"state": "done"}, {"state": 1}, {}, {"state": "approved", "comment": 5}])
def test_review_with_bad_body_is_400(api, app, body):
    survey_id = stored_survey_id(app, api)
    api.login("reviewer")
    response = api.post(f"/api/v1/surveys/{survey_id}/review", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"


def test_inspector_cannot_review(api, app):
    survey_id = stored_survey_id(app, api)
    api.login("inspector")
    response = api.post(f"/api/v1/surveys/{survey_id}/review", json={"state": "approved"})
    assert response.status_code == 403


# --- indicators --------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?year=", "?year=abc", "?year=20255", "?year=-1"])
def test_indicators_need_a_year(api, query):
    api.login("reviewer")
    response = api.get(f"/api/v1/indicators{query}")
    assert response.status_code == 400 and response.is_json


def test_indicators_unknown_unit_is_404(api):
    api.login("reviewer")
    assert api.get("/api/v1/indicators?year=2025&unit=NOPE").status_code == 404


def test_rate_limit_answers_429_json(app, api):
    app.config["SYNC_RATE_LIMIT"] = "3 per minute"
    api.login("inspector")
    statuses = [api.post("/api/v1/surveys", json={"surveys": []}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.post("/api/v1/surveys", json={"surveys": []})
    assert response.get_json()["error"]["code"] == "too_many_requests"


def test_lines_are_deleted_with_nothing_left_behind_on_invalid(api, app):
    api.login("inspector")
    bad = make_survey()
    bad["eco_labels"].append({"label": "NOPE", "sku_count": 1})
    assert sync_via_api(api, bad)[0]["status"] == "invalid"
    assert count_rows(app, PackagingLine) == 0 and count_rows(app, EcoLabelLine) == 0


def test_an_unexpected_error_refuses_that_survey_alone(api, app, monkeypatch):
    """A survey that breaks the server's code is set aside; the rest of the batch is stored."""
    from survey.domain import sync as sync_module

    real = sync_module.build_rows
    broken_id = str(uuid.uuid4())

    def fragile(index, survey, *args, **kwargs):
        if survey.id == broken_id:
            raise OverflowError("date value out of range")
        return real(index, survey, *args, **kwargs)

    monkeypatch.setattr(sync_module, "build_rows", fragile)
    api.login("inspector")
    results = sync_via_api(api, make_survey(), make_survey(id=broken_id), make_survey())
    assert [r["status"] for r in results] == ["created", "invalid", "created"]
    assert results[1]["id"] == broken_id and results[1]["errors"]["survey"]
    assert count_rows(app, Survey) == 2
