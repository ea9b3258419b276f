"""The compliance rule: each phase's versions, and a new version by an admin."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DecimalField, IntegerField, SelectChoice, SelectMultipleField, StringField, SubmitField, widgets
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from models import AuditEntry, ComplianceRule, db
from survey import policy
from survey.auth import role_required
from survey.survey_form import ZONE_NAMES

bp = Blueprint("rules", __name__)


class RuleForm(FlaskForm):
    target_pct = IntegerField(_l("Target: share of stores (%)"), validators=[InputRequired(), NumberRange(0, 100)])
    zones = SelectMultipleField(
        _l("Zones judged"),
        choices=[SelectChoice(zone, ZONE_NAMES[zone]) for zone in policy.ZONES],
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[DataRequired(message=_l("Choose at least one zone."))],
    )
    min_eco_share_pct = DecimalField(
        _l("Minimum eco share in each zone (%)"), places=2, validators=[InputRequired(), NumberRange(0, 100)]
    )
    note = StringField(_l("Reason for the change"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Save as a new version"))


def versions(first_year: int) -> list[ComplianceRule]:
    """All versions of a phase's rule, newest first."""
    query = select(ComplianceRule).where(ComplianceRule.phase_first_year == first_year)
    return list(db.session.scalars(query.order_by(ComplianceRule.version.desc())))


@bp.route("/rules")
@role_required("admin")
def list_rules():
    """Show each phase's rule in force and its history."""
    phases = [(phase, versions(phase.first_year)) for phase in policy.PHASES]
    return render_template("rules/list.html", phases=phases, zone_names=ZONE_NAMES)


@bp.route("/rules/<int:first_year>/new", methods=["GET", "POST"])
@role_required("admin")
def new_version(first_year: int):
    """Add a new version of a phase's rule; the old versions stay for the record."""
    phase = next((p for p in policy.PHASES if p.first_year == first_year), None)
    if phase is None:
        abort(404)
    history = versions(first_year)
    current = history[0] if history else None
    form = RuleForm()
    if not form.is_submitted() and current is not None:
        form.target_pct.data = current.target_pct
        form.zones.data = current.zone_list
        form.min_eco_share_pct.data = current.min_eco_share_pct
    if form.validate_on_submit():
        rule = ComplianceRule(
            phase_first_year=phase.first_year,
            phase_last_year=phase.last_year,
            version=(current.version + 1) if current else 1,
            target_pct=form.target_pct.data,
            zones=";".join(zone for zone in policy.ZONES if zone in form.zones.data),
            min_eco_share_pct=Decimal(form.min_eco_share_pct.data),
            note=form.note.data,
            created_by_id=current_user.id,
        )
        db.session.add(rule)
        db.session.add(
            AuditEntry(
                actor_id=current_user.id,
                action="rule",
                target=f"rule:{phase.first_year}",
                from_value=describe(current) if current else "",
                to_value=describe(rule),
                comment=form.note.data,
            )
        )
        db.session.commit()
        flash(_("Rule version %(version)s saved.", version=rule.version), "info")
        return redirect(url_for("rules.list_rules"))
    return render_template("rules/edit.html", form=form, phase=phase, current=current)


def describe(rule: ComplianceRule) -> str:
    """One line that says what a rule version is, for the audit log."""
    return f"v{rule.version}: {rule.target_pct}%, {rule.zones}, >= {rule.min_eco_share_pct}%"
