"""The photo commands: `flask --app app photos-report` and `purge-photos` (docs/photos.md)."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from models import AuditEntry, Photo, Survey, db, utcnow
from survey.cli import human_bytes
from tests.conftest import make_survey, sync_via_api


def jpeg_bytes(size, colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def on_disk(app, photo_id: str) -> int:
    """Bytes of the picture and its thumbnail as files, 0 when neither is there."""
    folder = Path(app.instance_path) / "photos"
    files = [folder / f"{photo_id}.jpg", folder / f"{photo_id}-thumb.jpg"]
    return sum(path.stat().st_size for path in files if path.exists())


def send(api, store: str, photo_ids: list[str], upload: list[str]) -> str:
    survey = make_survey(store_code=store, photos=[{"id": pid} for pid in photo_ids])
    assert sync_via_api(api, survey)[0]["status"] == "created"
    for n, pid in enumerate(upload):
        picture = jpeg_bytes((300 + 40 * n, 200), (30 * n, 90, 200))
        assert api.put(f"/api/v1/photos/{pid}", picture).status_code == 201
    return survey["id"]


def review(app, survey_id: str, state: str, days_ago: int) -> None:
    with app.app_context():
        survey = db.session.get(Survey, uuid.UUID(survey_id))
        survey.review_state = state
        survey.review_comment = "Ảnh không rõ" if state == "rejected" else ""
        survey.reviewed_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()


@pytest.fixture
def world(app, api):
    """Surveys in each state that matters, with photos received or only listed."""
    api.login("inspector")
    ids = {name: str(uuid.uuid4()) for name in ("a", "b", "waiting", "recent", "approved", "unreviewed")}
    surveys = {
        "old_rejected": send(api, "S-001", [ids["a"], ids["b"], ids["waiting"]], [ids["a"], ids["b"]]),
        "recent_rejected": send(api, "S-002", [ids["recent"]], [ids["recent"]]),
        "old_approved": send(api, "S-003", [ids["approved"]], [ids["approved"]]),
        "not_reviewed": send(api, "S-001", [ids["unreviewed"]], [ids["unreviewed"]]),
    }
    assert not ids.keys() & surveys.keys()
    review(app, surveys["old_rejected"], "rejected", 400)
    review(app, surveys["recent_rejected"], "rejected", 10)
    review(app, surveys["old_approved"], "approved", 400)
    return {**ids, **surveys}


def photo_ids_in_db(app) -> set[str]:
    with app.app_context():
        return {str(pid) for pid in db.session.scalars(select(Photo.id))}


def test_human_bytes():
    assert human_bytes(0) == "0 B"
    assert human_bytes(1023) == "1023 B"
    assert human_bytes(1536) == "1.5 KB"
    assert human_bytes(5 * 1024 * 1024) == "5.0 MB"
    assert human_bytes(3 * 1024**3 + 1024**3 // 2) == "3.5 GB"


def test_photos_report_with_nothing(runner):
    result = runner.invoke(args=["photos-report"])
    assert result.exit_code == 0, result.output
    assert "Photos kept: 0" in result.output
    assert "0 B (0 byte" in result.output
    assert "not yet received: 0" in result.output


def test_photos_report_counts_kept_photos_their_bytes_and_the_waiting(app, runner, world):
    kept = [world[name] for name in ("a", "b", "recent", "approved", "unreviewed")]
    total = sum(on_disk(app, pid) for pid in kept)
    assert on_disk(app, world["waiting"]) == 0 and total > 0
    result = runner.invoke(args=["photos-report"])
    assert result.exit_code == 0, result.output
    assert "Photos kept: 5" in result.output
    assert f"({total} byte" in result.output
    assert f"{total / 1024:.1f} KB" in result.output  # a handful of small JPEGs: kilobytes
    assert "not yet received: 1" in result.output


def test_purge_dry_run_lists_old_rejections_only_and_deletes_nothing(app, runner, world):
    result = runner.invoke(args=["purge-photos", "--dry-run"])
    assert result.exit_code == 0, result.output
    for pid in ("a", "b"):
        line = f"{world['old_rejected']}\tS-001\t{world[pid]}\t{on_disk(app, world[pid])}"
        assert line in result.output, result.output
    for untouched in ("waiting", "recent", "approved", "unreviewed"):
        assert world[untouched] not in result.output
    total = on_disk(app, world["a"]) + on_disk(app, world["b"])
    assert "2 ảnh / photos" in result.output and f"({total} byte" in result.output
    assert "nothing deleted" in result.output
    assert len(photo_ids_in_db(app)) == 6
    assert on_disk(app, world["a"]) > 0 and on_disk(app, world["b"]) > 0


def test_purge_asks_first_and_a_no_deletes_nothing(app, runner, world):
    result = runner.invoke(args=["purge-photos"], input="n\n")
    assert result.exit_code == 0, result.output
    assert result.output.index(world["a"]) < result.output.index("Delete these photos")
    assert "Nothing deleted" in result.output
    assert len(photo_ids_in_db(app)) == 6
    assert on_disk(app, world["a"]) > 0
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "photo_purge")) is None


def test_purge_on_confirmation_deletes_files_and_rows_and_audits(app, runner, world, api):
    sizes = {name: on_disk(app, world[name]) for name in ("a", "b", "recent", "approved", "unreviewed")}
    result = runner.invoke(args=["purge-photos"], input="y\n")
    assert result.exit_code == 0, result.output
    assert result.output.index(world["b"]) < result.output.index("Delete these photos")
    freed = sizes["a"] + sizes["b"]
    assert f"Deleted: 2 ảnh / photos, {human_bytes(freed)} ({freed} byte" in result.output

    assert on_disk(app, world["a"]) == 0 and on_disk(app, world["b"]) == 0
    for name in ("recent", "approved", "unreviewed"):
        assert on_disk(app, world[name]) == sizes[name], name
    # The photo not yet received is a row without a picture: it is left alone.
    assert photo_ids_in_db(app) == {world[name] for name in ("waiting", "recent", "approved", "unreviewed")}
    with app.app_context():
        assert db.session.get(Survey, uuid.UUID(world["old_rejected"])) is not None  # the survey stays
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "photo_purge")))
    assert sorted(entry.from_value for entry in entries) == sorted([world["a"], world["b"]])
    assert {entry.target for entry in entries} == {f"survey:{world['old_rejected']}"}
    assert all(entry.actor_id is None for entry in entries)

    body = api.get(f"/api/v1/surveys/{world['old_rejected']}").get_json()
    assert [photo["id"] for photo in body["photos"]] == [world["waiting"]]
    assert api.get(f"/api/v1/photos/{world['a']}").status_code == 404
    assert "Photos kept: 3" in runner.invoke(args=["photos-report"]).output

    again = runner.invoke(args=["purge-photos", "--yes"])
    assert again.exit_code == 0 and "Nothing to purge" in again.output


def test_purge_yes_skips_the_question(app, runner, world):
    result = runner.invoke(args=["purge-photos", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Delete these photos" not in result.output
    assert "Deleted: 2" in result.output
    assert world["a"] not in photo_ids_in_db(app)


def test_purge_older_than_days_and_the_configured_default(app, runner, world):
    assert "Nothing to purge" in runner.invoke(args=["purge-photos", "--older-than-days", "500"]).output
    week = runner.invoke(args=["purge-photos", "--older-than-days", "7", "--dry-run"]).output
    assert world["recent"] in week and world["a"] in week and world["approved"] not in week
    app.config["PHOTO_PURGE_AFTER_DAYS"] = 5
    configured = runner.invoke(args=["purge-photos", "--dry-run"]).output
    assert world["recent"] in configured and "5 days ago" in configured
    app.config["PHOTO_PURGE_AFTER_DAYS"] = 450
    assert "Nothing to purge" in runner.invoke(args=["purge-photos", "--dry-run"]).output


def test_purge_never_deletes_a_survey_reviewed_again_while_it_asked(app, runner, world, monkeypatch):
    """Between the list and the answer a reviewer may approve the survey: its photos stay."""

    def approve_then_confirm(*args, **kwargs):
        review(app, world["old_rejected"], "approved", 1)
        return True

    monkeypatch.setattr("click.confirm", approve_then_confirm)
    result = runner.invoke(args=["purge-photos"])
    assert result.exit_code == 0, result.output
    assert "Deleted: 0" in result.output
    assert on_disk(app, world["a"]) > 0 and world["a"] in photo_ids_in_db(app)


def test_purge_refuses_a_negative_age(runner):
    result = runner.invoke(args=["purge-photos", "--older-than-days", "-1"])
    assert result.exit_code != 0


def test_purge_with_nothing_says_so(runner):
    result = runner.invoke(args=["purge-photos"])
    assert result.exit_code == 0 and "Nothing to purge" in result.output
