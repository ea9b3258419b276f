"""Which certified products the year's deciding surveys found: the `eco_products` indicator.

A listed GTIN counts when its certificate was valid on the day of the visit that found it; the
deciding surveys are those of the store-year table (one per surveyed store), so a product counts
once however many stores or surveys it was seen in."""

from __future__ import annotations

from sqlalchemy import and_, select

from models import Product, StoreYearStatus, SurveyProduct, db
from survey.domain import policy
from survey.domain.products.counting import Listed


def valid_products_by_survey(year: int, scope: str = "all") -> dict[str, frozenset[str]]:
    """For each deciding survey of the year that found listed products: those valid on its visit day."""
    status = StoreYearStatus.__table__
    rows = db.session.execute(
        select(
            status.c.survey_id,
            status.c.visited_at,
            SurveyProduct.gtin,
            Product.label_code,
            Product.valid_from,
            Product.valid_to,
        )
        .join(SurveyProduct, SurveyProduct.survey_id == status.c.survey_id)
        .join(Product, Product.gtin == SurveyProduct.gtin)
        .where(and_(status.c.year == year, status.c.scope == scope))
    )
    found: dict[str, set[str]] = {}
    for survey_id, visited_at, gtin, label, valid_from, valid_to in rows:
        if Listed(label, valid_from, valid_to).valid_on(policy.local_day(visited_at)):
            found.setdefault(str(survey_id), set()).add(gtin)
    return {survey_id: frozenset(gtins) for survey_id, gtins in found.items()}
