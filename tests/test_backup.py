"""`flask backup PATH`: an online copy of the SQLite database that restores to the same data."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from models import Survey, db
from survey.domain import review
from tests.conftest import TEST_DATABASE_URL, make_survey, sync_via_api

pytestmark = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="backup copies SQLite; PostgreSQL uses pg_dump")


def surveys_as_dicts(app) -> list[dict]:
    with app.app_context():
        return [review.survey_as_dict(s) for s in db.session.scalars(select(Survey).order_by(Survey.id))]


def test_a_backup_taken_while_running_restores_every_survey(app, api, runner, tmp_path):
    api.login("inspector")
    sent = [make_survey(), make_survey(store_code="S-002")]
    assert [r["status"] for r in sync_via_api(api, *sent)] == ["created", "created"]
    target = tmp_path / "backups" / "survey-2026-11-24.db"

    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "2 phiếu / surveys" in result.output

    # More work after the backup does not reach the copy.
    assert sync_via_api(api, make_survey())[0]["status"] == "created"
    restored = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}"},
        str(tmp_path / "restored-instance"),
    )
    copy = surveys_as_dicts(restored)
    assert {s["id"] for s in copy} == {s["id"] for s in sent}
    original = {s["id"]: s for s in surveys_as_dicts(app)}
    for survey in copy:
        assert survey == original[survey["id"]]


def test_a_backup_never_overwrites_a_file(runner, tmp_path):
    target = tmp_path / "kept.db"
    target.write_bytes(b"an older backup")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1 and "exists" in result.output
    assert target.read_bytes() == b"an older backup"
