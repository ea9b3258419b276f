"""Making a round and placing its stores with inspectors: checked first, then all or nothing, audited."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from models import AdminUnit, RoundAssignment, Store, SurveyRound, User, db
from survey.domain import audit, policy
from survey.domain.rounds import coverage
from survey.domain.rounds.payloads import AssignmentLine, RoundIn


class RoundRefused(ValueError):
    """A round that cannot be made as asked; `fields` says which field is at fault and why."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in fields.items()))
        self.fields = fields


class AssignmentsRefused(ValueError):
    """Assignments that cannot all be made; `lines` names each one at fault by its place in the request."""

    def __init__(self, lines: list[dict]):
        super().__init__("; ".join(f"{line['index']}: {line['message']}" for line in lines))
        self.lines = lines


def round_problems(asked: RoundIn) -> dict[str, str]:
    """What is wrong with a round beyond its shape: its days, an unknown type or unit."""
    problems = {}
    if asked.ends_on < asked.starts_on:
        problems["ends_on"] = _("The last day comes before the first.")
    for index, code in enumerate(asked.store_types or []):
        if code not in policy.STORE_TYPES:
            problems[f"store_types.{index}"] = _("Unknown store type: %(code)s.", code=code)
    codes = asked.unit_codes or []
    known = set(db.session.scalars(select(AdminUnit.code).where(AdminUnit.code.in_(codes)))) if codes else set()
    for index, code in enumerate(codes):
        if code not in known:
            problems[f"unit_codes.{index}"] = _("Unknown administrative unit: %(code)s.", code=code)
    return problems


def set_fields(round_: SurveyRound, asked: RoundIn) -> None:
    """Give the round the name, days and scope asked (the defaults for what was left out)."""
    round_.name = asked.name
    round_.starts_on, round_.ends_on = asked.starts_on, asked.ends_on
    round_.store_types = ";".join(dict.fromkeys(asked.store_types or policy.IN_SCOPE_TYPES))
    round_.unit_codes = ";".join(dict.fromkeys(asked.unit_codes or []))
    round_.self_reports_count = asked.self_reports_count


def create_round(asked: RoundIn, actor: User) -> SurveyRound:
    """Make a round, or refuse it with the fields at fault; the caller commits."""
    if problems := round_problems(asked):
        raise RoundRefused(problems)
    round_ = SurveyRound(created_by_id=actor.id)
    set_fields(round_, asked)
    db.session.add(round_)
    db.session.flush()
    audit.record(actor, "round_create", round_target(round_), "", round_summary(round_))
    return round_


def update_round(round_: SurveyRound, asked: RoundIn, actor: User) -> int:
    """Change a round's name, days and scope by the rules of a new one, audited; a store it no longer
    covers loses its inspector in it (audited too). Returns how many did; the caller commits."""
    if problems := round_problems(asked):
        raise RoundRefused(problems)
    before = round_details(round_)
    set_fields(round_, asked)
    if round_details(round_) == before:
        return 0
    db.session.flush()
    audit.record(actor, "round_update", round_target(round_), before, round_details(round_))
    covered = coverage.covered_store_ids(round_)
    rows = db.session.execute(
        select(RoundAssignment, Store.code, User.username)
        .join(Store, Store.id == RoundAssignment.store_id)
        .join(User, User.id == RoundAssignment.inspector_id)
        .where(RoundAssignment.round_id == round_.id)
    ).all()
    left = [(row, code, username) for row, code, username in rows if row.store_id not in covered]
    for row, code, username in left:
        audit.record(actor, "round_assign", round_target(round_), f"{code}: {username}", "")
        db.session.delete(row)
    return len(left)


def round_target(round_: SurveyRound) -> str:
    return f"round:{round_.id}"


def round_summary(round_: SurveyRound) -> str:
    """The round's days and scope in one line, for the audit trail."""
    units = round_.unit_codes.replace(";", ", ") or "*"
    return f"{round_.starts_on.isoformat()}..{round_.ends_on.isoformat()} {round_.store_types} {units}"


SELF_REPORTS = {True: "self_reports", False: "inspections"}  # what completes a store, in round_details


def round_details(round_: SurveyRound) -> str:
    """Everything an edit may change, for the audit trail: the summary, what completes a store, the name
    last (it may hold any text, and is the part cut short if the whole is too long)."""
    return f"{round_summary(round_)}; {SELF_REPORTS[bool(round_.self_reports_count)]}; {round_.name}"


@dataclass
class AssignmentResult:
    assigned: int
    unassigned: int


def active_inspectors(usernames: set[str]) -> dict[str, User]:
    rows = db.session.scalars(
        select(User).where(User.username.in_(usernames), User.role == "inspector", User.active.is_(True))
    )
    return {user.username: user for user in rows}


def check_lines(round_: SurveyRound, lines: list[AssignmentLine]) -> tuple[dict[str, int], dict[str, User]]:
    """The store ids and inspectors the lines name, or AssignmentsRefused naming every line at fault."""
    codes = {line.store_code for line in lines}
    covered = coverage.covered_condition(round_)
    stores = dict(db.session.execute(select(Store.code, Store.id).where(Store.code.in_(codes), covered)).all())
    inspectors = active_inspectors({line.inspector for line in lines if line.inspector is not None})
    faults = []
    for index, line in enumerate(lines):
        if line.store_code not in stores:
            faults.append(
                {"index": index, "message": _("The round does not cover store %(code)s.", code=line.store_code)}
            )
        elif line.inspector is not None and line.inspector not in inspectors:
            faults.append({"index": index, "message": _("%(user)s is not an active inspector.", user=line.inspector)})
    if faults:
        raise AssignmentsRefused(faults)
    return stores, inspectors


def assign(round_: SurveyRound, lines: list[AssignmentLine], actor: User) -> AssignmentResult:
    """Give each store to its inspector in the round (moving it if it had one), or take it back with
    None; every line is checked first and nothing changes unless all are right. The caller commits."""
    stores, inspectors = check_lines(round_, lines)
    current = {
        row.store_id: row
        for row in db.session.scalars(
            select(RoundAssignment).where(
                RoundAssignment.round_id == round_.id, RoundAssignment.store_id.in_(stores.values())
            )
        )
    }
    result = AssignmentResult(0, 0)
    for line in lines:  # a store named twice ends with its last line, as if sent one after the other
        store_id = stores[line.store_code]
        before = current.get(store_id)
        before_name = before.inspector.username if before else ""
        if line.inspector is None:
            if before is not None:
                db.session.delete(current.pop(store_id))
                db.session.flush()  # gone before the same store may be given again further down
            result.unassigned += 1
        else:
            inspector = inspectors[line.inspector]
            if before is None:
                before = current[store_id] = RoundAssignment(round_id=round_.id, store_id=store_id)
                db.session.add(before)
            before.inspector = inspector
            result.assigned += 1
        after = line.inspector or ""
        if before_name != after:
            audit.record(actor, "round_assign", round_target(round_), f"{line.store_code}: {before_name}", after)
    return result
