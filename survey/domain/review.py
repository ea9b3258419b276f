"""Review decisions on stored surveys, each one written to the audit log."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

from flask_babel import gettext as _

from models import Survey, User, db, utcnow
from survey.domain import audit, policy, rulebook, store_years, survey_fields, vocabularies
from survey.domain.products import counting


def visited_at_iso(survey: Survey) -> str:
    """Give the visit time back with the offset the phone sent it with."""
    offset = timezone(timedelta(minutes=survey.visited_offset_min))
    return survey.visited_at.replace(tzinfo=UTC).astimezone(offset).isoformat()


def utc_iso(moment) -> str:
    """Write a stored naive UTC time as ISO 8601 with its offset."""
    return moment.replace(tzinfo=UTC).isoformat()


def survey_as_dict(survey: Survey) -> dict:
    """Describe a survey as stored, in the shape the phone sent plus the server's fields."""
    location = None
    if survey.lat is not None and survey.lon is not None:
        location = {"lat": survey.lat, "lon": survey.lon, "accuracy_m": survey.accuracy_m}
    return {
        "id": str(survey.id),
        # No store yet for a survey of a store found in the field: its proposal waits (or was rejected).
        "store_code": survey.store.code if survey.store is not None else None,
        "store_proposal": str(survey.store_proposal_id) if survey.store_proposal_id else None,
        "visited_at": visited_at_iso(survey),
        **{name: getattr(survey, name) for name in survey_fields.STORED_AS_IS},
        "packaging": [{"zone": p.zone, "category": p.category_code, "count": p.count} for p in survey.packaging],
        "eco_labels": [
            {"label": e.label_code, "product_group": e.product_group, "sku_count": e.sku_count}
            for e in survey.eco_labels
        ],
        "location": location,
        "source": survey.source,
        "review_state": survey.review_state,
        "submitted_by": survey.submitted_by.username if survey.submitted_by else None,
        "received_at": utc_iso(survey.received_at),
        "review_comment": survey.review_comment or "",
        "reviewed_at": utc_iso(survey.reviewed_at) if survey.reviewed_at else None,
        "supersedes": str(survey.supersedes_id) if survey.supersedes_id else None,
        "superseded_by": str(survey.superseded_by_id) if survey.superseded_by_id else None,
        "photos": [
            {"id": str(photo.id), "caption": photo.caption, "received": photo.received_at is not None}
            for photo in survey.photos
        ],
        "distance_m": distance_from_store(survey),
        "products": [
            {"gtin": p.gtin, "label": p.label, "listed": p.listed, "certificate_valid": p.certificate_valid}
            for p in counting.products_of(survey)
        ],
    }


def distance_from_store(survey: Survey) -> int | None:
    """Metres between where the visit was recorded and the store's registered place, if both are known."""
    store = survey.store
    if store is None or None in (survey.lat, survey.lon, store.lat, store.lon):
        return None
    return policy.distance_m(survey.lat, survey.lon, store.lat, store.lon)


def location_flags(survey: Survey) -> tuple[str, ...]:
    """What the reviewer should check about where the visit was recorded (policy.location_flags)."""
    return policy.location_flags(distance_from_store(survey), survey.accuracy_m)


class ReasonRequired(ValueError):
    """A decision that needs a reason came without one; nothing was changed."""


def reason_required_message() -> str:
    return _("Say what is wrong, so that the sender can act on it.")


def set_state(survey: Survey, state: str, comment: str, reviewer: User) -> None:
    """Move a survey to a review state and record who did it, from what, and why.

    Raises ReasonRequired, changing nothing, when the state needs a reason and none is given.
    """
    comment = (comment or "").strip()
    if policy.reason_missing(state, comment):
        raise ReasonRequired(reason_required_message())
    # The store first, as every writer of a store's status takes it: a correction of this very
    # survey, sent meanwhile, then waits for this decision instead of deadlocking with it.
    store_years.lock_stores([survey.store_id])
    audit.record(reviewer, "review", audit.survey_target(survey), survey.review_state, state, comment)
    survey.review_state = state
    survey.review_comment, survey.reviewed_at = comment, utcnow()
    db.session.flush()
    store_years.refresh({(survey.store_id, survey.visit_year)})
    db.session.commit()


def judge(survey: Survey) -> policy.Verdict:
    """What the rule in force for the survey's year says of it, zone by zone."""
    lines = ((line.zone, line.category_code, line.count) for line in survey.packaging)
    zones = policy.zone_counts(lines, vocabularies.eco_by_category())
    return policy.judge_survey(zones, rulebook.rule_for_year(survey.visit_year, survey.province_id))


def counts(survey: Survey) -> bool:
    """Tell whether the survey counts in the figures (see policy.survey_counts); a survey of a store found
    in the field counts nowhere until its proposal is made a store (docs/store-proposals.md)."""
    if survey.store_id is None:
        return False
    return policy.survey_counts(survey.source, survey.review_state, survey.superseded_by_id is not None)


def standing(survey: Survey) -> str:
    """How the survey stands in the figures, for a person (labels.STANDING_NAMES): "counts" once approved;
    an inspection counts from its arrival, so "until_reviewed" while received and "until_corrected" while
    returned; a self-report waits for approval ("until_approved"); a survey of a store found in the field
    waits for the admin's decision ("until_store_decided"); "not" when rejected or corrected."""
    proposal = survey.store_proposal
    if survey.store_id is None and proposal is not None and proposal.status == "waiting":
        return "until_store_decided"
    if not counts(survey):
        waiting = survey.review_state in ("received", "has_issues") and survey.superseded_by_id is None
        return "until_approved" if survey.source == "self_report" and waiting else "not"
    if survey.review_state == "approved":
        return "counts"
    return "until_corrected" if survey.review_state == "has_issues" else "until_reviewed"


def compare(original: Survey, correction: Survey) -> list[dict]:
    """Every count of a survey and its correction, side by side, each marked when it changed."""

    def counts(survey: Survey) -> dict[tuple[str, str], int]:
        found = {(line.zone, line.category_code): line.count for line in survey.packaging}
        for line in survey.eco_labels:
            found[("label", line.label_code)] = found.get(("label", line.label_code), 0) + line.sku_count
        if survey.skus_checked is not None:
            found[("skus_checked", "")] = survey.skus_checked
        return found

    before, after = counts(original), counts(correction)
    keys = sorted(set(before) | set(after), key=lambda key: (key[0] != "checkout", key))
    return [
        {"zone": zone, "code": code, "before": before.get((zone, code), 0), "after": after.get((zone, code), 0),
         "changed": before.get((zone, code), 0) != after.get((zone, code), 0)}
        for zone, code in keys
    ]  # fmt: skip
