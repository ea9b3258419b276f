"""The rows a checked survey becomes (the survey, its packaging and eco-label lines, its photos, the
facts the store-year table weighs), and the one insert per table that writes a batch of them.

`sync` decides what is written; this module only says how a survey is laid out in the tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, insert, update

from models import EcoLabelLine, PackagingLine, Photo, Survey, SurveyProduct, User, db
from survey.domain import policy, store_years, survey_fields
from survey.domain.products import counting
from survey.domain.provinces import rows as provinces_rows
from survey.domain.schemas import SurveyIn


@dataclass
class KnownSurvey:
    """What checking needs of a stored survey, or of one accepted earlier in the same batch."""

    id: uuid.UUID
    content_hash: str
    store_id: int | None  # None: a survey of a store proposal not made a store (it counts nowhere)
    visit_year: int
    submitted_by_id: int | None
    superseded: bool
    proposal_id: uuid.UUID | None = None


@dataclass
class Accepted:
    """A checked survey, as the rows that store it and the facts the store-year table weighs."""

    index: int
    survey_id: uuid.UUID
    content_hash: str
    photo_ids: list[uuid.UUID]
    earlier: KnownSurvey | None
    survey_row: dict
    packaging_rows: list[dict]
    label_rows: list[dict]
    photo_rows: list[dict]
    product_rows: list[dict]
    new: store_years.NewSurvey


def build_rows(
    index: int,
    survey: SurveyIn,
    content_hash: str,
    store_id: int | None,
    source: str,
    sender: User | None,
    now: datetime,
    eco: Mapping[str, bool],
    counted_labels: Mapping[str, bool],
    earlier: KnownSurvey | None,
    derived: list[tuple[str, int]] | None = None,
) -> Accepted:
    """The rows of a checked survey, and what the store-year table needs to weigh it.

    `derived`: the eco-label lines worked out from the survey's products, when it lists any; they
    stand in for typed counts (products.counting)."""
    survey_id = uuid.UUID(survey.id)
    # The batch's order is its order of receipt: a later survey of the same visit time wins the tie,
    # as it did when each survey was stored on its own.
    received_at = now.astimezone(UTC) + timedelta(microseconds=index)
    row = survey_row(survey, survey_id, store_id, source, sender, received_at, content_hash, earlier)
    lines = [(line.zone, line.category, line.count) for line in survey.packaging]
    labels = derived if derived is not None else [(line.label, line.sku_count) for line in survey.eco_labels]
    facts = policy.SurveyFacts(
        id=str(survey_id),
        source=source,
        review_state="received",
        visited_at=survey.visited_moment.astimezone(UTC),
        received_at=received_at,
        zones=policy.zone_counts(lines, eco),
        eco_label_skus=sum(count for label, count in labels if counted_labels.get(label)),
    )
    photo_ids = [uuid.UUID(photo.id) for photo in survey.photos]
    return Accepted(
        index=index,
        survey_id=survey_id,
        content_hash=content_hash,
        photo_ids=photo_ids,
        earlier=earlier,
        survey_row=row,
        packaging_rows=[
            {"survey_id": survey_id, "zone": zone, "category_code": category, "count": count}
            for zone, category, count in lines
        ],
        label_rows=label_rows(survey, survey_id, derived),
        photo_rows=[
            {"id": photo_id, "survey_id": survey_id, "position": position, "caption": photo.caption}
            for position, (photo_id, photo) in enumerate(zip(photo_ids, survey.photos, strict=True))
        ],
        product_rows=[
            {"survey_id": survey_id, "gtin": code, "label_code": label}
            for code, label in counting.distinct((product.gtin, product.label) for product in survey.products or ())
        ],
        new=store_years.NewSurvey(store_id, row["visit_year"], facts),
    )


def label_rows(survey: SurveyIn, survey_id: uuid.UUID, derived: list[tuple[str, int]] | None) -> list[dict]:
    """The eco-label lines: derived from the products when the survey lists any, else as typed."""
    if derived is not None:
        return [
            {"survey_id": survey_id, "label_code": label, "product_group": "", "sku_count": count}
            for label, count in derived
        ]
    return [
        {
            "survey_id": survey_id,
            "label_code": line.label,
            "product_group": line.product_group,
            "sku_count": line.sku_count,
        }
        for line in survey.eco_labels
    ]


def survey_row(
    survey: SurveyIn,
    survey_id: uuid.UUID,
    store_id: int | None,
    source: str,
    sender: User | None,
    received_at: datetime,
    content_hash: str,
    earlier: KnownSurvey | None,
) -> dict:
    """The survey table's row: times in UTC with the phone's offset kept, the location, who sent it."""
    moment = survey.visited_moment
    offset = moment.utcoffset() or timedelta(0)
    location = survey.location
    return {
        "id": survey_id,
        "store_id": store_id,
        "store_proposal_id": uuid.UUID(survey.store_proposal) if survey.store_proposal else None,
        "visited_at": moment.astimezone(UTC).replace(tzinfo=None),
        "visited_offset_min": int(offset.total_seconds() // 60),
        "visit_year": policy.survey_year(moment),
        **{name: getattr(survey, name) for name in survey_fields.STORED_AS_IS},
        "lat": location.lat if location is not None else None,
        "lon": location.lon if location is not None else None,
        "accuracy_m": location.accuracy_m if location is not None else None,
        "source": source,
        "review_state": "received",
        "submitted_by_id": sender.id if sender is not None else None,
        "received_at": received_at.replace(tzinfo=None),
        "content_hash": content_hash,
        "review_comment": "",
        "supersedes_id": earlier.id if earlier is not None else None,
    }


def give_provinces(accepted: list[Accepted]) -> None:
    """Each survey and its photos in the province of its store, or of its store proposal (docs/provinces.md)."""
    rows = [item.survey_row for item in accepted]
    by_store, by_proposal = provinces_rows.survey_provinces(
        (row["store_id"] for row in rows), (row["store_proposal_id"] for row in rows)
    )
    for item in accepted:
        row = item.survey_row
        row["province_id"] = by_store.get(row["store_id"]) or by_proposal.get(row["store_proposal_id"])
        for photo in item.photo_rows:
            photo["province_id"] = row["province_id"]


def insert_rows(accepted: list[Accepted]) -> None:
    """One insert per table for all the surveys, then the links from the surveys they correct."""
    give_provinces(accepted)
    db.session.execute(insert(Survey.__table__), [item.survey_row for item in accepted])
    for table, rows in (
        (PackagingLine.__table__, [row for item in accepted for row in item.packaging_rows]),
        (EcoLabelLine.__table__, [row for item in accepted for row in item.label_rows]),
        (Photo.__table__, [row for item in accepted for row in item.photo_rows]),
        (SurveyProduct.__table__, [row for item in accepted for row in item.product_rows]),
    ):
        if rows:
            db.session.execute(insert(table), rows)
    links = [{"earlier": item.earlier.id, "correction": item.survey_id} for item in accepted if item.earlier]
    if links:
        table = Survey.__table__
        statement = (
            update(table).where(table.c.id == bindparam("earlier")).values(superseded_by_id=bindparam("correction"))
        )
        db.session.execute(statement, links)
