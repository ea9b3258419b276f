"""A round's plan: who visits which store. Give one store, all of a unit's, or share the stores out
evenly; download the plan as a workbook and upload it again.

Every way ends in planning.assign, the function behind PUT /api/v1/rounds/<id>/assignments: the
same checks, all lines or none, and each change audited.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError

from models import SurveyRound, db
from survey.domain.rounds import plan_import, planning, progress, sheets, spreading
from survey.domain.rounds.payloads import AssignmentLine
from survey.web import spreadsheet
from survey.web.auth import role_required
from survey.web.exports import attachment
from survey.web.lookups import round_or_404
from survey.web.round_forms import assignment_forms
from survey.web.rounds_pages import PLANNERS
from survey.web.stores import ImportForm
from survey.web.unit_options import unit_option_groups

bp = Blueprint("rounds_plan_pages", __name__)
MESSAGES_SHOWN = 10  # a refused spread of 2,000 stores names its first problems, not all of them


def render_plan(found: SurveyRound, forms: dict, import_form=None, report=None, status: int = 200):
    figures = progress.progress(found)
    return render_template(
        "rounds/plan.html",
        round=found,
        forms=forms,
        import_form=import_form or ImportForm(formdata=None),
        report=report,
        unit_groups=unit_option_groups(),
        by_inspector=figures["by_inspector"],
        stores=figures["stores"],
    ), status


@bp.get("/rounds/<int:round_id>/plan")
@role_required(*PLANNERS)
def plan(round_id: int):
    """The three ways to give stores to inspectors, the plan's workbook, and each inspector's share."""
    return render_plan(round_or_404(round_id), assignment_forms())


def applied(found: SurveyRound, forms: dict, key: str, lines: list[AssignmentLine]):
    """Assign the lines all or none; on a refusal, the form `key` says why and nothing changed."""
    form = forms[key]
    if not lines:
        form.form_errors.append(_("No store to give: nothing was changed."))
        return render_plan(found, forms, status=400)
    try:
        result = planning.assign(found, lines, current_user._get_current_object())
    except planning.AssignmentsRefused as refusal:
        db.session.rollback()
        messages = list(dict.fromkeys(line["message"] for line in refusal.lines))
        form.form_errors.extend([_("Nothing was changed."), *messages[:MESSAGES_SHOWN]])
        return render_plan(found, forms, status=400)
    db.session.commit()
    counts = {"assigned": result.assigned, "unassigned": result.unassigned}
    flash(_("Stores given: %(assigned)s; taken back: %(unassigned)s.", **counts), "info")
    return redirect(url_for("rounds_plan_pages.plan", round_id=found.id))


@bp.post("/rounds/<int:round_id>/plan/store")
@role_required(*PLANNERS)
def assign_store(round_id: int):
    """Give one store to an inspector (or take it back)."""
    found, forms = round_or_404(round_id), assignment_forms("store")
    form = forms["store"]
    if not form.validate_on_submit():
        return render_plan(found, forms, status=400)
    try:
        line = AssignmentLine(store_code=form.store_code.data.strip(), inspector=form.inspector.data or None)
    except ValidationError:
        form.store_code.errors = [_("This value is not valid.")]
        return render_plan(found, forms, status=400)
    return applied(found, forms, "store", [line])


@bp.post("/rounds/<int:round_id>/plan/unit")
@role_required(*PLANNERS)
def assign_unit(round_id: int):
    """Give an inspector every store not yet visited of a unit and of the units below it."""
    found, forms = round_or_404(round_id), assignment_forms("unit")
    form = forms["unit"]
    if not form.validate_on_submit():
        return render_plan(found, forms, status=400)
    return applied(found, forms, "unit", spreading.unit_lines(found, form.unit_code.data, form.inspector.data or None))


@bp.post("/rounds/<int:round_id>/plan/spread")
@role_required(*PLANNERS)
def spread(round_id: int):
    """Share the stores not yet visited out evenly over the inspectors chosen, a unit to one where it can."""
    found, forms = round_or_404(round_id), assignment_forms("spread")
    form = forms["spread"]
    if not form.validate_on_submit():
        return render_plan(found, forms, status=400)
    lines = spreading.spread_lines(found, form.inspectors.data, also_assigned=form.which.data == "all")
    return applied(found, forms, "spread", lines)


@bp.get("/rounds/<int:round_id>/plan.xlsx")
@role_required(*PLANNERS)
def plan_xlsx(round_id: int):
    """Every store the round covers with its inspector: change the inspectors and upload it again."""
    found = round_or_404(round_id)
    data = spreadsheet.workbook(sheets.plan_table(found), _("Plan"))
    return attachment(data, spreadsheet.MEDIA_TYPE, f"ke-hoach-dot-{found.id}.xlsx")


@bp.post("/rounds/<int:round_id>/plan/import")
@role_required(*PLANNERS)
def import_plan(round_id: int):
    """Upload a plan: every line checked first, then all assigned, or nothing with the lines at fault."""
    found, form = round_or_404(round_id), ImportForm()
    if not form.validate_on_submit():
        return render_plan(found, assignment_forms(), import_form=form, status=400)
    upload = form.file.data
    done = plan_import.import_plan(found, upload.read(), upload.filename or "", current_user._get_current_object())
    if done.result is None:
        db.session.rollback()
        return render_plan(found, assignment_forms(), import_form=form, report=done.report, status=400)
    db.session.commit()
    counts = {"assigned": done.result.assigned, "unassigned": done.result.unassigned}
    flash(_("Plan imported. Stores given: %(assigned)s; without an inspector: %(unassigned)s.", **counts), "info")
    return redirect(url_for("rounds_plan_pages.plan", round_id=found.id))
