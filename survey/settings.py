"""The app's settings: their defaults, what follows from them, and the instance folder they point at.

The factory (`app.create_app`) applies them in order: these defaults, then `instance/config.py`,
then `FLASK_*` environment variables, then a test's own settings; `complete` then derives what
follows from the result. The README lists every setting a deployment may change.
"""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

from survey.domain.private_files import write_private

MAX_UPLOAD_BYTES = 4 * 1024 * 1024  # a full 200-survey batch is well under 1 MB

# Immutable values only: each app gets its own copy of the mapping, and mutable ones are made in defaults().
DEFAULTS = {
    "MAX_CONTENT_LENGTH": MAX_UPLOAD_BYTES,
    # A working day: a page opened in the morning still saves in the evening.
    "WTF_CSRF_TIME_LIMIT": 12 * 3600,
    # CSRF is checked in one before_request hook, after the API's log-in check.
    "WTF_CSRF_CHECK_DEFAULT": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Redis out of reach: each worker counts in its own memory meanwhile (a warning is logged), never a 500.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    # Failed log-ins (survey/web/auth.py): per address; per account from one address (past either, that
    # address is refused); per account from any address (past it, failed attempts answer slower, never refused).
    "LOGIN_RATE_LIMIT": "30 per minute",
    "LOGIN_ACCOUNT_LIMIT": "10 per 15 minutes",
    "LOGIN_ACCOUNT_SLOWDOWN": "10 per 15 minutes",
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    # Set FLASK_SERVED_OVER_HTTPS=true behind HTTPS: cookies become Secure and HSTS is sent.
    "SERVED_OVER_HTTPS": False,
    # How many reverse proxies stand in front (FLASK_PROXY_HOPS=1 behind one nginx): their
    # X-Forwarded-For, -Proto and -Host are then believed, and nobody else's.
    "PROXY_HOPS": 0,
    "SYNC_RATE_LIMIT": "120 per minute",
    # A store manager sends a report a week or so; these leave room for mistakes, not floods.
    "SELF_REPORT_LINK_LIMIT": "10 per hour;30 per day",
    "SELF_REPORT_ADDRESS_LIMIT": "30 per hour",
    # Self-reports waiting for review: per phone (a cookie the link's page sets) and per store.
    # A stranger who fills their own phone's quota leaves the store manager room to report.
    "SELF_REPORT_MAX_PENDING_PER_PHONE": 3,
    "SELF_REPORT_MAX_PENDING": 20,
    # The reviewer is warned when one link or one phone sends more than this within 24 hours.
    "SELF_REPORT_BURST": 5,
}


def defaults(instance_path: str) -> dict:
    """Every default, with the database and the site's address read from the environment."""
    return {
        **DEFAULTS,
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {},  # a new dict for each app: complete() adds to it
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
    }


def prepare_instance(instance_path: str) -> None:
    """instance/ holds the database, the photos, the secret key and demo log-ins: for this user only."""
    Path(instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(PermissionError):  # a folder the operator owns and set up otherwise stays as it is
        Path(instance_path).chmod(0o700)


def complete(app: Flask) -> None:
    """What follows from the settings once they are all read: cookies, the secret key, SQLite's options."""
    config = app.config
    if config["SERVED_OVER_HTTPS"]:
        config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or instance_secret(app.instance_path)
    if uses_sqlite(app):
        config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault("connect_args", {"timeout": 30})
        keep_sqlite_private(config["SQLALCHEMY_DATABASE_URI"])
    check_public_address(app)


def uses_sqlite(app: Flask) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def tune_sqlite(connection, _record) -> None:
    """WAL lets pages read while a sync writes; the busy timeout makes a writer wait its turn, not fail.

    synchronous=FULL makes every commit reach the disk before it returns. The API answers `created`
    only after the commit, and the phone then lets its copy go: with NORMAL a power cut could roll back
    commits the phone was already told were kept (docs/performance.md, "Durability").
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def keep_sqlite_private(uri: str) -> None:
    """The database holds reporters' names and phones: readable by the app's own user only.

    SQLite gives its WAL and shared-memory files the mode of the database file, so making the file
    0600 before the first connection (and tightening one made before) covers all three.
    """
    path = make_url(uri).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    database = Path(path)
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    database.touch(mode=0o600, exist_ok=True)
    for file in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        if file.exists():
            file.chmod(0o600)


def check_public_address(app: Flask) -> None:
    """Served over HTTPS means production: printed links need the site's address (survey/web/public_address.py)."""
    if app.config["SERVED_OVER_HTTPS"] and not (app.config["PUBLIC_BASE_URL"] or app.config.get("TRUSTED_HOSTS")):
        raise RuntimeError(
            "Set PUBLIC_BASE_URL (e.g. https://baobi.example.vn) or FLASK_TRUSTED_HOSTS: links printed in QR "
            "codes and exports must not follow the Host header of whoever asks."
        )


def database_url(instance_path: str) -> str:
    """Read DATABASE_URL, defaulting to SQLite in instance/ and psycopg 3 for PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "survey.db")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret(instance_path: str) -> str:
    """Return the secret key kept in instance/, generating it on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        write_private(path, secrets.token_hex(32).encode())
    return path.read_text().strip()
