"""Store surveys sent by phones and forms: each whole or not at all, never twice (docs/sync.md).

The phone makes the survey's UUID when the form opens, so a retry, a second tab or a
double tap sends the same id again. A stable hash of the canonical survey tells a
harmless repeat (`duplicate`) from an id reused for other content (`conflict`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError

from models import EcoLabelType, PackagingCategory, Photo, Store, Survey, User, db
from survey.domain import audit, store_years, survey_fields
from survey.domain.payload_errors import empty_checkout_message, field_errors
from survey.domain.products import counting, in_surveys
from survey.domain.proposals import references
from survey.domain.provinces.tenancy import ALL_PROVINCES
from survey.domain.schemas import EARLIEST_YEAR, FUTURE_TOLERANCE, SurveyIn, place_errors
from survey.domain.sync_rows import Accepted, KnownSurvey, build_rows, insert_rows

EARLIEST_VISIT = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)


def canonical_hash(survey: SurveyIn) -> str:
    """Hash the survey's meaning: the same visit gives the same hash however it is spelled."""
    data = survey.model_dump()
    # Fields added later stay out when unused, so that stored hashes keep matching.
    for name in survey_fields.ADDED_LATER:
        if survey_fields.unused(data[name]):
            del data[name]
    data["visited_at"] = survey.visited_moment.astimezone(UTC).isoformat()
    data["packaging"] = sorted(data["packaging"], key=lambda line: (line["zone"], line["category"]))
    if data.get("products"):
        data["products"] = sorted(data["products"], key=lambda line: (line["gtin"], line["label"] or ""))
    data["eco_labels"] = sorted(
        data["eco_labels"], key=lambda line: (line["label"], line["product_group"], line["sku_count"])
    )
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# --- one batch -------------------------------------------------------------------------------------
#
# A batch is checked as a whole against what it reads once from the database, then written with one
# insert per table in one transaction. A survey the database still refuses (another request stored
# the same id meanwhile, or a value out of its range) sends the writing back one survey at a time,
# each in a savepoint of its own, so that it is refused alone.


@dataclass
class Batch:
    """Everything checking a batch reads from the database, read once, after the stores are locked."""

    store_ids: dict[str, int]
    store_provinces: dict[int, int | None]  # each store's province, by store id
    proposals: dict[uuid.UUID, references.ProposalRef]  # the store proposals the surveys name
    zones_by_category: dict[str, frozenset[str]]  # the zones each packaging category is counted in
    eco: dict[str, bool]  # every packaging category: is it eco-friendly?
    counted_labels: dict[str, bool]  # every eco-label type: is it counted?
    known: dict[uuid.UUID, KnownSurvey]
    taken_photos: set[uuid.UUID]
    listed: dict[str, counting.Listed]  # the certified list's entries for the batch's GTINs
    uncertified: dict[int | None, set[str]]  # the batch's GTINs marked not certified, by the province that did
    # The batch's later copies of an id it accepted first: they share that survey's fate if its write fails.
    echoes: dict[uuid.UUID, list[int]] = field(default_factory=dict)

    @classmethod
    def read(cls, surveys: list[SurveyIn]) -> Batch:
        proposals = references.read_for_batch({uuid.UUID(s.store_proposal) for s in surveys if s.store_proposal})
        codes = {survey.store_code for survey in surveys if survey.store_code is not None}
        stores = db.session.execute(select(Store.code, Store.id, Store.province_id).where(Store.code.in_(codes))).all()
        store_ids = {code: store_id for code, store_id, _ in stores}
        store_years.lock_stores([*store_ids.values(), *(ref.store_id for ref in proposals.values() if ref.store_id)])
        ids = {uuid.UUID(survey.id) for survey in surveys}
        ids |= {uuid.UUID(survey.supersedes) for survey in surveys if survey.supersedes is not None}
        photo_ids = {uuid.UUID(photo.id) for survey in surveys for photo in survey.photos}
        gtins = {product.gtin for survey in surveys for product in survey.products or ()}
        known_query = select(
            Survey.id,
            Survey.content_hash,
            Survey.store_id,
            Survey.visit_year,
            Survey.submitted_by_id,
            Survey.superseded_by_id,
            Survey.store_proposal_id,
        ).where(Survey.id.in_(ids))
        categories = list(db.session.scalars(select(PackagingCategory)))
        return cls(
            store_ids=store_ids,
            store_provinces={store_id: province_id for _, store_id, province_id in stores},
            proposals=proposals,
            zones_by_category={category.code: frozenset(category.zone_list) for category in categories},
            eco={category.code: category.eco for category in categories},
            counted_labels=dict(db.session.execute(select(EcoLabelType.code, EcoLabelType.counted)).all()),
            known={
                row.id: KnownSurvey(
                    *row[:5], superseded=row.superseded_by_id is not None, proposal_id=row.store_proposal_id
                )
                for row in db.session.execute(known_query)
            },
            taken_photos=set(db.session.scalars(select(Photo.id).where(Photo.id.in_(photo_ids))))
            if photo_ids
            else set(),
            listed=counting.listed_for(gtins),
            uncertified=counting.uncertified_by_province(gtins),
        )


def store_survey(raw: object, source: str, sender: User | None, now: datetime | None = None) -> dict:
    """Check and store one survey (committed); return its sync result."""
    return store_batch([raw], source, sender, now)[0]


def store_batch(items: list, source: str, sender: User | None, now: datetime | None = None) -> list[dict]:
    """Check and store a batch of surveys in one transaction; one result per survey, in order.

    A survey that breaks is refused alone and never takes the others with it. The results are
    those of storing each survey on its own, in order: a later copy of an id earlier in the
    batch is a `duplicate` (or a `conflict`), as it would be had the first been sent before.
    """
    now = now or datetime.now(UTC)
    results: list[dict | None] = [None] * len(items)
    parsed = []
    for index, raw in enumerate(items):
        outcome = parse(raw)
        if isinstance(outcome, dict):
            results[index] = outcome
        else:
            parsed.append((index, *outcome))
    accepted = []
    if parsed:
        batch = Batch.read([survey for _, survey, _ in parsed])
        for index, survey, content_hash in parsed:
            result, admitted = admit(index, survey, content_hash, batch, now, source, sender)
            results[index] = result
            if admitted is not None:
                accepted.append(admitted)
    written = write(accepted, results, batch.echoes if parsed else {})
    record_corrections(written, sender)
    store_years.consider([item.new for item in written if item.earlier is None])
    store_years.refresh(
        {(item.new.store_id, item.new.year) for item in written if item.earlier is not None}
        | {(item.earlier.store_id, item.earlier.visit_year) for item in written if item.earlier is not None}
    )
    db.session.commit()
    return results


def parse(raw: object) -> dict | tuple[SurveyIn, str]:
    """The checked shape of one item and its content hash, or its `invalid` result."""
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    result_id = raw_id if isinstance(raw_id, str) else None
    if not isinstance(raw, dict):
        return {"id": None, "status": "invalid", "errors": {"survey": _("Must be an object.")}}
    try:
        survey = SurveyIn.model_validate(raw)
        if errors := place_errors(survey):
            return {"id": survey.id, "status": "invalid", "errors": errors}
        return survey, canonical_hash(survey)
    except ValidationError as error:
        return {"id": result_id, "status": "invalid", "errors": field_errors(error)}
    except (ValueError, OverflowError, TypeError) as error:
        return unreadable(result_id, error)


def unreadable(survey_id: str | None, error: Exception) -> dict:
    """Input that slipped past validation: this survey is refused alone, and the error logged."""
    current_app.logger.exception("Survey refused by an unexpected error", exc_info=error)
    return {"id": survey_id, "status": "invalid", "errors": {"survey": _("This survey could not be read.")}}


def survey_province(batch: Batch, store_id: int | None, sender: User | None) -> int | None:
    """The province a survey will belong to: its store's, or for a store proposed in the field, the
    inspector's, which the proposal takes (and the store it becomes is in)."""
    if store_id in batch.store_provinces:
        return batch.store_provinces[store_id]
    return sender.province_id if sender is not None else None


def admit(
    index: int, survey: SurveyIn, content_hash: str, batch: Batch, now: datetime, source: str, sender: User | None
) -> tuple[dict, Accepted | None]:
    """Check one survey of the batch; when it is new and sound, make its rows and count it as known."""
    survey_id = uuid.UUID(survey.id)
    if (known := batch.known.get(survey_id)) is not None:
        if survey_id in batch.echoes:
            batch.echoes[survey_id].append(index)
        return repeat_result(survey.id, known.content_hash, content_hash), None
    store_id, errors = check_references(survey, batch, now, sender)
    place_known = not {"store_code", "store_proposal"} & set(errors)
    earlier, correction_errors = corrected_survey(survey, store_id, sender, batch, place_known)
    errors |= correction_errors
    if errors:
        return {"id": survey.id, "status": "invalid", "errors": errors}, None
    if earlier is not None and earlier.superseded:
        return already_corrected(survey.id), None
    try:
        labels = batch.eco, batch.counted_labels
        admitted = build_rows(
            index,
            survey,
            content_hash,
            store_id,
            source,
            sender,
            now,
            *labels,
            earlier,
            in_surveys.derived(
                survey, batch.listed, counting.marks_for(batch.uncertified, survey_province(batch, store_id, sender))
            ),
        )
    except (ValueError, OverflowError, TypeError) as error:
        return unreadable(survey.id, error), None
    batch.known[survey_id] = KnownSurvey(
        survey_id,
        content_hash,
        store_id,
        admitted.new.year,
        admitted.survey_row["submitted_by_id"],
        False,
        admitted.survey_row["store_proposal_id"],
    )
    batch.taken_photos.update(admitted.photo_ids)
    batch.echoes[survey_id] = []
    if earlier is not None:
        earlier.superseded = True
    return {"id": survey.id, "status": "created"}, admitted


def repeat_result(survey_id: str, stored_hash: str, content_hash: str) -> dict:
    """An id already stored: the same survey again (`duplicate`), or other content under it (`conflict`)."""
    if stored_hash == content_hash:
        return {"id": survey_id, "status": "duplicate"}
    return {
        "id": survey_id,
        "status": "conflict",
        "errors": {"id": _("This survey id was already used for a different survey.")},
    }


def check_references(
    survey: SurveyIn, batch: Batch, now: datetime, sender: User | None
) -> tuple[int | None, dict[str, str]]:
    """Check what the shape cannot: the store (or the sender's proposal), the vocabularies, the dates,
    the totals, the photos. The store is None for a survey of a proposal not (or never) made a store."""
    errors: dict[str, str] = {}
    if survey.store_proposal is not None:
        store_id, errors = references.proposal_store(uuid.UUID(survey.store_proposal), batch.proposals, sender)
    elif (store_id := batch.store_ids.get(survey.store_code)) is None:
        errors["store_code"] = _("Unknown store.")
    moment = survey.visited_moment
    if moment > now + FUTURE_TOLERANCE:
        errors["visited_at"] = _("The visit cannot be more than a day in the future.")
    elif moment < EARLIEST_VISIT:
        errors["visited_at"] = _("The visit date is too far in the past.")
    seen: set[tuple[str, str]] = set()
    for index, line in enumerate(survey.packaging):
        zones = batch.zones_by_category.get(line.category)
        if zones is None:
            errors[f"packaging.{index}.category"] = _("Unknown packaging category.")
        elif line.zone not in zones:
            errors[f"packaging.{index}.category"] = _("This category is not counted in this zone.")
        elif (line.zone, line.category) in seen:
            errors[f"packaging.{index}.category"] = _("This category is listed twice in the zone.")
        seen.add((line.zone, line.category))
    if not any(line.zone == "checkout" and line.count > 0 for line in survey.packaging):
        errors.setdefault("packaging", empty_checkout_message())
    for index, line in enumerate(survey.eco_labels):
        if line.label not in batch.counted_labels:
            errors[f"eco_labels.{index}.label"] = _("Unknown eco-label type.")
    errors.update(in_surveys.errors(survey, batch.listed, batch.counted_labels))
    errors.update(photo_errors([uuid.UUID(photo.id) for photo in survey.photos], batch.taken_photos))
    return store_id, errors


def photo_errors(photo_ids: list[uuid.UUID], taken: set[uuid.UUID]) -> dict[str, str]:
    """A photo id belongs to one survey: listed twice, or already listed by a stored survey, is refused."""
    errors = {}
    seen: set[uuid.UUID] = set()
    for index, photo_id in enumerate(photo_ids):
        if photo_id in seen:
            errors[f"photos.{index}.id"] = _("This photo is listed twice.")
        elif photo_id in taken:
            errors[f"photos.{index}.id"] = _("This photo belongs to another survey: give it a new id.")
        seen.add(photo_id)
    return errors


def not_own_survey() -> dict[str, str]:
    return {"supersedes": _("Only a survey you sent yourself can be corrected.")}


def corrected_survey(
    survey: SurveyIn, store_id: int | None, sender: User | None, batch: Batch, place_known: bool = True
) -> tuple[KnownSurvey | None, dict]:
    """The earlier survey a correction supersedes: the sender's own, of the same store (docs/sync.md).

    A survey of a store proposal not yet made a store corrects only a survey of the same proposal.
    """
    if survey.supersedes is None:
        return None, {}
    earlier = batch.known.get(uuid.UUID(survey.supersedes))
    if earlier is None or sender is None or earlier.submitted_by_id != sender.id:
        return None, not_own_survey()
    if place_known and not same_place(earlier, store_id, survey.store_proposal):
        return None, {"supersedes": _("A correction must be of the same store.")}
    if earlier.id == uuid.UUID(survey.id):
        return None, {"supersedes": _("A survey cannot correct itself.")}
    return earlier, {}


def same_place(earlier: KnownSurvey, store_id: int | None, proposal: str | None) -> bool:
    """The same store, or, while neither has one, the same store proposal."""
    if store_id is not None:
        return earlier.store_id == store_id
    return earlier.store_id is None and proposal is not None and earlier.proposal_id == uuid.UUID(proposal)


def already_corrected(survey_id: str) -> dict:
    return {
        "id": survey_id,
        "status": "conflict",
        "errors": {"supersedes": _("This survey was already corrected by another one.")},
    }


def write(accepted: list[Accepted], results: list[dict | None], echoes: dict[uuid.UUID, list[int]]) -> list[Accepted]:
    """Write the accepted surveys, all at once or, when the database refuses that, one at a time.

    Returns those written. A survey refused here gets its result changed in `results`, and so
    do those that counted on it: its later copies in the batch, and a correction of it.
    """
    if not accepted:
        return []
    try:
        with db.session.begin_nested():
            insert_rows(accepted)
        return accepted
    except (IntegrityError, DataError):
        pass
    written, refused = [], set()
    for item in accepted:
        try:
            if item.earlier is not None and item.earlier.id in refused:
                results[item.index] = {"id": str(item.survey_id), "status": "invalid", "errors": not_own_survey()}
                refused.add(item.survey_id)
                continue
            with db.session.begin_nested():
                insert_rows([item])
            written.append(item)
            continue
        except IntegrityError as error:
            results[item.index] = refused_by_database(item, error)
        except DataError as error:
            results[item.index] = unreadable(str(item.survey_id), error)
        refused.add(item.survey_id)
    for item in accepted:
        if item.survey_id in refused:
            for index in echoes.get(item.survey_id, []):
                results[index] = {**results[item.index], "id": results[index]["id"]}
    return written


def refused_by_database(item: Accepted, error: IntegrityError) -> dict:
    """Why the database refused a survey that passed the checks: a race with another request, or an
    id (the survey's, a photo's) already stored in another province, which the checks could not see."""
    survey_id = str(item.survey_id)
    # An id is unique across provinces: another province's survey under it is a conflict too.
    stored_hash = db.session.scalar(
        select(Survey.content_hash).where(Survey.id == item.survey_id).execution_options(**ALL_PROVINCES)
    )
    if stored_hash is not None:
        return repeat_result(survey_id, stored_hash, item.content_hash)
    if item.earlier is not None:
        return already_corrected(survey_id)
    taken = set()
    if item.photo_ids:
        taken_query = select(Photo.id).where(Photo.id.in_(item.photo_ids)).execution_options(**ALL_PROVINCES)
        taken = set(db.session.scalars(taken_query))
    if errors := photo_errors(item.photo_ids, taken):
        return {"id": survey_id, "status": "invalid", "errors": errors}
    return unreadable(survey_id, error)


def record_corrections(written: list[Accepted], sender: User | None) -> None:
    """Audit each correction written: the earlier survey superseded, and the survey that corrects it."""
    for item in written:
        if item.earlier is not None:
            audit.record(sender, "survey_superseded", audit.survey_target(item.earlier), "", str(item.survey_id))
            audit.record(sender, "survey_correction", f"survey:{item.survey_id}", str(item.earlier.id), "")
