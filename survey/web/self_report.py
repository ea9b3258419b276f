"""Store managers report through their store's secret link, with no account.

What they send is a `self_report` in state `received`: it counts only once a
reviewer approves it. The store comes from the link alone, never from the form.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from wtforms import SelectChoice

from models import Store, Survey, db
from survey.domain import vocabularies
from survey.domain.tokens import digest, store_for_token
from survey.extensions import limiter
from survey.web.survey_form import build_form_class, local_now_for_input, render_form, submit

bp = Blueprint("self_report", __name__)


def link_key() -> str:
    """Rate-limit key for one link (its digest, so the token never sits in the limiter)."""
    return "link:" + digest(request.view_args.get("token", ""))


def pending_reports(store: Store) -> int:
    """Self-reports of this store still waiting for a reviewer."""
    query = (
        select(func.count())
        .select_from(Survey)
        .where(Survey.store_id == store.id, Survey.source == "self_report", Survey.review_state == "received")
    )
    return db.session.scalar(query)


def invalid_link():
    """The same page for an unknown and a revoked token: it says nothing of the store."""
    return render_template("self_report/invalid.html"), 404


@bp.route("/r/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SELF_REPORT_LINK_LIMIT"], key_func=link_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["SELF_REPORT_ADDRESS_LIMIT"], methods=["POST"])
def report(token: str):
    """Show the store's report form and take the report."""
    store = store_for_token(token)
    if store is None:
        return invalid_link()
    by_zone, labels = vocabularies.categories_by_zone(), vocabularies.label_types()
    form = build_form_class(by_zone, labels)()
    form.store_code.choices = [SelectChoice(store.code, store.name)]
    form.store_code.data = store.code  # the link decides the store, whatever is posted
    if not form.is_submitted():
        form.survey_id.data = str(uuid.uuid4())
        form.visited_at.data = local_now_for_input()
    general_errors: list[str] = []
    if form.validate_on_submit():
        if pending_reports(store) >= current_app.config["SELF_REPORT_MAX_PENDING"]:
            general_errors.append(_("Your earlier reports are still waiting for review. Please try again later."))
        else:
            status, general_errors = submit(form, by_zone, labels, "self_report", None)
            if status in ("created", "duplicate"):
                return redirect(url_for("self_report.thanks", token=token))
    return render_form("self_report/form.html", form, by_zone, labels, general_errors, store=store)


@bp.route("/r/<token>/thanks")
def thanks(token: str):
    """Thank the manager and say what happens next."""
    store = store_for_token(token)
    if store is None:
        return invalid_link()
    return render_template("self_report/thanks.html", store=store, token=token)
