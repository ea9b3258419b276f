"""The reviewers' queue, a survey's detail with the decision form, and the audit log."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from models import AdminUnit, AuditEntry, Store, Survey, db
from survey.domain import audit, figures, photos, policy, registry, review, search, self_reports, vocabularies
from survey.domain.schemas import MAX_NOTES
from survey.labels import (
    LOCATION_FLAG_NAMES,
    PROPOSAL_STATUS_NAMES,
    SOURCE_NAMES,
    STANDING_NAMES,
    STATE_NAMES,
    ZONE_NAMES,
)
from survey.web import query_args
from survey.web.audit_names import shown_entries
from survey.web.auth import role_required
from survey.web.lookups import survey_or_404
from survey.web.unit_options import unit_option_groups
from survey.web.validators import TranslatedForm, at_most

bp = Blueprint("review_pages", __name__)
PAGE_SIZE = 50


class DecisionForm(TranslatedForm):
    state = SelectField(_l("Decision"), choices=[SelectChoice(k, v) for k, v in STATE_NAMES.items()])
    comment = TextAreaField(_l("Comment"), validators=[at_most(MAX_NOTES)])
    submit = SubmitField(_l("Save the decision"))

    def validate_comment(self, field):
        """Ask for a reason whenever a survey is turned down or sent back."""
        if policy.reason_missing(self.state.data, field.data):
            raise ValidationError(review.reason_required_message())


class StorePlaceForm(TranslatedForm):
    """An admin's confirmation that a visit's location is the store's place (CSRF only)."""

    submit = SubmitField(_l("Use this location for the store"))


DAY_FILTERS = {"from": _l("Visited from"), "to": _l("Visited to")}


def asked_days(args) -> tuple[dict[str, date | None], list[str]]:
    """The queue's days (?from=, ?to=) and what is wrong with any of them (such a day is not applied)."""
    days, problems = {}, []
    for name, label in DAY_FILTERS.items():
        try:
            days[name] = query_args.asked_day(args, name, str(label))
        except query_args.UnreadableDay as unreadable:
            days[name], problems = None, [*problems, unreadable.message]
    return days, problems


WAITING_STATES = ("received", "has_issues")


def waiting_by_source() -> dict[str, int]:
    """How many surveys of each source wait for a decision; one a correction replaced waits no more."""
    query = (
        select(Survey.source, func.count())
        .where(Survey.review_state.in_(WAITING_STATES), Survey.superseded_by_id.is_(None))
        .where(Survey.store_id.is_not(None))  # as the queue: a store found in the field waits for an admin first
        .group_by(Survey.source)
    )
    return dict(db.session.execute(query).all())


def default_source(waiting: dict[str, int]) -> str:
    """The tab a reviewer sees first: the first source with surveys waiting (inspections before self-reports)."""
    return next((source for source in policy.SOURCES if waiting.get(source)), "inspection")


def queue_query(args, days: dict[str, date | None], waiting: dict[str, int]) -> tuple:
    """Build the queue's query from the filters; return it with the filters as understood."""
    source = args.get("source", "")
    source = source if source in policy.SOURCES else default_source(waiting)
    state = args.get("state", "open")
    query = (
        select(Survey).join(Store).options(joinedload(Survey.store).joinedload(Store.unit), selectinload(Survey.photos))
    )
    query = query.where(Survey.source == source)
    # A survey its sender corrected is shown beside its correction only when asked for.
    replaced = args.get("replaced") == "1"
    if not replaced:
        query = query.where(Survey.superseded_by_id.is_(None))
    if state == "open":
        query = query.where(Survey.review_state.in_(WAITING_STATES))
    elif state in policy.REVIEW_STATES:
        query = query.where(Survey.review_state == state)
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == args.get("unit", "")))
    if unit is not None:
        query = query.where(Store.unit_id.in_(figures.unit_and_descendant_ids(unit)))
    if store_code := args.get("store", "").strip():
        query = query.where(search.store_condition(store_code))  # code or name, any case, with or without accents
    # Days are local; visits are stored in UTC.
    if start := days["from"]:
        query = query.where(Survey.visited_at >= policy.local_day_start_utc(start))
    if end := days["to"]:
        query = query.where(Survey.visited_at < policy.local_day_start_utc(end + timedelta(days=1)))
    filters = {"source": source, "state": state, "unit": unit.code if unit else "", "store": store_code}
    filters |= {"replaced": "1" if replaced else ""}
    filters |= {"from": args.get("from", ""), "to": args.get("to", "")}
    return query, filters


@bp.route("/review")
@role_required("reviewer", "admin")
def queue():
    """List surveys to review, inspections and self-reports apart.

    A day the page cannot use is a 400 that says which field, with the rest of the filters applied."""
    days, problems = asked_days(request.args)
    for problem in problems:
        flash(problem, "error")
    waiting = waiting_by_source()
    query, filters = queue_query(request.args, days, waiting)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = query_args.page_within(total, PAGE_SIZE)
    surveys = db.session.scalars(
        query.order_by(Survey.received_at.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "review/queue.html",
        surveys=surveys,
        filters=filters,
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        waiting=waiting,
        unit_groups=unit_option_groups(),
        state_names=STATE_NAMES,
        source_names=SOURCE_NAMES,
        evidence=review_evidence,
        flag_names=LOCATION_FLAG_NAMES,
        bursts=bursts_of(surveys),
    ), (400 if problems else 200)


def bursts_of(surveys) -> dict:
    """The self-reports among these sent in a burst: many from one link or one phone within 24 hours."""
    return self_reports.bursts(surveys, current_app.config["SELF_REPORT_BURST"])


def review_evidence(survey: Survey) -> dict:
    """What a reviewer checks besides the counts: the photos (a correction's with those it carries over
    from the survey it corrects), and where the visit was recorded."""
    carried = photos.carried(survey)
    shown = [*survey.photos, *carried]
    return {
        "carried": carried,
        "photos": len(shown),
        "received": sum(photo.received_at is not None for photo in shown),
        "distance_m": review.distance_from_store(survey),
        "flags": review.location_flags(survey),
    }


@bp.route("/review/<survey_id>", methods=["GET", "POST"])
@role_required("reviewer", "admin")
def detail(survey_id: str):
    """Show one survey with the rule's verdict and the store's history; take a decision."""
    survey = survey_or_404(survey_id)
    form = DecisionForm(state=survey.review_state)
    if form.validate_on_submit():
        if form.state.data != survey.review_state or form.comment.data:
            review.set_state(survey, form.state.data, form.comment.data.strip(), current_user._get_current_object())
            flash(_("Decision saved: %(state)s.", state=STATE_NAMES[form.state.data]), "info")
        return redirect(url_for("review_pages.detail", survey_id=survey_id))
    # The same store's surveys; for a store found in the field and not yet registered, its proposal's.
    place = (
        Survey.store_id == survey.store_id
        if survey.store_id is not None
        else Survey.store_proposal_id == survey.store_proposal_id
    )
    earlier = db.session.scalars(
        select(Survey).where(place, Survey.id != survey.id).order_by(Survey.visited_at.desc()).limit(20)
    ).all()
    decisions = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.target == audit.survey_target(survey), AuditEntry.action == "review")
        .order_by(AuditEntry.at.desc())
    ).all()
    original = db.session.get(Survey, survey.supersedes_id) if survey.supersedes_id else None
    return render_template(
        "review/detail.html",
        survey=survey,
        original=original,
        changes=review.compare(original, survey) if original else [],
        vocabulary={
            **{c.code: c for c in vocabularies.categories()},
            **{("label", e.code): e for e in vocabularies.label_types()},
        },
        verdict=review.judge(survey),
        standing=review.standing,
        standing_names=STANDING_NAMES,
        proposal_status_names=PROPOSAL_STATUS_NAMES,
        form=form,
        zone_names=ZONE_NAMES,
        earlier=[(other, review.judge(other)) for other in earlier],
        audit=decisions,
        state_names=STATE_NAMES,
        source_names=SOURCE_NAMES,
        visited_at=review.visited_at_iso,
        evidence=review_evidence(survey),
        flag_names=LOCATION_FLAG_NAMES,
        burst=bursts_of([survey]).get(survey.id),
        burst_threshold=current_app.config["SELF_REPORT_BURST"],
        policy=policy,
        place_form=StorePlaceForm() if may_place_store(survey) else None,
    )


def may_place_store(survey: Survey) -> bool:
    """Offer the store-place button: to admins only, for a store without a place and an accurate visit."""
    return current_user.role == "admin" and registry.place_refusal(survey) is None


@bp.post("/review/<survey_id>/store-place")
@role_required("admin")
def place_store(survey_id: str):
    """Give the survey's store the visit's location, once an admin confirms it."""
    survey = survey_or_404(survey_id)
    if StorePlaceForm().validate_on_submit():
        try:
            registry.place_store_from_visit(survey, current_user._get_current_object())
        except registry.PlaceRefused as refusal:
            flash(place_refusal_message(refusal.reason), "error")
        else:
            flash(_("The store's place is now the location of this visit."), "info")
    return redirect(url_for("review_pages.detail", survey_id=survey_id))  # the message shows at the top


def place_refusal_message(reason: str) -> str:
    if reason == "has_place":
        return _("The store already has a registered place: nothing was changed.")
    if reason == "no_store":
        return _("This survey's store is not in the registry yet: nothing was changed.")
    return _(
        "This visit's location is not accurate enough to place the store (%(m)s m or better is needed): "
        "nothing was changed.",
        m=policy.STORE_PLACE_ACCURACY_M,
    )


@bp.route("/audit")
@role_required("admin")
def audit_log():
    """The audit log: every review decision, link change and rule change."""
    total = db.session.scalar(select(func.count()).select_from(AuditEntry))
    page = query_args.page_within(total, PAGE_SIZE)
    entries = db.session.scalars(
        select(AuditEntry)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "review/audit.html",
        entries=shown_entries(entries),
        page=page,
        total=total,
        page_size=PAGE_SIZE,
    )
