"""Store surveys sent by phones and forms: each whole or not at all, never twice (docs/sync.md).

The phone makes the survey's UUID when the form opens, so a retry, a second tab or a
double tap sends the same id again. A stable hash of the canonical survey tells a
harmless repeat (`duplicate`) from an id reused for other content (`conflict`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError

from models import EcoLabelLine, EcoLabelType, PackagingCategory, PackagingLine, Photo, Store, Survey, User, db
from survey.domain import audit, policy
from survey.domain.schemas import EARLIEST_YEAR, FUTURE_TOLERANCE, SurveyIn

EARLIEST_VISIT = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)


def pydantic_message(error: dict) -> str:
    """Say in the user's language what is wrong with one field."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    messages = {
        "missing": _("This field is required."),
        "int_type": _("Must be a whole number."),
        "float_type": _("Must be a number."),
        "string_type": _("Must be text."),
        "list_type": _("Must be a list."),
        "model_type": _("Must be an object."),
        "dict_type": _("Must be an object."),
        "extra_forbidden": _("Unknown field."),
        "literal_error": _("Not one of the allowed values."),
        "too_short": _("Too few items."),
        "too_long": _("Too many items."),
        "string_too_short": _("This field is required."),
        "string_too_long": _("Too long."),
    }
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(limit)s.", limit=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(limit)s.", limit=ctx.get("le", ctx.get("lt")))
    if kind == "value_error":
        reason = str(ctx.get("error", ""))
        return {
            "not a UUID": _("Must be a UUID."),
            "not an ISO 8601 date-time": _("Must be a date and time in ISO 8601."),
            "missing UTC offset": _("The time must include its UTC offset, e.g. +07:00."),
            "unknown form version": _("Unknown form version."),
            "visit date out of range": _("The visit date is not plausible."),
            "control characters": _("Contains characters that cannot be stored."),
        }.get(reason, reason)
    return messages.get(kind, error.get("msg", _("Invalid value.")))


def empty_checkout_message() -> str:
    """Nothing counted at the checkout, whether the list is empty or holds other zones only."""
    return _("Nothing has been counted at the checkout: enter the bags handed out over about 30 customers.")


def field_errors(error: ValidationError) -> dict[str, str]:
    """Turn pydantic errors into {"packaging.0.count": "message"}, one per field."""
    errors: dict[str, str] = {}
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"]) or "survey"
        if item["loc"] == ("packaging",) and item["type"] == "too_short":
            # The forms leave out zero counts, so an all-zero survey arrives as an empty list:
            # say what is missing, as check_references does for a list without checkout counts.
            errors.setdefault(path, empty_checkout_message())
        errors.setdefault(path, pydantic_message(item))
    return errors


def canonical_hash(survey: SurveyIn) -> str:
    """Hash the survey's meaning: the same visit gives the same hash however it is spelled."""
    data = survey.model_dump()
    # Fields added later stay out when unused, so that stored hashes keep matching.
    if data["supersedes"] is None:
        del data["supersedes"]
    if not data["photos"]:
        del data["photos"]
    data["visited_at"] = survey.visited_moment.astimezone(UTC).isoformat()
    data["packaging"] = sorted(data["packaging"], key=lambda line: (line["zone"], line["category"]))
    data["eco_labels"] = sorted(
        data["eco_labels"], key=lambda line: (line["label"], line["product_group"], line["sku_count"])
    )
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def check_references(survey: SurveyIn, now: datetime) -> tuple[Store | None, dict[str, str]]:
    """Check what the shape cannot: the store, the vocabularies, the dates, the totals."""
    errors: dict[str, str] = {}
    store = db.session.scalar(select(Store).where(Store.code == survey.store_code))
    if store is None:
        errors["store_code"] = _("Unknown store.")
    moment = survey.visited_moment
    if moment > now + FUTURE_TOLERANCE:
        errors["visited_at"] = _("The visit cannot be more than a day in the future.")
    elif moment < EARLIEST_VISIT:
        errors["visited_at"] = _("The visit date is too far in the past.")
    categories = {c.code: c for c in db.session.scalars(select(PackagingCategory))}
    seen: set[tuple[str, str]] = set()
    for index, line in enumerate(survey.packaging):
        category = categories.get(line.category)
        if category is None:
            errors[f"packaging.{index}.category"] = _("Unknown packaging category.")
        elif line.zone not in category.zone_list:
            errors[f"packaging.{index}.category"] = _("This category is not counted in this zone.")
        elif (line.zone, line.category) in seen:
            errors[f"packaging.{index}.category"] = _("This category is listed twice in the zone.")
        seen.add((line.zone, line.category))
    if not any(line.zone == "checkout" and line.count > 0 for line in survey.packaging):
        errors.setdefault("packaging", empty_checkout_message())
    labels = {label.code: label for label in db.session.scalars(select(EcoLabelType))}
    for index, line in enumerate(survey.eco_labels):
        if line.label not in labels:
            errors[f"eco_labels.{index}.label"] = _("Unknown eco-label type.")
    errors.update(photo_errors(survey))
    return store, errors


def photo_errors(survey: SurveyIn) -> dict[str, str]:
    """A photo id belongs to one survey: listed twice, or already listed by a stored survey, is refused."""
    errors = {}
    ids = [uuid.UUID(photo.id) for photo in survey.photos]
    taken = set(db.session.scalars(select(Photo.id).where(Photo.id.in_(ids)))) if ids else set()
    seen: set[uuid.UUID] = set()
    for index, photo_id in enumerate(ids):
        if photo_id in seen:
            errors[f"photos.{index}.id"] = _("This photo is listed twice.")
        elif photo_id in taken:
            errors[f"photos.{index}.id"] = _("This photo belongs to another survey: give it a new id.")
        seen.add(photo_id)
    return errors


def build_survey(survey: SurveyIn, store: Store, source: str, sender: User | None, content_hash: str) -> Survey:
    """Make the Survey row and its lines from a checked payload."""
    moment = survey.visited_moment
    offset = moment.utcoffset() or timedelta(0)
    row = Survey(
        id=uuid.UUID(survey.id),
        store=store,
        visited_at=moment.astimezone(UTC).replace(tzinfo=None),
        visited_offset_min=int(offset.total_seconds() // 60),
        visit_year=policy.survey_year(moment),
        form_version=survey.form_version,
        notes=survey.notes,
        skus_checked=survey.skus_checked,
        source=source,
        review_state="received",
        submitted_by=sender,
        content_hash=content_hash,
    )
    if survey.location is not None:
        row.lat, row.lon, row.accuracy_m = survey.location.lat, survey.location.lon, survey.location.accuracy_m
    row.packaging = [PackagingLine(zone=p.zone, category_code=p.category, count=p.count) for p in survey.packaging]
    row.eco_labels = [
        EcoLabelLine(label_code=e.label, product_group=e.product_group, sku_count=e.sku_count)
        for e in survey.eco_labels
    ]
    row.photos = [
        Photo(id=uuid.UUID(photo.id), position=index, caption=photo.caption)
        for index, photo in enumerate(survey.photos)
    ]
    return row


def repeat_status(survey_id: str, content_hash: str) -> dict | None:
    """Answer `duplicate` or `conflict` when the id is already stored, else None."""
    existing = db.session.get(Survey, uuid.UUID(survey_id))
    if existing is None:
        return None
    if existing.content_hash == content_hash:
        return {"id": survey_id, "status": "duplicate"}
    return {
        "id": survey_id,
        "status": "conflict",
        "errors": {"id": _("This survey id was already used for a different survey.")},
    }


def store_survey(raw: object, source: str, sender: User | None, now: datetime | None = None) -> dict:
    """Check and store one survey in its own transaction; return its sync result."""
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    result_id = raw_id if isinstance(raw_id, str) else None
    if not isinstance(raw, dict):
        return {"id": None, "status": "invalid", "errors": {"survey": _("Must be an object.")}}
    try:
        survey = SurveyIn.model_validate(raw)
    except ValidationError as error:
        return {"id": result_id, "status": "invalid", "errors": field_errors(error)}
    content_hash = canonical_hash(survey)
    if (repeat := repeat_status(survey.id, content_hash)) is not None:
        return repeat
    store, errors = check_references(survey, now or datetime.now(UTC))
    earlier, correction_errors = corrected_survey(survey, store, sender)
    errors |= correction_errors
    if errors or store is None:
        return {"id": survey.id, "status": "invalid", "errors": errors}
    if earlier is not None and earlier.superseded_by_id is not None:
        return already_corrected(survey.id)
    row = build_survey(survey, store, source, sender, content_hash)
    db.session.add(row)
    try:
        if earlier is not None:
            supersede(earlier, row, sender)
        db.session.commit()
    except IntegrityError:
        # Another request stored the same id, or corrected the same survey, between our check and our insert.
        db.session.rollback()
        if (repeat := repeat_status(survey.id, content_hash)) is not None:
            return repeat
        if earlier is not None:
            return already_corrected(survey.id)
        if taken := photo_errors(survey):
            return {"id": survey.id, "status": "invalid", "errors": taken}
        raise
    return {"id": survey.id, "status": "created"}


def corrected_survey(survey: SurveyIn, store: Store | None, sender: User | None) -> tuple[Survey | None, dict]:
    """The earlier survey a correction supersedes: the sender's own, of the same store (docs/sync.md)."""
    if survey.supersedes is None:
        return None, {}
    earlier = db.session.get(Survey, uuid.UUID(survey.supersedes))
    if earlier is None or sender is None or earlier.submitted_by_id != sender.id:
        return None, {"supersedes": _("Only a survey you sent yourself can be corrected.")}
    if store is not None and earlier.store_id != store.id:
        return None, {"supersedes": _("A correction must be of the same store.")}
    if earlier.id == uuid.UUID(survey.id):
        return None, {"supersedes": _("A survey cannot correct itself.")}
    return earlier, {}


def already_corrected(survey_id: str) -> dict:
    return {
        "id": survey_id,
        "status": "conflict",
        "errors": {"supersedes": _("This survey was already corrected by another one.")},
    }


def supersede(earlier: Survey, correction: Survey, sender: User | None) -> None:
    """Link a correction to the survey it replaces; the earlier one stops counting (audited)."""
    correction.supersedes_id = earlier.id
    db.session.flush()  # the correction's row first: the earlier one then points at a row that exists
    earlier.superseded_by_id = correction.id
    audit.record(sender, "survey_superseded", audit.survey_target(earlier), "", str(correction.id))
    audit.record(sender, "survey_correction", audit.survey_target(correction), str(earlier.id), "")


def store_batch(items: list, source: str, sender: User | None) -> list[dict]:
    """Store each survey of a batch on its own, in order: one that breaks never takes the others with it."""
    now = datetime.now(UTC)
    results = []
    for item in items:
        try:
            results.append(store_survey(item, source, sender, now))
        except (ValueError, OverflowError, TypeError, DataError) as error:
            # Input that slipped past validation: refuse this survey alone, keep the batch going.
            # A database outage (OperationalError) still fails the request, so the phone retries.
            db.session.rollback()
            current_app.logger.exception("Survey refused by an unexpected error", exc_info=error)
            survey_id = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else None
            results.append(
                {"id": survey_id, "status": "invalid", "errors": {"survey": _("This survey could not be read.")}}
            )
    return results
