"""The inspector's survey form, server-rendered: works online with no JavaScript.

The form gets its survey UUID when it is first shown (a hidden field), so pressing
save twice stores one survey: the second press is answered as a duplicate.
"""

from __future__ import annotations

import re
import uuid

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import TextInput

from models import Store, db
from survey.domain import figures, policy, survey_fields, sync, vocabularies
from survey.domain.schemas import FORM_VERSIONS, MAX_COUNT, MAX_NOTES, MAX_TRANSACTIONS
from survey.labels import UNLIKELY_VALUE_MESSAGES, ZONE_NAMES
from survey.web.auth import role_required
from survey.web.validators import TranslatedForm, at_most, number_range

bp = Blueprint("survey_form", __name__)
COUNT_MESSAGE = _l("Enter a whole number from 0 to %(max)s.", max=MAX_COUNT)
WATCHED_MESSAGE = _l("Enter a whole number from 1 to %(max)s.", max=MAX_TRANSACTIONS)
DIGITS = re.compile(r"[0-9]+")


class CountField(IntegerField):
    """A count, typed as plain digits: a text input with the phone's numeric keypad.

    IntegerField is int(), which also takes " 3 ", "+3", "1_000" and other scripts' digits
    ("３", "٣"); a number input would let "12e3", "-5" and "1.5" be typed. Anything but
    ASCII digits is refused with the count's own message, once; a blank is left to Optional.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", COUNT_MESSAGE)
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "pattern": "[0-9]*"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist) -> None:
        if valuelist and valuelist[0] and not DIGITS.fullmatch(valuelist[0]):
            self.data = None
            raise ValueError(self.invalid_value_message)
        super().process_formdata(valuelist)


def count_field(label: str, default: int | None = 0) -> CountField:
    return CountField(label, default=default, validators=[Optional(), number_range(0, MAX_COUNT, COUNT_MESSAGE)])


class SurveyFormBase(TranslatedForm):
    survey_id = HiddenField()
    store_code = SelectField(_l("Store"), validators=[DataRequired(message=_l("Choose a store."))])
    visited_at = DateTimeLocalField(
        _l("Visit time"), format="%Y-%m-%dT%H:%M", validators=[DataRequired(message=_l("Enter the visit time."))]
    )
    skus_checked = count_field(_l("SKUs checked for eco-labels"), default=None)
    # Optional, as on the phone (its checkout tally fills it in): how many customers the checkout
    # counts cover, which tells a few bags over many customers from the same bags over three.
    transactions_observed = CountField(
        _l("Customers watched at the checkout"),
        default=None,
        validators=[Optional(), number_range(1, MAX_TRANSACTIONS, WATCHED_MESSAGE)],
        invalid_value_message=WATCHED_MESSAGE,
    )
    notes = TextAreaField(_l("Notes"), validators=[at_most(MAX_NOTES)])
    # Shown only once the form has asked about unlikely values (policy.unlikely_values); the tick
    # confirms the values it was shown with (unlikely_asked), not any that a later change brings.
    confirm_unlikely = BooleanField(_l("Yes, I have checked: these counts are right."))
    unlikely_asked = HiddenField()
    submit = SubmitField(_l("Save survey"))


def packaging_field_name(zone: str, category_code: str) -> str:
    return f"pk__{zone}__{category_code}"


def label_field_name(label_code: str) -> str:
    return f"el__{label_code}"


def build_form_class(by_zone, labels) -> type[SurveyFormBase]:
    """Make a form class with one count field per zone and category, and per label type."""
    fields = {}
    for zone, categories in by_zone.items():
        for category in categories:
            fields[packaging_field_name(zone, category.code)] = count_field(category.code)
    for label in labels:
        fields[label_field_name(label.code)] = count_field(label.code)
    return type("SurveyForm", (SurveyFormBase,), fields)


def payload_from(form: SurveyFormBase, by_zone, labels) -> dict:
    """Turn the filled form into the same payload the phone sends."""
    visited = form.visited_at.data.replace(tzinfo=policy.LOCAL_TZ)
    packaging = [
        {"zone": zone, "category": category.code, "count": count}
        for zone, categories in by_zone.items()
        for category in categories
        if (count := form[packaging_field_name(zone, category.code)].data)
    ]
    eco_labels = [
        {"label": label.code, "product_group": "", "sku_count": count}
        for label in labels
        if (count := form[label_field_name(label.code)].data)
    ]
    return {
        "id": form.survey_id.data,
        "store_code": form.store_code.data,
        "visited_at": visited.isoformat(),
        "form_version": max(FORM_VERSIONS),
        "packaging": packaging,
        "eco_labels": eco_labels,
        "skus_checked": form.skus_checked.data,
        "notes": form.notes.data or "",
        "transactions_observed": form.transactions_observed.data,
    }


@bp.route("/surveys/new", methods=["GET", "POST"])
@role_required("inspector")
def new_survey():
    """Show and save the survey form."""
    by_zone, labels = vocabularies.categories_by_zone(), vocabularies.label_types()
    form = build_form_class(by_zone, labels)()
    stores = db.session.scalars(
        select(Store).where(figures.open_on_condition(policy.local_today())).order_by(Store.name)
    )
    form.store_code.choices = [SelectChoice("", _("— choose a store —"))] + [
        SelectChoice(s.code, f"{s.name} ({s.code})") for s in stores
    ]
    if not form.is_submitted():
        form.survey_id.data = str(uuid.uuid4())
        form.visited_at.data = local_now_for_input()
    general_errors: list[str] = []
    if form.validate_on_submit():
        status, general_errors = submit(form, by_zone, labels, "inspection", current_user._get_current_object())
        if status in ("created", "duplicate"):
            flash(_("Survey saved.") if status == "created" else _("This survey was already saved."), "info")
            return redirect(url_for("survey_form.new_survey"))
    return render_form("survey_form.html", form, by_zone, labels, general_errors)


def unlikely_in(payload: dict) -> tuple[str, ...]:
    """The unlikely values of a payload, as the phone finds them before asking."""
    checkout = sum(line["count"] for line in payload["packaging"] if line["zone"] == "checkout")
    labelled = sum(line["sku_count"] for line in payload["eco_labels"])
    return policy.unlikely_values(checkout, labelled, payload["skus_checked"], payload.get("transactions_observed"))


def submit(form: SurveyFormBase, by_zone, labels, source: str, sender, photos: list[dict] | None = None):
    """Store the filled form as a survey; put the server's objections next to their fields.

    Unlikely values are asked about first: the status is "unconfirmed" and form.unlikely lists
    them until the sender ticks confirm_unlikely; nothing is stored meanwhile. Photos
    ([{"id", "caption"}], checked by the caller) are listed in the payload as the phone lists them.
    """
    if not is_uuid(form.survey_id.data):
        form.survey_id.data = str(uuid.uuid4())
    payload = payload_from(form, by_zone, labels)
    found = unlikely_in(payload)
    confirmed = form.confirm_unlikely.data and set(found) <= set((form.unlikely_asked.data or "").split())
    if found and not confirmed:
        form.unlikely = [UNLIKELY_VALUE_MESSAGES[key] for key in found]
        form.unlikely_asked.data = " ".join(found)
        form.confirm_unlikely.data = False
        return "unconfirmed", []
    if photos:
        payload["photos"] = photos
    result = sync.store_survey(payload, source, sender)
    general_errors = attach_errors(form, result.get("errors", {}))
    if result["status"] == "conflict":
        # A correction is a new survey: the next save gets its own id.
        form.survey_id.data = str(uuid.uuid4())
    return result["status"], general_errors


def render_form(template: str, form: SurveyFormBase, by_zone, labels, general_errors: list[str], **context):
    """Render a page that shows the instrument's count fields."""
    return render_template(
        template,
        form=form,
        unlikely=getattr(form, "unlikely", []),
        by_zone=by_zone,
        labels=labels,
        zone_names=ZONE_NAMES,
        packaging_field_name=packaging_field_name,
        label_field_name=label_field_name,
        general_errors=general_errors,
        **context,
    )


def local_now_for_input():
    """Now in local time, to the minute, as a datetime-local field shows it."""
    return policy.local_now().replace(second=0, microsecond=0, tzinfo=None)


def is_uuid(value: str | None) -> bool:
    try:
        uuid.UUID(value or "")
    except ValueError:
        return False
    return True


def attach_errors(form: SurveyFormBase, errors: dict[str, str]) -> list[str]:
    """Show the server's checks next to their fields; return the rest for the top of the form."""
    general = []
    for path, message in errors.items():
        field = path.split(".")[0]
        if field in survey_fields.ON_PLAIN_FORM:
            form[field].errors = [*form[field].errors, message]
        else:
            general.append(message)
    return general
