"""Languages and local formats: Vietnamese by default, English on request."""

from __future__ import annotations

import functools
from datetime import date, datetime

from babel import numbers
from flask import Flask, has_request_context, request
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale

from survey.domain import policy

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
LANGUAGE_COOKIE = "lang"
babel = Babel()


def select_locale() -> str:
    """Pick the language: ?lang= first, then the cookie, else Vietnamese (also on the CLI)."""
    if not has_request_context():
        return "vi"
    for choice in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if choice in LANGUAGES:
            return choice
    return "vi"


def local_date(value: date | None) -> str:
    """Format a date as 14/06/2025."""
    return format_date(value, "dd/MM/yyyy") if value else ""


def local_datetime(value: datetime | None) -> str:
    """Format a stored UTC time in Asia/Ho_Chi_Minh, as 09:30 14/06/2025."""
    return format_datetime(value, "HH:mm dd/MM/yyyy") if value else ""


def local_number(value: float | int | None, places: int = 1) -> str:
    """Format a number the local way (80,3 in Vietnamese); a dash when missing.

    A whole number is grouped by threes with the language's own signs, as Babel's "#,##0" does, but
    without Babel's pattern machinery: a page of a round's figures formats hundreds of counts."""
    if value is None:
        return "–"
    if isinstance(value, int):
        group, minus = whole_number_signs(str(get_locale()))
        grouped = f"{abs(value):,}".replace(",", group)
        return minus + grouped if value < 0 else grouped
    return format_decimal(value, format="#,##0." + "0" * places)


@functools.cache
def whole_number_signs(locale: str) -> tuple[str, str]:
    """The group separator and the minus sign of a language (Babel's)."""
    return numbers.get_group_symbol(locale), numbers.get_minus_sign_symbol(locale)


def category_label(item) -> str:
    """Label a vocabulary row (category or eco-label type) in the current language."""
    return item.label_en if str(get_locale()) == "en" else item.label_vi


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and the template filters."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", policy.LOCAL_TZ.key)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "survey/translations")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_number"] = local_number
    app.jinja_env.filters["label"] = category_label
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["get_locale"] = get_locale
