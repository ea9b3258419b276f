"""The audit log: who changed what, when, from what to what, and why.

Every change of stores, users, rules, review states and self-report links is recorded
here by the domain function that makes it, so no channel (page, API, CLI) can skip it.
Targets are kept as "kind:key" (store:DEMO-001, survey:<uuid>, user:lan, rule:2021)
and named for people when the log is shown.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC

from sqlalchemy import select

from models import AuditEntry, Store, Survey, User, db
from survey.domain import policy

TEXT_LIMIT = 200  # from_value and to_value columns


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


def user_summary(user: User) -> str:
    return f"{user.role}, {'active' if user.active else 'inactive'}"


def target_names(entries: Iterable[AuditEntry]) -> dict[str, str]:
    """Name each entry's target for people: a store's name, a survey's store and day, a user's name."""
    targets = {entry.target for entry in entries}
    keys: dict[str, set[str]] = {}
    for target in targets:
        kind, _sep, key = target.partition(":")
        keys.setdefault(kind, set()).add(key)
    names: dict[str, str] = {}
    if keys.get("store"):
        for code, name in db.session.execute(select(Store.code, Store.name).where(Store.code.in_(keys["store"]))):
            names[f"store:{code}"] = f"{name} ({code})"
    survey_ids = [parsed for key in keys.get("survey", ()) if (parsed := as_uuid(key)) is not None]
    if survey_ids:
        query = (
            select(Survey.id, Store.name, Store.code, Survey.visited_at).join(Store).where(Survey.id.in_(survey_ids))
        )
        for survey_id, name, code, visited_at in db.session.execute(query):
            day = visited_at.replace(tzinfo=UTC).astimezone(policy.LOCAL_TZ)
            names[f"survey:{survey_id}"] = f"{name} ({code}), {day:%d/%m/%Y}"
    for year in keys.get("rule", ()):
        names[f"rule:{year}"] = f"{year}–{int(year) + 4}" if year.isdigit() else year
    if "file" in keys.get("stores", ()):
        names["stores:file"] = "CSV"
    if "file" in keys.get("units", ()):
        names["units:file"] = "CSV"
    for username in keys.get("user", ()):
        names[f"user:{username}"] = username
    return names


def as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
