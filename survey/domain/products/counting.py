"""Which eco-labelled products of a survey count, and the eco-label counts derived from them.

A survey that lists products carries no typed eco-label counts: the server derives them, one line
per label type present, each distinct GTIN one SKU of its label type (contract, "Products and the
checkout tally"):
- a listed product takes the list's label and counts while its certificate is valid on the visit day
  (in Vietnam's time zone);
- an unlisted GTIN counts under the label its pack showed, until an admin marks it not certified.

The list changes after surveys arrive (an import, an admin's decision), so the derived lines are
worked out again for every survey holding a GTIN that changed (`rederive`).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, insert, select

from models import EcoLabelLine, Product, Survey, SurveyProduct, UncertifiedProduct, db
from survey.domain import policy, store_years
from survey.domain.provinces.tenancy import ALL_PROVINCES


@dataclass(frozen=True)
class Listed:
    """What the certified list says of a GTIN."""

    label: str
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Found:
    """One product of a survey as it is judged: its label in effect and whether it counts."""

    gtin: str
    label: str | None
    listed: bool
    certificate_valid: bool | None  # None when unlisted
    counts: bool


def judge(gtin: str, stated: str | None, day: date, listed: Mapping[str, Listed], uncertified: set[str]) -> Found:
    if (entry := listed.get(gtin)) is not None:
        valid = entry.valid_on(day)
        return Found(gtin, entry.label, True, valid, valid)
    return Found(gtin, stated, False, None, stated is not None and gtin not in uncertified)


def distinct(lines: Iterable[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Each GTIN once, with the first label stated for it (a product scanned twice is one SKU)."""
    seen: dict[str, str | None] = {}
    for gtin, label in lines:
        seen.setdefault(gtin, label)
    return list(seen.items())


def label_counts(found: Iterable[Found]) -> list[tuple[str, int]]:
    """The derived eco-label lines: (label, SKUs) per label type with at least one product counting."""
    counts = Counter(product.label for product in found if product.counts)
    return sorted(counts.items())


def listed_for(gtins: Iterable[str]) -> dict[str, Listed]:
    wanted = set(gtins)
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Product.gtin, Product.label_code, Product.valid_from, Product.valid_to).where(Product.gtin.in_(wanted))
    )
    return {row.gtin: Listed(row.label_code, row.valid_from, row.valid_to) for row in rows}


def uncertified_among(gtins: Iterable[str], province_id: int | None) -> set[str]:
    """The GTINs marked not certified for a province's surveys: by its admin (each province decides
    its own queue), or for every province (a mark of no province, made before provinces)."""
    return marks_for(uncertified_by_province(gtins), province_id)


def marks_for(marks: dict[int | None, set[str]], province_id: int | None) -> set[str]:
    """Of the marks by province, those that hold for a province's surveys."""
    return marks.get(province_id, set()) | marks.get(None, set())


def uncertified_by_province(gtins: Iterable[str]) -> dict[int | None, set[str]]:
    """The GTINs marked not certified, by the province that marked them: whoever asks (a survey is
    judged by its own province's marks, also when the Ministry or the command line reads it)."""
    wanted = set(gtins)
    if not wanted:
        return {}
    query = select(UncertifiedProduct.province_id, UncertifiedProduct.gtin).where(UncertifiedProduct.gtin.in_(wanted))
    found: dict[int | None, set[str]] = {}
    for province_id, gtin in db.session.execute(query.execution_options(**ALL_PROVINCES)):
        found.setdefault(province_id, set()).add(gtin)
    return found


def visit_day(survey: Survey) -> date:
    return policy.local_day(survey.visited_at)


def products_of(survey: Survey) -> list[Found]:
    """A stored survey's products, judged as the list stands today."""
    lines = [(line.gtin, line.label_code) for line in survey.products]
    listed = listed_for(gtin for gtin, _ in lines)
    uncertified = uncertified_among((gtin for gtin, _ in lines), survey.province_id)
    day = visit_day(survey)
    return [judge(gtin, label, day, listed, uncertified) for gtin, label in lines]


def rederive(gtins: Iterable[str]) -> int:
    """Work the eco-label lines out again for every survey holding one of these GTINs, and the store-year
    figures with them. Returns how many surveys were looked at. The caller commits."""
    wanted = set(gtins)
    if not wanted:
        return 0
    survey_ids = set(db.session.scalars(select(SurveyProduct.survey_id).where(SurveyProduct.gtin.in_(wanted))))
    pairs = set()
    for survey in db.session.scalars(select(Survey).where(Survey.id.in_(survey_ids))):
        rows = [
            {"survey_id": survey.id, "label_code": label, "product_group": "", "sku_count": count}
            for label, count in label_counts(products_of(survey))
        ]
        db.session.execute(delete(EcoLabelLine).where(EcoLabelLine.survey_id == survey.id))
        if rows:
            db.session.execute(insert(EcoLabelLine.__table__), rows)
        if survey.store_id is not None:
            pairs.add((survey.store_id, survey.visit_year))
    db.session.expire_all()
    store_years.refresh(pairs)
    return len(survey_ids)


def survey_ids_with_products(ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    wanted = set(ids)
    if not wanted:
        return set()
    return set(db.session.scalars(select(SurveyProduct.survey_id).where(SurveyProduct.survey_id.in_(wanted))))
