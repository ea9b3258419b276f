"""Numbers and dates read from a page's query string or path, the same way on every page.

A hand-edited address must never reach the database as a value it cannot hold: a page number
of twenty digits overflows SQLite's INTEGER and PostgreSQL's bigint in OFFSET, an id past
PostgreSQL's integer does too, and a day at the edge of the calendar overflows once it is
turned into the UTC moment it starts at. So:

- a page number takes ASCII digits only (``"²"`` and ``"٢"`` are digits to ``str.isdigit``);
  anything else is page 1, and a page past the end is the last page, as a user who kept an
  old link would expect;
- an id in a path goes through ``<int(max=MAX_ID):…>``: a larger one is a 404 before the view;
- a day is YYYY-MM-DD from EARLIEST_DAY to LATEST_DAY (the years the API and the exports take);
  anything else is an ``UnreadableDay`` that names the field, which the page answers with a 400.
"""

from __future__ import annotations

import math
from datetime import date

from flask import request
from flask_babel import gettext as _

from survey.i18n import local_date

# The largest id of a table (a PostgreSQL integer): route converters refuse anything above it.
MAX_ID = 2**31 - 1
ID = f"int(max={MAX_ID})"  # in a route: f"/users/<{ID}:user_id>/edit"
# Far past the end of any list; small enough that (page - 1) * page size fits any OFFSET.
MAX_PAGE = 1_000_000
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2200, 12, 31)


def asked_page(name: str = "page") -> int:
    """The page in ?page=: 1 unless it is plain ASCII digits; MAX_PAGE at most."""
    text = request.args.get(name, "")
    if not (text.isascii() and text.isdigit()):
        return 1
    digits = text.lstrip("0")
    if len(digits) > len(str(MAX_PAGE)):  # no int() of a thousand digits
        return MAX_PAGE
    return min(max(int(digits or "0"), 1), MAX_PAGE)


def page_within(total: int, page_size: int, name: str = "page") -> int:
    """The page asked for, brought within the pages there are (a list of none still has page 1)."""
    last = max(1, math.ceil(total / page_size))
    return min(asked_page(name), last)


class UnreadableDay(ValueError):
    """A day in the query string that is not a date this app can work with; the message names the field."""

    def __init__(self, label: str):
        self.message = _(
            "%(field)s: enter a date from %(first)s to %(last)s.",
            field=label,
            first=local_date(EARLIEST_DAY),
            last=local_date(LATEST_DAY),
        )
        super().__init__(self.message)


def asked_day(args, name: str, label: str) -> date | None:
    """The day in ?name= as YYYY-MM-DD; None when blank; UnreadableDay when it is no day from
    EARLIEST_DAY to LATEST_DAY (label is the field's name as the page shows it)."""
    text = args.get(name, "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text) if text.isascii() and len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not EARLIEST_DAY <= day <= LATEST_DAY:
        raise UnreadableDay(label)
    return day
