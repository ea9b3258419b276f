"""The query planner's statistics, gathered by `init-db` (and by the benchmarks once they have filled
a database, as a running one has them).

The figures' queries join each store to its row of the store-year table. With statistics the
planner starts from the few stores of a province; without, SQLite may start from every row of the
year instead (docs/performance.md, "Many provinces"). PostgreSQL's autovacuum gathers them as
the tables grow; SQLite never does by itself, so each `init-db` (each deployment) does.
"""

from __future__ import annotations

from sqlalchemy import text

from models import db


def gather() -> None:
    """ANALYZE the database; on SQLite a sample of each index, so it takes milliseconds at any size."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA analysis_limit=400"))
    db.session.execute(text("ANALYZE"))
    db.session.commit()
