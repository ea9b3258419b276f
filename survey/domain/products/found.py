"""Which certified products the year's deciding surveys found: the `eco_products` indicator.

A listed GTIN counts when its certificate was valid on the day of the visit that found it; the
deciding surveys are those of the store-year table (one per surveyed store), so a product counts
once however many stores or surveys it was seen in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select

from models import Product, Store, StoreYearStatus, SurveyProduct, db
from survey.domain import policy
from survey.domain.products.counting import Listed


def valid_products_by_survey(year: int, scope: str = "all") -> dict[str, frozenset[str]]:
    """For each deciding survey of the year that found listed products: those valid on its visit day."""
    found = valid_products_by(year, StoreYearStatus.__table__.c.survey_id, scope)
    return {str(survey_id): gtins for survey_id, gtins in found.items()}


def valid_products_by(year: int, key, scope: str = "all", *conditions) -> dict:
    """The listed products the year's deciding surveys found valid on their visit day, grouped by
    `key` (a column: the survey, the province…), over the stores that meet `conditions`."""
    status = StoreYearStatus.__table__
    rows = db.session.execute(
        select(key, status.c.visited_at, SurveyProduct.gtin, Product.label_code, Product.valid_from, Product.valid_to)
        .select_from(Store)  # the stores of the session's province (provinces.tenancy)
        .join(status, Store.id == status.c.store_id)
        .join(SurveyProduct, SurveyProduct.survey_id == status.c.survey_id)
        .join(Product, Product.gtin == SurveyProduct.gtin)
        .where(and_(status.c.year == year, status.c.scope == scope, *conditions))
    )
    found: dict = {}
    for group, visited_at, gtin, label, valid_from, valid_to in rows:
        if Listed(label, valid_from, valid_to).valid_on(policy.local_day(visited_at)):
            found.setdefault(group, set()).add(gtin)
    return {group: frozenset(gtins) for group, gtins in found.items()}


@dataclass(frozen=True)
class FoundProduct:
    """A listed product the year's deciding surveys found: in how many stores, and how often its
    certificate had run out (or not begun) on the day it was seen."""

    gtin: str
    name: str
    brand: str
    label: str
    certificate_no: str
    valid_to: date | None
    stores_valid: int  # surveyed stores where it was seen with a valid certificate
    stores_expired: int  # surveyed stores where it was seen while its certificate was not valid


def products_of_year(year: int, scope: str = "all") -> list[FoundProduct]:
    """Every listed product found by the year's deciding surveys, the most widely found first."""
    status = StoreYearStatus.__table__
    rows = db.session.execute(
        select(status.c.store_id, status.c.visited_at, Product)
        .join(SurveyProduct, SurveyProduct.survey_id == status.c.survey_id)
        .join(Product, Product.gtin == SurveyProduct.gtin)
        .join(Store, Store.id == status.c.store_id)  # the stores of the session's province (provinces.tenancy)
        .where(and_(status.c.year == year, status.c.scope == scope))
    )
    stores: dict[str, tuple[Product, set[int], set[int]]] = {}
    for store_id, visited_at, product in rows:
        entry = stores.setdefault(product.gtin, (product, set(), set()))
        listed = Listed(product.label_code, product.valid_from, product.valid_to)
        (entry[1] if listed.valid_on(policy.local_day(visited_at)) else entry[2]).add(store_id)
    found = [
        FoundProduct(p.gtin, p.name, p.brand, p.label_code, p.certificate_no, p.valid_to, len(valid), len(expired))
        for p, valid, expired in stores.values()
    ]
    return sorted(found, key=lambda item: (-item.stores_valid, -item.stores_expired, item.name, item.gtin))
