"""Gather from the database what the policy needs, with portable SQL, and ask it.

Each store's deciding survey of a year, its totals and its verdict are kept on write in the
store-year table (`survey.domain.store_years`), so a year's figures read one row per store
however long the history. `survey.domain.policy` then computes every figure from those rows,
so the rules of docs/policy.md live in one place. The SQL conditions below mirror policy
functions of the same name; tests check that both agree.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from models import AdminUnit, EcoLabelLine, EcoLabelType, Store, StoreYearStatus, db
from survey.domain import indicators, policy, rulebook, store_years, sums
from survey.domain.products import found


def unit_and_descendant_ids(unit: AdminUnit) -> set[int]:
    """The unit and every unit below it in the tree."""
    return units_and_descendant_ids([unit.id])


def units_and_descendant_ids(unit_ids: Iterable[int]) -> set[int]:
    """The units and every unit below any of them in the tree, in one read of the tree."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit_id, parent_id in db.session.execute(select(AdminUnit.id, AdminUnit.parent_id)):
        children[parent_id].append(unit_id)
    found, pending = set(), list(unit_ids)
    while pending:
        current = pending.pop()
        if current not in found:
            found.add(current)
            pending.extend(children[current])
    return found


def open_on_condition(day: date):
    """SQL for "the store is open on this local day" (see policy.store_open_on)."""
    return and_(
        or_(Store.opened_on.is_(None), Store.opened_on <= day),
        or_(Store.closed_on.is_(None), Store.closed_on >= day),
    )


def unit_valid_on_condition(day: date):
    """SQL for "the administrative unit was in force on this day"."""
    return and_(
        or_(AdminUnit.valid_from.is_(None), AdminUnit.valid_from <= day),
        or_(AdminUnit.valid_to.is_(None), AdminUnit.valid_to >= day),
    )


def status_rows(year: int, unit_ids: set[int] | None = None, scope: str = "all") -> list[policy.StoreYear]:
    """Each in-scope store open in the year, judged: its row of the store-year table, if it has one.

    One row per store, however many surveys there are (survey/domain/store_years.py keeps the
    table). With unit_ids, only the stores whose unit, or unit before the reform, is one of them;
    with a source as scope, as if that source's surveys were the only ones.
    """
    legacy = aliased(AdminUnit)
    status = StoreYearStatus.__table__
    query = (
        select(
            Store.code,
            Store.type,
            AdminUnit.code.label("unit_code"),
            legacy.code.label("legacy_unit_code"),
            status.c.compliant,
            *store_years.fact_columns(),
        )
        .join(AdminUnit, Store.unit_id == AdminUnit.id)
        .outerjoin(legacy, Store.legacy_unit_id == legacy.id)
        .outerjoin(status, and_(status.c.store_id == Store.id, status.c.year == year, status.c.scope == scope))
        .where(sums.in_scope_condition(year))
    )
    if unit_ids is not None:
        query = query.where(or_(Store.unit_id.in_(unit_ids), Store.legacy_unit_id.in_(unit_ids)))
    rows = []
    products = found.valid_products_by_survey(year, scope)
    for row in db.session.execute(query):
        code, store_type, unit_code, legacy_unit_code, compliant, survey_id = row[:6]
        deciding = store_years.facts_of(row) if survey_id is not None else None
        if deciding is not None and deciding.id in products:
            deciding = dataclasses.replace(deciding, eco_products=products[deciding.id])
        rows.append(policy.StoreYear(code, store_type, unit_code, deciding, bool(compliant), legacy_unit_code))
    return rows


def year_indicators(
    year: int, unit: AdminUnit | None = None, source: str | None = None, level: str | None = None
) -> dict:
    """Every indicator of docs/policy.md for a year, for the whole province or one unit, optionally by level."""
    if unit is None and level is None:
        return indicators_of_sums(year, source or "all")
    unit_ids = unit_and_descendant_ids(unit) if unit is not None else None
    return indicators_of_rows(status_rows(year, unit_ids, source or "all"), year, level)


def indicators_of_sums(year: int, scope: str = "all") -> dict:
    """What indicators_of_rows answers over every store of the session, from the database's sums by
    unit and by type (survey/domain/sums.py) instead of a row per store: the headline is the types'
    sums added. The breakdown by level needs each store's units, so it is the rows' alone."""
    rule = rulebook.rule_for_year(year)
    target = policy.target_pct_for_year(year, rule)
    by_type = sums.sums_by(year, Store.type, scope)
    units = {
        unit_id: (code, name)
        for unit_id, code, name in db.session.execute(select(AdminUnit.id, AdminUnit.code, AdminUnit.name))
    }
    by_unit = sorted((units[unit_id], part) for unit_id, part in sums.sums_by(year, Store.unit_id, scope).items())
    return {
        "year": year,
        "rule": indicators.rule_as_dict(rule),
        **indicators.summary_of(indicators.added(by_type.values()), target),
        "by_unit": [
            {"unit_code": code, **indicators.summary_of(part, target), "unit_name": name}
            for (code, name), part in by_unit
        ],
        "by_type": [
            {"type": kind, **indicators.summary_of(by_type[kind], target)}
            for kind in policy.IN_SCOPE_TYPES
            if kind in by_type
        ],
    }


def indicators_of_rows(rows: list[policy.StoreYear], year: int, level: str | None = None) -> dict:
    """Every indicator over a year's judged stores, with the rule in force and the units' names."""
    rule = rulebook.rule_for_year(year)
    result = indicators.indicators_from_rows(rows, year, rule)
    names = unit_names()
    for entry in result["by_unit"]:
        entry["unit_name"] = names.get(entry["unit_code"], "")
    if level is not None:
        result["by_level"] = by_level(rows, level, result["target_pct"], names)
    return result


def unit_names() -> dict[str, str]:
    return dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)).all())


def unit_tree() -> dict[str, tuple[str, str | None]]:
    """Each unit's level and parent code, for policy.reporting_unit."""
    parent = aliased(AdminUnit)
    query = select(AdminUnit.code, AdminUnit.level, parent.code).outerjoin(parent, AdminUnit.parent_id == parent.id)
    return {code: (level, parent_code) for code, level, parent_code in db.session.execute(query)}


def by_level(rows: list[policy.StoreYear], level: str, target_pct: int | None, names: dict[str, str]) -> list[dict]:
    """The figures per unit at a level, by name; the stores with no unit there last, under a null code."""
    groups = indicators.summarise_by_level(rows, level, unit_tree(), target_pct)
    entries = [
        {"unit_code": code, "unit_name": names.get(code, "") if code else None, **figures} for code, figures in groups
    ]
    return sorted(entries, key=lambda entry: (entry["unit_code"] is None, entry["unit_name"] or ""))


def judged_stores(
    year: int,
    unit: AdminUnit | None = None,
    status: str | None = None,
    store_type: str | None = None,
    unassigned_at: str | None = None,
) -> list[policy.StoreYear]:
    """The in-scope stores of a year judged by the rule in force: optionally one status, type or unit,
    or those with no unit at a level."""
    unit_ids = unit_and_descendant_ids(unit) if unit is not None else None
    rows = status_rows(year, unit_ids)
    tree = unit_tree() if unassigned_at else {}
    return [
        row
        for row in rows
        if (status is None or row.status == status)
        and (store_type is None or row.type == store_type)
        and (unassigned_at is None or policy.reporting_unit(row, unassigned_at, tree) is None)
    ]


def dashboard_figures(year: int, level: str) -> dict:
    """Everything the dashboard shows for a year: headline, units at a level, types, sources, labels."""
    rule = rulebook.rule_for_year(year)
    rows = status_rows(year)
    result = indicators.indicators_from_rows(rows, year, rule)
    result["by_level"] = by_level(rows, level, result["target_pct"], unit_names())
    result["by_source"] = {
        source: indicators.indicators_from_rows(status_rows(year, scope=source), year, rule)
        for source in policy.SOURCES
    }
    deciding = [uuid.UUID(row.deciding.id) for row in rows if row.deciding is not None]
    result["labels"] = label_breakdown(deciding)
    result["stores"] = rows
    return result


def label_breakdown(survey_ids: list) -> list[tuple[str, int, bool]]:
    """Eco-labelled SKUs per label type over the deciding surveys (counted types first)."""
    if not survey_ids:
        return []
    query = (
        select(EcoLabelType.code, func.sum(EcoLabelLine.sku_count), EcoLabelType.counted)
        .join(EcoLabelLine, EcoLabelLine.label_code == EcoLabelType.code)
        .where(EcoLabelLine.survey_id.in_(survey_ids))
        .group_by(EcoLabelType.code, EcoLabelType.counted, EcoLabelType.position)
        .order_by(EcoLabelType.counted.desc(), EcoLabelType.position)
    )
    return [(code, int(total or 0), bool(counted)) for code, total, counted in db.session.execute(query)]


def yearly_compliance(first: int = 2021, last: int = 2030) -> list[dict]:
    """Headline compliance per year, with its target, for the chart."""
    series = []
    for year in range(first, last + 1):
        rule = rulebook.rule_for_year(year)
        summary = indicators.summary_of(sums.sums_by(year)[None], policy.target_pct_for_year(year, rule))
        series.append({"year": year, "compliance_pct": summary["compliance_pct"], "target_pct": summary["target_pct"]})
    return series
