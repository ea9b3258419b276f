"""The indicators' sums of a year counted by the database, a group of stores at a time.

A year's figures by unit or type need each store's row (survey/domain/figures.py), but a headline
per province, or per year for the trend, needs only sums: how many stores are in scope, surveyed and
compliant, the eco-label counts, and the pooled shares grouped by their total (what
`indicators.mean_of_shares` needs to stay exact). The database adds those up and answers a few rows
per group, so the national comparison costs what 34 provinces cost, not what 10,200 stores do.
`indicators.summary_of` then does the arithmetic, the same as over rows; tests compare the two.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from models import Store, StoreYearStatus, db
from survey.domain import indicators, policy
from survey.domain.products import found


def open_in_year_condition(year: int):
    """SQL for "the store was open at some point in the year"."""
    return and_(
        or_(Store.opened_on.is_(None), Store.opened_on <= date(year, 12, 31)),
        or_(Store.closed_on.is_(None), Store.closed_on >= date(year, 1, 1)),
    )


def in_scope_condition(year: int):
    """SQL for "the store is in scope for the year" (policy.store_in_scope): its type, open that year."""
    return and_(Store.type.in_(policy.IN_SCOPE_TYPES), open_in_year_condition(year))


def sums_by(year: int, group=None, scope: str = "all") -> dict[Hashable, indicators.Sums]:
    """The sums of the stores in scope for the year, by `group` (a column of Store, e.g. its
    province), or of them all under the key None. With a source as scope, as if that source's
    surveys were the only ones. Only the session's stores (provinces.tenancy) are counted."""
    status = StoreYearStatus.__table__
    keys = [group] if group is not None else []
    joined = and_(status.c.store_id == Store.id, status.c.year == year, status.c.scope == scope)
    in_scope = in_scope_condition(year)
    counts = db.session.execute(
        select(
            *keys,
            func.count(Store.id),
            func.count(status.c.store_id),
            func.coalesce(func.sum(case((status.c.compliant, 1), else_=0)), 0),
            func.coalesce(func.sum(status.c.eco_label_skus), 0),
            func.coalesce(func.sum(case((status.c.eco_label_skus >= 1, 1), else_=0)), 0),
        )
        .select_from(Store)
        .outerjoin(status, joined)
        .where(in_scope)
        .group_by(*keys)
    )
    shares = shares_by_total(keys, joined, in_scope)
    if group is None:  # every product of the stores, once
        products = {None: frozenset().union(*found.valid_products_by(year, Store.id, scope, in_scope).values())}
    else:
        products = found.valid_products_by(year, group, scope, in_scope)
    answer = {}
    for row in counts:
        key = row[0] if keys else None
        n, s, c, skus, labelled = (int(value) for value in row[len(keys) :])
        answer[key] = indicators.Sums(n, s, c, shares.get(key, {}), skus, labelled, products.get(key, frozenset()))
    return answer


def shares_by_total(keys: list, joined, in_scope) -> dict[Hashable, dict[int, tuple[int, int]]]:
    """Per group, the deciding surveys with units grouped by their pooled total: {total: (eco, surveys)}."""
    status = StoreYearStatus.__table__
    total = func.coalesce(status.c.checkout_total, 0) + func.coalesce(status.c.store_packed_total, 0)
    eco = func.coalesce(status.c.checkout_eco, 0) + func.coalesce(status.c.store_packed_eco, 0)
    rows = db.session.execute(
        select(*keys, total, func.sum(eco), func.count())
        .select_from(Store)
        .join(status, joined)
        .where(in_scope, total > 0)
        .group_by(*keys, total)
    )
    answer: dict[Hashable, dict[int, tuple[int, int]]] = {}
    for row in rows:
        key = row[0] if keys else None
        pooled, summed, surveys = (int(value) for value in row[len(keys) :])
        answer.setdefault(key, {})[pooled] = (summed, surveys)
    return answer
