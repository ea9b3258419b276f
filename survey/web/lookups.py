"""The rows a route names in its address, or a 404 (an HTML page or the API's JSON, by the error handler)."""

from __future__ import annotations

import uuid

from flask import abort
from sqlalchemy import select

from models import Store, Survey, SurveyRound, db


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
