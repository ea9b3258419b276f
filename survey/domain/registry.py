"""The store registry: create, edit and close stores, each change audited.

Stores are never deleted: their surveys stay, so a store that shuts is closed as of a
date and drops out of the years after it (policy.store_open_in_year).
"""

from __future__ import annotations

from datetime import date

from models import Store, User, db
from survey.domain import audit

FIELDS = (
    "name",
    "type",
    "store_class",
    "unit",
    "legacy_unit",
    "address",
    "chain",
    "opened_on",
    "closed_on",
    "lat",
    "lon",
)


class ClosingBeforeOpening(ValueError):
    """A store cannot close before it opened."""


def create_store(code: str, values: dict, actor: User | None) -> Store:
    """Add a new store with the given fields, audited (committed)."""
    store = Store(code=code)
    apply(store, values)
    db.session.add(store)
    db.session.flush()
    audit.record(actor, "store_create", audit.store_target(store), "", audit.store_summary(store))
    db.session.commit()
    return store


def update_store(store: Store, values: dict, actor: User | None) -> None:
    """Change a store's fields (never its code), audited when anything changed (committed)."""
    before = audit.store_summary(store)
    apply(store, values)
    after = audit.store_summary(store)
    if after != before:
        audit.record(actor, "store_update", audit.store_target(store), before, after)
    db.session.commit()


def close_store(store: Store, closed_on: date, actor: User | None) -> None:
    """Close a store as of a date; it is kept with its surveys (committed)."""
    if store.opened_on and closed_on < store.opened_on:
        raise ClosingBeforeOpening(closed_on)
    before = str(store.closed_on or "")
    store.closed_on = closed_on
    audit.record(actor, "store_close", audit.store_target(store), before, str(closed_on))
    db.session.commit()


def apply(store: Store, values: dict) -> None:
    for name in FIELDS:
        if name in values:
            setattr(store, name, values[name])
