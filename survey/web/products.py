"""The certified-product pages: the list with each certificate's state on a day, its import, and the
queue of barcodes found in surveys that the list does not hold."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import db
from survey.domain import importing, policy, vocabularies
from survey.domain.importing import COLUMNS
from survey.domain.products import catalogue, unknown
from survey.i18n import category_label
from survey.web.auth import role_required
from survey.web.stores import ImportForm

bp = Blueprint("products", __name__)
STATE_NAMES = {"valid": _l("Valid"), "expired": _l("Expired"), "not_yet": _l("Not yet valid")}


def label_names() -> dict[str, str]:
    return {label.code: category_label(label) for label in vocabularies.label_types()}


def asked_day() -> date:
    """The day of the `day` query argument, today when absent or not a date."""
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return policy.local_today()


@bp.get("/products")
@role_required("reviewer", "admin")
def list_products():
    day = asked_day()
    products = [(product, catalogue.certificate_state(product, day)) for product in catalogue.listed()]
    return render_template(
        "products/list.html",
        products=products,
        day=day,
        valid_count=sum(state == "valid" for _product, state in products),
        unknown_count=len(unknown.waiting()) if current_user.role == "admin" else 0,
        label_names=label_names(),
        state_names=STATE_NAMES,
    )


@bp.route("/products/import", methods=["GET", "POST"])
@role_required("admin")
def import_products():
    """Upload the published list as CSV or XLSX: all of it, or nothing with a report per line."""
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        user = current_user._get_current_object()
        report = importing.import_file("products", upload.read(), user, filename=upload.filename or "")
        if not report.errors:
            counts = {"created": report.created, "updated": report.updated}
            flash(_("Imported: %(created)s new products, %(updated)s updated.", **counts), "info")
            return redirect(url_for("products.list_products"))
    return render_template(
        "products/import.html",
        form=form,
        report=report,
        columns=COLUMNS["products"],
        headers=importing.HEADERS["products"],
    )


@bp.get("/products/unknown")
@role_required("admin")
def unknown_products():
    return render_template("products/unknown.html", unknown=unknown.waiting(), label_names=label_names())


@bp.post("/products/unknown/<gtin>/uncertified")
@role_required("admin")
def mark_uncertified(gtin: str):
    try:
        counted_again = unknown.mark_uncertified(gtin, current_user._get_current_object())
    except unknown.NotWaiting:
        abort(404)
    db.session.commit()
    flash(_("Barcode %(gtin)s marked not certified: %(n)s surveys counted again.", gtin=gtin, n=counted_again), "info")
    return redirect(url_for("products.unknown_products"))
