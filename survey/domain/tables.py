"""The tables behind the exports: a year's surveys, each judged by the rule in force, and its figures.

Rows are plain values; the web layer writes them as CSV or XLSX. Every row carries the
rule version that judged it and the time of the export.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from models import Store, Survey, db
from survey.domain import figures, indicators, policy, review, rulebook, survey_fields, vocabularies
from survey.domain.review import visited_at_iso

FIGURES = indicators.KEYS  # a column each, in the registry's order


def export_time() -> str:
    return policy.local_now().replace(microsecond=0).isoformat()


def survey_table(year: int, photo_url: Callable[[str], str] = str) -> tuple[list[str], list[list]]:
    """One row per survey of the year: a column per zone and category, one per eco-label type.

    The last columns, added later, are the links of the photos received (`photo_url` makes a photo's
    id into its link; one per line) and the metres from the store's registered place.
    """
    categories = [(zone, c.code) for zone, cats in vocabularies.categories_by_zone().items() for c in cats]
    labels = [label.code for label in vocabularies.label_types()]
    rule = rulebook.rule_for_year(year)
    stamp = export_time()
    header = [
        "survey_id", "store_code", "store_name", "store_type", "unit_code", "unit_name", "visited_at", "year",
        "source", "review_state", "counts", "compliant", "submitted_by", "received_at", *survey_fields.EXPORTED,
        *[f"{zone}:{code}" for zone, code in categories], *[f"label:{code}" for code in labels],
        "rule_version", "exported_at", "photos", "distance_m",
    ]  # fmt: skip
    surveys = db.session.scalars(
        select(Survey)
        .where(Survey.visit_year == year)
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
                *[getattr(survey, name) for name in survey_fields.EXPORTED],
                *[counts.get(key, 0) for key in categories], *[label_counts.get(code, 0) for code in labels],
                rule.version, stamp,
                "\n".join(photo_url(str(photo.id)) for photo in survey.photos if photo.received_at is not None),
                review.distance_from_store(survey),
            ]
        )  # fmt: skip
    return header, rows


def indicator_table(year: int) -> tuple[list[str], list[list]]:
    """The year's figures: the province, each unit, each unit at the year's level, each store type.

    The level rows group stores as the dashboard and the report do (old districts up to 2025,
    communes after); stores with no unit at that level share one row with an empty code.
    """
    level = policy.default_level(year)
    result = figures.year_indicators(year, level=level)
    stamp = export_time()
    header = ["year", "scope", "code", "name", *FIGURES, "rule_version", "rule_zones", "rule_min_eco_share_pct",
              "rule_target_pct", "exported_at"]  # fmt: skip
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
    return header, rows
