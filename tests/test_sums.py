"""The database's sums (survey/domain/sums.py) against the same figures worked out from the stores' rows.

The national comparison and the yearly trend read sums the database adds up; every other figure
reads one row per store. Over the demo's years of surveys (both sources, products found, stores
opened and closed), each group's sums must be exactly the rows' own, so that the two ways can never
tell a province, a type or a year different figures.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Store, db
from survey.domain import demo, figures, indicators, policy, sums
from survey.domain.provinces import tenancy

YEARS = range(2021, 2027)


@pytest.fixture
def demo_world(app):
    with app.app_context(), tenancy.scoped_to(None):
        demo.seed()
        yield


@pytest.mark.parametrize("scope", ["all", *policy.SOURCES])
def test_the_sums_of_all_stores_are_the_rows_sums(app, demo_world, scope):
    seen_products = seen_shares = 0
    for year in YEARS:
        rows = figures.status_rows(year, scope=scope)
        counted = sums.sums_by(year, scope=scope)[None]
        assert counted == indicators.sums_of(rows), year
        assert indicators.summary_of(counted, 85) == indicators.summarise(rows, 85)
        seen_products += len(counted.eco_products)
        seen_shares += len(counted.shares_by_total)
    if scope != "self_report":  # the demo's self-reports wait for review: none counts
        assert seen_shares > 0
        assert seen_products > 0  # the demo's inspectors read listed products: the test sees them


@pytest.mark.parametrize("column", ["type", "unit_id"])
def test_each_groups_sums_are_its_rows_sums(app, demo_world, column):
    group = getattr(Store, column)
    code_of = {code: key for code, key in db.session.execute(select(Store.code, group))}
    for year in YEARS:
        by_group: dict = {}
        for row in figures.status_rows(year):
            by_group.setdefault(code_of[row.code], []).append(row)
        counted = sums.sums_by(year, group)
        assert set(counted) == set(by_group)
        for key, rows in by_group.items():
            assert counted[key] == indicators.sums_of(rows), (year, key)


def test_sums_add_up_to_the_sums_of_all(app, demo_world):
    for year in YEARS:
        assert indicators.added(sums.sums_by(year, Store.type).values()) == sums.sums_by(year)[None]


def test_a_province_with_no_store_gives_zero_sums_and_sees_no_other_stores(app, demo_world):
    assert sums.sums_by(2025)[None].in_scope > 0
    with tenancy.scoped_to(-1):  # a province that holds nothing
        assert sums.sums_by(2025)[None] == indicators.Sums()
        assert sums.sums_by(2025, Store.type) == {}


@pytest.mark.parametrize("scope", ["all", *policy.SOURCES])
def test_a_years_indicators_from_sums_are_those_from_rows(app, demo_world, scope):
    for year in YEARS:
        rows = figures.status_rows(year, scope=scope)
        assert figures.indicators_of_sums(year, scope) == figures.indicators_of_rows(rows, year), year
