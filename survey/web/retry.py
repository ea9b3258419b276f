"""When a rate limit reached lets the person through again, said the same way on every page
(the self-report form, the log-in page)."""

from __future__ import annotations

import math
import time

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from survey.extensions import limiter


def breached_limits() -> list:
    """The limits this request has reached."""
    return [limit for limit in limiter.current_limits if limit.breached]


def seconds_to_reset(breached) -> float | None:
    """Seconds until every breached limit lets a request through again; None when the limiter cannot say."""
    if not breached:
        return None
    try:
        reset_at = max(limit.window.reset_time for limit in breached)
    except Exception:  # the limiter's storage may be out of reach: the caller then says so in general terms
        current_app.logger.warning("No reset time from the rate limiter", exc_info=True)
        return None
    return max(reset_at - time.time(), 0)


def retry_sentence(seconds: float | None, unknown: str | None = None) -> str:
    """ "Please try again in about N minutes (or hours)"; `unknown` when the time cannot be told."""
    if seconds is None:
        return unknown or _("Please try again in an hour.")
    if seconds <= 90 * 60:
        minutes = max(1, math.ceil(seconds / 60))
        return ngettext(
            "Please try again in about %(num)d minute.", "Please try again in about %(num)d minutes.", minutes
        )
    hours = math.ceil(seconds / 3600)
    return ngettext("Please try again in about %(num)d hour.", "Please try again in about %(num)d hours.", hours)
