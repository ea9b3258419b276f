"""Rounds and assignments over HTTP, line by line of the contract ("Rounds and assignments")."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, RoundAssignment, Store, User, db
from survey.domain import policy
from survey.domain.rounds import progress as round_progress
from tests.conftest import CHECKOUT_ALL_ECO, add_store, add_unit, visit

ROUND = {"name": "Đợt 2026", "starts_on": "2026-03-01", "ends_on": "2026-11-30"}


def put_json(api, url, body):
    return api.client.put(url, json=body, headers={"X-CSRFToken": api.token})


def make_round(api, **change):
    response = api.post("/api/v1/rounds", json={**ROUND, **change})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["round"]


def test_a_round_covers_the_in_scope_types_of_every_unit_by_default(api):
    api.login("reviewer")
    made = make_round(api)
    assert {k: made[k] for k in ("name", "starts_on", "ends_on")} == ROUND
    assert made["stores"] == 2  # S-001 supermarket, S-002 commercial centre; S-003 is a convenience store
    assert isinstance(made["id"], int)
    assert api.get("/api/v1/rounds").get_json()["rounds"] == [made]


def test_types_and_units_narrow_a_round_and_a_unit_takes_the_units_below_it(api, app):
    with app.app_context():
        province = db.session.scalar(select(Store).where(Store.code == "S-001")).unit.parent
        ward = add_unit(
            "HY-PH-1", "Khu phố 1", "village", db.session.scalar(select(Store).where(Store.code == "S-001")).unit
        )
        add_store("S-010", ward, "convenience_store")
        assert province.code == "HY"
        db.session.commit()
    api.login("admin")
    assert make_round(api, store_types=["convenience_store"])["stores"] == 2  # S-003 and S-010
    assert make_round(api, store_types=["convenience_store"], unit_codes=["HY-PH"])["stores"] == 1
    assert make_round(api, unit_codes=["HY"])["stores"] == 2
    assert make_round(api, unit_codes=["HY-MH"])["stores"] == 1  # S-002


def test_a_store_open_on_one_day_of_the_round_is_covered_and_one_closed_before_is_not(api, app):
    with app.app_context():
        unit = db.session.scalar(select(Store).where(Store.code == "S-001")).unit
        add_store("S-020", unit, closed_on=date(2026, 3, 1))  # open on the first day
        add_store("S-021", unit, closed_on=date(2026, 2, 28))
        add_store("S-022", unit, opened_on=date(2026, 11, 30))  # open on the last day
        add_store("S-023", unit, opened_on=date(2026, 12, 1))
        db.session.commit()
    api.login("reviewer")
    assert make_round(api)["stores"] == 4


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2026-02-28"}, "ends_on"),
        ({"store_types": ["kiosk"]}, "store_types.0"),
        ({"unit_codes": ["HY", "NOWHERE"]}, "unit_codes.1"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"name": ""}, "name"),
    ],
)
def test_a_wrong_round_is_refused_with_its_field_and_nothing_is_made(api, app, change, field):
    api.login("admin")
    response = api.post("/api/v1/rounds", json={**ROUND, **change})
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]
    assert api.get("/api/v1/rounds").get_json()["rounds"] == []


def test_only_reviewers_and_admins_plan_rounds(api):
    api.login("inspector")
    assert api.post("/api/v1/rounds", json=ROUND).status_code == 403
    assert api.get("/api/v1/rounds").status_code == 403


def test_assignments_are_made_moved_and_taken_back(api, app):
    api.login("reviewer")
    made = make_round(api)
    url = f"/api/v1/rounds/{made['id']}/assignments"
    response = put_json(api, url, {"assignments": [{"store_code": "S-001", "inspector": "inspector"}]})
    assert response.status_code == 200 and response.get_json() == {"assigned": 1, "unassigned": 0}
    response = put_json(
        api,
        url,
        {
            "assignments": [
                {"store_code": "S-001", "inspector": "inspector2"},
                {"store_code": "S-002", "inspector": None},
            ]
        },
    )
    assert response.get_json() == {"assigned": 1, "unassigned": 1}
    with app.app_context():
        rows = db.session.execute(select(RoundAssignment.store_id, User.username).join(User)).all()
        assert [name for _, name in rows] == ["inspector2"]  # moved, never two
        assert (
            db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "round_assign"))
            == 2
        )
    put_json(api, url, {"assignments": [{"store_code": "S-001", "inspector": None}]})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RoundAssignment)) == 0


def test_a_wrong_line_refuses_every_line_and_says_which(api, app):
    api.login("admin")
    made = make_round(api)
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "inspector2")).active = False
        db.session.commit()
    lines = [
        {"store_code": "S-001", "inspector": "inspector"},
        {"store_code": "S-003", "inspector": "inspector"},  # a convenience store: not covered
        {"store_code": "S-002", "inspector": "reviewer"},  # not an inspector
        {"store_code": "S-002", "inspector": "inspector2"},  # not active
        {"store_code": "S-404", "inspector": None},
    ]
    response = put_json(api, f"/api/v1/rounds/{made['id']}/assignments", {"assignments": lines})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert [line["index"] for line in error["lines"]] == [1, 2, 3, 4]
    assert all(line["message"] for line in error["lines"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RoundAssignment)) == 0


def test_an_unknown_round_is_not_found(api):
    api.login("admin")
    assert put_json(api, "/api/v1/rounds/999/assignments", {"assignments": []}).status_code == 404
    assert api.get("/api/v1/rounds/999/progress").status_code == 404


def test_progress_counts_visits_in_the_round_by_inspector_and_by_unit(api, app):
    api.login("admin")
    made = make_round(api)
    put_json(
        api,
        f"/api/v1/rounds/{made['id']}/assignments",
        {"assignments": [{"store_code": "S-001", "inspector": "inspector"}]},
    )
    with app.app_context():
        visit("S-001", "2026-03-01T00:30:00+07:00", CHECKOUT_ALL_ECO)  # the first local day, 28 Feb in UTC
        visit("S-002", "2026-12-01T00:10:00+07:00", CHECKOUT_ALL_ECO)  # the day after the round
    body = api.get(f"/api/v1/rounds/{made['id']}/progress").get_json()
    assert body["round"]["id"] == made["id"] and body["stores"] == 2 and body["visited"] == 1
    assert body["by_inspector"] == [
        {"inspector": "inspector", "stores": 1, "visited": 1},
        {"inspector": None, "stores": 1, "visited": 0},
    ]
    assert sorted((u["unit_code"], u["stores"], u["visited"]) for u in body["by_unit"]) == [
        ("HY-MH", 1, 0),
        ("HY-PH", 1, 1),
    ]
    assert body["unvisited"] == [{"store_code": "S-002", "inspector": None}]


def test_a_rejected_or_superseded_survey_or_a_self_report_does_not_complete_a_store(api, app):
    api.login("admin")
    plain = make_round(api)
    with_reports = make_round(api, self_reports_count=True)
    with app.app_context():
        visit("S-001", "2026-05-01T09:00:00+07:00", CHECKOUT_ALL_ECO, state="rejected")
        visit("S-002", "2026-05-01T09:00:00+07:00", CHECKOUT_ALL_ECO, source="self_report", state="approved")
    assert api.get(f"/api/v1/rounds/{plain['id']}/progress").get_json()["visited"] == 0
    assert api.get(f"/api/v1/rounds/{with_reports['id']}/progress").get_json()["visited"] == 1


def test_the_rounds_sql_counts_exactly_the_surveys_the_policy_counts(api, app):
    combinations = list(itertools.product(("inspection", "self_report"), policy.REVIEW_STATES))
    with app.app_context():
        unit = db.session.scalar(select(Store).where(Store.code == "S-001")).unit
        for number in range(len(combinations)):
            add_store(f"C-{number}", unit)
        db.session.commit()
        for number, (source, state) in enumerate(combinations):
            visit(f"C-{number}", "2026-05-01T09:00:00+07:00", CHECKOUT_ALL_ECO, source=source, state=state)
    api.login("admin")
    for reports in (False, True):
        made = make_round(api, self_reports_count=reports, unit_codes=["HY-PH"])
        unvisited = {
            line["store_code"] for line in api.get(f"/api/v1/rounds/{made['id']}/progress").get_json()["unvisited"]
        }
        for number, (source, state) in enumerate(combinations):
            expected = policy.survey_counts(source, state) and (source == "inspection" or reports)
            assert (f"C-{number}" not in unvisited) == expected, (source, state, reports)


def test_a_deactivated_inspectors_stores_show_unassigned(api, app):
    api.login("admin")
    made = make_round(api)
    put_json(
        api,
        f"/api/v1/rounds/{made['id']}/assignments",
        {"assignments": [{"store_code": "S-002", "inspector": "inspector2"}]},
    )
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "inspector2")).active = False
        db.session.commit()
    body = api.get(f"/api/v1/rounds/{made['id']}/progress").get_json()
    assert {"store_code": "S-002", "inspector": None} in body["unvisited"]


def test_an_inspector_sees_their_stores_in_the_rounds_in_progress(api, app, monkeypatch):
    api.login("admin")
    current = make_round(api, name="Đang chạy", starts_on="2026-01-01", ends_on="2026-12-31")
    later = make_round(api, name="Sau", starts_on="2027-01-01", ends_on="2027-12-31")
    for made in (current, later):
        put_json(
            api,
            f"/api/v1/rounds/{made['id']}/assignments",
            {
                "assignments": [
                    {"store_code": "S-001", "inspector": "inspector"},
                    {"store_code": "S-002", "inspector": "inspector"},
                ]
            },
        )
    with app.app_context():
        visit("S-002", "2026-06-01T09:00:00+07:00", CHECKOUT_ALL_ECO)
    monkeypatch.setattr(round_progress, "local_today", lambda: date(2026, 6, 2))
    api.client.get("/logout")
    api.login("inspector")
    mine = api.get("/api/v1/assignments?mine=1").get_json()["assignments"]
    contracted = ("round_id", "round_name", "ends_on", "store_code", "visited")  # the list adds keys beside these
    assert [{key: item[key] for key in contracted} for item in mine] == [
        {
            "round_id": current["id"],
            "round_name": "Đang chạy",
            "ends_on": "2026-12-31",
            "store_code": "S-001",
            "visited": False,
        },
        {
            "round_id": current["id"],
            "round_name": "Đang chạy",
            "ends_on": "2026-12-31",
            "store_code": "S-002",
            "visited": True,
        },
    ]


def test_an_id_past_the_largest_integer_is_a_404_not_an_overflow(client, auth):
    auth.login("admin")
    for number in (2056288655941867422251389670129664, 2**63, 2**63 - 1, 2**31):
        assert client.get(f"/api/v1/rounds/{number}/progress").status_code == 404
    assert client.get(f"/api/v1/rounds/{2**31 - 1}/progress").status_code == 404  # the largest a column holds
