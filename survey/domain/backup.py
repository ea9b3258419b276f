"""An online backup of the SQLite database: a consistent copy taken while the app keeps running.

SQLite's backup API copies page by page under its own locks, so syncs may go on meanwhile and
the copy is still one moment's database (WAL included). PostgreSQL is backed up with its own
tools (README, "Deploying"). Photos are files beside the database (instance/photos by default):
copy that folder too.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL

from models import db


class BackupError(RuntimeError):
    """The backup could not be made or did not check out; nothing at the target is to be trusted."""


def backup_sqlite(url: URL, target: Path) -> dict[str, int]:
    """Copy the database at `url` to `target` and check the copy; return its table sizes."""
    if url.get_backend_name() != "sqlite" or not url.database:
        raise BackupError("backup copies a SQLite database; back up PostgreSQL with pg_dump (see the README)")
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file, a backup never overwrites one")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(url.database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the copy failed its integrity check")
        tables = [table.name for table in db.metadata.sorted_tables]
        return {name: copy.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
    finally:
        copy.close()
        source.close()
