"""The admin's pages of stores found in the field: the waiting proposals, each beside the registered
stores near it, and the three decisions (a new store, a merge, a rejection) as forms.

The forms send what the API's decision takes, checked by the same payload and the same domain
function (proposals.decisions.decide), so a page and a program decide alike."""

from __future__ import annotations

import uuid
from collections import defaultdict

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy import func, select
from wtforms import HiddenField, StringField, TextAreaField

from models import Photo, StoreProposal, Survey, db
from survey.domain import payload_errors
from survey.domain.proposals import decisions, nearby, receiving
from survey.domain.proposals.payloads import DecisionIn
from survey.domain.schemas import MAX_NOTES
from survey.labels import PROPOSAL_STATUS_NAMES, STATE_NAMES, STORE_TYPE_NAMES
from survey.web.auth import role_required
from survey.web.proposals_api import proposal_or_404
from survey.web.unit_options import unit_option_groups
from survey.web.validators import TranslatedForm, at_most

bp = Blueprint("proposals_pages", __name__)


class DecisionForm(TranslatedForm):
    """One of the three decisions; the page draws each as a form of its own, with the CSRF token."""

    action = HiddenField()
    code = StringField(_l("Code of the new store"))
    unit_code = StringField(_l("Administrative unit"))
    store_code = StringField(_l("The same store as"))
    other_code = StringField(_l("Or type a store code"))
    comment = TextAreaField(_l("Reason"), validators=[at_most(MAX_NOTES)])

    def decision(self) -> dict:
        """The decision as the API takes it: a typed store code wins over a store picked from the list."""
        asked = {
            "action": self.action.data,
            "code": self.code.data,
            "unit_code": self.unit_code.data,
            "store_code": (self.other_code.data or "").strip() or self.store_code.data,
            "comment": self.comment.data or "",
        }
        return {name: value for name, value in asked.items() if value or name in ("action", "comment")}


def evidence_of(proposals: list[StoreProposal]) -> tuple[dict, dict]:
    """How many surveys each proposal has, and the photos of them that arrived (the shop front, maybe)."""
    ids = [proposal.id for proposal in proposals]
    counts = dict(
        db.session.execute(
            select(Survey.store_proposal_id, func.count())
            .where(Survey.store_proposal_id.in_(ids))
            .group_by(Survey.store_proposal_id)
        ).all()
    )
    photos: dict[uuid.UUID, list[Photo]] = defaultdict(list)
    query = (
        select(Survey.store_proposal_id, Photo)
        .join(Survey, Survey.id == Photo.survey_id)
        .where(Survey.store_proposal_id.in_(ids), Photo.received_at.is_not(None))
        .order_by(Photo.received_at, Photo.position)
    )
    for proposal_id, photo in db.session.execute(query):
        photos[proposal_id].append(photo)
    return counts, photos


def page_values(proposals: list[StoreProposal]) -> dict:
    """What the list and a proposal's page show of each proposal."""
    counts, photos = evidence_of(proposals)
    return {
        "nearby": nearby.nearby_stores(proposals),
        "survey_counts": counts,
        "photos": photos,
        "nearby_m": nearby.NEARBY_M,
        "type_names": STORE_TYPE_NAMES,
        "status_names": PROPOSAL_STATUS_NAMES,
    }


@bp.get("/proposals")
@role_required("admin")
def waiting():
    """The proposals waiting for a decision, each with the registered stores near it."""
    proposals = receiving.waiting()
    return render_template("proposals/list.html", proposals=proposals, **page_values(proposals))


@bp.get("/proposals/<proposal_id>")
@role_required("admin")
def proposal(proposal_id: str):
    """One proposal, its surveys and the stores near it; the decisions while it waits."""
    return render_proposal(proposal_or_404(proposal_id))


def render_proposal(found: StoreProposal, errors: dict | None = None, asked: str = "", status: int = 200):
    surveys = db.session.scalars(
        select(Survey).where(Survey.store_proposal_id == found.id).order_by(Survey.visited_at.desc())
    ).all()
    return render_template(
        "proposals/proposal.html",
        proposal=found,
        surveys=surveys,
        errors=errors or {},
        asked=asked,
        unit_groups=unit_option_groups(),
        state_names=STATE_NAMES,
        **page_values([found]),
    ), status


@bp.post("/proposals/<proposal_id>/decision")
@role_required("admin")
def decide(proposal_id: str):
    """Take one of the three decisions; say what became of the proposal and its surveys."""
    found = proposal_or_404(proposal_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        fields = {name: " ".join(messages) for name, messages in form.errors.items()}
        return render_proposal(found, fields or {"action": _("This value is not valid.")}, form.action.data, 400)
    try:
        asked = DecisionIn.model_validate(form.decision())
        decided = decisions.decide(found, asked, current_user._get_current_object())
    except ValidationError as error:
        return render_proposal(found, payload_errors.field_errors(error), form.action.data, 400)
    except decisions.DecisionRefused as refusal:
        return render_proposal(found, refusal.fields, form.action.data, 400)
    except decisions.AlreadyDecided:
        flash(_("This proposal was already decided: nothing was changed."), "error")
        return redirect(url_for("proposals_pages.proposal", proposal_id=found.id))
    flash(decided_message(decided), "info")
    return redirect(url_for("proposals_pages.waiting"))


def decided_message(decided: decisions.Decided) -> str:
    """What the decision did, in a sentence: the store, and what becomes of the surveys."""
    name, count = decided.proposal.name, decided.surveys
    if decided.proposal.status == "created":
        return ngettext(
            "%(name)s is now store %(code)s in the registry; its %(num)d survey counts for it.",
            "%(name)s is now store %(code)s in the registry; its %(num)d surveys count for it.",
            count,
            name=name,
            code=decided.store.code,
        )
    if decided.proposal.status == "merged":
        return ngettext(
            "%(name)s was merged into store %(code)s; its %(num)d survey now counts for that store.",
            "%(name)s was merged into store %(code)s; its %(num)d surveys now count for that store.",
            count,
            name=name,
            code=decided.store.code,
        )
    return ngettext(
        "%(name)s was rejected; its %(num)d survey will not count.",
        "%(name)s was rejected; its %(num)d surveys will not count.",
        count,
        name=name,
    )
