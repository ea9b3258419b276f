"""The report settings page: what an admin sets once for the yearly report (survey.domain.report_settings)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from survey.domain import report_settings
from survey.labels import REPORT_SETTING_NAMES as NAMES
from survey.web.auth import role_required
from survey.web.validators import TranslatedForm

bp = Blueprint("report_settings", __name__)
LIMITS = report_settings.FIELDS


class ReportSettingsForm(TranslatedForm):
    parent_body = StringField(NAMES["parent_body"], validators=[Length(max=LIMITS["parent_body"])])
    issuing_body = StringField(NAMES["issuing_body"], validators=[DataRequired(), Length(max=LIMITS["issuing_body"])])
    symbol = StringField(NAMES["symbol"], validators=[DataRequired(), Length(max=LIMITS["symbol"])])
    place = StringField(NAMES["place"], validators=[DataRequired(), Length(max=LIMITS["place"])])
    addressee = StringField(NAMES["addressee"], validators=[Length(max=LIMITS["addressee"])])
    signer_authority = StringField(
        NAMES["signer_authority"],
        validators=[Length(max=LIMITS["signer_authority"])],
    )
    signer_position = StringField(
        NAMES["signer_position"], validators=[DataRequired(), Length(max=LIMITS["signer_position"])]
    )
    signer_name = StringField(NAMES["signer_name"], validators=[Length(max=LIMITS["signer_name"])])
    recipients = TextAreaField(NAMES["recipients"], validators=[DataRequired(), Length(max=LIMITS["recipients"])])
    submit = SubmitField(_l("Save the settings"))


@bp.route("/report/settings", methods=["GET", "POST"])
@role_required("admin")
def edit():
    """Show and save the report's settings; each change goes to the audit log."""
    form = ReportSettingsForm()
    if not form.is_submitted():
        current = report_settings.current()
        for name in report_settings.FIELDS:
            getattr(form, name).data = getattr(current, name)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in report_settings.FIELDS}
        changed = report_settings.save(values, current_user._get_current_object())
        if changed:
            flash(_("Report settings saved."), "info")
        else:
            flash(_("Nothing changed."), "info")
        return redirect(url_for("report_settings.edit"))
    return render_template("report/settings.html", form=form)
