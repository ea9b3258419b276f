"""Each store's status per year, kept up to date on write (the store_year_status table).

Finding a store's deciding survey by ranking the year's surveys costs more with every survey
ever sent, while the figures should cost what the number of stores costs. So every write that
can change a deciding survey updates the store-years it touches, in its own transaction:

- a synced survey: `consider`. A new survey can only become the deciding one, so it is weighed
  against the stored one alone, with no history read;
- a review decision or a correction: `refresh`. The deciding survey may stop counting, so the
  store-year's surveys are read again;
- a new rule version: `rejudge`. The verdicts of that phase's years, from the stored totals;
- a packaging category or eco-label type that changes its eco or counted flag: `rebuild`.

Which survey decides is policy.deciding_survey and whether it complies is policy.is_compliant:
no rule is written again here. Opening, closing or re-typing a store changes no row, because
whether a store is in scope for a year is read from the store row beside its status.

Writers of the same store take turns (`lock_stores`), so that two syncs of one store never both
read the old status and write over each other's.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC

from sqlalchemy import bindparam, case, delete, func, insert, select, text, update

from models import (
    EcoLabelLine,
    EcoLabelType,
    PackagingCategory,
    PackagingLine,
    Store,
    StoreYearStatus,
    Survey,
    db,
)
from survey.domain import policy
from survey.domain.provinces import rules as province_rules

# "all" surveys, or the surveys of one source alone (the dashboard's split by source).
SCOPES = ("all", *policy.SOURCES)
CHUNK = 500  # ids per IN (...) list, well under every database's limit on parameters

Pair = tuple[int, int]  # (store id, year)


def lock_stores(store_ids: Iterable[int]) -> None:
    """Make writers of the same stores take turns until the transaction ends.

    PostgreSQL: FOR NO KEY UPDATE on the store rows, in id order so that two writers never wait
    on each other in a circle; it does not block the KEY SHARE lock that inserting a survey takes
    on its store. SQLite has one writer at a time: take the database's write lock now, with a
    write that changes nothing, so that what is read next is what gets written against (and the
    transaction that savepoints nest in is open: pysqlite opens one before a write only).
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE store SET id = id WHERE 0"))
        return
    ids = sorted(set(store_ids) - {None})
    for start in range(0, len(ids), CHUNK):
        query = select(Store.id).where(Store.id.in_(ids[start : start + CHUNK])).order_by(Store.id)
        db.session.execute(query.with_for_update(key_share=True)).all()


def lock_all_stores() -> None:
    """For the writes that change every store's rows: a new rule version, a rebuild."""
    lock_stores(db.session.scalars(select(Store.id)))


# --- from surveys to rows ---------------------------------------------------------------------


def survey_facts(pairs: set[Pair] | None = None) -> dict[Pair, list[policy.SurveyFacts]]:
    """The surveys of some store-years (all of them with None), as the policy sees them, without totals."""
    query = select(
        Survey.id,
        Survey.store_id,
        Survey.visit_year,
        Survey.source,
        Survey.review_state,
        Survey.visited_at,
        Survey.received_at,
        Survey.superseded_by_id,
    ).where(Survey.store_id.is_not(None))  # a survey of a store proposal not made a store counts nowhere
    found: dict[Pair, list[policy.SurveyFacts]] = defaultdict(list)
    for row in rows_of_pairs(query, Survey.store_id, Survey.visit_year, pairs):
        found[(row.store_id, row.visit_year)].append(
            policy.SurveyFacts(
                id=str(row.id),
                source=row.source,
                review_state=row.review_state,
                visited_at=row.visited_at.replace(tzinfo=UTC),
                received_at=row.received_at.replace(tzinfo=UTC),
                zones={},
                eco_label_skus=0,
                superseded=row.superseded_by_id is not None,
            )
        )
    return found


def rows_of_pairs(query, store_column, year_column, pairs: set[Pair] | None) -> Iterator:
    """The rows of a query whose (store, year) is one of the pairs (every row with None).

    Asked in chunks by store and by year, which any database indexes, then kept to the pairs.
    """
    if pairs is None:
        yield from db.session.execute(query)
        return
    ordered = sorted(pairs)
    for start in range(0, len(ordered), CHUNK):
        chunk = set(ordered[start : start + CHUNK])
        stores, years = {store for store, _ in chunk}, {year for _, year in chunk}
        for row in db.session.execute(query.where(store_column.in_(stores), year_column.in_(years))):
            if (getattr(row, store_column.key), getattr(row, year_column.key)) in chunk:
                yield row


def deciding_by_scope(surveys: list[policy.SurveyFacts], year: int) -> dict[str, policy.SurveyFacts]:
    """The deciding survey of a store-year in each scope that has one."""
    found = {}
    for scope in SCOPES:
        candidates = surveys if scope == "all" else [survey for survey in surveys if survey.source == scope]
        if (deciding := policy.deciding_survey(candidates, year)) is not None:
            found[scope] = deciding
    return found


def with_totals(surveys: Iterable[policy.SurveyFacts]) -> dict[str, policy.SurveyFacts]:
    """The surveys by id, each with its zone totals and counted eco-labelled SKUs read from its lines."""
    by_id = {survey.id: survey for survey in surveys}
    ids = sorted(by_id)
    zones: dict[str, dict[str, policy.ZoneCount]] = defaultdict(dict)
    labels: dict[str, int] = {}
    eco_units = func.sum(case((PackagingCategory.eco.is_(True), PackagingLine.count), else_=0))
    for start in range(0, len(ids), CHUNK):
        chunk = [uuid.UUID(value) for value in ids[start : start + CHUNK]]
        zone_query = (
            select(PackagingLine.survey_id, PackagingLine.zone, eco_units, func.sum(PackagingLine.count))
            .join(PackagingCategory, PackagingCategory.code == PackagingLine.category_code)
            .where(PackagingLine.survey_id.in_(chunk))
            .group_by(PackagingLine.survey_id, PackagingLine.zone)
        )
        for survey_id, zone, eco, total in db.session.execute(zone_query):
            zones[str(survey_id)][zone] = policy.ZoneCount(eco=int(eco or 0), total=int(total or 0))
        label_query = (
            select(EcoLabelLine.survey_id, func.sum(EcoLabelLine.sku_count))
            .join(EcoLabelType, EcoLabelType.code == EcoLabelLine.label_code)
            .where(EcoLabelLine.survey_id.in_(chunk), EcoLabelType.counted.is_(True))
            .group_by(EcoLabelLine.survey_id)
        )
        for survey_id, total in db.session.execute(label_query):
            labels[str(survey_id)] = int(total or 0)
    return {
        survey_id: dataclasses.replace(survey, zones=zones.get(survey_id, {}), eco_label_skus=labels.get(survey_id, 0))
        for survey_id, survey in by_id.items()
    }


# The table's columns of each zone of policy.ZONES (a test checks that every zone has its two).
ZONE_COLUMNS = tuple((zone, f"{zone}_eco", f"{zone}_total") for zone in policy.ZONES)


def status_row(store_id: int, year: int, scope: str, survey: policy.SurveyFacts, compliant: bool) -> dict:
    """The table row of a store-year's deciding survey in one scope, with its verdict."""
    row = {
        "store_id": store_id,
        "year": year,
        "scope": scope,
        "survey_id": uuid.UUID(survey.id),
        "source": survey.source,
        "review_state": survey.review_state,
        "visited_at": survey.visited_at.astimezone(UTC).replace(tzinfo=None),
        "received_at": survey.received_at.astimezone(UTC).replace(tzinfo=None),
        "eco_label_skus": survey.eco_label_skus,
        "compliant": compliant,
    }
    for zone, eco, total in ZONE_COLUMNS:
        count = survey.zones.get(zone)
        row[eco] = None if count is None else count.eco
        row[total] = None if count is None else count.total
    return row


def fact_columns() -> tuple:
    """The columns facts_of reads, in its order: select them last, then pass the row to facts_of."""
    table = StoreYearStatus.__table__
    return tuple(table.c[name] for name in FACT_COLUMN_NAMES)


FACT_COLUMN_NAMES = (
    "survey_id", "source", "review_state", "visited_at", "received_at",
    "checkout_eco", "checkout_total", "store_packed_eco", "store_packed_total", "eco_label_skus",
)  # fmt: skip


def facts_of(row) -> policy.SurveyFacts:
    """The deciding survey's facts from a row that ends with fact_columns().

    Unpacked by position: a year's figures build one per surveyed store, and reading
    columns by name cost more than the query itself.
    """
    survey_id, source, state, visited, received, checkout_eco, checkout, packed_eco, packed, labels = row[-10:]
    zones = {}
    if checkout is not None:
        zones["checkout"] = policy.ZoneCount(checkout_eco, checkout)
    if packed is not None:
        zones["store_packed"] = policy.ZoneCount(packed_eco, packed)
    return policy.SurveyFacts(
        id=str(survey_id),
        source=source,
        review_state=state,
        visited_at=visited.replace(tzinfo=UTC),
        received_at=received.replace(tzinfo=UTC),
        zones=zones,
        eco_label_skus=labels,
    )


def computed_rows(pairs: set[Pair] | None = None) -> list[dict]:
    """The rows the surveys call for, for some store-years (all with None): what a rebuild writes."""
    facts = survey_facts(pairs)
    deciding = {pair: deciding_by_scope(surveys, pair[1]) for pair, surveys in facts.items()}
    totals = with_totals(survey for scopes in deciding.values() for survey in scopes.values())
    provinces = province_rules.store_provinces(store_id for store_id, _ in deciding)
    rules = province_rules.rules_by_province_year((provinces.get(store_id), year) for store_id, year in deciding)
    verdicts = {}
    for (store_id, year), scopes in deciding.items():
        rule = rules[(provinces.get(store_id), year)]
        for survey in scopes.values():
            verdicts[survey.id] = policy.is_compliant(totals[survey.id].zones, rule)
    return [
        status_row(store_id, year, scope, totals[survey.id], verdicts[survey.id])
        for (store_id, year), scopes in sorted(deciding.items())
        for scope, survey in scopes.items()
    ]


def stored_rows() -> list[dict]:
    """Every row of the table, in the order computed_rows gives them."""
    table = StoreYearStatus.__table__
    order = (table.c.store_id, table.c.year, case({scope: n for n, scope in enumerate(SCOPES)}, value=table.c.scope))
    return [dict(row._mapping) for row in db.session.execute(select(table).order_by(*order))]


# --- keeping the table up to date ---------------------------------------------------------------


def replace_rows(rows: list[dict], pairs: Iterable[Pair] = (), keys: Iterable[tuple[Pair, str]] = ()) -> None:
    """Put `rows` in place of the rows of whole store-years (`pairs`) or of single scopes (`keys`)."""
    table = StoreYearStatus.__table__
    same_pair = (table.c.store_id == bindparam("s"), table.c.year == bindparam("y"))
    if pairs := [{"s": store_id, "y": year} for store_id, year in sorted(pairs)]:
        db.session.execute(delete(table).where(*same_pair), pairs)
    if keys := [{"s": store_id, "y": year, "sc": scope} for (store_id, year), scope in sorted(keys)]:
        db.session.execute(delete(table).where(*same_pair, table.c.scope == bindparam("sc")), keys)
    if rows:
        db.session.execute(insert(table), rows)


def refresh(pairs: Iterable[Pair]) -> None:
    """Work these store-years out again from their surveys (after a review, a correction, or a store
    proposal's surveys given their store). A survey without a store has no store-year: left out."""
    pairs = {(store_id, year) for store_id, year in pairs if store_id is not None}
    if pairs:
        lock_stores(store_id for store_id, _ in pairs)
        replace_rows(computed_rows(pairs), pairs=pairs)


@dataclasses.dataclass(frozen=True)
class NewSurvey:
    """A survey just written, with the totals the sync worked out from its lines."""

    store_id: int | None  # None: a survey of a store proposal not made a store, which consider leaves out
    year: int
    facts: policy.SurveyFacts


def consider(new_surveys: list[NewSurvey]) -> None:
    """Let surveys just written become their store-year's deciding one where they win.

    Only the scopes whose deciding survey changes are written. The caller holds the stores'
    lock (lock_stores) since before it wrote the surveys.
    """
    new_by_pair: dict[Pair, list[policy.SurveyFacts]] = defaultdict(list)
    for new in new_surveys:
        # A survey of a store proposal not made a store counts nowhere (docs/store-proposals.md).
        if new.store_id is not None and policy.survey_counts(
            new.facts.source, new.facts.review_state, new.facts.superseded
        ):
            new_by_pair[(new.store_id, new.year)].append(new.facts)
    if not new_by_pair:
        return
    current = current_deciding(set(new_by_pair))
    provinces = province_rules.store_provinces(store_id for store_id, _ in new_by_pair)
    rules = province_rules.rules_by_province_year((provinces.get(store_id), year) for store_id, year in new_by_pair)
    verdicts: dict[str, bool] = {}
    keys, rows = [], []
    for (store_id, year), surveys in new_by_pair.items():
        stored = current.get((store_id, year), {})
        for scope in SCOPES:
            candidates = [survey for survey in surveys if scope == "all" or survey.source == scope]
            kept = stored.get(scope)
            winner = policy.deciding_survey([*candidates, kept] if kept else candidates, year)
            if winner is None or winner is kept:
                continue
            if winner.id not in verdicts:
                verdicts[winner.id] = policy.is_compliant(winner.zones, rules[(provinces.get(store_id), year)])
            keys.append(((store_id, year), scope))
            rows.append(status_row(store_id, year, scope, winner, verdicts[winner.id]))
    replace_rows(rows, keys=keys)


def current_deciding(pairs: set[Pair]) -> dict[Pair, dict[str, policy.SurveyFacts]]:
    """The stored deciding survey of some store-years, by scope."""
    table = StoreYearStatus.__table__
    found: dict[Pair, dict[str, policy.SurveyFacts]] = defaultdict(dict)
    query = select(table.c.store_id, table.c.year, table.c.scope, *fact_columns())
    for row in rows_of_pairs(query, table.c.store_id, table.c.year, pairs):
        found[(row.store_id, row.year)][row.scope] = facts_of(row)
    return found


def rejudge(phase_first_year: int, rule: policy.Rule, province_id: int | None = None) -> int:
    """Judge again, by the phase's new rule of a province (passed in; None: the national one), every
    stored year the phase's rule judges, of the stores that rule judges.

    Only the verdict can change: the deciding survey and its totals do not depend on the rule.
    Returns how many verdicts changed.
    """
    table = StoreYearStatus.__table__
    judged = province_rules.judged_by(phase_first_year, province_id)
    # Every store: a sync that read the old rule must finish before its rows are judged again.
    lock_all_stores()
    years = [
        year
        for year in db.session.scalars(select(table.c.year).distinct())
        if policy.rule_phase_year(year) == phase_first_year
    ]
    changes = []
    for year in years:
        query = select(table.c.store_id, table.c.year, table.c.scope, table.c.compliant, *fact_columns())
        query = query.join(Store, Store.id == table.c.store_id).where(judged)
        for row in db.session.execute(query.where(table.c.year == year)):
            compliant = policy.is_compliant(facts_of(row).zones, rule)
            if compliant != row.compliant:
                changes.append({"s": row.store_id, "y": row.year, "sc": row.scope, "c": compliant})
    if changes:
        statement = (
            update(table)
            .where(table.c.store_id == bindparam("s"), table.c.year == bindparam("y"), table.c.scope == bindparam("sc"))
            .values(compliant=bindparam("c"))
        )
        db.session.execute(statement, changes)
    return len(changes)


def rebuild() -> tuple[int, int]:
    """Work the whole table out again from the surveys (not committed).

    Returns how many rows it now holds and how many had to change: anything but 0 for the
    latter means a write once missed its update, which the tests are there to prevent.
    """
    lock_all_stores()
    before = {row_key(row) for row in stored_rows()}
    rows = computed_rows()
    after = {row_key(row) for row in rows}
    db.session.execute(delete(StoreYearStatus.__table__))
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(StoreYearStatus.__table__), rows[start : start + CHUNK])
    return len(rows), len(before ^ after)


def row_key(row: dict) -> tuple:
    return tuple(sorted(row.items()))


def needs_building() -> bool:
    """True when surveys exist but the table is empty: a database upgraded from before the table."""
    has_surveys = db.session.scalar(select(Survey.id).where(Survey.store_id.is_not(None)).limit(1)) is not None
    return has_surveys and db.session.scalar(select(StoreYearStatus.store_id).limit(1)) is None
