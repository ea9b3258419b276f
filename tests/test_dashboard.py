"""The dashboard's figures, breakdowns, charts and drill-down against the hand-computed 2025 table."""

from __future__ import annotations

import re

from tests.conftest import rows_of


def test_headline_and_progress(client, auth, table):
    auth.login("reviewer")
    html = client.get("/dashboard?year=2025").get_data(as_text=True)
    assert '<strong id="headline-pct">50,0%</strong>' in html
    assert "2 " in re.search(r"<p>([^<]*)</p>", html.split('class="progress"')[1]).group(1)  # two more stores needed
    assert 'style="width: 50.0%"' in html and 'style="left: 85%"' in html
    assert 'id="rule-statement"' in html and "1" in html


def test_breakdown_by_old_district_and_by_type(client, auth, table):
    auth.login("reviewer")
    html = client.get("/dashboard?year=2025&level=district").get_data(as_text=True)
    by_level = {row[0]: row[1:4] for row in rows_of(html, "by-level")}
    assert by_level["Thị xã Mỹ Hào"] == ["2", "2", "1"]  # S-002, S-007
    assert len(by_level) == 2  # S-001's commune lies under no old district
    by_type = {row[0]: row[1:5] for row in rows_of(html, "by-type")}
    assert list(by_type.values()) == [["2", "2", "2", "100,0"], ["2", "1", "0", "0,0"]]


def test_inspections_and_self_reports_apart(client, auth, table):
    auth.login("reviewer")
    rows = rows_of(client.get("/dashboard?year=2025").get_data(as_text=True), "by-source")
    assert [row[1:4] for row in rows] == [["4", "2", "1"], ["4", "1", "1"]]


def test_labels_by_type_count_only_deciding_surveys(client, auth, table):
    auth.login("reviewer")
    rows = rows_of(client.get("/dashboard?year=2025").get_data(as_text=True), "by-label")
    totals = {row[0].split(" (")[0]: row[1] for row in rows}
    assert totals["Nhãn sinh thái Việt Nam"] == "3"
    assert totals["Chứng nhận túi ni lông thân thiện môi trường"] == "2"
    assert any("SELF" in key or "Tự công bố" in key for key in totals)  # recorded, shown apart, not counted


def test_charts_are_svg_with_text_alternatives(client, auth, table):
    auth.login("reviewer")
    html = client.get("/dashboard?year=2025").get_data(as_text=True)
    assert html.count("<svg") == 2 and '<title id="yearly-title">' in html
    desc = re.search(r'<desc id="yearly-desc">(.*?)</desc>', html, re.S).group(1)
    assert "2025: 50,0%" in desc and "2030" in desc
    assert "<script" not in html.split("<main")[1]


def test_drill_down_lists_the_stores_behind_each_figure(client, auth, table):
    auth.login("reviewer")

    def codes(status, **extra):
        query = "&".join(f"{k}={v}" for k, v in {"year": 2025, "status": status, **extra}.items())
        html = client.get(f"/dashboard/stores?{query}").get_data(as_text=True)
        return sorted(re.findall(r'<tr data-code="([^"]+)"', html))

    assert codes("compliant") == ["S-001", "S-007"]
    assert codes("not_compliant") == ["S-002"]
    assert codes("unsurveyed") == ["S-006"]
    assert codes("all") == ["S-001", "S-002", "S-006", "S-007"]
    assert codes("all", unit="HY-PH") == ["S-001", "S-006"]
    assert codes("all", type="commercial_centre") == ["S-002", "S-006"]
    assert client.get("/dashboard/stores?status=bogus").status_code == 404


def test_store_page_shows_its_history(client, auth, table):
    auth.login("reviewer")
    html = client.get("/dashboard/store/S-002").get_data(as_text=True)
    history = rows_of(html, "history")
    assert len(history) == 2
    assert history[1][3] == "75,0"  # checkout eco share of the May inspection
    trend = re.search(r'<desc id="trend-desc">(.*?)</desc>', html, re.S).group(1)
    assert trend.split() == ["05/2025:", "75,0%;", "10/2025:", "100,0%;"]  # oldest first
    assert client.get("/dashboard/store/NOPE").status_code == 404


def test_dashboard_is_for_staff(client, auth):
    assert client.get("/dashboard").status_code == 302
    auth.login("inspector")
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard/stores").status_code == 403


def test_yearly_report_states_result_tables_and_stores_to_act_on(client, auth, table):
    auth.login("reviewer")
    html = client.get("/report?year=2025").get_data(as_text=True)
    assert "2025" in html and "Hưng Yên" in html
    assert "50,0%" in html and "85%" in html
    by_type = {row[0]: row[1:] for row in rows_of(html, "report-by-type")}
    assert by_type["Siêu thị"][:4] == ["2", "2", "2", "100,0"]
    assert by_type["Trung tâm thương mại"][:6] == ["2", "1", "0", "0,0", "50,0", "2"]
    assert len(rows_of(html, "report-by-unit")) == 2
    to_act = sorted(row[0] for row in rows_of(html, "to-act"))
    assert to_act == ["Cửa hàng S-002 (S-002)", "Cửa hàng S-006 (S-006)"]
    css = client.get("/static/css/dashboard.css")
    assert "@page" in css.get_data(as_text=True) and "A4" in css.get_data(as_text=True)
    css.close()


def test_every_headline_figure_matches_the_hand_computed_table(client, auth, table):
    auth.login("reviewer")
    html = client.get("/dashboard?year=2025").get_data(as_text=True)
    headline = html.split('class="card headline"')[1].split("</section>")[0]
    values = re.findall(r"<strong>([^<]*)</strong>", headline)
    # in scope, compliant, surveyed not compliant, unsurveyed, coverage, eco share, labelled SKUs, stores labelled
    assert values == ["4", "2", "1", "1", "75,0", "77,8", "5", "2"]
