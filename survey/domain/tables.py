"""The tables behind the exports: a year's surveys, each judged by the rule in force, and its figures.

Each table is declared once, a `Column` per column, and serves both files the web layer writes:
the CSV file for programs, whose headers (`Column.key`) and values stay as they are (programs
read them: never rename one), and the Excel workbook for people, whose headers and values are
named from the same declaration (`label`, `kind`, `names`) in the reader's language. Rows are
plain values as the CSV file holds them. Every row carries the rule version that judged it and
the time of the export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from models import Store, Survey, db
from survey.domain import figures, indicators, policy, review, rulebook, survey_fields, vocabularies
from survey.domain.indicators import N_
from survey.domain.products import found
from survey.domain.review import visited_at_iso

FIGURES = indicators.KEYS  # a column each, in the registry's order

# What a value is, so that a spreadsheet shows it as people expect: a yes/no, a date, a share.
Kind = Literal["text", "code", "codes", "count", "number", "year", "flag", "percentage", "date", "datetime"]


@dataclass(frozen=True)
class Column:
    """One column of an export, for programs (its key and the value as is) and for people."""

    key: str  # the CSV header: fixed, programs read it
    label: str = ""  # the message id of the header people read
    kind: Kind = "text"
    names: str = ""  # a code's (or ";"-separated codes') list of names, or a name's fallback: see web/spreadsheet
    named_after: tuple[tuple[str, str], ...] = ()  # (list of names, code) pairs the header adds after the label
    places: int = 1  # the decimals a percentage shows (its value is in points: 57.1 is 57.1%)


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: list[list]

    @property
    def header(self) -> list[str]:
        return [column.key for column in self.columns]

    def __iter__(self) -> Iterator:
        """Unpack as (header, rows), as the tables were first returned."""
        return iter((self.header, self.rows))


def export_time() -> str:
    return policy.local_now().replace(microsecond=0).isoformat()


def survey_columns(categories: list[tuple[str, str]], labels: list[str]) -> tuple[Column, ...]:
    """The survey export's columns: one per (zone, category) and per eco-label type, then the later ones."""
    return (
        Column("survey_id", N_("Survey ID")),
        Column("store_code", N_("Store code")),
        Column("store_name", N_("Store name")),
        Column("store_type", N_("Store type"), "code", "store_type"),
        Column("unit_code", N_("Unit code")),
        Column("unit_name", N_("Administrative unit")),
        Column("visited_at", N_("Visit time"), "datetime"),
        Column("year", N_("Year"), "year"),
        Column("source", N_("Source"), "code", "source"),
        Column("review_state", N_("Review state"), "code", "review_state"),
        Column("counts", N_("Counted in the figures"), "flag"),
        Column("compliant", N_("Compliant"), "flag"),
        Column("submitted_by", N_("Sent by")),
        Column("received_at", N_("Received at"), "datetime"),
        *[field_column(field) for field in survey_fields.FIELDS if field.exported and not field.added_later],
        *[
            Column(f"{zone}:{code}", "", "count", named_after=(("zone", zone), ("category", code)))
            for zone, code in categories
        ],
        *[
            Column(f"label:{code}", N_("Eco-labelled SKUs"), "count", named_after=(("eco_label", code),))
            for code in labels
        ],
        Column("rule_version", N_("Rule version"), "count"),
        Column("exported_at", N_("Exported at"), "datetime"),
        Column("photos", N_("Photos")),
        Column("distance_m", N_("Distance from the store (m)"), "count"),
        # Fields added after the export's first columns were settled go last: programs reading by
        # position keep working.
        *[field_column(field) for field in survey_fields.FIELDS if field.exported and field.added_later],
    )


def field_column(field: survey_fields.SurveyField) -> Column:
    return Column(field.name, field.label, field.typed or ("count" if field.counted else "text"))


def survey_table(year: int, photo_url: Callable[[str], str] = str) -> Table:
    """One row per survey of the year, in the columns of `survey_columns`.

    The last columns, added later, are the links of the photos received (`photo_url` makes a photo's
    id into its link; one per line) and the metres from the store's registered place.
    """
    categories = [(zone, c.code) for zone, cats in vocabularies.categories_by_zone().items() for c in cats]
    labels = [label.code for label in vocabularies.label_types()]
    rule = rulebook.rule_for_year(year)
    stamp = export_time()
    surveys = db.session.scalars(
        select(Survey)
        # A survey of a store found in the field has no store until an admin adds it: it counts nowhere.
        .where(Survey.visit_year == year, Survey.store_id.is_not(None))
        .options(
            joinedload(Survey.store).joinedload(Store.unit),
            joinedload(Survey.submitted_by),
            selectinload(Survey.packaging),
            selectinload(Survey.eco_labels),
            selectinload(Survey.photos),
        )
        .order_by(Survey.visited_at, Survey.id)
    )
    eco = vocabularies.eco_by_category()
    rows = []
    for survey in surveys:
        counts = {(line.zone, line.category_code): line.count for line in survey.packaging}
        label_counts: dict[str, int] = {}
        for line in survey.eco_labels:
            label_counts[line.label_code] = label_counts.get(line.label_code, 0) + line.sku_count
        zones = policy.zone_counts(((zone, code, count) for (zone, code), count in counts.items()), eco)
        rows.append(
            [
                str(survey.id), survey.store.code, survey.store.name, survey.store.type, survey.store.unit.code,
                survey.store.unit.name, visited_at_iso(survey), survey.visit_year, survey.source, survey.review_state,
                review.counts(survey), policy.is_compliant(zones, rule),
                survey.submitted_by.username if survey.submitted_by else "", survey.received_at.isoformat() + "Z",
                *[getattr(survey, name) for name in survey_fields.EXPORTED if name not in survey_fields.ADDED_LATER],
                *[counts.get(key, 0) for key in categories], *[label_counts.get(code, 0) for code in labels],
                rule.version, stamp,
                "\n".join(photo_url(str(photo.id)) for photo in survey.photos if photo.received_at is not None),
                review.distance_from_store(survey),
                *[getattr(survey, name) for name in survey_fields.EXPORTED if name in survey_fields.ADDED_LATER],
            ]
        )  # fmt: skip
    return Table(survey_columns(categories, labels), rows)


def indicator_columns() -> tuple[Column, ...]:
    """The indicator export's columns: what a row sums up, every indicator of the registry, the rule."""
    return (
        Column("year", N_("Year"), "year"),
        Column("scope", N_("Grouped by"), "code", "scope"),
        Column("code", N_("Code")),
        Column("name", N_("Name"), "text", "group"),  # empty for a type, or for stores with no unit at the level
        *[Column(item.key, item.label, item.kind, places=0 if item.whole else 1) for item in indicators.INDICATORS],
        Column("rule_version", N_("Rule version"), "count"),
        Column("rule_zones", N_("Zones judged"), "codes", "zone"),
        Column("rule_min_eco_share_pct", N_("Minimum eco share in each zone (%)"), "percentage"),
        Column("rule_target_pct", N_("Target: share of stores (%)"), "percentage", places=0),
        Column("exported_at", N_("Exported at"), "datetime"),
    )


def indicator_table(year: int) -> Table:
    """The year's figures: the province, each unit, each unit at the year's level, each store type.

    The level rows group stores as the dashboard and the report do (old districts up to 2025,
    communes after); stores with no unit at that level share one row with an empty code.
    """
    level = policy.default_level(year)
    result = figures.year_indicators(year, level=level)
    stamp = export_time()
    rule = result["rule"]
    tail = [rule["version"], ";".join(rule["zones"]), rule["min_eco_share_pct"], rule["target_pct"], stamp]
    rows = [[year, "province", "", "", *[result[key] for key in FIGURES], *tail]]
    rows += [
        [year, "unit", e["unit_code"], e["unit_name"], *[e[key] for key in FIGURES], *tail] for e in result["by_unit"]
    ]
    rows += [
        [year, level, e["unit_code"] or "", e["unit_name"] or "", *[e[key] for key in FIGURES], *tail]
        for e in result["by_level"]
    ]
    rows += [[year, "type", e["type"], "", *[e[key] for key in FIGURES], *tail] for e in result["by_type"]]
    return Table(indicator_columns(), rows)


PRODUCT_COLUMNS = (
    Column("year", N_("Year"), "year"),
    Column("gtin", N_("Barcode number (GTIN)")),
    Column("name", N_("Product name")),
    Column("brand", N_("Brand")),
    Column("label", N_("Eco-label type"), "code", "eco_label"),
    Column("certificate_no", N_("Certificate number")),
    Column("valid_to", N_("Valid to"), "date"),
    Column("stores_valid", N_("Stores where found, certificate valid"), "count"),
    Column("stores_expired", N_("Stores where found, certificate not valid that day"), "count"),
    Column("exported_at", N_("Exported at"), "datetime"),
)


def product_table(year: int) -> Table:
    """The certified products the year's deciding surveys found, one row each (products.found)."""
    stamp = export_time()
    rows = [
        [
            year, item.gtin, item.name, item.brand, item.label, item.certificate_no,
            item.valid_to.isoformat() if item.valid_to else None, item.stores_valid, item.stores_expired, stamp,
        ]
        for item in found.products_of_year(year)
    ]  # fmt: skip
    return Table(PRODUCT_COLUMNS, rows)
