"""Each store's self-report link page, its QR code and the posters to print (see survey.domain.tokens)."""

from __future__ import annotations

import io

import qrcode
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from qrcode.constants import ERROR_CORRECT_Q
from sqlalchemy import select

from models import AdminUnit, AuditEntry, Store, StoreLink, db
from survey.domain import figures, policy, tokens
from survey.web.auth import role_required

bp = Blueprint("links", __name__)
STAFF = ("reviewer", "admin")


def actor():
    return current_user._get_current_object() if current_user.is_authenticated else None


def active_link_or_404(store: Store) -> StoreLink:
    link = tokens.active_link(store, actor())
    if link is None:
        abort(404)
    return link


def public_url(link: StoreLink) -> str:
    """The absolute link printed in the QR code, from PUBLIC_BASE_URL behind a proxy."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
    return base.rstrip("/") + url_for("self_report.report", token=tokens.token_for(link.nonce))


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
    link = tokens.active_link(store, actor())
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
    if action not in tokens.LINK_ACTIONS:
        abort(404)
    store = store_or_404(code)
    tokens.change_link(store, action, actor(), request.form.get("comment", ""))
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
        .where(
            Store.unit_id.in_(figures.unit_and_descendant_ids(unit)), figures.open_on_condition(policy.local_today())
        )
        .order_by(Store.name)
    )
    # Stores whose link was revoked get no poster until a reviewer makes a new link.
    sheet = [(store, public_url(link)) for store in stores if (link := tokens.active_link(store, actor())) is not None]
    return render_template("links/posters.html", posters=sheet, unit=unit, units=units)
