"""The indicators through HTTP and SQL, against a hand-computed table (domain.md)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from models import AdminUnit, Store, Survey, db
from survey.domain import figures, indicators, policy, rulebook
from tests.conftest import CHECKOUT_ALL_ECO, EXPECTED_2025, add_store, visit


def figures_of(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k not in ("by_unit", "by_type", "year", "rule", "unit_code", "type")}


def test_indicators_2025_match_the_hand_computed_table(api, table):
    api.login("reviewer")
    body = api.get("/api/v1/indicators?year=2025").get_json()
    assert body["year"] == 2025
    assert body["rule"] == {"version": 1, "zones": ["checkout"], "min_eco_share_pct": 100.0, "target_pct": 85}
    assert figures_of(body) == EXPECTED_2025
    by_unit = {entry["unit_code"]: entry for entry in body["by_unit"]}
    assert set(by_unit) == {"HY-PH", "HY-MH"}
    assert by_unit["HY-PH"]["unit_name"] == "Phường Phố Hiến"
    assert figures_of(by_unit["HY-PH"]) == {
        "stores_in_scope": 2,
        "stores_surveyed": 1,
        "stores_compliant": 1,
        "compliance_pct": 50.0,
        "compliance_pct_of_surveyed": 100.0,
        "coverage_pct": 50.0,
        "target_pct": 85,
        "target_met": False,
        "stores_needed": 1,
        "eco_share_avg": 100.0,
        "eco_label_skus": 3,
        "stores_with_eco_label": 1,
        "eco_products": 0,
        "unit_name": "Phường Phố Hiến",
    }
    assert by_unit["HY-MH"]["stores_compliant"] == 1 and by_unit["HY-MH"]["eco_share_avg"] == 66.7
    by_type = {entry["type"]: entry for entry in body["by_type"]}
    assert set(by_type) == {"supermarket", "commercial_centre"}
    assert by_type["supermarket"]["compliance_pct"] == 100.0 and by_type["supermarket"]["target_met"] is True
    assert by_type["supermarket"]["stores_needed"] == 0
    assert by_type["commercial_centre"]["compliance_pct"] == 0.0 and by_type["commercial_centre"]["stores_needed"] == 2


def test_unit_filter_includes_units_below(api, table):
    api.login("reviewer")
    whole = api.get("/api/v1/indicators?year=2025&unit=HY").get_json()
    assert figures_of(whole) == EXPECTED_2025
    commune = api.get("/api/v1/indicators?year=2025&unit=HY-PH").get_json()
    assert commune["stores_in_scope"] == 2 and commune["stores_compliant"] == 1
    assert [entry["unit_code"] for entry in commune["by_unit"]] == ["HY-PH"]


def test_indicators_follow_review_at_once(api, table):
    api.login("reviewer")
    assert api.get("/api/v1/indicators?year=2025").get_json()["stores_compliant"] == 2
    api.post(f"/api/v1/surveys/{table['S-002-self']}/review", json={"state": "approved"})
    after = api.get("/api/v1/indicators?year=2025").get_json()
    assert after["stores_compliant"] == 3 and after["compliance_pct"] == 75.0


def test_2026_judges_both_zones_and_local_new_year(app, api, table):
    with app.app_context():
        # 18:00 UTC on 31 December is 01:00 on 1 January in Hưng Yên: a 2026 visit.
        visit(
            "S-005",
            "2025-12-31T18:00:00+00:00",
            CHECKOUT_ALL_ECO + [{"zone": "store_packed", "category": "CLING_FILM", "count": 1}],
        )
        visit("S-001", "2026-02-01T10:00:00+07:00", CHECKOUT_ALL_ECO)
    api.login("reviewer")
    body = api.get("/api/v1/indicators?year=2026").get_json()
    assert body["rule"]["zones"] == ["checkout", "store_packed"]
    # In scope in 2026: S-001, S-002, S-005, S-006 (S-007 closed in 2025).
    assert (body["stores_in_scope"], body["stores_surveyed"], body["stores_compliant"]) == (4, 2, 1)
    assert body["target_pct"] == 100 and body["stores_needed"] == 3
    assert api.get("/api/v1/indicators?year=2025").get_json()["stores_surveyed"] == 3


def test_year_outside_plan_has_null_target(api, table):
    api.login("reviewer")
    body = api.get("/api/v1/indicators?year=2031").get_json()
    assert body["target_pct"] is None and body["target_met"] is None and body["stores_needed"] is None
    assert body["stores_surveyed"] == 0 and body["compliance_pct"] == 0.0


def test_no_stores_gives_nulls_not_errors(api):
    api.login("reviewer")
    body = api.get("/api/v1/indicators?year=2010").get_json()  # before every store opened
    assert body["stores_in_scope"] == 0 and body["compliance_pct"] is None and body["coverage_pct"] is None
    assert body["by_unit"] == [] and body["by_type"] == []
    body = api.get("/api/v1/indicators?year=2025&unit=HY-PH").get_json()
    assert body["stores_surveyed"] == 0 and body["compliance_pct_of_surveyed"] is None
    assert body["eco_share_avg"] is None


def test_sql_gathering_agrees_with_the_pure_policy(app):
    """Random stores and surveys: the store-year table and the pure-Python path give the same figures."""
    rng = random.Random(139)
    with app.app_context():
        units = list(db.session.scalars(select(AdminUnit)))
        for number in range(25):
            opened = date(rng.randint(2018, 2026), 1, 1) if rng.random() < 0.5 else None
            closed = date(rng.randint(2021, 2026), 6, 30) if rng.random() < 0.2 else None
            add_store(f"R-{number}", rng.choice(units), rng.choice(policy.STORE_TYPES), opened, closed)
        db.session.commit()
        facts: dict[str, list[policy.SurveyFacts]] = {}
        for _ in range(150):
            store = f"R-{rng.randint(0, 24)}"
            when = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(-100, 9000))
            packaging = [
                {"zone": "checkout", "category": "PE_BAG", "count": rng.randint(0, 3)},
                {"zone": "checkout", "category": "PAPER", "count": rng.randint(1, 5)},
                {"zone": "store_packed", "category": "EPS_FOAM", "count": rng.randint(0, 2)},
            ]
            source = rng.choice(policy.SOURCES)
            state = rng.choice(policy.REVIEW_STATES)
            survey_id = visit(
                store, when.isoformat(), packaging, source, state, labels=[("VN_ECOLABEL", rng.randint(0, 2))]
            )
            stored = db.session.get(Survey, uuid.UUID(survey_id))
            zones = {}
            for line in packaging:
                eco = line["category"] == "PAPER"
                before = zones.get(line["zone"], policy.ZoneCount(0, 0))
                zones[line["zone"]] = policy.ZoneCount(
                    before.eco + (line["count"] if eco else 0), before.total + line["count"]
                )
            facts.setdefault(store, []).append(
                policy.SurveyFacts(
                    id=survey_id,
                    source=source,
                    review_state=state,
                    visited_at=when,
                    received_at=stored.received_at.replace(tzinfo=UTC),
                    zones=zones,
                    eco_label_skus=sum(line.sku_count for line in stored.eco_labels),
                )
            )
        stores = [
            policy.StoreFacts(s.code, s.type, s.unit.code, s.opened_on, s.closed_on, facts.get(s.code, ()))
            for s in db.session.scalars(select(Store).where(Store.code.like("R-%")))
        ]
        r_units = {s.unit_id for s in db.session.scalars(select(Store).where(Store.code.like("R-%")))}
        for year in (2024, 2025, 2026):
            rule = rulebook.rule_for_year(year)
            expected = indicators.indicators(stores, year, rule)
            gathered = figures.status_rows(year)
            got = indicators.indicators_from_rows([s for s in gathered if s.code.startswith("R-")], year, rule)
            assert got == expected, year
        assert r_units  # the random stores really were spread over units


def test_a_year_of_thousands_of_digits_is_a_400_not_a_500(api):
    """int() refuses over 4,300 digits with a ValueError; the fuzzer found it as a 500."""
    api.login("reviewer")
    for year in ("1" + "0" * 5000, "02025", "20255"):
        assert api.get(f"/api/v1/indicators?year={year}").status_code == 400
