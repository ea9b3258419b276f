"""The web: blueprints, forms, pages, the JSON API and the offline app, over the domain.

Views read the request, call the domain and render its answer; no business rule is
written here (see docs/architecture.md).
"""

from __future__ import annotations

from flask import Flask

from survey.web import (
    api,
    auth,
    dashboard,
    errors,
    exports,
    indicator_pages,
    links,
    offline_app,
    review_pages,
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
    units,
)


def init_app(app: Flask) -> None:
    """Register the error handlers, the request hooks and every blueprint."""
    errors.init_app(app)
    auth.init_app(app)
    offline_app.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
