"""`flask backup PATH`: an online copy of the SQLite database that restores to the same data."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

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


def run_backup_with_file_size_limit(app, target, limit: int) -> subprocess.CompletedProcess:
    """`flask backup` in a process that may write files of at most `limit` bytes: the disk fills up."""

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    settings = {"FLASK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "FLASK_SECRET_KEY": "test"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "backup", str(target)],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, **settings},
        preexec_fn=limited,
        capture_output=True,
        text=True,
        timeout=60,
    )


def database_size(app) -> int:
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).stat().st_size


def test_a_backup_to_a_full_disk_says_so_in_one_line_and_leaves_no_file(app, tmp_path):
    target = tmp_path / "backups" / "copy.db"
    result = run_backup_with_file_size_limit(app, target, database_size(app) // 2)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "no file was left" in result.stderr
    assert list(target.parent.iterdir()) == []  # neither the copy nor its partial file


def test_a_full_disk_for_real(app, runner, tmp_path):
    # A 64 KB file system, where the kernel allows it (root, as in CI): ENOSPC, not a size limit.
    disk = tmp_path / "tiny"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here")
    try:
        assert database_size(app) > 64 * 1024
        result = runner.invoke(args=["backup", str(disk / "copy.db")])
        assert result.exit_code == 1
        assert "no file was left" in result.output and "Traceback" not in result.output
        assert list(disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_backup_is_readable_by_its_owner_only(app, runner, tmp_path):
    target = tmp_path / "backups" / "copy.db"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [path.name for path in target.parent.iterdir()] == ["copy.db"]
