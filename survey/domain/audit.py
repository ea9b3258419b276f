"""The audit log: who changed what, when, from what to what, and why.

Every change of stores, users, rules, review states and self-report links is recorded
here by the domain function that makes it, so no channel (page, API, CLI) can skip it.
Targets are kept as "kind:key" (store:DEMO-001, survey:<uuid>, user:lan, rule:2021) and
the values in a few fixed shapes made of codes (a review state, "inspector, active",
"2 new, 0 updated", a store's summary): the log holds no words of any language. The
functions at the end read an entry back into what it says (`Fact`), for old rows and new
ones alike, so that the page shows it in the reader's language (survey/web/audit_names.py)
without any row being rewritten; a value they do not recognise is shown as it is.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from models import ROLES, AdminUnit, AuditEntry, Store, Survey, User, db
from survey.domain import policy

TEXT_LIMIT = 200  # from_value and to_value columns
# The values of a self-report link's entries.
LINK_NEW, LINK_REVOKED = "new link", "revoked"


def record(
    actor: User | None, action: str, target: str, from_value: str = "", to_value: str = "", comment: str = ""
) -> AuditEntry:
    """Add one entry to the session; it is committed with the change it describes."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target=target,
        from_value=shorten(from_value),
        to_value=shorten(to_value),
        comment=comment,
    )
    db.session.add(entry)
    return entry


def shorten(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def store_target(store: Store) -> str:
    return f"store:{store.code}"


def user_target(user: User) -> str:
    return f"user:{user.username}"


def survey_target(survey: Survey) -> str:
    return f"survey:{survey.id}"


def rule_target(first_year: int) -> str:
    return f"rule:{first_year}"


def store_summary(store: Store) -> str:
    """The fields of a store worth comparing in the log, on one line."""
    unit = store.unit.code if store.unit else ""
    legacy = f" ({store.legacy_unit.code})" if store.legacy_unit else ""
    dates = f"{store.opened_on or ''}–{store.closed_on or ''}"
    return f"{store.name}; {store.type}; {store.store_class or '-'}; {unit}{legacy}; {dates}"


def user_summary(user: User, password_reset: bool = False) -> str:
    """A user's role and whether the account is active (and, after a change, whether the password was reset)."""
    return f"{user.role}, {'active' if user.active else 'inactive'}" + (", password reset" if password_reset else "")


def import_counts(created: int, updated: int) -> str:
    """What an import did, for the log."""
    return f"{created} new, {updated} updated"


def as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


# --- Reading an entry back ----------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """What a target or a value of the log says, in no language: its kind and its parts.

    Kinds: empty, text (shown as it is), state, link ("new" or "revoked"), link_id, counts
    (created, updated), user (UserFacts), rule (RuleFacts), store (StoreFacts), date, survey,
    photo; for targets also store, survey, user_name, rule_phase (first, last year), import
    (what, format or None), official_units (province code) and report_setting (field name).
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


COUNTS = re.compile(r"(\d+) new, (\d+) updated")
RULE_LINE = re.compile(r"v(\d+): (\d+)%, ([a-z_;]*), >= (\d+(?:\.\d+)?)%")  # rule_versions.describe
STORE_UNITS = re.compile(r"([^ ()]*)(?: \(([^ ()]+)\))?")
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
    if text in (LINK_NEW, LINK_REVOKED):
        return Fact("link", "new" if text == LINK_NEW else "revoked")
    kind, _sep, key = text.partition(":")
    return Fact("link_id", int(key)) if kind == "link" and key.isdigit() else None


def read_counts(text: str) -> Fact | None:
    match = COUNTS.fullmatch(text)
    return Fact("counts", (int(match[1]), int(match[2]))) if match else None


def read_user(text: str) -> Fact | None:
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
    """A store_summary read back; None when it was cut short or is of another shape."""
    parts = text.rsplit("; ", 4)
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
    return Fact("survey", str(parsed)) if (parsed := as_uuid(text)) else None


def read_photo(text: str) -> Fact | None:
    return Fact("photo", str(parsed)) if (parsed := as_uuid(text)) else None


VALUE_READERS: dict[str, Callable[[str], Fact | None]] = {
    "review": read_state,
    "rule": read_rule,
    **dict.fromkeys(("link_create", "link_revoke", "link_replace"), read_link),
    **dict.fromkeys(("store_create", "store_update"), read_store),
    "store_close": read_store_or_day,
    **dict.fromkeys(("store_import", "unit_import"), read_counts),
    **dict.fromkeys(("user_create", "user_update"), read_user),
    "photo_purge": read_photo,
    **dict.fromkeys(("survey_superseded", "survey_correction"), read_survey),
}


def read_target(target: str) -> Fact:
    """What a target names: a store, a survey, a user, a rule's phase, an imported file, a setting."""
    kind, _sep, key = target.partition(":")
    if kind in ("store", "user", "report") and key:
        return Fact({"store": "store", "user": "user_name", "report": "report_setting"}[kind], key)
    if kind == "survey" and (parsed := as_uuid(key)):
        return Fact("survey", str(parsed))
    if kind == "rule" and key.isdigit():
        first = int(key)
        phase = next((phase for phase in policy.PHASES if phase.first_year == first), None)
        return Fact("rule_phase", (first, phase.last_year if phase else first + 4))
    if kind == "units" and key.isdigit():
        return Fact("official_units", key)  # a province's official list (official_units.load_official)
    if kind in ("stores", "units"):
        # "file" before the import recorded its format; any later ":csv" or ":xlsx" is read too.
        found = key.lower().replace(".", ":").split(":")[-1]
        return Fact("import", (kind, found if found in IMPORT_FORMATS else None))
    return Fact("text", target)


def names_for(facts: Iterable[Fact]) -> dict[str, str]:
    """Name the stores, surveys and units the facts point at, keyed "store:CODE", "survey:ID", "unit:CODE"."""
    wanted: dict[str, set[str]] = {"store": set(), "survey": set(), "unit": set()}
    for fact in facts:
        if fact.kind in ("store", "survey") and isinstance(fact.value, str):
            wanted[fact.kind].add(fact.value)
        elif fact.kind == "official_units":
            wanted["unit"].add(fact.value)
        elif isinstance(fact.value, StoreFacts):
            wanted["unit"].update(code for code in (fact.value.unit_code, fact.value.legacy_unit_code) if code)
    names: dict[str, str] = {}
    if wanted["store"]:
        for code, name in db.session.execute(select(Store.code, Store.name).where(Store.code.in_(wanted["store"]))):
            names[f"store:{code}"] = f"{name} ({code})"
    if wanted["unit"]:
        for code, name in db.session.execute(
            select(AdminUnit.code, AdminUnit.name).where(AdminUnit.code.in_(wanted["unit"]))
        ):
            names[f"unit:{code}"] = name
    if survey_ids := [parsed for key in wanted["survey"] if (parsed := as_uuid(key)) is not None]:
        query = (
            select(Survey.id, Store.name, Store.code, Survey.visited_at).join(Store).where(Survey.id.in_(survey_ids))
        )
        for survey_id, name, code, visited_at in db.session.execute(query):
            moment = visited_at.replace(tzinfo=UTC).astimezone(policy.LOCAL_TZ)
            names[f"survey:{survey_id}"] = f"{name} ({code}), {moment:%H:%M %d/%m/%Y}"
    return names
