"""What is wrong with a payload, said in the user's language, one message per field.

pydantic names each problem by a type and a context; the phone, the forms and the API's
`invalid` results show the message made here beside the field it names.
"""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from pydantic import ValidationError


def pydantic_message(error: dict) -> str:
    """Say in the user's language what is wrong with one field."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    messages = {
        "missing": _("This field is required."),
        "int_type": _("Must be a whole number."),
        "float_type": _("Must be a number."),
        "string_type": _("Must be text."),
        "list_type": _("Must be a list."),
        "model_type": _("Must be an object."),
        "dict_type": _("Must be an object."),
        "extra_forbidden": _("Unknown field."),
        "literal_error": _("Not one of the allowed values."),
        "too_short": _("Too few items."),
        "too_long": _("Too many items."),
        "string_too_short": _("This field is required."),
    }
    if kind == "string_too_long":
        # The payloads count what is left once trimmed (Payload strips every string).
        return too_long_message(len(str(error.get("input", "")).strip()), ctx["max_length"])
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(limit)s.", limit=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(limit)s.", limit=ctx.get("le", ctx.get("lt")))
    if kind == "value_error":
        reason = str(ctx.get("error", ""))
        return {
            "not a UUID": _("Must be a UUID."),
            "not an ISO 8601 date-time": _("Must be a date and time in ISO 8601."),
            "missing UTC offset": _("The time must include its UTC offset, e.g. +07:00."),
            "unknown form version": _("Unknown form version."),
            "visit date out of range": _("The visit date is not plausible."),
            "control characters": _("Contains characters that cannot be stored."),
            "not a day": _("Must be a day written YYYY-MM-DD."),
        }.get(reason, reason)
    return messages.get(kind, error.get("msg", _("Invalid value.")))


def too_long_message(length: int, limit: int) -> str:
    """A text over its limit is refused, never cut: say how long it is and how long it may be,
    with the local digit grouping ("3.089" in Vietnamese)."""
    return _(
        "%(length)s characters long; at most %(limit)s.",
        length=format_decimal(length, format="#,##0"),
        limit=format_decimal(limit, format="#,##0"),
    )


def empty_checkout_message() -> str:
    """Nothing counted at the checkout, whether the list is empty or holds other zones only."""
    return _("Nothing has been counted at the checkout: enter the bags handed out over about 30 customers.")


def field_errors(error: ValidationError) -> dict[str, str]:
    """Turn pydantic errors into {"packaging.0.count": "message"}, one per field."""
    errors: dict[str, str] = {}
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"]) or "survey"
        if item["loc"] == ("packaging",) and item["type"] == "too_short":
            # The forms leave out zero counts, so an all-zero survey arrives as an empty list:
            # say what is missing, as check_references does for a list without checkout counts.
            errors.setdefault(path, empty_checkout_message())
        errors.setdefault(path, pydantic_message(item))
    return errors
