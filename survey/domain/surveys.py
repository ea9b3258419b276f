"""A sender's surveys, newest first, page by page, with their review: the phone's "sent" list.

A cursor names the last survey of a page (its receipt time and id), so a page never
repeats or skips a survey however many arrive meanwhile.
"""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from models import Survey, User, db
from survey.domain.review import utc_iso, visited_at_iso

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def parse_moment(text: str) -> datetime | None:
    """An ISO 8601 date-time as naive UTC (as stored); a time without offset is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:  # year 1 or 9999 with an offset: no such moment in UTC
            return None
    return moment


def make_cursor(survey: Survey) -> str:
    text = f"{survey.received_at.isoformat()}|{survey.id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def parse_cursor(text: str) -> tuple[datetime, uuid.UUID] | None:
    try:
        received, survey_id = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode().split("|")
        return datetime.fromisoformat(received), uuid.UUID(survey_id)
    except (ValueError, UnicodeDecodeError):
        return None


def page_of(
    sender: User | None, since: datetime | None, cursor: tuple[datetime, uuid.UUID] | None, limit: int = PAGE_SIZE
) -> tuple[list[Survey], str | None]:
    """One page of surveys (a sender's, or all), received or reviewed since a moment, after a cursor."""
    query = select(Survey).options(joinedload(Survey.store), joinedload(Survey.store_proposal))
    if sender is not None:
        query = query.where(Survey.submitted_by_id == sender.id)
    if since is not None:
        query = query.where(or_(Survey.received_at >= since, Survey.reviewed_at >= since))
    if cursor is not None:
        received, last_id = cursor
        query = query.where(
            or_(Survey.received_at < received, and_(Survey.received_at == received, Survey.id < last_id))
        )
    rows = list(db.session.scalars(query.order_by(Survey.received_at.desc(), Survey.id.desc()).limit(limit + 1)))
    page = rows[:limit]
    return page, make_cursor(page[-1]) if len(rows) > limit else None


def summary(survey: Survey) -> dict:
    """A survey as the sender's list shows it; a survey of a store found in the field and not yet in the
    registry has no store code, and shows the name the inspector proposed."""
    place = survey.store or survey.store_proposal
    return {
        "id": str(survey.id),
        "store_code": survey.store.code if survey.store is not None else None,
        "store_name": place.name,
        "store_proposal": str(survey.store_proposal_id) if survey.store_proposal_id else None,
        "visited_at": visited_at_iso(survey),
        "received_at": utc_iso(survey.received_at),
        "review_state": survey.review_state,
        "review_comment": survey.review_comment or "",
        "reviewed_at": utc_iso(survey.reviewed_at) if survey.reviewed_at else None,
        "supersedes": str(survey.supersedes_id) if survey.supersedes_id else None,
        "superseded_by": str(survey.superseded_by_id) if survey.superseded_by_id else None,
    }
