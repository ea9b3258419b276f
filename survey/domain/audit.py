"""The audit log: who changed what, when, from what to what, and why.

Every change of stores, users, rules, review states and self-report links is recorded
here by the domain function that makes it, so no channel (page, API, CLI) can skip it.
Targets are kept as "kind:key" (store:DEMO-001, survey:<uuid>, user:lan, rule:2021,
stores:file:xlsx) and the values in a few fixed shapes made of codes (a review state,
"inspector, active", "2 new, 0 updated", a store's summary): the log holds no words of any
language. survey.domain.audit_facts reads an entry back into what it says, for old rows and
new ones alike, so that the page shows it in the reader's language (survey/web/audit_names.py)
without any row being rewritten.
"""

from __future__ import annotations

import uuid

from models import AuditEntry, Store, Survey, User, db

TEXT_LIMIT = 200  # from_value and to_value columns
# Every action the log records; each has its name in survey/labels.py (tests/test_audit.py checks both).
ACTIONS = (
    "review",
    "rule",
    "link_create",
    "link_revoke",
    "link_replace",
    "store_create",
    "store_update",
    "store_close",
    "store_place",
    "store_import",
    "unit_import",
    "product_import",
    "product_uncertified",
    "user_create",
    "user_update",
    "photo_purge",
    "report_settings",
    "survey_correction",
    "survey_superseded",
    "round_create",
    "round_assign",
    "round_update",
    "proposal_create",
    "proposal_merge",
    "proposal_reject",
)
# The values of a self-report link's entries.
LINK_NEW, LINK_REVOKED = "new link", "revoked"


def record(
    actor: User | None, action: str, target: str, from_value: str = "", to_value: str = "", comment: str = ""
) -> AuditEntry:
    """Add one entry to the session; it is committed with the change it describes.

    An action not in ACTIONS is refused, so that none reaches the log without a name for people.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to audit.ACTIONS and survey.labels")
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


def import_target(kind: str, file_format: str) -> str:
    """An imported file: "stores:file:xlsx", "units:file:csv" (before the format was kept: "stores:file")."""
    return f"{kind}:file:{file_format}"


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
