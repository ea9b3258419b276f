"""The round pages: the list and a new round's form, a round's progress with its pace chart and
projection, its edit (audited), and the plan page's three ways to give stores to inspectors."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, RoundAssignment, Store, SurveyRound, User, db
from survey.domain import policy
from tests.conftest import CHECKOUT_ALL_ECO, add_store, csrf_from, rows_of, visit

ROUND = {"name": "Đợt 2026", "starts_on": "2026-03-02", "ends_on": "2026-11-29"}
TODAY = date(2026, 3, 15)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(policy, "local_today", lambda: TODAY)


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_page(client, page_url: str, action: str, data: dict):
    """Post a form the way a browser does from the page it is on (its CSRF token, its prefix's token)."""
    page = client.get(page_url).get_data(as_text=True)
    prefix = action.rsplit("/", 1)[-1]
    token = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page)
    name = f"{prefix}-csrf_token" if token else "csrf_token"
    return client.post(action, data={**data, name: token.group(1) if token else csrf_from(page)})


def make_round(client, **change) -> int:
    data = {**ROUND, "store_types": ["supermarket", "commercial_centre"], **change}
    response = post_page(client, "/rounds", "/rounds", data)
    assert response.status_code == 302, page_text(response)
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def add_supermarkets(app, count: int) -> None:
    with app.app_context():
        unit = db.session.scalar(select(Store).where(Store.code == "S-001")).unit
        for n in range(count):
            add_store(f"M-{n:02d}", unit)
        db.session.commit()


def assignments(app) -> dict[str, str]:
    with app.app_context():
        query = select(Store.code, User.username).join(RoundAssignment, RoundAssignment.store_id == Store.id)
        return dict(db.session.execute(query.join(User, User.id == RoundAssignment.inspector_id)).all())


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_the_pages_show_to_reviewers_and_admins(client, auth, role):
    auth.login(role)
    round_id = make_round(client)
    for url in ("/rounds", f"/rounds/{round_id}", f"/rounds/{round_id}/plan", f"/rounds/{round_id}/edit"):
        assert client.get(url).status_code == 200, url
    assert 'href="/rounds">Đợt khảo sát</a>' in page_text(client.get("/dashboard"))


def test_inspectors_are_refused_and_strangers_sent_to_log_in(client, auth, app):
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        db.session.add(SurveyRound(name="Đợt", starts_on=date(2026, 1, 1), ends_on=date(2026, 2, 1),
                                   store_types="supermarket", created_by_id=admin.id))  # fmt: skip
        db.session.commit()
    urls = ["/rounds", *[f"/rounds/1{tail}" for tail in ("", "/plan", "/edit", "/plan.xlsx", "/progress.xlsx")]]
    for url in urls:
        assert client.get(url).status_code == 302, url
    auth.login("inspector")
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post("/rounds/1/plan/store", data={}).status_code in (400, 403)
    assert "Đợt khảo sát</a>" not in page_text(client.get("/", follow_redirects=True))


def test_a_round_made_on_the_page_is_the_apis_round(client, auth, api):
    api.login("admin")
    round_id = make_round(client, unit_codes=["HY-PH"], self_reports_count="y")
    made = api.get("/api/v1/rounds").get_json()["rounds"][0]
    assert made["id"] == round_id and made["unit_codes"] == ["HY-PH"] and made["self_reports_count"] is True
    assert made["stores"] == 1  # S-001 only
    listed = [[" ".join(cell.split()) for cell in row] for row in rows_of(page_text(client.get("/rounds")), "rounds")]
    assert listed == [["Đợt 2026 đang diễn ra", "02/03/2026–29/11/2026", "0/1 (0,0%)"]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_on": "2026-03-01"}, "Ngày kết thúc trước ngày bắt đầu."),
        ({"store_types": []}, "Hãy chọn ít nhất một loại cửa hàng."),
        ({"unit_codes": ["HY-PH", "NOWHERE"]}, "Không có đơn vị hành chính mã NOWHERE."),
        ({"name": " "}, "Trường này là bắt buộc."),
        ({"starts_on": "2026-02-30"}, "Ngày bắt đầu:"),
    ],
)
def test_a_wrong_round_is_refused_in_vietnamese_and_nothing_is_made(client, auth, app, change, message):
    auth.login("reviewer")
    data = {**ROUND, "store_types": ["supermarket"], **change}
    response = post_page(client, "/rounds", "/rounds", data)
    assert response.status_code == 400
    assert message in page_text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyRound)) == 0


def test_an_edit_is_audited_and_a_store_no_longer_covered_loses_its_inspector(client, auth, app):
    auth.login("admin")
    round_id = make_round(client)
    post_page(client, f"/rounds/{round_id}/plan", f"/rounds/{round_id}/plan/store",
              {"store-store_code": "S-002", "store-inspector": "inspector"})  # fmt: skip
    assert assignments(app) == {"S-002": "inspector"}
    response = post_page(client, f"/rounds/{round_id}/edit", f"/rounds/{round_id}/edit",
                         {**ROUND, "name": "Đợt 2026 (sửa)", "store_types": ["supermarket"]})  # fmt: skip
    assert response.status_code == 302
    assert "1 cửa hàng không còn thuộc phạm vi đợt" in page_text(client.get(response.headers["Location"]))
    assert assignments(app) == {}
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "round_update"))
        assert entry.from_value.endswith("supermarket;commercial_centre *; inspections; Đợt 2026")
        assert entry.to_value.endswith("supermarket *; inspections; Đợt 2026 (sửa)")
        query = select(AuditEntry).where(AuditEntry.action == "round_assign").order_by(AuditEntry.id)
        taken = db.session.scalars(query).all()
        assert [(e.from_value, e.to_value) for e in taken] == [("S-002: ", "inspector"), ("S-002: inspector", "")]
    assert "Sửa đợt khảo sát" in page_text(client.get("/audit"))


def test_an_unchanged_edit_records_nothing(client, auth, app):
    auth.login("admin")
    round_id = make_round(client)
    post_page(client, f"/rounds/{round_id}/edit", f"/rounds/{round_id}/edit",
              {**ROUND, "store_types": ["supermarket", "commercial_centre"]})  # fmt: skip
    with app.app_context():
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "round_update")
        assert db.session.scalar(query) == 0


def test_an_edit_is_refused_by_the_same_rule_as_a_new_round(client, auth, app):
    auth.login("admin")
    round_id = make_round(client)
    response = post_page(client, f"/rounds/{round_id}/edit", f"/rounds/{round_id}/edit",
                         {**ROUND, "ends_on": "2026-01-01", "store_types": ["supermarket"]})  # fmt: skip
    assert response.status_code == 400 and "Ngày kết thúc trước ngày bắt đầu." in page_text(response)
    with app.app_context():
        assert db.session.get(SurveyRound, round_id).ends_on == date(2026, 11, 29)


def test_one_store_is_given_moved_and_a_wrong_one_refused_in_vietnamese(client, auth, app):
    auth.login("reviewer")
    round_id = make_round(client)
    plan, action = f"/rounds/{round_id}/plan", f"/rounds/{round_id}/plan/store"
    response = post_page(client, plan, action, {"store-store_code": "S-001", "store-inspector": "inspector"})
    assert response.status_code == 302
    assert "Số cửa hàng đã giao: 1; đã thu lại: 0." in page_text(client.get(plan))
    post_page(client, plan, action, {"store-store_code": "S-001", "store-inspector": "inspector2"})
    assert assignments(app) == {"S-001": "inspector2"}
    refused = post_page(client, plan, action, {"store-store_code": "S-003", "store-inspector": "inspector"})
    assert refused.status_code == 400
    assert "Đợt khảo sát không bao gồm cửa hàng S-003." in page_text(refused)
    post_page(client, plan, action, {"store-store_code": "S-001", "store-inspector": ""})  # nobody
    assert assignments(app) == {}


def test_a_units_stores_go_to_one_inspector(client, auth, app):
    add_supermarkets(app, 3)
    auth.login("admin")
    round_id = make_round(client)
    response = post_page(client, f"/rounds/{round_id}/plan", f"/rounds/{round_id}/plan/unit",
                         {"unit-unit_code": "HY-PH", "unit-inspector": "inspector2"})  # fmt: skip
    assert response.status_code == 302
    assert assignments(app) == dict.fromkeys(["M-00", "M-01", "M-02", "S-001"], "inspector2")


def test_spreading_shares_the_stores_over_the_inspectors_chosen(client, auth, app):
    add_supermarkets(app, 3)
    auth.login("admin")
    round_id = make_round(client)
    response = post_page(client, f"/rounds/{round_id}/plan", f"/rounds/{round_id}/plan/spread",
                         {"spread-inspectors": ["inspector", "inspector2"], "spread-which": "unassigned"})  # fmt: skip
    assert response.status_code == 302
    given = assignments(app)
    assert sorted(given) == ["M-00", "M-01", "M-02", "S-001", "S-002"]
    # Phố Hiến's 4 stores are more than the fair share of 3: cut 3 and 1; Mỹ Hào's one joins the 1.
    assert sorted(list(given.values()).count(name) for name in ("inspector", "inspector2")) == [2, 3]
    assert given["S-002"] == given["S-001"]
    nobody = post_page(client, f"/rounds/{round_id}/plan", f"/rounds/{round_id}/plan/spread",
                       {"spread-which": "all"})  # fmt: skip
    assert nobody.status_code == 400 and "Hãy chọn ít nhất một cán bộ." in page_text(nobody)


def test_the_progress_page_shows_the_apis_figures_the_chart_and_the_projection(client, auth, api, app):
    add_supermarkets(app, 8)  # 10 stores with S-001 and S-002
    api.login("admin")
    round_id = make_round(client)
    with app.app_context():
        for code in ("M-00", "M-01", "M-02", "M-03"):
            visit(code, "2026-03-04T09:00:00+07:00", CHECKOUT_ALL_ECO)
    page = page_text(client.get(f"/rounds/{round_id}"))
    assert "đã khảo sát 4/10 cửa hàng trong đợt" in page
    # 14 days gone, 4 stores visited: the 6 left take 21 more days.
    assert "Với nhịp hiện tại sẽ xong vào 05/04/2026." in page
    assert re.search(r'<svg [^>]*id="pace-chart"', page)
    assert len(re.findall(r'<rect class="bar week', page)) == 2  # the weeks begun by 15/03: 10 and 11
    assert re.search(r'<rect class="bar week current"[^>]*data-week="2026-W11"', page)
    assert re.search(r'text-anchor="middle">46</text>', page)  # the axis runs to the last day's week (48)
    # The even pace's line runs from nothing on the first day to every store on the last one.
    pace_line = re.search(r'<polyline class="target pace" fill="none" points="([^"]+)"', page).group(1).split()
    assert pace_line[0] == "34,196.0" and pace_line[-1] == "394.0,10.0" and len(pace_line) == 40
    answer = api.get(f"/api/v1/rounds/{round_id}/progress").get_json()
    assert [week["week"] for week in answer["pace"]["weeks"]] == ["2026-W10", "2026-W11"]
    assert answer["pace"]["finish_on"] == "2026-04-05" and answer["pace"]["projection"] == "projected"
    shown = rows_of(page, "by-inspector")
    assert shown == [["Chưa giao", str(answer["by_inspector"][0]["stores"]), "4", "40,0"]]
    assert rows_of(page, "by-week")[:2] == [["Tuần 10 (02/03/2026–08/03/2026)", "4", "4", "0,3"],
                                             ["Tuần 11 (09/03/2026–15/03/2026)", "0", "4", "0,5"]]  # fmt: skip


def test_without_visits_the_projection_says_there_is_not_enough_data(client, auth):
    auth.login("admin")
    round_id = make_round(client)
    assert "Dự kiến ngày xong: chưa đủ dữ liệu." in page_text(client.get(f"/rounds/{round_id}"))


def test_an_inactive_inspectors_stores_show_as_not_assigned_and_say_whose_they_were(client, auth, app):
    auth.login("admin")
    round_id = make_round(client)
    post_page(client, f"/rounds/{round_id}/plan", f"/rounds/{round_id}/plan/store",
              {"store-store_code": "S-002", "store-inspector": "inspector2"})  # fmt: skip
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "inspector2")).active = False
        db.session.commit()
    page = page_text(client.get(f"/rounds/{round_id}"))
    assert [row[0] for row in rows_of(page, "by-inspector")] == ["Chưa giao"]
    assert "Cửa hàng của cán bộ đã ngừng hoạt động được tính là chưa giao" in page
    row = ["Cửa hàng S-002 (S-002)", "Thị xã Mỹ Hào", "Chưa giao trước đây: inspector2, đã ngừng hoạt động"]
    assert row in rows_of(page, "unvisited")


def test_the_stores_left_can_be_read_by_inspector_and_by_unit(client, auth):
    auth.login("admin")
    round_id = make_round(client)
    post_page(client, f"/rounds/{round_id}/plan", f"/rounds/{round_id}/plan/store",
              {"store-store_code": "S-002", "store-inspector": "inspector"})  # fmt: skip

    def left(query: str) -> list[str]:
        return [row[0] for row in rows_of(page_text(client.get(f"/rounds/{round_id}?{query}")), "unvisited")]

    assert left("") == ["Cửa hàng S-001 (S-001)", "Cửa hàng S-002 (S-002)"]
    assert left("inspector=inspector") == ["Cửa hàng S-002 (S-002)"]
    assert left("inspector=-") == ["Cửa hàng S-001 (S-001)"]
    assert left("unit=HY-MH") == ["Cửa hàng S-002 (S-002)"]


def test_the_dashboard_links_the_rounds_in_progress(client, auth, app):
    auth.login("reviewer")
    round_id = make_round(client)
    make_round(client, name="Đợt sau", starts_on="2027-01-01", ends_on="2027-06-30")
    with app.app_context():
        visit("S-001", "2026-03-04T09:00:00+07:00", CHECKOUT_ALL_ECO)
    page = page_text(client.get("/dashboard"))
    section = page[page.index('id="rounds-in-progress"') :]
    section = section[: section.index("</section>")]
    assert f'href="/rounds/{round_id}">Đợt 2026</a>' in section
    assert "đã khảo sát 1/2 cửa hàng (50,0%), kết thúc ngày 29/11/2026" in section
    assert "Đợt sau" not in section


def test_a_round_over_the_whole_calendar_still_shows(client, auth, api):
    api.login("admin")
    round_id = make_round(client, starts_on="0001-01-01", ends_on="9999-12-31")
    page = page_text(client.get(f"/rounds/{round_id}"))
    assert "Đợt này quá dài để vẽ theo từng tuần." in page and "chưa đủ dữ liệu" in page
    assert api.get(f"/api/v1/rounds/{round_id}/progress").get_json()["pace"]["weeks"] == []
