"""A round's plan uploaded again: each line a store code and an inspector's user name (empty: nobody).

Read like the store import (importing.rows: CSV or XLSX, the columns named by their own names or
by the headers people read, in any language of the catalogues), and checked like it: every line
first, then all or nothing. The lines go through planning.assign, so a store the round does not
cover or a user who is not an active inspector is refused by the same rule as the API's, here
named by its line in the file; each change is audited there.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import SurveyRound, User
from survey.domain.importing.rows import MAX_ERRORS, ImportReport, LineError, check_codes, read_rows
from survey.domain.rounds import planning
from survey.domain.rounds.payloads import AssignmentLine


@dataclass
class PlanImport:
    report: ImportReport  # the lines refused, if any
    result: planning.AssignmentResult | None = None  # what was done, when nothing was refused


def refused(errors: list[LineError]) -> PlanImport:
    errors.sort(key=lambda error: error.line)
    report = ImportReport(errors=errors[:MAX_ERRORS], more_errors=max(0, len(errors) - MAX_ERRORS))
    return PlanImport(report)


def plan_lines(data: bytes, filename: str, errors: list[LineError]) -> tuple[list[AssignmentLine], list[int]]:
    """The file's lines as assignment lines, with the line number each came from; problems go to `errors`."""
    rows = read_rows(data, filename, "plan", errors) or []
    lines, numbers = [], []
    for row in rows:
        known = len(errors)
        code = row.text("store_code", 40, required=True)
        inspector = row.text("inspector", 80)
        if len(errors) == known:  # both read: a line that holds what an assignment line may
            lines.append(AssignmentLine(store_code=code, inspector=inspector or None))
            numbers.append(row.line)
    check_codes(rows, column="store_code")  # a store twice is a mistake in a plan, never "the last wins"
    return lines, numbers


def import_plan(round_: SurveyRound, data: bytes, filename: str, actor: User) -> PlanImport:
    """Check every line of the plan, then assign them all, or none; the caller commits or rolls back."""
    errors: list[LineError] = []
    lines, numbers = plan_lines(data, filename, errors)
    if errors:
        return refused(errors)
    try:
        result = planning.assign(round_, lines, actor)
    except planning.AssignmentsRefused as refusal:
        return refused([LineError(numbers[line["index"]], line["message"]) for line in refusal.lines])
    return PlanImport(ImportReport(), result)
