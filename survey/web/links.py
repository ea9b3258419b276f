"""Each store's self-report link page, its QR code and the posters to print (see survey.domain.tokens).

Every GET here only reads: a link is created, replaced or revoked by a POST of a form that
asks for it (with its CSRF token), never by viewing a page, a QR code or a poster.
"""

from __future__ import annotations

import io

import qrcode
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from qrcode.constants import ERROR_CORRECT_Q
from sqlalchemy import select
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length

from models import AdminUnit, AuditEntry, Store, StoreLink, db
from survey.domain import figures, policy, tokens
from survey.web.audit_names import shown_entries
from survey.web.auth import role_required
from survey.web.lookups import store_or_404
from survey.web.public_address import absolute
from survey.web.unit_options import unit_option_groups
from survey.web.validators import TranslatedForm

bp = Blueprint("links", __name__)
STAFF = ("reviewer", "admin")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class LinkForm(TranslatedForm):
    """Make, replace or revoke a store's link; the action is in the address, the reason is optional."""

    comment = StringField(_l("Reason"), filters=[strip], validators=[Length(max=500)])


class UnitLinksForm(TranslatedForm):
    """Make the links of a unit's open stores that never had one."""

    unit = HiddenField(validators=[InputRequired()])


def actor():
    return current_user._get_current_object() if current_user.is_authenticated else None


def active_link_or_404(store: Store) -> StoreLink:
    link = tokens.link_in_force(store)
    if link is None:
        abort(404)
    return link


def public_url(link: StoreLink) -> str:
    """The absolute link printed in the QR code (public_address: never from a stranger's Host header)."""
    return absolute(url_for("self_report.report", token=tokens.token_for(link.nonce)))


def qr_png(text: str) -> bytes:
    """Draw a QR code fit for print: 25% error correction and the standard 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, box_size=12, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


@bp.get("/stores/<code>/qr.png")
@role_required(*STAFF)
def qr(code: str):
    """The QR code of the store's current self-report link."""
    link = active_link_or_404(store_or_404(code))
    response = current_app.response_class(qr_png(public_url(link)), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"  # a replaced link must never show an old code
    return response


def render_manage(store: Store, form: LinkForm, status: int = 200):
    link = tokens.link_in_force(store)
    history = db.session.scalars(
        select(AuditEntry).where(AuditEntry.target == f"store:{store.code}").order_by(AuditEntry.at.desc())
    )
    page = render_template(
        "links/manage.html",
        store=store,
        link=link,
        ever=link is not None or bool(tokens.links_of(store)),
        url=public_url(link) if link else None,
        history=shown_entries(history),
        form=form,
    )
    return page, status


@bp.get("/stores/<code>/link")
@role_required(*STAFF)
def manage(code: str):
    """Show the store's link with buttons to make, revoke or replace it; viewing it changes nothing."""
    return render_manage(store_or_404(code), LinkForm(formdata=None))


@bp.post("/stores/<code>/link/<action>")
@role_required(*STAFF)
def change(code: str, action: str):
    """Make the store's link, revoke it, or replace it with a new one; effective at once."""
    if action not in tokens.LINK_ACTIONS:
        abort(404)
    store = store_or_404(code)
    form = LinkForm()
    if not form.validate_on_submit():
        return render_manage(store, form, 400)
    tokens.change_link(store, action, actor(), form.comment.data or "")
    flash(
        {
            "create": _("The link is made; print the poster."),
            "replace": _("The new link is in force; print the new poster."),
            "revoke": _("The link is revoked."),
        }[action]
    )
    return redirect(url_for("links.manage", code=store.code))


@bp.get("/stores/<code>/poster")
@role_required(*STAFF)
def poster(code: str):
    """A printable A4 poster for one store."""
    store = store_or_404(code)
    link = active_link_or_404(store)
    return render_template("links/posters.html", posters=[(store, public_url(link))], unit=None)


def open_stores_of(unit: AdminUnit) -> list[Store]:
    """The stores of a unit (and the units below it) open today, by name."""
    return list(
        db.session.scalars(
            select(Store)
            .where(
                Store.unit_id.in_(figures.unit_and_descendant_ids(unit)),
                figures.open_on_condition(policy.local_today()),
            )
            .order_by(Store.name)
        )
    )


def stores_without_links(stores: list[Store]) -> list[Store]:
    """Those of the stores that never had a link (a revoked link was closed on purpose: not these)."""
    ids = [store.id for store in stores]
    having = set(db.session.scalars(select(StoreLink.store_id).where(StoreLink.store_id.in_(ids)).distinct()))
    return [store for store in stores if store.id not in having]


def unit_from(value: str) -> AdminUnit | None:
    return db.session.scalar(select(AdminUnit).where(AdminUnit.code == value))


@bp.get("/posters")
@role_required(*STAFF)
def posters():
    """A sheet of posters for every open store of one administrative unit (and the units below it).

    Only stores with a link in force get a poster: viewing the sheet makes no link. The page
    says how many have none yet and offers a button (a POST) to make them.
    """
    unit = unit_from(request.args.get("unit", ""))
    units = unit_option_groups()
    if unit is None:
        return render_template("links/posters.html", posters=[], unit=None, unit_groups=units, missing=[], revoked=[])
    stores = open_stores_of(unit)
    sheet, unlinked = [], []
    for store in stores:
        link = tokens.link_in_force(store)
        if link is None:
            unlinked.append(store)
        else:
            sheet.append((store, public_url(link)))
    missing = stores_without_links(unlinked)
    # Stores whose link was revoked get no poster until a reviewer makes a new link.
    revoked = [store for store in unlinked if store not in missing]
    return render_template(
        "links/posters.html",
        posters=sheet,
        unit=unit,
        unit_groups=units,
        missing=missing,
        revoked=revoked,
        form=UnitLinksForm(formdata=None, unit=unit.code),
    )


@bp.post("/posters/links")
@role_required(*STAFF)
def make_links():
    """Make a link for each open store of the unit that never had one, then show the sheet again."""
    form = UnitLinksForm()
    unit = unit_from(form.unit.data or "") if form.validate_on_submit() else None
    if unit is None:
        abort(400)
    made = 0
    for store in stores_without_links(open_stores_of(unit)):
        tokens.create_link(store, actor())
        made += 1
    flash(ngettext("A link was made for %(num)d store.", "Links were made for %(num)d stores.", made))
    return redirect(url_for("links.posters", unit=unit.code))
