"""The web: blueprints, forms, pages, the JSON API and the offline app, over the domain.

Views read the request, call the domain and render its answer; no business rule is
written here (see docs/architecture.md).
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from survey.domain.indicators import IN_BREAKDOWN, INDICATORS
from survey.web import (
    api,
    auth,
    compression,
    dashboard,
    errors,
    exports,
    indicator_pages,
    links,
    national,
    offline_app,
    photos_api,
    products,
    products_api,
    proposals_api,
    proposals_pages,
    query_args,
    report_settings,
    review_pages,
    rounds_api,
    rounds_pages,
    rounds_plan_pages,
    rules,
    self_report,
    stores,
    survey_form,
    units,
    users,
)

BLUEPRINTS = (
    auth,
    api,
    photos_api,
    stores,
    users,
    survey_form,
    indicator_pages,
    rules,
    offline_app,
    links,
    self_report,
    review_pages,
    exports,
    dashboard,
    report_settings,
    units,
    rounds_api,
    rounds_pages,
    rounds_plan_pages,
    proposals_api,
    proposals_pages,
    products_api,
    products,
    national,
)


# Endpoints that take photos accept larger bodies than the app's default (set for JSON).
UPLOAD_LIMITS = {
    "photos_api.put_photo": photos_api.UPLOAD_LIMIT,
    "self_report.report": self_report.UPLOAD_LIMIT,
}


def allow_photo_uploads() -> None:
    """Raise the body limit for the endpoints that take photos, before anything reads the body."""
    if (limit := UPLOAD_LIMITS.get(request.endpoint or "")) is not None:
        request.max_content_length = limit


def refuse_nul_in_address() -> None:
    """No address ever needs a NUL character, and PostgreSQL refuses text holding one: a 400, never a 500."""
    if "\x00" in request.path or any("\x00" in key + value for key, value in request.args.items(multi=True)):
        abort(400)


class DatabaseInteger(IntegerConverter):
    """`<int:…>` that stops at the largest value an INTEGER column holds: a larger number is a 404, not
    an overflow (PostgreSQL's INTEGER ends at 2^31 - 1; SQLite refuses past 2^63 - 1)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int = query_args.MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Register the error handlers, the request hooks and every blueprint."""
    errors.init_app(app)
    app.url_map.converters["int"] = DatabaseInteger  # before any route is added
    app.before_request(refuse_nul_in_address)
    app.before_request(allow_photo_uploads)  # before the CSRF check, which reads a form's body
    auth.init_app(app)
    app.before_request(national.scope_to_chosen_province)  # after the user's own scope (auth)
    app.context_processor(national.viewed_province)
    app.url_defaults(national.keep_viewed_province)
    offline_app.init_app(app)
    compression.init_app(app)
    # The indicator registry, for the figures of every page (templates/_figures_row.html).
    app.jinja_env.globals.update(indicators=INDICATORS, indicators_in_breakdown=IN_BREAKDOWN)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
