"""The admin's page for stores registered before the reform: convert them, or choose their commune."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired

from models import AdminUnit, db
from survey.domain import conversion, figures, names, policy
from survey.web.auth import role_required
from survey.web.lookups import store_or_404
from survey.web.validators import TranslatedForm

bp = Blueprint("units", __name__)


class ConvertForm(TranslatedForm):
    submit = SubmitField(_l("Give them their commune where the official conversion is unambiguous"))


class AssignForm(TranslatedForm):
    unit_code = SelectField(_l("Commune or ward in force"), validators=[DataRequired()])
    submit = SubmitField(_l("Assign"))


def communes_in_force() -> list[AdminUnit]:
    query = select(AdminUnit).where(AdminUnit.level == "commune", figures.unit_valid_on_condition(policy.local_today()))
    # Vietnamese order (Đ after D, not after Z as the database's code-point order would put it).
    return sorted(db.session.scalars(query), key=lambda unit: (names.sort_key(unit.name), unit.code))


def assign_form(pending: conversion.Pending, communes: list[AdminUnit]) -> AssignForm:
    """A choice of every commune in force, the official candidates first, the default chosen."""
    form = AssignForm(formdata=None, unit_code=pending.suggestion.code if pending.suggestion else "")
    first = [SelectChoice(unit.code, f"{unit.name} ({unit.code})") for unit in pending.candidates]
    rest = [SelectChoice(u.code, f"{u.name} ({u.code})") for u in communes if u not in pending.candidates]
    form.unit_code.choices = [SelectChoice("", _("Choose a commune or ward")), *first, *rest]
    return form


@bp.get("/stores/units")
@role_required("admin")
def overview():
    """Stores still in an abolished unit: how many convert by themselves, and which need a choice."""
    planned = conversion.plan()
    communes = communes_in_force()
    pending = [(item, assign_form(item, communes)) for item in planned.pending]
    return render_template(
        "stores/units.html", planned=planned, pending=pending, convert_form=ConvertForm(formdata=None)
    )


@bp.post("/stores/units/convert")
@role_required("admin")
def convert():
    """Move every store whose conversion is unambiguous to its commune in force."""
    if ConvertForm().validate_on_submit():
        report = conversion.convert(current_user._get_current_object())
        flash(
            _(
                "%(converted)s stores now have their commune in force; %(pending)s need a choice.",
                converted=len(report.converted),
                pending=len(report.pending),
            ),
            "info",
        )
    return redirect(url_for("units.overview"))


@bp.post("/stores/units/<code>")
@role_required("admin")
def assign(code: str):
    """Give one store the commune an admin chose."""
    store = store_or_404(code)
    form = AssignForm()
    communes = communes_in_force()
    form.unit_code.choices = [SelectChoice(unit.code) for unit in communes]
    if form.validate_on_submit():
        unit = next(unit for unit in communes if unit.code == form.unit_code.data)
        conversion.assign(store, unit, current_user._get_current_object())
        flash(_("Store %(code)s is now in %(unit)s.", code=store.code, unit=unit.name), "info")
    else:
        flash(_("Choose a commune or ward in force."), "error")
    return redirect(url_for("units.overview"))
