"""The JSON API under /api/v1/ (docs/sync.md, and /api/v1/openapi.json). It never answers HTML or redirects."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from pydantic import ValidationError
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from models import PROVINCE_ROLES, ROLES, AdminUnit, Store, db
from survey.domain import figures, payload_errors, policy, review, surveys, sync
from survey.domain.provinces import national, places, tenancy
from survey.domain.schemas import MAX_BATCH, ReviewIn
from survey.extensions import limiter
from survey.web import openapi
from survey.web.auth import role_required
from survey.web.errors import json_error
from survey.web.lookups import survey_or_404

bp = Blueprint("api", __name__)


def sync_limit_key() -> str:
    """Limit sync per inspector, not per address: a team may share one phone network."""
    return f"user:{current_user.id}" if current_user.is_authenticated else request.remote_addr or ""


@bp.get("/healthz")
def healthz():
    """Say ok once the database answers."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.get("/api/v1/csrf")
@role_required(*ROLES)
def csrf_token():
    """Give a long-open page a fresh CSRF token."""
    return jsonify(csrf_token=generate_csrf())


@bp.get("/api/v1/stores")
@role_required(*PROVINCE_ROLES)
def stores():
    """List the stores for the phone's offline registry."""
    rows = db.session.scalars(select(Store).options(joinedload(Store.unit)).order_by(Store.code))
    return jsonify(stores=[store_as_dict(store) for store in rows])


def store_as_dict(store: Store) -> dict:
    """Describe a store the way the offline registry keeps it."""
    return {
        "code": store.code,
        "name": store.name,
        "type": store.type,
        "class": store.store_class,
        "unit_code": store.unit.code,
        "unit_name": store.unit.name,
        "address": store.address,
        "lat": store.lat,
        "lon": store.lon,
        "opened_on": store.opened_on.isoformat() if store.opened_on else None,
        "closed_on": store.closed_on.isoformat() if store.closed_on else None,
    }


@bp.post("/api/v1/surveys")
@role_required("inspector")
@limiter.limit(lambda: current_app.config["SYNC_RATE_LIMIT"], key_func=sync_limit_key)
def sync_surveys():
    """Store a batch of surveys, answering one result per survey, in order."""
    body = request.get_json(silent=True)
    if body is None:
        return json_error(400, "bad_json", "The body must be JSON.")
    if not isinstance(body, dict) or not isinstance(body.get("surveys"), list):
        return json_error(400, "bad_request", 'The body must be {"surveys": [...]}.')
    if len(body["surveys"]) > MAX_BATCH:
        return json_error(413, "too_many_surveys", f"At most {MAX_BATCH} surveys per request.")
    results = sync.store_batch(body["surveys"], "inspection", current_user._get_current_object())
    return jsonify(results=results)


@bp.get("/api/v1/surveys")
@role_required(*PROVINCE_ROLES)
def list_surveys():
    """The sender's surveys (or, for reviewers and admins, all), newest first, with their review."""
    mine = request.args.get("mine") in ("1", "true") or current_user.role == "inspector"
    since = None
    if text_since := request.args.get("since"):
        since = surveys.parse_moment(text_since)
        if since is None:
            return json_error(400, "bad_since", "Give since as an ISO 8601 date-time, e.g. 2026-11-24T08:00:00+07:00.")
    cursor = None
    if text_cursor := request.args.get("cursor"):
        cursor = surveys.parse_cursor(text_cursor)
        if cursor is None:
            return json_error(400, "bad_cursor", "Unknown cursor: start again without one.")
    limit = min(max(request.args.get("limit", surveys.PAGE_SIZE, type=int), 1), surveys.MAX_PAGE_SIZE)
    sender = current_user._get_current_object() if mine else None
    page, next_cursor = surveys.page_of(sender, since, cursor, limit)
    return jsonify(surveys=[surveys.summary(survey) for survey in page], next=next_cursor)


@bp.get("/api/v1/surveys/<survey_id>")
@role_required(*PROVINCE_ROLES)
def get_survey(survey_id: str):
    """Show a stored survey to reviewers, admins and the inspector who sent it."""
    survey = survey_or_404(survey_id)
    if current_user.role == "inspector" and survey.submitted_by_id != current_user.id:
        abort(403)
    return jsonify(review.survey_as_dict(survey))


@bp.post("/api/v1/surveys/<survey_id>/review")
@role_required("reviewer", "admin")
def review_survey(survey_id: str):
    """Set a survey's review state, with an optional comment."""
    survey = survey_or_404(survey_id)
    body = request.get_json(silent=True)
    if body is None:
        return json_error(400, "bad_json", "The body must be JSON.")
    try:
        decision = ReviewIn.model_validate(body)
    except ValidationError as error:
        fields = payload_errors.field_errors(error)
        return json_error(400, "invalid", "; ".join(f"{k}: {v}" for k, v in fields.items()), fields)
    try:
        review.set_state(survey, decision.state, decision.comment, current_user._get_current_object())
    except review.ReasonRequired as refusal:
        return json_error(400, "invalid", f"comment: {refusal}", {"comment": str(refusal)})
    return jsonify(review.survey_as_dict(survey))


@bp.get("/api/v1/indicators")
@role_required("reviewer", "admin", "ministry")
def indicators():
    """Compute the indicators of docs/policy.md for one year, optionally for one unit.

    The Ministry's users get the nation's, with each province beside them (`by_province`), or with
    ?province=CODE one province's, as its own users see them (docs/provinces.md)."""
    year_text = request.args.get("year", "")
    # ASCII digits only ("²" is a digit to str.isdigit, and int() refuses it), and four of them: int() refuses
    # a number of over 4,300 digits.
    if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4) or not 1900 <= int(year_text) <= 2200:
        return json_error(400, "bad_year", "Give the year as ?year=YYYY.")
    level = request.args.get("level") or None
    if level is not None and level not in policy.UNIT_LEVELS:
        return bad_level()
    province_id = tenancy.current_province()
    if province_code := request.args.get("province"):
        # Another province's code is unknown to a province's own users, as its rows are.
        province = places.by_code(province_code)
        if province is None:
            return json_error(404, "unknown_province", "Unknown province.")
        province_id = province.id
    elif current_user.role == "ministry" and not request.args.get("unit"):
        return jsonify(national.national_indicators(int(year_text), level))
    with tenancy.scoped_to(province_id):
        unit = None
        if unit_code := request.args.get("unit"):
            unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == unit_code))
            if unit is None:
                return json_error(404, "unknown_unit", "Unknown administrative unit.")
        return jsonify(figures.year_indicators(int(year_text), unit, level=level))


def bad_level():
    return json_error(400, "bad_level", "level must be one of: " + ", ".join(policy.UNIT_LEVELS) + ".")


@bp.get("/api/v1/units")
@role_required("reviewer", "admin")
def units():
    """List the administrative units, optionally one level and those valid on a day."""
    level = request.args.get("level") or None
    if level is not None and level not in policy.UNIT_LEVELS:
        return bad_level()
    valid_on = None
    if day := request.args.get("valid_on"):
        try:
            valid_on = date.fromisoformat(day) if len(day) == 10 else None
        except ValueError:
            valid_on = None
        if valid_on is None:
            return json_error(400, "bad_date", "Give valid_on as YYYY-MM-DD.")
    return jsonify(units=[unit_as_dict(unit) for unit in unit_list(level, valid_on)])


def unit_list(level: str | None, valid_on: date | None) -> list[AdminUnit]:
    query = select(AdminUnit).options(joinedload(AdminUnit.parent)).order_by(AdminUnit.code)
    if level is not None:
        query = query.where(AdminUnit.level == level)
    if valid_on is not None:
        query = query.where(figures.unit_valid_on_condition(valid_on))
    return list(db.session.scalars(query))


def unit_as_dict(unit: AdminUnit) -> dict:
    """Describe a unit with its parent's code and its validity dates."""
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "parent_code": unit.parent.code if unit.parent else None,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
    }


@bp.get("/api/v1/openapi.json")
def openapi_json():
    """Describe this API in OpenAPI 3.1."""
    return jsonify(openapi.document())
