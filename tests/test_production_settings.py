"""Settings for a deployment: the proxy's headers, the site's address, SQLite tuned for concurrent use."""

from __future__ import annotations

import io
import stat

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from app import create_app
from models import Store, db
from survey.web import public_address
from tests.conftest import make_survey, sync_via_api

EXPORT = "/exports/surveys/2025.xlsx"


def make_app(tmp_path, **config):
    settings = {"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db", **config}
    return create_app(settings, str(tmp_path / "instance"))


def test_https_without_the_sites_address_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        make_app(tmp_path, SERVED_OVER_HTTPS=True)
    assert make_app(tmp_path, SERVED_OVER_HTTPS=True, TRUSTED_HOSTS=["baobi.example.vn"])


@pytest.mark.parametrize(
    ("host", "config", "expected"),
    [
        ("127.0.0.1:5000", {}, "http://127.0.0.1:5000/"),  # make run, on this machine
        ("localhost", {}, "http://localhost/"),
        ("evil.example", {}, None),  # nothing configured: refused, saying what to set
        ("evil.example", {"PUBLIC_BASE_URL": "https://baobi.example.vn"}, "https://baobi.example.vn/"),
        ("baobi.example.vn", {"TRUSTED_HOSTS": ["baobi.example.vn"]}, "http://baobi.example.vn/"),
    ],
)
def test_printed_links_never_follow_a_strangers_host_header(app, host, config, expected):
    app.config.update(config)
    with app.test_request_context("/", headers={"Host": host}):
        if expected is None:
            with pytest.raises(public_address.PublicAddressUnset):
                public_address.public_base_url()
        else:
            assert public_address.public_base_url() == expected


def test_trusted_hosts_refuse_other_names(tmp_path):
    app = make_app(tmp_path, TRUSTED_HOSTS=["baobi.example.vn"])
    client = app.test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "baobi.example.vn"}).status_code == 200


def test_behind_one_proxy_its_forwarded_address_and_scheme_are_believed(tmp_path):
    app = make_app(tmp_path, PROXY_HOPS=1)

    @app.get("/test-who")
    def who():
        from flask import request

        return {"addr": request.remote_addr, "scheme": request.scheme}

    seen = app.test_client().get("/test-who", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    assert seen.get_json() == {"addr": "203.0.113.7", "scheme": "https"}
    # Without the setting, a client's own X-Forwarded-For is ignored (it could pick any address).
    plain = make_app(tmp_path / "b")
    plain.add_url_rule("/test-who", view_func=who)
    assert plain.test_client().get("/test-who", headers={"X-Forwarded-For": "203.0.113.7"}).get_json()["addr"] != (
        "203.0.113.7"
    )


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_durable_commits(tmp_path):
    app = make_app(tmp_path)  # SQLite, whatever database the rest of the suite runs on
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar().lower() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        # FULL (2): a commit is on the disk before the API answers `created`; NORMAL (1) may lose it to a power cut.
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == 2
        # Every connection the pool opens, not only the first one.
        with db.engine.connect() as first, db.engine.connect() as second:
            assert first.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert second.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        db.engine.dispose()


def test_the_database_and_its_wal_are_readable_by_the_apps_user_only(tmp_path):
    older = tmp_path / "p.db"
    older.touch(mode=0o644)  # made by an earlier version, or by hand
    older.chmod(0o644)
    app = make_app(tmp_path)
    with app.app_context():
        db.create_all()
        db.session.execute(text("CREATE TABLE probe (x)"))
        db.session.commit()
        files = [older, tmp_path / "p.db-wal", tmp_path / "p.db-shm"]
        assert {file.name: stat.S_IMODE(file.stat().st_mode) for file in files} == {file.name: 0o600 for file in files}
        db.engine.dispose()
    fresh = make_app(tmp_path / "new")
    with fresh.app_context():
        db.session.execute(text("SELECT 1"))
        assert stat.S_IMODE((tmp_path / "new" / "p.db").stat().st_mode) == 0o600
        db.engine.dispose()
    assert stat.S_IMODE((tmp_path / "new" / "instance").stat().st_mode) == 0o700


def test_a_store_name_stored_with_a_control_character_still_exports(app, client, auth, api):
    api.login("inspector")
    assert sync_via_api(api, make_survey())[0]["status"] == "created"
    with app.app_context():
        # As a row imported before every entry refused control characters.
        db.session.scalar(select(Store).where(Store.code == "S-001")).name = "Siêu thị\x07 Cũ"
        db.session.commit()
    auth.login("reviewer")
    response = client.get(EXPORT)
    assert response.status_code == 200
    cells = [cell.value for row in load_workbook(io.BytesIO(response.data)).active.iter_rows() for cell in row]
    assert "Siêu thị Cũ" in cells


def test_the_link_page_prints_the_configured_address(app, client, auth):
    # The address comes from public_address (tested above against forged Host headers).
    from tests.test_self_report import current_url, make_link

    auth.login("reviewer")
    make_link(client)
    assert current_url(client).startswith("http://localhost/r/")  # make run, on this machine
    app.config["PUBLIC_BASE_URL"] = "https://baobi.example.vn"
    assert current_url(client).startswith("https://baobi.example.vn/r/")
