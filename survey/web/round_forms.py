"""The forms of the round pages: a round (made or edited), and the three ways to give stores to inspectors.

Each sends what the API takes, checked by the same payload and the same domain function
(planning.create_round, planning.update_round, planning.assign), so a page and a program plan alike;
the domain's refusals come back onto the fields they name (`add_errors`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, ValidationError

from models import User, db
from survey.domain import policy
from survey.labels import STORE_TYPE_NAMES
from survey.web.validators import TranslatedForm, at_most


def strip(value):
    return value.strip() if isinstance(value, str) else value


class RoundForm(TranslatedForm):
    """A round's name, days and scope, as POST /api/v1/rounds takes them."""

    name = StringField(_l("Name of the round"), validators=[DataRequired(), at_most(200)], filters=[strip])
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    store_types = SelectMultipleField(
        _l("Store types"), choices=[SelectChoice(code, name) for code, name in STORE_TYPE_NAMES.items()]
    )
    unit_codes = SelectMultipleField(_l("Administrative units"), validate_choice=False)  # the domain knows them
    self_reports_count = BooleanField(_l("An approved self-report also completes a store"))
    submit = SubmitField(_l("Save"))

    def validate_store_types(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one store type."))

    def payload(self) -> dict:
        return {
            "name": self.name.data,
            "starts_on": self.starts_on.data.isoformat(),
            "ends_on": self.ends_on.data.isoformat(),
            "store_types": list(self.store_types.data),
            "unit_codes": list(self.unit_codes.data) or None,
            "self_reports_count": bool(self.self_reports_count.data),
        }

    @classmethod
    def for_round(cls, round_) -> RoundForm:
        """The form filled with a round as it stands (for its edit page)."""
        return cls(
            formdata=None,
            name=round_.name,
            starts_on=round_.starts_on,
            ends_on=round_.ends_on,
            store_types=[code for code in round_.store_types.split(";") if code],
            unit_codes=[code for code in round_.unit_codes.split(";") if code],
            self_reports_count=round_.self_reports_count,
        )

    @classmethod
    def blank(cls) -> RoundForm:
        """A new round's form: from today to the year's last day, the two types in scope, every unit."""
        today = policy.local_today()
        return cls(
            formdata=None, starts_on=today, ends_on=today.replace(month=12, day=31), store_types=policy.IN_SCOPE_TYPES
        )


def add_errors(form, fields: dict[str, str]) -> None:
    """Put the domain's (or the payload's) messages on the fields they name: "store_types.1" is store_types."""
    for key, message in fields.items():
        field = getattr(form, key.split(".")[0], None) or form.name
        field.errors = [*field.errors, message]


def active_inspectors() -> list[str]:
    """The user names of the active inspectors, the ones a store may be given to."""
    query = select(User.username).where(User.role == "inspector", User.active.is_(True)).order_by(User.username)
    return list(db.session.scalars(query))


NOBODY = SelectChoice("", _l("Nobody: take the stores back"))


class AssignStoreForm(TranslatedForm):
    store_code = StringField(_l("Store code"), validators=[InputRequired(), at_most(40)])
    inspector = SelectField(_l("Inspector"))
    submit = SubmitField(_l("Give the store"))


class AssignUnitForm(TranslatedForm):
    unit_code = SelectField(_l("Administrative unit"), validators=[InputRequired()], validate_choice=False)
    inspector = SelectField(_l("Inspector"))
    submit = SubmitField(_l("Give the unit's stores"))


class SpreadForm(TranslatedForm):
    inspectors = SelectMultipleField(_l("Inspectors to share the stores"))
    which = RadioField(
        _l("Stores to share out"),
        choices=[
            SelectChoice("unassigned", _l("Only the stores no active inspector holds")),
            SelectChoice("all", _l("Every store not yet visited (stores already given may move)")),
        ],
        default="unassigned",
    )
    submit = SubmitField(_l("Share out"))

    def validate_inspectors(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one inspector."))


def assignment_forms(posted: str | None = None) -> dict:
    """The plan page's three forms, each with its own prefix (their fields' ids stay apart) and the
    active inspectors to choose from; the one `posted` reads the request, the others stay blank."""
    kinds = {"store": AssignStoreForm, "unit": AssignUnitForm, "spread": SpreadForm}
    forms = {key: kind(prefix=key) if key == posted else kind(formdata=None, prefix=key) for key, kind in kinds.items()}
    inspectors = [SelectChoice(name, name) for name in active_inspectors()]
    forms["store"].inspector.choices = [*inspectors, NOBODY]
    forms["unit"].inspector.choices = [*inspectors, NOBODY]
    forms["spread"].inspectors.choices = inspectors
    return forms
