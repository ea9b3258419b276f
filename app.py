"""The application factory: `flask --app app run`, `gunicorn 'app:create_app()'`."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from models import db
from survey import cli, i18n, settings, web
from survey.domain import search
from survey.domain.provinces import rows as province_rows
from survey.domain.provinces import tenancy
from survey.extensions import csrf, limiter, login_manager, migrate


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Create and configure an instance of the app (tests give their own instance folder)."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    settings.prepare_instance(app.instance_path)
    app.config.from_mapping(settings.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.update(test_config)
    settings.complete(app)

    if app.config["PROXY_HOPS"]:
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    search.keep_search_keys()
    tenancy.install()
    province_rows.keep_provinces()
    if settings.uses_sqlite(app):
        with app.app_context():
            event.listen(db.engine, "connect", settings.tune_sqlite)
    migrate.init_app(app, db, directory=str(Path(app.root_path) / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app
