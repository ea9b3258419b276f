"""The survey rounds' pages for reviewers and admins: the list with a new round's form, a round's
progress (its figures, its pace chart, the stores left), its edit page and its progress workbook.

The figures are the API's own (rounds.progress.round_figures answers GET
/api/v1/rounds/<id>/progress too), and the forms go through the API's payload and domain functions.
The plan (who visits which store) has its page in rounds_plan_pages.
"""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy import select

from models import AdminUnit, SurveyRound, db
from survey.domain import indicators, payload_errors, policy
from survey.domain.rounds import coverage, listing, planning, progress, sheets
from survey.domain.rounds.payloads import RoundIn
from survey.labels import NO_INSPECTOR_NAME, ROUND_STATE_NAMES, STORE_TYPE_NAMES
from survey.web import charts, spreadsheet
from survey.web.auth import role_required
from survey.web.exports import attachment
from survey.web.lookups import round_or_404
from survey.web.round_forms import RoundForm, add_errors
from survey.web.unit_options import unit_option_groups

bp = Blueprint("rounds_pages", __name__)
PLANNERS = ("reviewer", "admin")
UNVISITED_SHOWN = 200  # the rest are in the plan's workbook; a page of 2,000 rows helps nobody
UNASSIGNED = "-"  # ?inspector=- : the stores no active inspector holds


def form_context(form: RoundForm) -> dict:
    return {"form": form, "unit_groups": unit_option_groups(), "type_names": STORE_TYPE_NAMES}


def render_list(form: RoundForm, status: int = 200):
    found = listing.summaries(listing.all_rounds(), policy.local_today())
    return render_template(
        "rounds/list.html", summaries=found, state_names=ROUND_STATE_NAMES, **form_context(form)
    ), status


@bp.get("/rounds")
@role_required(*PLANNERS)
def list_rounds():
    """Every round with its state and how far it has got, and the form of a new one."""
    return render_list(RoundForm.blank())


def asked_round(form: RoundForm) -> RoundIn | None:
    """The form's round as the API takes it, or None with the payload's complaints on the form."""
    try:
        return RoundIn.model_validate(form.payload())
    except ValidationError as error:
        add_errors(form, payload_errors.field_errors(error))
        return None


@bp.post("/rounds")
@role_required(*PLANNERS)
def create_round():
    """Make a round by the API's rule (planning.create_round), then show its page."""
    form = RoundForm()
    if not form.validate_on_submit() or (asked := asked_round(form)) is None:
        return render_list(form, 400)
    try:
        made = planning.create_round(asked, current_user._get_current_object())
    except planning.RoundRefused as refusal:
        add_errors(form, refusal.fields)
        return render_list(form, 400)
    db.session.commit()
    flash(_("The round “%(name)s” was made.", name=made.name), "info")
    return redirect(url_for("rounds_pages.round_page", round_id=made.id))


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@role_required(*PLANNERS)
def edit_round(round_id: int):
    """Change a round's name, days or scope; audited, and a store it no longer covers loses its inspector."""
    found = round_or_404(round_id)
    if request.method == "GET":
        return render_edit(found, RoundForm.for_round(found))
    form = RoundForm()
    if not form.validate_on_submit() or (asked := asked_round(form)) is None:
        return render_edit(found, form, 400)
    try:
        dropped = planning.update_round(found, asked, current_user._get_current_object())
    except planning.RoundRefused as refusal:
        add_errors(form, refusal.fields)
        return render_edit(found, form, 400)
    db.session.commit()
    flash(_("The round was saved."), "info")
    if dropped:
        flash(_("%(num)s stores the round no longer covers lost their inspector in it.", num=dropped), "info")
    return redirect(url_for("rounds_pages.round_page", round_id=found.id))


def render_edit(found: SurveyRound, form: RoundForm, status: int = 200):
    return render_template("rounds/edit.html", round=found, **form_context(form)), status


def unvisited_rows(figures: progress.RoundFigures) -> list:
    """The stores left to visit, of the inspector (?inspector=, "-" for nobody) and unit (?unit=) asked."""
    inspector, unit = request.args.get("inspector", ""), request.args.get("unit", "")
    return [
        row
        for row in figures.rows
        if row.id not in figures.visited
        and (not inspector or (row.username or UNASSIGNED) == inspector)
        and (not unit or row.unit_code == unit)
    ]


@bp.get("/rounds/<int:round_id>")
@role_required(*PLANNERS)
def round_page(round_id: int):
    """A round's progress: visited out of covered, by inspector and by unit, its pace, the stores left."""
    found = round_or_404(round_id)
    today = policy.local_today()
    figures = progress.round_figures(found, today)
    covered = {row.code for row in figures.rows}
    former = {code: name for code, name in progress.inactive_assignments(found).items() if code in covered}
    unvisited = unvisited_rows(figures)
    return render_template(
        "rounds/round.html",
        round=found,
        state=listing.state_of(found, today),
        answer=figures.answer,
        weeks=[week for week in figures.weeks if week.starts_on <= today],
        projection=figures.projection,
        chart=charts.pace_chart(figures.weeks, figures.answer["stores"], today),
        unvisited=unvisited[:UNVISITED_SHOWN],
        unvisited_count=len(unvisited),
        former=former,
        former_counts=sorted(Counter(former.values()).items()),
        filters={key: request.args.get(key, "") for key in ("inspector", "unit")},
        unassigned=UNASSIGNED,
        no_inspector=NO_INSPECTOR_NAME,
        state_names=ROUND_STATE_NAMES,
        percentage=indicators.percentage,
        **scope_names(found),
    )


def scope_names(found: SurveyRound) -> dict:
    """The round's store types and units, named."""
    codes = coverage.unit_codes_of(found)
    names = dict(db.session.execute(select(AdminUnit.code, AdminUnit.name).where(AdminUnit.code.in_(codes))).all())
    return {
        "type_list": [str(STORE_TYPE_NAMES.get(code, code)) for code in coverage.types_of(found)],
        "unit_list": [names.get(code, code) for code in codes],
    }


@bp.get("/rounds/<int:round_id>/progress.xlsx")
@role_required(*PLANNERS)
def progress_xlsx(round_id: int):
    """The round's progress by inspector and by unit, a sheet each, for people."""
    found = round_or_404(round_id)
    by_inspector, by_unit = sheets.progress_tables(progress.progress(found))
    data = spreadsheet.workbook_of([(by_inspector, _("By inspector")), (by_unit, _("By unit"))])
    return attachment(data, spreadsheet.MEDIA_TYPE, f"tien-do-dot-{found.id}.xlsx")
