"""Provinces on one deployment: the data model, `create-user`, `init-db`, the Ministry (docs/provinces.md)."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select, text

from models import (
    AdminUnit,
    AuditEntry,
    ComplianceRule,
    Photo,
    Product,
    Store,
    StoreLink,
    StoreProposal,
    Survey,
    SurveyRound,
    User,
    db,
)
from survey.domain.provinces import moving, rows, tenancy
from tests.conftest import add_store, add_unit, csrf_from, make_survey, post_form
from tests.provinces_world import B_STORE_CODE, PASSWORD, log_in, make_world


@pytest.fixture
def world(app):
    return make_world(app)


def test_every_row_of_both_provinces_has_its_province(app, world):
    with app.app_context():
        provinces = {
            unit.code: unit.id for unit in db.session.scalars(select(AdminUnit).where(AdminUnit.level == "province"))
        }
        for model in (Store, Survey, Photo, StoreLink, StoreProposal, SurveyRound):
            rows = list(db.session.scalars(select(model)))
            assert rows and all(row.province_id in provinces.values() for row in rows), model
        assert {row.province_id for row in db.session.scalars(select(Survey))} == set(provinces.values())
        entries = list(db.session.scalars(select(AuditEntry)))
        assert entries and all(entry.province_id in provinces.values() for entry in entries)
        users = {user.username: user.province_id for user in db.session.scalars(select(User))}
        assert users["bd-admin"] == provinces["BD"] and users["hy-inspector"] == provinces["HY"]


def province_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))


def user_province(app, username: str) -> int | None:
    with app.app_context():
        return db.session.scalar(select(User.province_id).where(User.username == username))


def add_second_province(app) -> None:
    with app.app_context():
        add_unit("BD", "Tỉnh Bình Định Thử", "province")
        db.session.commit()


# --- create-user ------------------------------------------------------------------------------


def test_create_user_defaults_to_the_only_province(app, runner):
    result = runner.invoke(args=["create-user", "lan", "--role", "inspector", "--password", "mat-khau-dai-1"])
    assert result.exit_code == 0, result.output
    assert user_province(app, "lan") == province_id(app, "HY")


def test_with_two_provinces_the_province_is_required_and_must_exist(app, runner):
    add_second_province(app)
    missing = runner.invoke(args=["create-user", "lan", "--role", "admin", "--password", "mat-khau-dai-1"])
    assert missing.exit_code != 0 and "--province" in missing.output and "BD" in missing.output
    unknown = runner.invoke(
        args=["create-user", "lan", "--role", "admin", "--password", "mat-khau-dai-1", "--province", "99"]
    )
    assert unknown.exit_code != 0 and "99" in unknown.output
    assert user_province(app, "lan") is None  # nothing made
    made = runner.invoke(
        args=["create-user", "lan", "--role", "admin", "--password", "mat-khau-dai-1", "--province", "BD"]
    )
    assert made.exit_code == 0, made.output
    assert user_province(app, "lan") == province_id(app, "BD")
    with app.app_context():  # the audit entry of the new user is in that province too
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user_create"))
        assert entry.province_id == province_id(app, "BD")


def test_a_ministry_user_has_no_province(app, runner):
    add_second_province(app)
    refused = runner.invoke(
        args=["create-user", "bo", "--role", "ministry", "--password", "mat-khau-dai-1", "--province", "HY"]
    )
    assert refused.exit_code != 0
    made = runner.invoke(args=["create-user", "bo", "--role", "ministry", "--password", "mat-khau-dai-1"])
    assert made.exit_code == 0, made.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bo"))
        assert user.role == "ministry" and user.province_id is None


# --- init-db ------------------------------------------------------------------------------------


SCOPED_TABLES = ("store", "survey", "photo", "store_link", "store_proposal", "survey_round", "audit_entry")


def test_moving_over_gives_a_one_province_database_its_province(app):
    make_world(app, with_b=False)
    with app.app_context():  # as a database from before provinces: no row knows its province
        for table in (*SCOPED_TABLES, "user_account", "admin_unit"):
            db.session.execute(text(f"UPDATE {table} SET province_id = NULL"))
        db.session.commit()
        moved = moving.move_over()
        db.session.commit()
        assert moved.province.code == "HY" and moved.total > 0
    hy = province_id(app, "HY")
    with app.app_context():
        for table in SCOPED_TABLES:
            values = set(db.session.execute(text(f"SELECT DISTINCT province_id FROM {table}")).scalars())
            assert values == {hy}, table
        users = set(db.session.execute(text("SELECT DISTINCT province_id FROM user_account")).scalars())
        assert users == {hy}
        units = dict(db.session.execute(text("SELECT code, province_id FROM admin_unit")).all())
        assert units == {"HY": None, "HY-MH": hy, "HY-PH": hy}
        assert moving.move_over().total == 0  # once


def test_init_db_moves_the_demo_over(tmp_path):
    from tests.test_cli import fresh_app

    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        for table in (*SCOPED_TABLES, "user_account"):
            db.session.execute(text(f"UPDATE {table} SET province_id = NULL"))
        db.session.commit()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "rows assigned" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(Store).where(Store.province_id.is_(None))) is None
        assert db.session.scalar(select(User).where(User.province_id.is_(None))) is None


def test_init_db_without_a_province_asks_for_one(tmp_path):
    from tests.test_cli import fresh_app

    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0  # an empty database needs nothing yet
    with app.app_context():
        unit = add_unit("MH", "Thị xã Mỹ Hào", "district")
        add_store("X-1", unit)
        db.session.commit()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code != 0 and "import-units --official" in result.output


# --- the scoping rule ---------------------------------------------------------------------------


def test_every_model_with_a_province_is_scoped():
    """A model that gains a province_id must be added to tenancy.SCOPED, or its rows leak across provinces."""
    with_province = {mapper.class_ for mapper in db.Model.registry.mappers if "province_id" in mapper.columns}
    assert with_province == set(tenancy.SCOPED)
    kept_on_write = set(rows.KEPT) | {ComplianceRule}  # rule versions name their province when saved
    assert with_province == kept_on_write


def test_an_admin_makes_users_in_their_own_province_and_sees_only_theirs(app, world):
    admin = log_in(app, "hy-admin")
    page = admin.client.get("/users").get_data(as_text=True)
    assert "hy-inspector" in page and "bd-inspector" not in page
    password = "mat-khau-rat-dai-1"
    form = {"username": "hy-new", "role": "inspector", "password": password, "confirm": password}
    response = post_form(admin.client, "/users/new", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert user_province(app, "hy-new") == province_id(app, "HY")
    assert admin.client.get(f"/users/{world['BD'].user_ids['inspector']}/edit").status_code == 404


def test_an_inspector_cannot_send_a_survey_of_another_provinces_store(app, world):
    inspector = log_in(app, "hy-inspector")
    answer = inspector.post("/api/v1/surveys", json={"surveys": [make_survey(store_code=B_STORE_CODE)]}).get_json()
    assert answer["results"][0]["status"] == "invalid"


def test_an_id_already_used_in_another_province_is_a_conflict_and_changes_nothing(app, world):
    """Ids are unique across provinces: B's inspector reusing A's survey, photo or proposal id gets
    the answer an id clash gets in one province, never a 500 nor "could not be read"."""
    inspector = log_in(app, "bd-inspector")
    reused = make_survey(id=world["HY"].survey_id, store_code=B_STORE_CODE)
    answer = inspector.post("/api/v1/surveys", json={"surveys": [reused]}).get_json()
    assert answer["results"][0]["status"] == "conflict", answer

    photo_taken = make_survey(store_code=B_STORE_CODE, photos=[{"id": world["HY"].photo_id, "caption": "quầy"}])
    answer = inspector.post("/api/v1/surveys", json={"surveys": [photo_taken]}).get_json()
    assert answer["results"][0]["status"] == "invalid" and "photos.0.id" in answer["results"][0]["errors"], answer

    proposal = {"id": world["HY"].proposal_id, "name": "Tạp hóa khác", "type": "supermarket"}
    response = inspector.post("/api/v1/store-proposals", json=proposal)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"
    with app.app_context():
        stored = db.session.scalar(
            select(StoreProposal)
            .where(StoreProposal.id == uuid.UUID(world["HY"].proposal_id))
            .execution_options(**tenancy.ALL_PROVINCES)
        )
        assert stored.name == "Tạp hóa mới HY"  # A's proposal as it was
        a_survey = db.session.get(Survey, uuid.UUID(world["HY"].survey_id))
        assert a_survey.store.code == "S-001"  # A's survey as it was


# --- rules and the Ministry -------------------------------------------------------------------------


def save_rule(app, username: str, target: str, minimum: str) -> None:
    admin = log_in(app, username)
    page = admin.client.get("/rules/2021/new").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "target_pct": target, "zones": ["checkout"], "min_eco_share_pct": minimum}
    response = admin.client.post("/rules/2021/new", data={**data, "note": "Kế hoạch riêng của tỉnh"})
    assert response.status_code == 302, response.get_data(as_text=True)


def ministry(app, runner):
    result = runner.invoke(args=["create-user", "bo-ct", "--role", "ministry", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    return log_in(app, "bo-ct")


def test_a_province_rule_is_its_own(app, world):
    save_rule(app, "bd-admin", "50", "50")
    bd = log_in(app, "bd-reviewer").get("/api/v1/indicators?year=2025").get_json()
    hy = log_in(app, "hy-reviewer").get("/api/v1/indicators?year=2025").get_json()
    assert bd["rule"] == {"version": 2, "zones": ["checkout"], "min_eco_share_pct": 50.0, "target_pct": 50}
    assert hy["rule"]["version"] == 1 and hy["target_pct"] == 85  # the national default
    # The surveys' checkout is 18 of 30 eco: 60% passes B's rule, not the national 100%.
    assert (bd["stores_compliant"], hy["stores_compliant"]) == (1, 0)
    with app.app_context():
        rule = db.session.scalar(select(ComplianceRule).where(ComplianceRule.version == 2))
        assert rule.province_id == province_id(app, "BD")


def test_the_ministry_sees_the_nation_and_each_province_by_its_own_rule(app, runner, world):
    save_rule(app, "bd-admin", "50", "50")
    body = ministry(app, runner).get("/api/v1/indicators?year=2025").get_json()
    rows = {row["province_code"]: row for row in body["by_province"]}
    assert set(rows) == {"HY", "BD"}
    assert rows["BD"]["province_name"] == "Tỉnh Bình Định Thử"
    assert rows["BD"]["rule"]["target_pct"] == 50 and rows["HY"]["rule"]["target_pct"] == 85
    assert (rows["HY"]["stores_in_scope"], rows["BD"]["stores_in_scope"]) == (2, 1)
    assert (rows["HY"]["stores_compliant"], rows["BD"]["stores_compliant"]) == (0, 1)
    # The national figure counts stores, each judged by its province's rule: 1 of 3, not mean(0%, 100%).
    assert (body["stores_in_scope"], body["stores_compliant"], body["compliance_pct"]) == (3, 1, 33.3)
    for key in ("stores_in_scope", "stores_surveyed", "stores_compliant", "eco_label_skus"):
        assert body[key] == sum(row[key] for row in rows.values()), key
    assert body["target_pct"] == 85 and body["stores_needed"] == 2  # ceil(0.85 × 3) − 1
    # Each row is what the province's own users see, read from the year's stores once.
    for code in ("HY", "BD"):
        own = log_in(app, f"{code.lower()}-reviewer").get("/api/v1/indicators?year=2025").get_json()
        assert {key: rows[code][key] for key in own if key in rows[code]} == {
            key: value for key, value in own.items() if key in rows[code]
        }


def test_the_ministry_sees_a_province_as_its_own_users_do(app, runner, world):
    bo = ministry(app, runner)
    for code, username in (("BD", "bd-reviewer"), ("HY", "hy-reviewer")):
        own = log_in(app, username).get("/api/v1/indicators?year=2025&level=commune").get_json()
        assert bo.get(f"/api/v1/indicators?year=2025&level=commune&province={code}").get_json() == own
    assert bo.get("/api/v1/indicators?year=2025&province=ZZ").status_code == 404
    # A province's own users know no other province.
    assert log_in(app, "hy-reviewer").get("/api/v1/indicators?year=2025&province=BD").status_code == 404


def test_every_logged_in_role_reads_the_certified_products_the_ministry_included(app, runner, world):
    with app.app_context():
        db.session.add(
            Product(gtin="4006381333931", name="Túi giấy Xanh", brand="X", label_code="VN_ECOLABEL", certificate_no="1")
        )
        db.session.commit()
    for user in (ministry(app, runner), log_in(app, "bd-reviewer"), log_in(app, "hy-inspector")):
        response = user.client.get("/api/v1/products")
        assert response.status_code == 200
        assert [product["gtin"] for product in response.get_json()["products"]] == ["4006381333931"]
    assert app.test_client().get("/api/v1/products").status_code == 401  # logged in, still


def test_the_ministry_changes_nothing(app, runner, world):
    bo = ministry(app, runner)
    a = world["HY"]
    for method, url in (
        ("POST", "/api/v1/surveys"),
        ("POST", f"/api/v1/surveys/{a.survey_id}/review"),
        ("POST", "/api/v1/rounds"),
        ("PUT", f"/api/v1/rounds/{a.round_id}/assignments"),
        ("POST", f"/api/v1/store-proposals/{a.proposal_id}/decision"),
        ("PUT", f"/api/v1/photos/{a.photo_id}"),
        ("DELETE", f"/api/v1/surveys/{a.survey_id}"),
        ("POST", "/users/new"),
        ("POST", f"/stores/{a.store_code}/link/revoke"),
        ("POST", "/rules/2021/new"),
        ("POST", "/report/settings"),
    ):
        response = bo.client.open(url, method=method, json={}, headers={"X-CSRFToken": bo.token})
        assert response.status_code == 403, (method, url, response.status_code)
    page = bo.client.get("/dashboard").get_data(as_text=True)
    logout = bo.client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert logout.status_code == 302  # the one thing the Ministry may post


def test_the_ministry_sees_no_personal_data(app, runner, world):
    bo = ministry(app, runner)
    a = world["HY"]
    assert bo.get(f"/api/v1/photos/{a.photo_id}").status_code in (403, 404)
    assert bo.get(f"/api/v1/surveys/{a.survey_id}").status_code in (403, 404)
    assert bo.client.get(f"/review/{a.survey_id}").status_code in (403, 404)
    assert bo.client.get("/review").status_code == 403
    for url in ("/dashboard", "/indicators", "/report", "/api/v1/indicators?year=2025"):
        response = bo.client.get(url)
        assert response.status_code == 200, url
        assert "reporter" not in response.get_data(as_text=True), url


# --- the national comparison --------------------------------------------------------------------


def test_the_national_comparison_lists_each_province_and_the_nation(app, runner, world):
    save_rule(app, "bd-admin", "50", "50")
    bo = ministry(app, runner)
    home = bo.client.get("/")
    assert home.headers["Location"].endswith("/national")
    page = bo.client.get("/national?year=2025&lang=en").get_data(as_text=True)
    table = re.search(r'<table id="provinces">(.*?)</table>', page, re.S).group(1)
    body = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1].split("</tbody>")[0], re.S)
    assert [re.search(r">([^<]+)</a>", row).group(1) for row in body] == ["Tỉnh Bình Định Thử", "Tỉnh Hưng Yên"]
    assert "/dashboard?province=BD&amp;year=2025" in page
    total = re.search(r"<tfoot>(.*?)</tfoot>", table, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", total, re.S)]
    assert cells[1:4] == ["3", "2", "1"]  # in scope, surveyed, compliant: counted from the stores
    assert 'id="provinces-chart"' in page and 'class="target"' in page
    for role in ("hy-reviewer", "hy-admin"):
        assert log_in(app, role).client.get("/national").status_code == 403


def test_the_ministry_drills_into_a_province_read_only(app, runner, world):
    bo = ministry(app, runner)
    page = bo.client.get("/dashboard?province=BD&year=2025&lang=en").get_data(as_text=True)
    assert 'id="viewed-province"' in page and "Tỉnh Bình Định Thử" in page
    assert 'name="province" value="BD"' in page  # choosing another year stays in the province
    assert "Thị xã Mỹ Hào" not in page  # A's units are not B's dashboard's
    assert len(re.findall(r'<form[^>]*method="post"', page)) == 1  # log-out alone: nothing to change
    figures = bo.get("/api/v1/indicators?year=2025&province=BD").get_json()
    assert figures == log_in(app, "bd-reviewer").get("/api/v1/indicators?year=2025").get_json()
    assert bo.client.get("/dashboard?province=ZZ").status_code == 404
    # For a province's own users, ?province= changes nothing: they stay in theirs.
    own = log_in(app, "hy-reviewer").client.get("/dashboard?province=BD&lang=en").get_data(as_text=True)
    assert 'id="viewed-province"' not in own and "Quy Nhơn" not in own


def test_every_link_of_a_viewed_province_stays_in_it(app, runner, world):
    bo = ministry(app, runner)
    for url in ("/dashboard?province=BD&year=2025", "/indicators?province=BD&year=2025", "/report?province=BD"):
        page = bo.client.get(url).get_data(as_text=True)
        links = [href for href in re.findall(r'href="(/[^"]*)"', page) if not href.startswith(("/static/", "/nation"))]
        assert links, url
        for href in links:
            assert "province=BD" in href, (url, href)
            assert bo.client.get(href.replace("&amp;", "&")).status_code in (200, 302), href
    # The way back to the comparison leaves the province.
    assert 'href="/national"' in bo.client.get("/dashboard?province=BD").get_data(as_text=True)
    # A province's figures, yes; its survey rows, which name their inspectors, no.
    exported = bo.client.get("/exports/indicators/2025.csv?province=BD").get_data(as_text=True)
    assert exported == log_in(app, "bd-reviewer").client.get("/exports/indicators/2025.csv").get_data(as_text=True)
    assert bo.client.get("/exports/surveys/2025.csv?province=BD").status_code == 403


def test_a_province_works_as_before_inside_its_scope(app, world):
    """The writes that update rows in bulk (a correction, a review, a store edit) work in a scoped session."""
    a = world["HY"]
    reviewer = log_in(app, "hy-reviewer")
    back = reviewer.post(f"/api/v1/surveys/{a.survey_id}/review", json={"state": "has_issues", "comment": "Đếm lại"})
    assert back.status_code == 200, back.get_data(as_text=True)
    inspector = log_in(app, "hy-inspector")
    correction = make_survey(store_code=a.store_code, supersedes=a.survey_id)
    answer = inspector.post("/api/v1/surveys", json={"surveys": [correction]}).get_json()
    assert answer["results"][0]["status"] == "created", answer
    mine = inspector.get("/api/v1/surveys?mine=1").get_json()["surveys"]
    assert {survey["id"] for survey in mine} == {a.survey_id, correction["id"]}
    with app.app_context():
        stored = db.session.get(Survey, uuid.UUID(a.survey_id))
        assert str(stored.superseded_by_id) == correction["id"]
        assert db.session.get(Survey, uuid.UUID(correction["id"])).province_id == province_id(app, "HY")
