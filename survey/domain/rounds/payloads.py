"""The JSON a round and its assignments arrive as (POST /api/v1/rounds, PUT …/assignments)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field

from survey.domain.schemas import Payload, clean_text

MAX_ASSIGNMENTS = 5000  # one request may place every store of a large province's round


def parse_day(value: str) -> date:
    """A calendar day written YYYY-MM-DD, and a real one (2026-02-30 is refused)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("not a day")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a day") from None


Day = Annotated[str, Field(strict=True, json_schema_extra={"format": "date"}), AfterValidator(parse_day)]


class RoundIn(Payload):
    """A new round: its name, its days and which stores it covers."""

    name: clean_text(200, min_length=1)
    starts_on: Day
    ends_on: Day
    store_types: Annotated[list[clean_text(30, min_length=1)], Field(max_length=20)] | None = None
    unit_codes: Annotated[list[clean_text(40, min_length=1)], Field(max_length=2000)] | None = None
    self_reports_count: Annotated[bool, Field(strict=True)] = False


class AssignmentLine(Payload):
    """One store given to an inspector (by username), or taken back (null)."""

    store_code: clean_text(40, min_length=1)
    inspector: clean_text(80, min_length=1) | None


class AssignmentsIn(Payload):
    assignments: Annotated[list[AssignmentLine], Field(max_length=MAX_ASSIGNMENTS)]
