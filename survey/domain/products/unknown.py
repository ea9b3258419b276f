"""GTINs found in surveys that the certified list does not hold: the admin's queue.

Each one counts under the label its pack showed until an admin decides: adding it to the list (an
import) or marking it not certified, after which it counts for no survey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from models import Product, Survey, SurveyProduct, UncertifiedProduct, User, db
from survey.domain import audit, policy
from survey.domain.products import counting, gtin


@dataclass(frozen=True)
class Unknown:
    gtin: str
    labels: tuple[str, ...]  # the labels the packs were said to bear
    surveys: int
    stores: int
    last_seen: date  # the local day of the latest visit that found it


def waiting(limit: int = 500) -> list[Unknown]:
    """The unlisted GTINs the province's surveys found and its admin has not decided on, the most seen first.

    Both reads are the session's province's (provinces.tenancy): each province decides its own queue."""
    decided = select(UncertifiedProduct.gtin)
    listed = select(Product.gtin)
    rows = db.session.execute(
        select(
            SurveyProduct.gtin,
            func.count(func.distinct(SurveyProduct.survey_id)),
            func.count(func.distinct(Survey.store_id)),
            func.max(Survey.visited_at),
        )
        .join(Survey, Survey.id == SurveyProduct.survey_id)
        .where(SurveyProduct.gtin.not_in(listed), SurveyProduct.gtin.not_in(decided))
        .group_by(SurveyProduct.gtin)
        .order_by(func.count(func.distinct(SurveyProduct.survey_id)).desc(), SurveyProduct.gtin)
        .limit(limit)
    ).all()
    labels = stated_labels([row[0] for row in rows])
    return [
        Unknown(code, tuple(sorted(labels.get(code, ()))), n, stores, policy.local_day(seen))
        for code, n, stores, seen in rows
    ]


def stated_labels(gtins: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    if gtins:
        query = (
            select(SurveyProduct.gtin, SurveyProduct.label_code)
            .join(Survey, Survey.id == SurveyProduct.survey_id)  # the province's surveys (provinces.tenancy)
            .where(SurveyProduct.gtin.in_(gtins))
            .distinct()
        )
        for code, label in db.session.execute(query):
            if label:
                found.setdefault(code, set()).add(label)
    return found


class NotWaiting(ValueError):
    """The GTIN is not in the queue: on the list already, decided, or never found in a survey."""


def mark_uncertified(code: str, actor: User) -> int:
    """Mark an unlisted GTIN not certified (audited) and count its surveys again; the caller commits.

    Returns how many surveys were counted again."""
    decided = select(UncertifiedProduct.id).where(UncertifiedProduct.gtin == code)  # by the province (tenancy)
    if not gtin.is_valid(code) or db.session.get(Product, code) or db.session.scalar(decided) is not None:
        raise NotWaiting(code)
    seen = select(SurveyProduct.id).join(Survey, Survey.id == SurveyProduct.survey_id)  # in the province's surveys
    if db.session.scalar(seen.where(SurveyProduct.gtin == code).limit(1)) is None:
        raise NotWaiting(code)
    db.session.add(UncertifiedProduct(gtin=code, decided_by_id=actor.id))
    db.session.flush()
    audit.record(actor, "product_uncertified", f"product:{code}", "", "")
    return counting.rederive([code])
