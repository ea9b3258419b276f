"""What an audit entry says, read back from the codes it was recorded in (survey.domain.audit).

The log holds no words of any language, and rows written before a shape was settled stay as
they are; these functions read a target or a value into a `Fact` (its kind and its parts) for
old rows and new ones alike, and survey/web/audit_names.py words the facts in the reader's
language. A value of a shape they do not know, or cut short by audit.TEXT_LIMIT, is text,
shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from models import ROLES, AdminUnit, Store, StoreProposal, Survey, SurveyRound, db
from survey.domain import audit, policy


@dataclass(frozen=True)
class Fact:
    """What a target or a value says, in no language: its kind and its parts.

    Kinds of values: empty, text (shown as it is), state, link ("new" or "revoked"), link_id,
    counts (created, updated), user (UserFacts), rule (RuleFacts), store (StoreFacts), date,
    survey, photo, store_code, round_scope (first, last, types, units), assignment (store code,
    username), round_details (the scope's four, self-reports counted, name). Kinds of targets: store,
    survey, user_name, rule_phase (first, last year),
    import (what, format or None), official_units (province code), report_setting (field), round,
    proposal (a store found in the field), text.
    """

    kind: str
    value: Any = None


@dataclass(frozen=True)
class UserFacts:
    role: str
    active: bool
    password_reset: bool


@dataclass(frozen=True)
class RuleFacts:
    version: int
    target_pct: int
    zones: tuple[str, ...]
    min_eco_share_pct: Decimal


@dataclass(frozen=True)
class StoreFacts:
    name: str
    type: str
    store_class: str | None
    unit_code: str | None
    legacy_unit_code: str | None
    opened_on: date | None
    closed_on: date | None


COUNTS = re.compile(r"(\d+) new, (\d+) updated")  # audit.import_counts
RULE_LINE = re.compile(r"v(\d+): (\d+)%, ([a-z_;]*), >= (\d+(?:\.\d+)?)%")  # rule_versions.describe
STORE_UNITS = re.compile(r"([^ ()]*)(?: \(([^ ()]+)\))?")  # audit.store_summary: "unit (legacy unit)"
IMPORT_FORMATS = ("csv", "xlsx")


def read_value(action: str, text: str) -> Fact:
    """What a from or to value says; a value of an unknown shape (or cut short) stays text."""
    if not text:
        return Fact("empty")
    reader = VALUE_READERS.get(action)
    return (reader(text) if reader else None) or Fact("text", text)


def read_state(text: str) -> Fact | None:
    return Fact("state", text) if text in policy.REVIEW_STATES else None


def read_link(text: str) -> Fact | None:
    if text in (audit.LINK_NEW, audit.LINK_REVOKED):
        return Fact("link", "new" if text == audit.LINK_NEW else "revoked")
    kind, _sep, key = text.partition(":")
    return Fact("link_id", int(key)) if kind == "link" and key.isdigit() else None


def read_counts(text: str) -> Fact | None:
    match = COUNTS.fullmatch(text)
    return Fact("counts", (int(match[1]), int(match[2]))) if match else None


def read_user(text: str) -> Fact | None:
    """audit.user_summary read back: "inspector, active" and maybe ", password reset"."""
    parts = text.split(", ")
    if len(parts) not in (2, 3) or parts[0] not in ROLES or parts[1] not in ("active", "inactive"):
        return None
    if len(parts) == 3 and parts[2] != "password reset":
        return None
    return Fact("user", UserFacts(parts[0], parts[1] == "active", len(parts) == 3))


def read_rule(text: str) -> Fact | None:
    match = RULE_LINE.fullmatch(text)
    zones = tuple(zone for zone in match[3].split(";") if zone) if match else ()
    if not match or any(zone not in policy.ZONES for zone in zones):
        return None
    return Fact("rule", RuleFacts(int(match[1]), int(match[2]), zones, Decimal(match[4])))


def read_store(text: str) -> Fact | None:
    """audit.store_summary read back; None when it was cut short or is of another shape."""
    parts = text.rsplit("; ", 4)  # the name may hold "; " itself
    units = STORE_UNITS.fullmatch(parts[3]) if len(parts) == 5 else None
    opened, sep, closed = parts[4].partition("–") if units else ("", "", "")
    if not sep or not units:
        return None
    try:
        opened_on, closed_on = (date.fromisoformat(day) if day else None for day in (opened, closed))
    except ValueError:
        return None
    store_class = None if parts[2] == "-" else parts[2]
    facts = StoreFacts(parts[0], parts[1], store_class, units[1] or None, units[2], opened_on, closed_on)
    return Fact("store", facts)


def read_store_or_day(text: str) -> Fact | None:
    try:
        return Fact("date", date.fromisoformat(text))
    except ValueError:
        return read_store(text)


def read_survey(text: str) -> Fact | None:
    return Fact("survey", str(parsed)) if (parsed := audit.as_uuid(text)) else None


def read_photo(text: str) -> Fact | None:
    return Fact("photo", str(parsed)) if (parsed := audit.as_uuid(text)) else None


VALUE_READERS: dict[str, Callable[[str], Fact | None]] = {
    "review": read_state,
    "rule": read_rule,
    **dict.fromkeys(("link_create", "link_revoke", "link_replace"), read_link),
    **dict.fromkeys(("store_create", "store_update"), read_store),
    "store_close": read_store_or_day,
    **dict.fromkeys(("store_import", "unit_import", "product_import"), read_counts),
    **dict.fromkeys(("user_create", "user_update"), read_user),
    "photo_purge": read_photo,
    **dict.fromkeys(("survey_superseded", "survey_correction"), read_survey),
}


ROUND_SCOPE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2}) ([a-z_;]+) (.+)")  # planning.round_summary


def read_round_scope(text: str) -> Fact | None:
    """A round's days, store types and units (codes, or "*" for every unit)."""
    match = ROUND_SCOPE.fullmatch(text)
    if not match:
        return None
    units = () if match[4] == "*" else tuple(match[4].split(", "))
    types = tuple(match[3].split(";"))
    return Fact("round_scope", (date.fromisoformat(match[1]), date.fromisoformat(match[2]), types, units))


def read_assignment(text: str) -> Fact | None:
    """A store's inspector in a round, "CODE: username" (no username: nobody)."""
    code, sep, username = text.partition(": ")
    return Fact("assignment", (code, username)) if sep else None


def read_round_details(text: str) -> Fact | None:
    """planning.round_details read back: the round's scope, whether self-reports complete a store, its name."""
    parts = text.split("; ", 2)
    scope = read_round_scope(parts[0]) if len(parts) == 3 else None
    if scope is None or parts[1] not in ("self_reports", "inspections"):
        return None
    return Fact("round_details", (*scope.value, parts[1] == "self_reports", parts[2]))


VALUE_READERS |= {"round_create": read_round_scope, "round_assign": read_assignment, "round_update": read_round_details}


def read_store_code(text: str) -> Fact | None:
    """The store a proposal from the field became or was merged into, by its code."""
    return Fact("store_code", text)


VALUE_READERS |= dict.fromkeys(("proposal_create", "proposal_merge"), read_store_code)


def read_target(target: str) -> Fact:
    """What a target names: a store, a survey, a user, a rule's phase, an imported file, a setting."""
    kind, _sep, key = target.partition(":")
    if kind in ("store", "user", "report") and key:
        return Fact({"store": "store", "user": "user_name", "report": "report_setting"}[kind], key)
    if kind == "survey" and (parsed := audit.as_uuid(key)):
        return Fact("survey", str(parsed))
    if kind == "product" and key.isdigit():
        return Fact("product", key)  # a GTIN
    if kind == "rule" and key.isdigit():
        first = int(key)
        phase = next((phase for phase in policy.PHASES if phase.first_year == first), None)
        return Fact("rule_phase", (first, phase.last_year if phase else first + 4))
    if kind == "round" and key.isdigit():
        return Fact("round", int(key))
    if kind == "proposal" and (parsed := audit.as_uuid(key)):
        return Fact("proposal", str(parsed))
    if kind == "units" and key.isdigit():
        return Fact("official_units", key)  # a province's official list (official_units.load_official)
    if kind in ("stores", "units", "products") and key.startswith("file"):
        # "file" before the import kept its format (audit.import_target), "file:csv" or "file:xlsx" since.
        found = key.rpartition(":")[2]
        return Fact("import", (kind, found if found in IMPORT_FORMATS else None))
    return Fact("text", target)


def names_for(facts: Iterable[Fact]) -> dict[str, str]:
    """Name the stores, surveys and units the facts point at, keyed "store:CODE", "survey:ID", "unit:CODE"."""
    wanted: dict[str, set] = {"store": set(), "survey": set(), "unit": set(), "round": set(), "proposal": set()}
    for fact in facts:
        if fact.kind in ("round", "proposal"):
            wanted[fact.kind].add(fact.value)
        elif fact.kind == "store_code":
            wanted["store"].add(fact.value)
        elif fact.kind == "assignment":
            wanted["store"].add(fact.value[0])
        elif fact.kind in ("round_scope", "round_details"):
            wanted["unit"].update(fact.value[3])
        if fact.kind in ("store", "survey") and isinstance(fact.value, str):
            wanted[fact.kind].add(fact.value)
        elif fact.kind == "official_units":
            wanted["unit"].add(fact.value)
        elif isinstance(fact.value, StoreFacts):
            wanted["unit"].update(code for code in (fact.value.unit_code, fact.value.legacy_unit_code) if code)
    names: dict[str, str] = {}
    if wanted["round"]:
        query = select(SurveyRound.id, SurveyRound.name).where(SurveyRound.id.in_(wanted["round"]))
        names.update((f"round:{round_id}", name) for round_id, name in db.session.execute(query))
    if proposal_ids := [parsed for key in wanted["proposal"] if (parsed := audit.as_uuid(key)) is not None]:
        query = select(StoreProposal.id, StoreProposal.name).where(StoreProposal.id.in_(proposal_ids))
        names.update((f"proposal:{proposal_id}", name) for proposal_id, name in db.session.execute(query))
    if wanted["store"]:
        for code, name in db.session.execute(select(Store.code, Store.name).where(Store.code.in_(wanted["store"]))):
            names[f"store:{code}"] = f"{name} ({code})"
    if wanted["unit"]:
        query = select(AdminUnit.code, AdminUnit.name).where(AdminUnit.code.in_(wanted["unit"]))
        names.update((f"unit:{code}", name) for code, name in db.session.execute(query))
    if survey_ids := [parsed for key in wanted["survey"] if (parsed := audit.as_uuid(key)) is not None]:
        # A survey of a store found in the field and not made a store is named by the proposed name.
        query = (
            select(Survey.id, func.coalesce(Store.name, StoreProposal.name), Store.code, Survey.visited_at)
            .outerjoin(Store, Store.id == Survey.store_id)
            .outerjoin(StoreProposal, StoreProposal.id == Survey.store_proposal_id)
            .where(Survey.id.in_(survey_ids))
        )
        for survey_id, name, code, visited_at in db.session.execute(query):
            moment = visited_at.replace(tzinfo=UTC).astimezone(policy.LOCAL_TZ)
            place = f"{name} ({code})" if code else name
            names[f"survey:{survey_id}"] = f"{place}, {moment:%H:%M %d/%m/%Y}"
    return names
