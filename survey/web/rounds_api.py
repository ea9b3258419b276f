"""The rounds under /api/v1/: making them, placing their stores, their progress, an inspector's list."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user
from pydantic import ValidationError

from models import db
from survey.domain import payload_errors
from survey.domain.rounds import listing, my_list, planning, progress
from survey.domain.rounds.payloads import AssignmentsIn, RoundIn
from survey.web.auth import role_required
from survey.web.errors import json_error
from survey.web.lookups import round_or_404

bp = Blueprint("rounds_api", __name__)
PLANNERS = ("reviewer", "admin")


def invalid(fields: dict[str, str]):
    return json_error(400, "invalid", "; ".join(f"{k}: {v}" for k, v in fields.items()), fields)


def json_body():
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


@bp.post("/api/v1/rounds")
@role_required(*PLANNERS)
def create_round():
    """Make a round: 201 with it and the number of stores it covers."""
    body = json_body()
    if body is None:
        return json_error(400, "bad_json", "The body must be a JSON object.")
    try:
        asked = RoundIn.model_validate(body)
        round_ = planning.create_round(asked, current_user._get_current_object())
    except ValidationError as error:
        return invalid(payload_errors.field_errors(error))
    except planning.RoundRefused as refusal:
        return invalid(refusal.fields)
    db.session.commit()
    return jsonify(round=progress.round_as_dict(round_)), 201


@bp.get("/api/v1/rounds")
@role_required(*PLANNERS)
def list_rounds():
    return jsonify(rounds=[progress.round_as_dict(round_) for round_ in listing.all_rounds()])


@bp.put("/api/v1/rounds/<int:round_id>/assignments")
@role_required(*PLANNERS)
def put_assignments(round_id: int):
    """Place stores with inspectors, or take them back: all lines or none."""
    round_ = round_or_404(round_id)
    body = json_body()
    if body is None:
        return json_error(400, "bad_json", "The body must be a JSON object.")
    try:
        asked = AssignmentsIn.model_validate(body)
        result = planning.assign(round_, asked.assignments, current_user._get_current_object())
    except ValidationError as error:
        return invalid(payload_errors.field_errors(error))
    except planning.AssignmentsRefused as refusal:
        db.session.rollback()
        return json_error(400, "invalid", str(refusal), lines=refusal.lines)
    db.session.commit()
    return jsonify(assigned=result.assigned, unassigned=result.unassigned)


@bp.get("/api/v1/rounds/<int:round_id>/progress")
@role_required(*PLANNERS)
def round_progress(round_id: int):
    return jsonify(progress.progress(round_or_404(round_id)))


@bp.get("/api/v1/assignments")
@role_required("inspector")
def my_assignments():
    """The inspector's stores in the rounds in progress (?mine=1 is the only list there is)."""
    return jsonify(assignments=my_list.assignments_of(current_user._get_current_object()))
