"""The compliance rule pages: each phase's versions, and a new version by an admin (survey.domain.rulebook)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length

from survey.domain import policy, rule_versions, rulebook
from survey.labels import ZONE_NAMES
from survey.web.auth import role_required
from survey.web.validators import TranslatedForm, number_range

bp = Blueprint("rules", __name__)


class RuleForm(TranslatedForm):
    target_pct = IntegerField(_l("Target: share of stores (%)"), validators=[InputRequired(), number_range(0, 100)])
    zones = SelectMultipleField(
        _l("Zones judged"),
        choices=[SelectChoice(zone, ZONE_NAMES[zone]) for zone in policy.ZONES],
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[DataRequired(message=_l("Choose at least one zone."))],
    )
    min_eco_share_pct = DecimalField(
        _l("Minimum eco share in each zone (%)"), places=2, validators=[InputRequired(), number_range(0, 100)]
    )
    note = StringField(_l("Reason for the change"), validators=[DataRequired(), Length(max=500)])
    based_on = HiddenField()  # the version shown when the page was opened
    submit = SubmitField(_l("Save as a new version"))


@bp.route("/rules")
@role_required("admin")
def list_rules():
    """Show each phase's rule in force and its history."""
    phases = [(phase, rulebook.versions(phase.first_year)) for phase in policy.PHASES]
    return render_template("rules/list.html", phases=phases, zone_names=ZONE_NAMES)


@bp.route("/rules/<int:first_year>/new", methods=["GET", "POST"])
@role_required("admin")
def new_version(first_year: int):
    """Add a new version of a phase's rule; from then on every figure of the phase follows it."""
    phase = rulebook.phase_starting(first_year)
    if phase is None:
        abort(404)
    history = rulebook.versions(first_year)
    current = history[0] if history else None
    form = RuleForm()
    if not form.is_submitted() and current is not None:
        form.target_pct.data = current.target_pct
        form.zones.data = current.zone_list
        form.min_eco_share_pct.data = current.min_eco_share_pct
    if not form.is_submitted():
        form.based_on.data = str(current.version) if current else ""
    if form.validate_on_submit():
        text = form.based_on.data or ""
        based_on = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None  # a version number
        try:
            rule = rule_versions.save_version(
                phase,
                form.target_pct.data,
                form.zones.data,
                form.min_eco_share_pct.data,
                form.note.data,
                current_user._get_current_object(),
                based_on=based_on,
            )
        except rule_versions.NewerVersionSaved:
            message = _(
                "Someone saved a newer version of this rule meanwhile. Reload the page to see it, then save again."
            )
            flash(message, "error")
            return render_template("rules/edit.html", form=form, phase=phase, current=current), 409
        flash(_("Rule version %(version)s saved.", version=rule.version), "info")
        return redirect(url_for("rules.list_rules"))
    return render_template("rules/edit.html", form=form, phase=phase, current=current)
