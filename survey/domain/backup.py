"""An online backup of the SQLite database: a consistent copy taken while the app keeps running.

SQLite's backup API copies page by page under its own locks, so syncs may go on meanwhile and
the copy is still one moment's database (WAL included). PostgreSQL is backed up with its own
tools (README, "Deploying"). Photos are files beside the database (instance/photos by default):
copy that folder too.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy.engine import URL

from models import db
from survey.domain.private_files import sync_folder, write_private


class BackupError(RuntimeError):
    """The backup could not be made or did not check out; nothing at the target is to be trusted."""


def backup_sqlite(url: URL, target: Path) -> dict[str, int]:
    """Copy the database at `url` to `target` and check the copy; return its table sizes.

    The copy is made in a hidden file beside the target, readable by this user only, and given the
    target's name only once it is whole, checked and on the disk: a full disk or any other failure
    leaves no file behind (an empty file would even pass SQLite's integrity check).
    """
    if url.get_backend_name() != "sqlite" or not url.database:
        raise BackupError("backup copies a SQLite database; back up PostgreSQL with pg_dump (see the README)")
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file, a backup never overwrites one")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.parent / f".{target.name}.{uuid.uuid4().hex}.part"
        write_private(partial, b"")
    except OSError as error:
        raise BackupError(f"cannot write in {target.parent}: {error.strerror}") from None
    try:
        sizes = copy_and_check(url.database, partial)
        os.link(partial, target)  # fails, rather than overwrites, if the target appeared meanwhile
        sync_folder(target.parent)  # the new name is on the disk too
    except (sqlite3.Error, OSError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise BackupError(f"the copy could not be written to {target.parent} ({reason}); no file was left") from None
    finally:
        partial.unlink(missing_ok=True)
    return sizes


def copy_and_check(database: str, path: Path) -> dict[str, int]:
    """Copy page by page into `path`, check the copy against the source, and flush it to the disk."""
    source = sqlite3.connect(database)
    copy = sqlite3.connect(path)
    try:
        with copy:
            source.backup(copy)
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the copy failed its integrity check")
        tables = [table.name for table in db.metadata.sorted_tables]
        sizes = {name: copy.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
    finally:
        copy.close()
        source.close()
    with open(path, "rb") as written:
        os.fsync(written.fileno())
    return sizes
