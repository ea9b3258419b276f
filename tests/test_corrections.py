"""The inspector's surveys and corrections: the sent list with its review, and a correction
that supersedes a returned survey so that the earlier one stops counting."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from models import AuditEntry, Survey, db
from tests.conftest import AuthActions, JsonClient, make_survey, rows_of, sync_via_api

ALL_ECO = [{"zone": "checkout", "category": "PAPER", "count": 20}]
SOME_PE = [
    {"zone": "checkout", "category": "PAPER", "count": 15},
    {"zone": "checkout", "category": "PE_BAG", "count": 5},
]


def as_user(app, username: str) -> JsonClient:
    """Another browser, logged in as someone else."""
    client = app.test_client()
    return JsonClient(client, AuthActions(client)).login(username)


def review(app, survey_id: str, state: str, comment: str) -> None:
    response = as_user(app, "reviewer").post(
        f"/api/v1/surveys/{survey_id}/review", json={"state": state, "comment": comment}
    )
    assert response.status_code == 200


@pytest.fixture
def returned(app, api):
    """An inspection of S-001 in 2025 (not compliant), sent back with a reason."""
    api.login("inspector")
    first = make_survey(packaging=SOME_PE)
    assert sync_via_api(api, first)[0]["status"] == "created"
    review(app, first["id"], "has_issues", "Đếm lại quầy 2")
    return first


def compliance_2025(app) -> list[dict]:
    return as_user(app, "reviewer").get("/api/v1/indicators?year=2025").get_json()["by_unit"]


def test_the_sent_list_shows_the_review(app, api, returned):
    body = api.get("/api/v1/surveys?mine=1").get_json()
    assert body["next"] is None
    (entry,) = body["surveys"]
    assert entry["id"] == returned["id"] and entry["store_code"] == "S-001"
    assert entry["review_state"] == "has_issues" and entry["review_comment"] == "Đếm lại quầy 2"
    assert entry["reviewed_at"] is not None and entry["superseded_by"] is None
    assert entry["visited_at"] == "2025-06-14T09:30:00+07:00"


def test_a_correction_supersedes_the_returned_survey(app, api, returned):
    before = {e["unit_code"]: e["stores_compliant"] for e in compliance_2025(app)}
    assert before["HY-PH"] == 0
    correction = make_survey(packaging=ALL_ECO, supersedes=returned["id"])
    assert sync_via_api(api, correction)[0]["status"] == "created"
    after = {e["unit_code"]: e["stores_compliant"] for e in compliance_2025(app)}
    assert after["HY-PH"] == 1  # the correction decides now; the earlier survey no longer counts
    listed = {entry["id"]: entry for entry in api.get("/api/v1/surveys?mine=1").get_json()["surveys"]}
    assert listed[returned["id"]]["superseded_by"] == correction["id"]
    assert listed[correction["id"]]["supersedes"] == returned["id"]
    assert api.get(f"/api/v1/surveys/{returned['id']}").get_json()["superseded_by"] == correction["id"]
    with app.app_context():
        actions = {(e.action, e.target) for e in db.session.scalars(select(AuditEntry))}
        assert ("survey_superseded", f"survey:{returned['id']}") in actions
        assert ("survey_correction", f"survey:{correction['id']}") in actions


def test_the_same_correction_sent_again_is_a_duplicate(app, api, returned):
    correction = make_survey(packaging=ALL_ECO, supersedes=returned["id"])
    assert [r["status"] for r in sync_via_api(api, correction, correction)] == ["created", "duplicate"]


def test_a_second_correction_of_the_same_survey_is_a_conflict(app, api, returned):
    first = make_survey(packaging=ALL_ECO, supersedes=returned["id"])
    second = make_survey(packaging=SOME_PE, supersedes=returned["id"])
    results = sync_via_api(api, first, second)
    assert [r["status"] for r in results] == ["created", "conflict"]
    assert "supersedes" in results[1]["errors"]
    with app.app_context():
        assert db.session.get(Survey, uuid.UUID(second["id"])) is None


@pytest.mark.parametrize(
    "target",
    ["unknown", "other store", "other inspector"],
)
def test_only_the_senders_own_survey_of_the_store_can_be_superseded(app, api, auth, returned, target):
    if target == "unknown":
        supersedes, store = str(uuid.uuid4()), "S-001"
    elif target == "other store":
        supersedes, store = returned["id"], "S-002"
    else:
        api.login("inspector2")
        supersedes, store = returned["id"], "S-001"
    result = sync_via_api(api, make_survey(store_code=store, packaging=ALL_ECO, supersedes=supersedes))[0]
    assert result["status"] == "invalid" and "supersedes" in result["errors"]
    with app.app_context():
        assert db.session.get(Survey, uuid.UUID(returned["id"])).superseded_by_id is None


def test_a_survey_without_supersedes_hashes_as_before(app, api):
    """Surveys stored before corrections existed must still answer `duplicate` to a retry."""
    from survey.domain.schemas import SurveyIn
    from survey.domain.sync import canonical_hash

    survey = make_survey(id="7b0e4c6a-2f5e-4a43-9c1b-3f7d7f0d9a11")
    with_field = SurveyIn.model_validate({**survey, "supersedes": None})
    assert canonical_hash(SurveyIn.model_validate(survey)) == canonical_hash(with_field)
    # The hash the server computed for this survey before `supersedes` existed.
    assert canonical_hash(with_field) == "7e66c845f4c708a08c278e0906a5d5291f8d64af25f822c77297b640990aee9f"


def test_the_list_pages_newest_first_and_since(app, api):
    api.login("inspector")
    ids = []
    for day in range(1, 6):
        survey = make_survey(visited_at=f"2025-06-{day:02d}T09:30:00+07:00")
        assert sync_via_api(api, survey)[0]["status"] == "created"
        ids.append(survey["id"])
    first = api.get("/api/v1/surveys?mine=1&limit=2").get_json()
    second = api.get(f"/api/v1/surveys?mine=1&limit=2&cursor={first['next']}").get_json()
    third = api.get(f"/api/v1/surveys?mine=1&limit=2&cursor={second['next']}").get_json()
    seen = [s["id"] for page in (first, second, third) for s in page["surveys"]]
    assert seen == list(reversed(ids)) and third["next"] is None
    assert api.get("/api/v1/surveys?mine=1&since=2099-01-01T00:00:00Z").get_json()["surveys"] == []
    assert len(api.get("/api/v1/surveys?mine=1&since=2000-01-01T00:00:00%2B07:00").get_json()["surveys"]) == 5
    assert api.get("/api/v1/surveys?mine=1&since=yesterday").status_code == 400
    assert api.get("/api/v1/surveys?mine=1&cursor=%%%").status_code == 400


def test_inspectors_see_only_their_own_and_reviewers_all(app, api, auth, returned):
    api.login("inspector2")
    assert api.get("/api/v1/surveys?mine=1").get_json()["surveys"] == []
    assert api.get("/api/v1/surveys").get_json()["surveys"] == []  # an inspector never sees others'
    api.login("reviewer")
    assert [s["id"] for s in api.get("/api/v1/surveys").get_json()["surveys"]] == [returned["id"]]
    assert api.client.get("/api/v1/surveys?mine=1").status_code == 200


def test_the_list_needs_a_log_in(client):
    response = client.get("/api/v1/surveys?mine=1")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_the_reviewer_sees_the_correction_beside_the_original(app, api, client, auth, returned):
    correction = make_survey(packaging=ALL_ECO, supersedes=returned["id"])
    assert sync_via_api(api, correction)[0]["status"] == "created"
    auth.login("reviewer")
    html = client.get(f"/review/{correction['id']}?lang=en").get_data(as_text=True)
    assert 'id="correction"' in html and "Đếm lại quầy 2" in html
    rows = {row[0]: row[1:] for row in rows_of(html, "correction-counts")}
    paper = "Checkout (carry bags handed out): Paper bag, paper box, carton"
    assert rows[paper] == ["15", "20 changed"]
    assert rows["Checkout (carry bags handed out): " + pe_bag_name(app)] == ["5", "0 changed"]
    old = client.get(f"/review/{returned['id']}?lang=en").get_data(as_text=True)
    assert 'id="superseded"' in old and correction["id"] in old


def pe_bag_name(app) -> str:
    from models import PackagingCategory

    with app.app_context():
        return db.session.get(PackagingCategory, "PE_BAG").label_en


def test_the_queue_hides_a_replaced_survey_unless_asked(app, api, client, auth, returned):
    correction = make_survey(packaging=ALL_ECO, supersedes=returned["id"])
    assert sync_via_api(api, correction)[0]["status"] == "created"
    auth.login("reviewer")
    waiting = client.get("/review?source=inspection").get_data(as_text=True)
    assert correction["id"] in waiting and returned["id"] not in waiting
    both = client.get("/review?source=inspection&replaced=1").get_data(as_text=True)
    assert correction["id"] in both and returned["id"] in both
    assert "Đã được thay bằng bản sửa" in both


# --- a correction carries the original's photos over ------------------------------------------


def test_a_correction_shows_and_keeps_the_photos_of_the_survey_it_corrects(app, api, client, auth):
    from datetime import timedelta

    from models import utcnow
    from survey.domain import photos
    from tests.test_review_photos import page, photo_ids, send_survey

    original = send_survey(api, photos=["quầy thu ngân", "kệ tự đóng gói"], received=[0, 1], packaging=SOME_PE)
    review(app, original, "has_issues", "Đếm lại quầy 2")
    correction = send_survey(api, photos=["quầy sau khi đếm lại"], received=[0], supersedes=original)
    carried, own = photo_ids(app, original), photo_ids(app, correction)

    auth.login("reviewer")
    text = page(client, f"/review/{correction}")
    section = text.split('id="photos">')[1].split("</section>")[0]
    assert "Ảnh (3/3)" in section and "được giữ kèm phiếu sửa này" in section
    own_grid, carried_grid = section.split('id="own-photos"')[1].split('id="carried-photos"')
    assert [f"photo-{photo_id}" in own_grid for photo_id in own + carried] == [True, False, False]
    assert all(f'src="/api/v1/photos/{photo_id}?size=thumb"' in carried_grid for photo_id in carried)
    assert "carried-photos" not in page(client, f"/review/{original}")  # the original shows only its own

    def rejected_long_ago(survey_id: str) -> None:
        with app.app_context():
            survey = db.session.get(Survey, uuid.UUID(survey_id))
            survey.review_state, survey.reviewed_at = "rejected", utcnow() - timedelta(days=400)
            db.session.commit()

    def purgeable() -> set[str]:
        with app.app_context():
            return {str(photo.id) for photo in photos.purgeable(365)}

    rejected_long_ago(original)
    assert purgeable() == set()  # the correction stands: the photos it carries stay
    rejected_long_ago(correction)
    assert purgeable() == set(own + carried)  # rejected too: they go with it
