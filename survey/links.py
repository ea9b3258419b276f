"""Each store's secret self-report link, its QR code and the posters to print.

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
import io
import re
import secrets
from datetime import datetime

import qrcode
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from qrcode.constants import ERROR_CORRECT_Q
from sqlalchemy import select

from models import AdminUnit, AuditEntry, Store, StoreLink, db, utcnow
from survey import figures, policy
from survey.auth import role_required

bp = Blueprint("links", __name__)
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
STAFF = ("reviewer", "admin")


def token_for(nonce: str) -> str:
    """Derive a link's token from its nonce and the app's secret."""
    mac = hmac.new(current_app.secret_key.encode(), b"self-report-link:" + nonce.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(store: Store) -> StoreLink:
    """Make a fresh link for a store (not yet committed)."""
    nonce = secrets.token_hex(16)
    link = StoreLink(store=store, nonce=nonce, token_digest=digest(token_for(nonce)), created_by_id=actor_id())
    db.session.add(link)
    return link


def actor_id() -> int | None:
    return current_user.id if current_user and current_user.is_authenticated else None


def active_link(store: Store) -> StoreLink | None:
    """The store's link in force; a store that never had one gets one, a revoked one stays closed."""
    links = db.session.scalars(select(StoreLink).where(StoreLink.store_id == store.id).order_by(StoreLink.id)).all()
    if not links:
        link = new_link(store)
        db.session.commit()
        return link
    return next((link for link in links if link.revoked_at is None), None)


def active_link_or_404(store: Store) -> StoreLink:
    link = active_link(store)
    if link is None:
        abort(404)
    return link


def store_for_token(token: str) -> Store | None:
    """The store a token opens, or None when it is unknown or revoked (the caller cannot tell which)."""
    if not TOKEN_PATTERN.match(token):
        return None
    link = db.session.scalar(select(StoreLink).where(StoreLink.token_digest == digest(token)))
    if link is None or link.revoked_at is not None:
        return None
    closed_on = link.store.closed_on
    if closed_on is not None and closed_on < datetime.now(policy.LOCAL_TZ).date():
        return None  # a closed store's poster no longer takes reports
    return link.store


def public_url(link: StoreLink) -> str:
    """The absolute link printed in the QR code, from PUBLIC_BASE_URL behind a proxy."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
    return base.rstrip("/") + url_for("self_report.report", token=token_for(link.nonce))


def qr_png(text: str) -> bytes:
    """Draw a QR code fit for print: 25% error correction and the standard 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, box_size=12, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def store_or_404(code: str) -> Store:
    store = db.session.scalar(select(Store).where(Store.code == code))
    if store is None:
        abort(404)
    return store


@bp.route("/stores/<code>/qr.png")
@role_required(*STAFF)
def qr(code: str):
    """The QR code of the store's current self-report link."""
    link = active_link_or_404(store_or_404(code))
    response = current_app.response_class(qr_png(public_url(link)), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"  # a replaced link must never show an old code
    return response


@bp.route("/stores/<code>/link")
@role_required(*STAFF)
def manage(code: str):
    """Show the store's link with buttons to revoke or replace it."""
    store = store_or_404(code)
    link = active_link(store)
    history = db.session.scalars(
        select(AuditEntry).where(AuditEntry.target == f"store:{store.code}").order_by(AuditEntry.at.desc())
    )
    return render_template(
        "links/manage.html", store=store, link=link, url=public_url(link) if link else None, history=list(history)
    )


@bp.route("/stores/<code>/link/<action>", methods=["POST"])
@role_required(*STAFF)
def change(code: str, action: str):
    """Revoke the store's link, or replace it with a new one; effective at once."""
    if action not in ("revoke", "replace"):
        abort(404)
    store = store_or_404(code)
    link = active_link(store)
    # Every link still in force goes, should two ever have been made at once.
    for live in db.session.scalars(
        select(StoreLink).where(StoreLink.store_id == store.id, StoreLink.revoked_at.is_(None))
    ):
        live.revoked_at, live.revoked_by_id = utcnow(), actor_id()
    if action == "replace":
        new_link(store)
    db.session.add(
        AuditEntry(
            actor_id=actor_id(),
            action=f"link_{action}",
            target=f"store:{store.code}",
            from_value=f"link:{link.id}" if link else "",
            to_value="new link" if action == "replace" else "revoked",
            comment=request.form.get("comment", "")[:500],
        )
    )
    db.session.commit()
    flash(_("The new link is in force; print the new poster.") if action == "replace" else _("The link is revoked."))
    return redirect(url_for("links.manage", code=store.code))


@bp.route("/stores/<code>/poster")
@role_required(*STAFF)
def poster(code: str):
    """A printable A4 poster for one store."""
    store = store_or_404(code)
    link = active_link_or_404(store)
    return render_template("links/posters.html", posters=[(store, public_url(link))], unit=None)


@bp.route("/posters")
@role_required(*STAFF)
def posters():
    """A sheet of posters for every open store of one administrative unit (and the units below it)."""
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == request.args.get("unit", "")))
    units = list(db.session.scalars(select(AdminUnit).order_by(AdminUnit.level, AdminUnit.name)))
    if unit is None:
        return render_template("links/posters.html", posters=[], unit=None, units=units)
    stores = db.session.scalars(
        select(Store)
        .where(Store.unit_id.in_(figures.unit_and_descendant_ids(unit)), Store.closed_on.is_(None))
        .order_by(Store.name)
    )
    # Stores whose link was revoked get no poster until a reviewer makes a new link.
    sheet = [(store, public_url(link)) for store in stores if (link := active_link(store)) is not None]
    return render_template("links/posters.html", posters=sheet, unit=unit, units=units)
