"""The databases a benchmark runs on: SQLite always, PostgreSQL when DATABASE_URL points at one.

On PostgreSQL each run gets a schema of its own, dropped afterwards, so that the database's own
tables are never touched.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

from sqlalchemy import create_engine, text


def kinds() -> list[str]:
    """The databases to measure on, by name."""
    found = ["SQLite"]
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        found.append("PostgreSQL")
    return found


@contextlib.contextmanager
def database(kind: str, folder: str, name: str) -> Iterator[tuple[str, dict]]:
    """A fresh database: its URI and the engine options that point at it."""
    if kind == "SQLite":
        yield f"sqlite:///{folder}/{name}.db", {}
        return
    url = os.environ["DATABASE_URL"]
    schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url, {"connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
