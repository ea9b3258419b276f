"""The forms' messages in the reader's language, WTForms' own included.

WTForms makes up some messages itself: its validators' defaults ("This field is required.",
"Number must be between 0 and 100.") and its fields' coercion messages ("Not a valid integer
value.", "Not a valid choice."), which a field raises before any validator runs. Flask-WTF
would translate them through WTForms' own catalogues (WTF_I18N_ENABLED), but WTForms ships
no Vietnamese one (there is no `vi` in wtforms/locale), so they came out in English.

Every form of ours therefore derives from `TranslatedForm`, whose Meta gives WTForms our own
translations object. WTForms asks it, through `field.gettext` and `field.ngettext`, for each
message it makes up, and it answers with the message that stands for it here, marked with
`_l` and so translated in our catalogue. One table covers the validators' defaults and the
coercion messages alike, so no validator needs an explicit message and no field a subclass;
a WTForms message missing from the table stays English, which
tests/test_forms_in_vietnamese.py catches.
"""

from __future__ import annotations

import math
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import ValidationError

from survey.domain.payload_errors import too_long_message
from survey.domain.schemas import composed, has_control_characters

# WTForms' msgid → ours. A message of the plural kind is keyed by its singular: ours read the
# same for one and many. WTForms fills in %(min)s, %(max)s and %(value)s after translation.
WTFORMS_MESSAGES = {
    # Validators.
    "This field is required.": _l("This field is required."),
    "Invalid input.": _l("This value is not valid."),
    "Field must be at least %(min)d character long.": _l("Use at least %(min)d characters."),
    "Field cannot be longer than %(max)d character.": _l("Use at most %(max)d characters."),
    "Field must be exactly %(max)d character long.": _l("Use exactly %(max)d characters."),
    "Field must be between %(min)d and %(max)d characters long.": _l("Use %(min)d to %(max)d characters."),
    "Number must be at least %(min)s.": _l("Enter a number of at least %(min)s."),
    "Number must be at most %(max)s.": _l("Enter a number of at most %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Enter a number from %(min)s to %(max)s."),
    # The fields' own coercion: the value typed is not one of the field's kind at all.
    "Not a valid integer value.": _l("Enter a whole number."),
    "Not a valid decimal value.": _l("Enter a number."),
    "Not a valid float value.": _l("Enter a number."),
    "Not a valid date value.": _l("Enter a valid date."),
    "Not a valid datetime value.": _l("Enter a valid date and time."),
    "Not a valid time value.": _l("Enter a valid time."),
    "Not a valid choice.": _l("Choose one of the options listed."),
    "Invalid Choice: could not coerce.": _l("Choose one of the options listed."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l("Choose only from the options listed."),
    # Leaves out what was sent ('%(value)s'): a page need not repeat it.
    "'%(value)s' is not a valid choice for this field.": _l("Choose only from the options listed."),
}


class WTFormsMessages:
    """The translations object WTForms asks for its own messages: their English in, ours out."""

    def gettext(self, string: str) -> str:
        return str(WTFORMS_MESSAGES.get(string, string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if singular in WTFORMS_MESSAGES:
            return str(WTFORMS_MESSAGES[singular])
        return singular if n == 1 else plural


MESSAGES = WTFormsMessages()


class TranslatedForm(FlaskForm):
    """A Flask-WTF form whose WTForms messages come from our catalogue (see the module's docstring).

    Every text it takes is also free of control characters (schemas.has_control_characters, the
    rule of the import and the API too): such a character is never typed, and would break an export.
    """

    class Meta:
        def get_translations(self, form) -> WTFormsMessages:
            return MESSAGES

        def bind_field(self, form, unbound_field, options):
            """Every text is composed (NFC, schemas.composed) before its own filters and checks see it,
            as the API's payloads are. Passwords stay as typed: their stored hashes were made so."""
            kind = unbound_field.field_class
            if issubclass(kind, StringField) and not issubclass(kind, PasswordField):
                options = dict(options, filters=[composed, *unbound_field.kwargs.get("filters", ())])
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and has_control_characters(field.data):
                field.errors = [*field.errors, str(CONTROL_MESSAGE)]
                valid = False
        return valid


CONTROL_MESSAGE = _l("Remove the invisible control characters from this text.")


def storable(_form, field) -> None:
    """Say beside a short text (a name, a caption) that it holds what cannot be stored, by the one rule."""
    if field.data and has_control_characters(field.data):
        raise ValidationError(_l("Contains characters that cannot be stored."))


def at_most(limit: int):
    """A text of at most `limit` characters (once trimmed, as the payloads count), else refused with its
    length. Unlike Length it puts no maxlength on the input, which would cut a pasted text unseen."""

    def within(_form, field) -> None:
        length = len((field.data or "").strip())
        if length > limit:
            raise ValidationError(too_long_message(length, limit))

    return within


def number_range(min=None, max=None, message=None):
    """NumberRange for a value that came through: a blank is for Optional or InputRequired to
    judge, and a value that is no number already has its field's own message, so one mistake
    is told once (WTForms' NumberRange would add "must be between" to both).

    It compares by itself: WTForms' NumberRange first asks math.isnan() of the value, which
    overflows for an int of 400 digits, and it lets NaN through."""

    def in_range(form, field) -> None:
        data = field.data
        if data is None:
            return
        if not is_finite(data):
            # "NaN", "sNaN" and "Infinity" are numbers to float() and Decimal(), but no amount
            # (and comparing a Decimal NaN raises).
            raise ValidationError(str(NOT_A_NUMBER))
        if (min is not None and data < min) or (max is not None and data > max):
            raise ValidationError(range_message(min, max, message))

    in_range.field_flags = {"min": min, "max": max}  # the min and max attributes of a number input
    return in_range


def range_message(min, max, message=None) -> str:
    """The message NumberRange would give, from our catalogue (WTFORMS_MESSAGES)."""
    if message is None:
        if min is not None and max is not None:
            message = WTFORMS_MESSAGES["Number must be between %(min)s and %(max)s."]
        elif max is None:
            message = WTFORMS_MESSAGES["Number must be at least %(min)s."]
        else:
            message = WTFORMS_MESSAGES["Number must be at most %(max)s."]
    return str(message) % {"min": min, "max": max}


NOT_A_NUMBER = _l("Enter a number.")


def is_finite(value) -> bool:
    """A finite number, a Decimal too (math.isfinite cannot turn a Decimal's signalling NaN into a float)."""
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int) or math.isfinite(value)  # a huge int would overflow a float
