"""Each store's secret self-report link: tokens, look-up, revocation and replacement.

The token is HMAC-SHA256(SECRET_KEY, nonce) with a 128-bit random nonce: 256 bits a
stranger cannot guess, unrelated to the store's code. The database keeps the nonce and
a SHA-256 digest of the token (for look-up), never the token: a copy of the database
alone does not give working links, yet the app can redraw a poster's QR at any time.
Rotating SECRET_KEY therefore invalidates every link (posters must be reprinted).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app
from sqlalchemy import select

from models import Store, StoreLink, User, db, utcnow
from survey.domain import audit, policy

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
LINK_ACTIONS = ("create", "revoke", "replace")


def token_for(nonce: str) -> str:
    """Derive a link's token from its nonce and the app's secret."""
    mac = hmac.new(current_app.secret_key.encode(), b"self-report-link:" + nonce.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(store: Store, actor: User | None) -> StoreLink:
    """Make a fresh link for a store (not yet committed)."""
    nonce = secrets.token_hex(16)
    link = StoreLink(
        store=store, nonce=nonce, token_digest=digest(token_for(nonce)), created_by_id=actor.id if actor else None
    )
    db.session.add(link)
    return link


def links_of(store: Store) -> list[StoreLink]:
    """Every link the store ever had, oldest first."""
    return list(db.session.scalars(select(StoreLink).where(StoreLink.store_id == store.id).order_by(StoreLink.id)))


def link_in_force(store: Store) -> StoreLink | None:
    """The store's link in force, or None; reading it never makes or changes a link (pages call this)."""
    return db.session.scalar(
        select(StoreLink)
        .where(StoreLink.store_id == store.id, StoreLink.revoked_at.is_(None))
        .order_by(StoreLink.id)
        .limit(1)
    )


def create_link(store: Store, actor: User | None, comment: str = "") -> StoreLink:
    """Give the store a link when it has none in force, audited (committed); one in force is kept as it is.

    Only a POST that asks for it calls this: viewing a page never makes a link.
    """
    link = link_in_force(store)
    if link is not None:
        return link
    link = new_link(store, actor)
    audit.record(actor, "link_create", audit.store_target(store), "", audit.LINK_NEW, comment[:500])
    db.session.commit()
    return link


def active_link(store: Store, actor: User | None) -> StoreLink | None:
    """The store's link in force; a store that never had one gets one, a revoked one stays closed.

    For the command line and tests, which stand for a reviewer who asked for the link. Pages
    never call it on a GET: they read link_in_force, and make a link only by a POST (create_link).
    """
    if not links_of(store):
        return create_link(store, actor)
    return link_in_force(store)


def change_link(store: Store, action: str, actor: User | None, comment: str = "") -> None:
    """Create the store's link, revoke it, or replace it with a new one; effective at once, audited."""
    if action not in LINK_ACTIONS:
        raise ValueError(f"unknown link action {action!r}")
    if action == "create":
        create_link(store, actor, comment)
        return
    current = link_in_force(store)
    # Every link still in force goes, should two ever have been made at once.
    for live in db.session.scalars(
        select(StoreLink).where(StoreLink.store_id == store.id, StoreLink.revoked_at.is_(None))
    ):
        live.revoked_at, live.revoked_by_id = utcnow(), actor.id if actor else None
    if action == "replace":
        new_link(store, actor)
    audit.record(
        actor,
        f"link_{action}",
        audit.store_target(store),
        f"link:{current.id}" if current else "",
        audit.LINK_NEW if action == "replace" else audit.LINK_REVOKED,
        comment[:500],
    )
    db.session.commit()


def store_for_token(token: str) -> Store | None:
    """The store a token opens, or None when it is unknown or revoked (the caller cannot tell which)."""
    if not TOKEN_PATTERN.match(token):
        return None
    link = db.session.scalar(select(StoreLink).where(StoreLink.token_digest == digest(token)))
    if link is None or link.revoked_at is not None:
        return None
    store = link.store
    if not policy.store_open_on(store.opened_on, store.closed_on, policy.local_today()):
        return None  # a closed store's poster no longer takes reports
    return store
