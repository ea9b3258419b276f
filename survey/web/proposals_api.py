"""Stores found in the field under /api/v1/: the phone proposes one, an admin lists and decides them
(docs/store-proposals.md)."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError

from models import StoreProposal, db
from survey.domain import payload_errors
from survey.domain.proposals import decisions, receiving
from survey.domain.proposals.payloads import DecisionIn, ProposalIn
from survey.extensions import limiter
from survey.web.api import sync_limit_key
from survey.web.auth import role_required
from survey.web.errors import json_error

bp = Blueprint("proposals_api", __name__)
STATUS = {"created": 201, "duplicate": 200}


def invalid(fields: dict[str, str]):
    return json_error(400, "invalid", "; ".join(f"{k}: {v}" for k, v in fields.items()), fields)


def json_object() -> dict | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def proposal_or_404(proposal_id: str) -> StoreProposal:
    """The proposal with this id, in any spelling of a UUID; anything else is not found either."""
    try:
        key = uuid.UUID(proposal_id)
    except ValueError:
        abort(404)
    return db.get_or_404(StoreProposal, key)


# Sent from the phone's outbox beside the surveys: the same limit as a survey batch, per inspector.
@bp.post("/api/v1/store-proposals")
@role_required("inspector")
@limiter.limit(lambda: current_app.config["SYNC_RATE_LIMIT"], key_func=sync_limit_key)
def propose():
    """Store a store found in the field: 201 created, 200 the same again, 409 other content under its id."""
    body = json_object()
    if body is None:
        return json_error(400, "bad_json", "The body must be a JSON object.")
    try:
        status, proposal = receiving.receive(ProposalIn.model_validate(body), current_user._get_current_object())
    except ValidationError as error:
        return invalid(payload_errors.field_errors(error))
    except receiving.ProposalRefused as refusal:
        return invalid(refusal.fields)
    if status == "conflict":
        return json_error(409, "conflict", _("This proposal id was already used for a different store."))
    return jsonify(id=str(proposal.id), status=status), STATUS[status]


@bp.get("/api/v1/store-proposals")
@role_required("admin")
def waiting_proposals():
    """The proposals waiting for a decision, the oldest first."""
    return jsonify(proposals=[receiving.proposal_as_dict(proposal) for proposal in receiving.waiting()])


@bp.post("/api/v1/store-proposals/<proposal_id>/decision")
@role_required("admin")
@limiter.limit(lambda: current_app.config["SYNC_RATE_LIMIT"], key_func=sync_limit_key)
def decide(proposal_id: str):
    """Make a proposal a store, merge it into a registered one, or reject it: 200, or 409 once decided."""
    proposal = proposal_or_404(proposal_id)
    body = json_object()
    if body is None:
        return json_error(400, "bad_json", "The body must be a JSON object.")
    try:
        decided = decisions.decide(proposal, DecisionIn.model_validate(body), current_user._get_current_object())
    except ValidationError as error:
        return invalid(payload_errors.field_errors(error))
    except decisions.DecisionRefused as refusal:
        return invalid(refusal.fields)
    except decisions.AlreadyDecided:
        return json_error(409, "conflict", _("This proposal was already decided."))
    return jsonify(decision_as_dict(decided))


def decision_as_dict(decided: decisions.Decided) -> dict:
    return {
        "id": str(decided.proposal.id),
        "status": decided.proposal.status,
        "store_code": decided.store.code if decided.store else None,
        "surveys": decided.surveys,
    }
