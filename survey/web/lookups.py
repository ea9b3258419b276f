"""The rows a route names in its address, or a 404 (an HTML page or the API's JSON, by the error handler)."""

from __future__ import annotations

import uuid

from flask import abort
from sqlalchemy import select

from models import Photo, Store, StoreProposal, Survey, SurveyRound, User, db


def store_or_404(code: str) -> Store:
    """The store with this code, exactly as stored."""
    return db.first_or_404(select(Store).where(Store.code == code))


def survey_or_404(survey_id: str) -> Survey:
    """The survey with this id, in any spelling of a UUID; anything else is not found either."""
    try:
        key = uuid.UUID(survey_id)
    except ValueError:
        abort(404)
    return db.get_or_404(Survey, key)


def round_or_404(round_id: int) -> SurveyRound:
    return db.get_or_404(SurveyRound, round_id)


def as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def by_uuid(model):
    return lambda text: db.session.get(model, key) if (key := as_uuid(text)) is not None else None


# How each route parameter that names a row finds it, among the rows the user's province sees.
ROW_FINDERS = {
    "code": lambda code: db.session.scalar(select(Store).where(Store.code == code)),
    "survey_id": by_uuid(Survey),
    "photo_id": by_uuid(Photo),
    "proposal_id": by_uuid(StoreProposal),
    "round_id": lambda round_id: db.session.get(SurveyRound, round_id),
    "user_id": lambda user_id: db.session.get(User, user_id),
}


def refuse_unseen(view_args: dict) -> None:
    """404 when a route names a row the user cannot see (another province's, or none), before a refusal
    by role could tell that it exists (docs/provinces.md)."""
    for name, value in view_args.items():
        if (finder := ROW_FINDERS.get(name)) is not None and finder(value) is None:
            abort(404)
