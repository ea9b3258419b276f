"""The command line of contract.md, the factory, and the settings from the environment."""

from __future__ import annotations

import warnings
from pathlib import Path

from sqlalchemy import delete, func, select, text

from app import create_app
from models import ComplianceRule, PackagingCategory, Product, Store, StoreYearStatus, Survey, SurveyProduct, User, db
from survey.domain import store_years
from survey.settings import database_url


def fresh_app(tmp_path):
    # Its own instance folder: demo log-ins and secrets never land in the developer's instance/.
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}"}, str(tmp_path / "instance")
    )


def test_factory_testing_flag(tmp_path):
    assert not create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).testing
    assert fresh_app(tmp_path).testing


def test_database_url_defaults_and_postgres_driver(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(str(tmp_path)) == f"sqlite:///{tmp_path / 'survey.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@localhost/db")
    assert database_url(str(tmp_path)) == "postgresql+psycopg://u:p@localhost/db"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@localhost/db")
    assert database_url(str(tmp_path)) == "postgresql+psycopg://u:p@localhost/db"


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, str(tmp_path))
    assert Path(first.instance_path, "secret_key").exists()  # lives in instance/, never in git
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, str(tmp_path))
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 64


def test_secret_key_from_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).secret_key == "from-the-environment"


def test_init_db_twice_then_seed_demo(tmp_path):
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PackagingCategory)) == 12
        assert db.session.scalar(select(func.count()).select_from(ComplianceRule)) == 2
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo-inspector" in result.output and "demo-admin" in result.output
    with app.app_context():
        stores = db.session.scalar(select(func.count()).select_from(Store))
        surveys = db.session.scalar(select(func.count()).select_from(Survey))
        assert stores >= 10 and surveys >= 30
        assert all(name.startswith("[Demo]") for name in db.session.scalars(select(Store.name)))
        # The 2026 surveys list products read by barcode: every one was accepted (their GTINs are real).
        assert all(name.startswith("[Demo]") for name in db.session.scalars(select(Product.name)))
        assert db.session.scalar(select(func.count()).select_from(SurveyProduct)) >= 10
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == surveys
    if_empty = runner.invoke(args=["seed-demo", "--if-empty"])
    assert if_empty.exit_code == 0 and "demo-reviewer" in if_empty.output
    # Each init-db gathers the planner's statistics, which SQLite never does by itself.
    assert runner.invoke(args=["init-db"]).exit_code == 0
    with app.app_context():
        analysed = db.session.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")).all()
        assert {"store", "store_year_status", "survey"} <= set(analysed)


def test_init_db_fills_the_store_year_table_of_a_database_from_before_it(tmp_path):
    """Migrated to 0010 with surveys already stored, the table is empty: init-db works it out once."""
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        kept = store_years.stored_rows()
        assert kept and kept == store_years.computed_rows()  # the demo's sync kept it
        db.session.execute(delete(StoreYearStatus))  # as after `flask db upgrade` from 0009
        db.session.commit()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and f"{len(kept)} rows" in result.output
    with app.app_context():
        assert store_years.stored_rows() == kept
    assert "rows" not in runner.invoke(args=["init-db"]).output  # built once, not at every start


def test_demo_logins_work(tmp_path):
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["init-db"])
    output = runner.invoke(args=["seed-demo"]).output
    line = next(line for line in output.splitlines() if "demo-reviewer" in line)
    password = line.split()[-1]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "demo-reviewer"))
        assert user.check_password(password) and user.role == "reviewer"


def test_create_user_and_reset(runner, app):
    result = runner.invoke(args=["create-user", "lan", "--role", "inspector", "--password", "mat-khau-dai"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-user", "lan", "--role", "reviewer", "--password", "mat-khau-moi-1"])
    assert result.exit_code == 0
    with app.app_context():
        users = list(db.session.scalars(select(User).where(User.username == "lan")))
        assert len(users) == 1 and users[0].role == "reviewer"
        assert users[0].check_password("mat-khau-moi-1") and not users[0].check_password("mat-khau-dai")
        assert "mat-khau" not in users[0].password_hash


def test_create_user_bad_input_exits_non_zero(runner):
    assert runner.invoke(args=["create-user", "x", "--role", "boss", "--password", "long-enough"]).exit_code != 0
    assert runner.invoke(args=["create-user", "x", "--role", "inspector", "--password", ""]).exit_code != 0
    assert runner.invoke(args=["create-user", "a b", "--role", "inspector", "--password", "long-enough"]).exit_code != 0
    short = runner.invoke(args=["create-user", "x", "--role", "inspector", "--password", "short"])
    assert short.exit_code == 0 and "10" in short.output  # created, with a warning
    assert runner.invoke(args=["create-user", "x", "--role", "inspector"]).exit_code != 0


def test_migrations_match_the_models(tmp_path):
    """A model changed without a migration would leave real databases behind."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    app = fresh_app(tmp_path)
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    with app.app_context(), db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect the index on lower(code); its presence is checked below instead.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        indexes = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars().all()
    assert differences == []
    assert "uq_store_code_lower" in indexes
