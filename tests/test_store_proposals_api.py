"""Stores found in the field over HTTP, sentence by sentence of the contract ("Stores found in the field"):
a proposal stored once, a survey of it that counts nowhere while it waits, and the admin's three decisions."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Store, StoreProposal, Survey, db
from survey.domain import store_years
from tests.conftest import AuthActions, JsonClient, make_survey, sync_via_api

PROPOSAL = {
    "name": "Siêu thị Minh Anh",
    "type": "supermarket",
    "address": "Số 5 đường Nguyễn Văn Linh",
    "unit_code": "HY-PH",
    "location": {"lat": 20.6466, "lon": 106.0512, "accuracy_m": 12},
}
LIST_KEYS = {"id", "name", "type", "address", "unit_code", "location", "inspector", "received_at"}


def as_user(app, username: str) -> JsonClient:
    """Another browser, logged in as someone else."""
    client = app.test_client()
    return JsonClient(client, AuthActions(client)).login(username)


def propose(api, **change) -> dict:
    body = {"id": str(uuid.uuid4()), **PROPOSAL, **change}
    response = api.post("/api/v1/store-proposals", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"id": body["id"], "status": "created"}
    return body


def survey_of(proposal_id: str, **change) -> dict:
    survey = make_survey(**change)
    del survey["store_code"]
    return {**survey, "store_proposal": proposal_id}


def decide(app, proposal_id: str, decision: dict, status: int = 200):
    response = as_user(app, "admin").post(f"/api/v1/store-proposals/{proposal_id}/decision", json=decision)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def figures_2025(app) -> dict:
    return as_user(app, "reviewer").get("/api/v1/indicators?year=2025").get_json()


def stored_survey(app, survey_id: str) -> dict:
    return as_user(app, "reviewer").get(f"/api/v1/surveys/{survey_id}").get_json()


def assert_store_years_consistent(app) -> None:
    """The store-year table a decision updates equals the one worked out from every survey again."""
    with app.app_context():
        assert store_years.rebuild()[1] == 0
        db.session.rollback()


# --- receiving a proposal ------------------------------------------------------------------------


def test_a_proposal_is_stored_once_the_same_again_is_a_duplicate_other_content_a_conflict(app, api):
    api.login("inspector")
    sent = propose(api)
    again = api.post("/api/v1/store-proposals", json=sent)
    assert again.status_code == 200 and again.get_json() == {"id": sent["id"], "status": "duplicate"}
    # Any spelling of the id, extra spaces, an accent typed as two characters: the same proposal.
    same = {**sent, "id": sent["id"].upper(), "name": " Sie\u0302u thị Minh Anh "}
    assert api.post("/api/v1/store-proposals", json=same).status_code == 200
    other = api.post("/api/v1/store-proposals", json={**sent, "name": "Siêu thị Minh Anh 2"})
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "conflict"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoreProposal)) == 1
        assert db.session.scalar(select(StoreProposal.name)) == "Siêu thị Minh Anh"


def test_the_same_proposal_sent_from_two_tabs_at_once_is_stored_once(app):
    body = {"id": str(uuid.uuid4()), **PROPOSAL}
    tabs = [as_user(app, "inspector"), as_user(app, "inspector")]
    start, statuses = threading.Barrier(2), []

    def send(tab):
        start.wait()
        statuses.append(tab.post("/api/v1/store-proposals", json=body).status_code)

    threads = [threading.Thread(target=send, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 201]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoreProposal)) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": None}, "name"),
        ({"name": "   "}, "name"),
        ({"type": "kiosk"}, "type"),
        ({"unit_code": "NOWHERE"}, "unit_code"),
        ({"location": {"lat": 120, "lon": 106}}, "location.lat"),
    ],
)
def test_a_proposal_without_a_name_or_of_an_unknown_type_is_refused_with_its_field(app, api, change, field):
    api.login("inspector")
    body = {"id": str(uuid.uuid4()), **PROPOSAL, **change}
    if change.get("name", "") is None:
        del body["name"]
    response = api.post("/api/v1/store-proposals", json=body)
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoreProposal)) == 0


def test_a_proposal_needs_only_a_name_and_a_type(app, api):
    api.login("inspector")
    body = {"id": str(uuid.uuid4()), "name": "Cửa hàng tiện lợi Ngã Tư", "type": "convenience_store"}
    assert api.post("/api/v1/store-proposals", json=body).status_code == 201
    (listed,) = as_user(app, "admin").get("/api/v1/store-proposals").get_json()["proposals"]
    assert listed["address"] == "" and listed["unit_code"] is None and listed["location"] is None


def test_the_admin_lists_the_waiting_proposals_with_the_contract_keys(app, api):
    api.login("inspector")
    sent = propose(api)
    decided = propose(api, name="Chợ Gạo")
    decide(app, decided["id"], {"action": "reject", "comment": "Không phải siêu thị"})
    proposals = as_user(app, "admin").get("/api/v1/store-proposals").get_json()["proposals"]
    assert [proposal["id"] for proposal in proposals] == [sent["id"]]  # the decided one is gone
    (listed,) = proposals
    assert set(listed) == LIST_KEYS
    assert {key: listed[key] for key in ("name", "type", "address", "unit_code", "location")} == {
        key: PROPOSAL[key] for key in ("name", "type", "address", "unit_code", "location")
    }
    assert listed["inspector"] == "inspector" and listed["received_at"].endswith("+00:00")


def test_only_inspectors_propose_and_only_admins_list_and_decide(app, api):
    api.login("inspector")
    sent = propose(api)
    assert api.get("/api/v1/store-proposals").status_code == 403
    assert api.post(f"/api/v1/store-proposals/{sent['id']}/decision", json={"action": "reject"}).status_code == 403
    reviewer = as_user(app, "reviewer")
    assert reviewer.get("/api/v1/store-proposals").status_code == 403
    decision = {"action": "reject", "comment": "Không"}
    assert reviewer.post(f"/api/v1/store-proposals/{sent['id']}/decision", json=decision).status_code == 403
    body = {**PROPOSAL, "id": str(uuid.uuid4())}
    assert as_user(app, "admin").post("/api/v1/store-proposals", json=body).status_code == 403
    assert app.test_client().get("/api/v1/store-proposals").status_code == 401
    with app.app_context():
        assert db.session.get(StoreProposal, uuid.UUID(sent["id"])).status == "waiting"


# --- surveys of a proposal -------------------------------------------------------------------------


def test_a_survey_of_a_waiting_proposal_is_created_and_counts_nowhere(app, api):
    before = figures_2025(app)
    api.login("inspector")
    sent = propose(api)
    survey = survey_of(sent["id"], packaging=[{"zone": "checkout", "category": "PAPER", "count": 20}])
    assert sync_via_api(api, survey)[0]["status"] == "created"
    assert figures_2025(app) == before
    stored = stored_survey(app, survey["id"])
    assert stored["store_code"] is None and stored["store_proposal"] == sent["id"]
    (mine,) = api.get("/api/v1/surveys?mine=1").get_json()["surveys"]
    assert mine["store_code"] is None and mine["store_name"] == "Siêu thị Minh Anh"
    assert sync_via_api(api, survey)[0]["status"] == "duplicate"  # sent again: stored once
    assert sync_via_api(api, {**survey, "notes": "khác"})[0]["status"] == "conflict"


def test_after_create_the_surveys_count_for_the_new_store(app, api):
    api.login("inspector")
    sent = propose(api)
    survey = survey_of(sent["id"], packaging=[{"zone": "checkout", "category": "PAPER", "count": 20}])
    sync_via_api(api, survey)
    before = figures_2025(app)
    answer = decide(app, sent["id"], {"action": "create", "code": "HY-0101", "unit_code": "HY-PH"})
    assert answer == {"id": sent["id"], "status": "created", "store_code": "HY-0101", "surveys": 1}
    after = figures_2025(app)
    assert after["stores_in_scope"] == before["stores_in_scope"] + 1
    assert after["stores_surveyed"] == before["stores_surveyed"] + 1
    assert after["stores_compliant"] == before["stores_compliant"] + 1
    assert stored_survey(app, survey["id"])["store_code"] == "HY-0101"
    codes = {store["code"]: store for store in api.get("/api/v1/stores").get_json()["stores"]}
    assert codes["HY-0101"]["name"] == "Siêu thị Minh Anh" and codes["HY-0101"]["unit_code"] == "HY-PH"
    assert (codes["HY-0101"]["lat"], codes["HY-0101"]["lon"]) == (20.6466, 106.0512)  # located within 50 m
    assert api.get("/api/v1/store-proposals").status_code == 403
    assert as_user(app, "admin").get("/api/v1/store-proposals").get_json()["proposals"] == []
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"store_create", "proposal_create"} <= actions
    assert_store_years_consistent(app)


def test_a_survey_sent_after_the_decision_goes_to_the_store_at_once(app, api):
    api.login("inspector")
    sent = propose(api, unit_code=None, location=None)
    answer = decide(app, sent["id"], {"action": "create", "code": "hy-0102", "unit_code": "HY-MH"})
    assert answer["store_code"] == "hy-0102"
    before = figures_2025(app)
    survey = survey_of(sent["id"])
    assert sync_via_api(api, survey)[0]["status"] == "created"
    assert stored_survey(app, survey["id"])["store_code"] == "hy-0102"
    assert figures_2025(app)["stores_surveyed"] == before["stores_surveyed"] + 1
    assert_store_years_consistent(app)


def test_merge_moves_the_surveys_to_the_registered_store(app, api):
    before = figures_2025(app)
    api.login("inspector")
    sent = propose(api, name="TTTM Phố Hiến")
    survey = survey_of(sent["id"], packaging=[{"zone": "checkout", "category": "PAPER", "count": 20}])
    sync_via_api(api, survey)
    answer = decide(app, sent["id"], {"action": "merge", "store_code": "s-002"})  # any capitals
    assert answer == {"id": sent["id"], "status": "merged", "store_code": "S-002", "surveys": 1}
    assert stored_survey(app, survey["id"])["store_code"] == "S-002"
    after = figures_2025(app)
    assert after["stores_in_scope"] == before["stores_in_scope"]  # no new store
    assert after["stores_surveyed"] == before["stores_surveyed"] + 1
    assert {row["type"]: row["stores_surveyed"] for row in after["by_type"]}["commercial_centre"] == 1
    assert_store_years_consistent(app)


def test_a_merge_into_a_closed_store_is_refused(app, api):
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "S-002"))
        store.closed_on = date(2024, 12, 31)
        db.session.commit()
    api.login("inspector")
    sent = propose(api)
    refused = decide(app, sent["id"], {"action": "merge", "store_code": "S-002"}, status=400)
    assert "store_code" in refused["error"]["fields"]
    unknown = decide(app, sent["id"], {"action": "merge", "store_code": "NOPE-1"}, status=400)
    assert "store_code" in unknown["error"]["fields"]
    with app.app_context():
        assert db.session.get(StoreProposal, uuid.UUID(sent["id"])).status == "waiting"


def test_after_reject_the_surveys_never_count(app, api):
    before = figures_2025(app)
    api.login("inspector")
    sent = propose(api)
    first = survey_of(sent["id"])
    sync_via_api(api, first)
    answer = decide(app, sent["id"], {"action": "reject", "comment": "Cửa hàng tạp hoá, không phải siêu thị"})
    assert answer == {"id": sent["id"], "status": "rejected", "store_code": None, "surveys": 1}
    later = survey_of(sent["id"], visited_at="2025-07-01T09:00:00+07:00")
    assert sync_via_api(api, later)[0]["status"] == "created"  # received from this inspector: accepted
    assert figures_2025(app) == before
    assert stored_survey(app, later["id"])["store_code"] is None
    decide(app, sent["id"], {"action": "create", "code": "HY-0103", "unit_code": "HY-PH"}, status=409)
    assert figures_2025(app) == before
    assert_store_years_consistent(app)


def test_a_rejection_says_why(app, api):
    api.login("inspector")
    sent = propose(api)
    refused = decide(app, sent["id"], {"action": "reject", "comment": "  "}, status=400)
    assert "comment" in refused["error"]["fields"]


@pytest.mark.parametrize(
    "second",
    [
        {"action": "create", "code": "HY-0199", "unit_code": "HY-PH"},
        {"action": "merge", "store_code": "S-001"},
        {"action": "reject", "comment": "Trùng"},
    ],
)
def test_a_decided_proposal_answers_conflict(app, api, second):
    api.login("inspector")
    sent = propose(api)
    decide(app, sent["id"], {"action": "merge", "store_code": "S-001"})
    answer = decide(app, sent["id"], second, status=409)
    assert answer["error"]["code"] == "conflict"
    with app.app_context():
        assert db.session.get(StoreProposal, uuid.UUID(sent["id"])).status == "merged"
        assert db.session.scalar(select(func.count()).select_from(Store).where(Store.code == "HY-0199")) == 0


def test_two_admins_deciding_at_once_make_one_decision(app, api):
    api.login("inspector")
    sent = propose(api)
    sync_via_api(api, survey_of(sent["id"]))
    admins = [as_user(app, "admin"), as_user(app, "admin")]
    asked = [{"action": "create", "code": "HY-0110", "unit_code": "HY-PH"}, {"action": "merge", "store_code": "S-001"}]
    start, statuses = threading.Barrier(2), []

    def send(admin, decision):
        start.wait()
        statuses.append(admin.post(f"/api/v1/store-proposals/{sent['id']}/decision", json=decision).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(admins, asked, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    with app.app_context():
        proposal = db.session.get(StoreProposal, uuid.UUID(sent["id"]))
        survey = db.session.scalar(select(Survey))
        assert survey.store_id == proposal.store_id is not None
        made = db.session.scalar(select(func.count()).select_from(Store).where(Store.code == "HY-0110"))
        assert made == (1 if proposal.status == "created" else 0)
    assert_store_years_consistent(app)


def test_a_survey_sent_while_the_admin_merges_ends_with_the_store(app, api):
    """Whichever comes first, the survey belongs to the store: a decision moves the surveys stored
    before it, and a survey stored after it reads the decision."""
    api.login("inspector")
    sent = propose(api)
    admin, survey = as_user(app, "admin"), survey_of(sent["id"])
    start, statuses = threading.Barrier(2), []

    def merge():
        start.wait()
        url = f"/api/v1/store-proposals/{sent['id']}/decision"
        statuses.append(admin.post(url, json={"action": "merge", "store_code": "S-002"}).status_code)

    def sync():
        start.wait()
        statuses.append(api.post("/api/v1/surveys", json={"surveys": [survey]}).status_code)

    threads = [threading.Thread(target=merge), threading.Thread(target=sync)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(200) == 2
    assert stored_survey(app, survey["id"])["store_code"] == "S-002"
    assert_store_years_consistent(app)


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        ({"action": "create", "unit_code": "HY-PH"}, "code"),
        ({"action": "create", "code": "HY 01", "unit_code": "HY-PH"}, "code"),
        ({"action": "create", "code": "s-001", "unit_code": "HY-PH"}, "code"),  # taken, in other capitals
        ({"action": "create", "code": "HY-0104", "unit_code": "NOWHERE"}, "unit_code"),
        ({"action": "create", "code": "HY-0104"}, "unit_code"),  # neither the admin nor the inspector gave one
        ({"action": "merge"}, "store_code"),
        ({"action": "demolish"}, "action"),
    ],
)
def test_a_wrong_decision_is_refused_with_its_field_and_nothing_changes(app, api, decision, field):
    api.login("inspector")
    sent = propose(api, unit_code=None)
    answer = decide(app, sent["id"], decision, status=400)
    assert field in answer["error"]["fields"]
    with app.app_context():
        assert db.session.get(StoreProposal, uuid.UUID(sent["id"])).status == "waiting"
        assert db.session.scalar(select(func.count()).select_from(Store)) == 3


def test_create_takes_the_inspectors_unit_when_the_admin_gives_none(app, api):
    api.login("inspector")
    sent = propose(api, location={"lat": 20.6, "lon": 106.0, "accuracy_m": 400})
    assert decide(app, sent["id"], {"action": "create", "code": "HY-0105"})["store_code"] == "HY-0105"
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "HY-0105"))
        assert store.unit.code == "HY-PH" and store.type == "supermarket"
        assert store.lat is None  # a fix within 400 m does not place a store


def test_an_unknown_proposal_is_not_found(app):
    admin = as_user(app, "admin")
    response = admin.post(f"/api/v1/store-proposals/{uuid.uuid4()}/decision", json={"action": "reject"})
    assert response.status_code == 404
    assert admin.post("/api/v1/store-proposals/not-an-id/decision", json={}).status_code == 404


# --- what a survey may name ------------------------------------------------------------------------


def test_a_survey_may_name_only_a_proposal_its_own_inspector_sent(app, api):
    api.login("inspector")
    sent = propose(api)
    other = as_user(app, "inspector2")
    (result,) = sync_via_api(other, survey_of(sent["id"]))
    assert result["status"] == "invalid" and "store_proposal" in result["errors"]
    (unknown,) = sync_via_api(api, survey_of(str(uuid.uuid4())))
    assert unknown["status"] == "invalid" and "store_proposal" in unknown["errors"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_survey_names_a_store_code_or_a_proposal_never_both_nor_neither(app, api):
    api.login("inspector")
    sent = propose(api)
    both = {**survey_of(sent["id"]), "store_code": "S-001"}
    neither = make_survey()
    del neither["store_code"]
    results = sync_via_api(api, both, neither)
    assert [result["status"] for result in results] == ["invalid", "invalid"]
    assert "store_proposal" in results[0]["errors"] and "store_code" in results[1]["errors"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_correction_of_a_waiting_proposals_survey_stays_with_the_proposal(app, api):
    api.login("inspector")
    sent = propose(api)
    first = survey_of(sent["id"])
    sync_via_api(api, first)
    moved = make_survey(supersedes=first["id"])  # the same visit, corrected, but to a registered store
    (refused,) = sync_via_api(api, moved)
    assert refused["status"] == "invalid" and "supersedes" in refused["errors"]
    correction = survey_of(sent["id"], supersedes=first["id"])
    assert sync_via_api(api, correction)[0]["status"] == "created"
    decide(app, sent["id"], {"action": "merge", "store_code": "S-001"})
    assert stored_survey(app, correction["id"])["store_code"] == "S-001"
    assert stored_survey(app, first["id"])["superseded_by"] == correction["id"]
    assert_store_years_consistent(app)


def test_proposals_share_the_survey_syncs_rate_limit(app, api):
    app.config["SYNC_RATE_LIMIT"] = "2 per minute"
    api.login("inspector")
    propose(api)
    propose(api)
    body = {**PROPOSAL, "id": str(uuid.uuid4())}
    response = api.post("/api/v1/store-proposals", json=body)
    assert response.status_code == 429 and response.get_json()["error"]["code"] == "too_many_requests"
