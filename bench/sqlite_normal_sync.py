"""The app with SQLite's synchronous=NORMAL instead of FULL, for bench/sync.py only: it shows what the
durable setting costs. The app itself has no such switch (a power cut could lose acknowledged surveys).

gunicorn serves it as 'sqlite_normal_sync:create_app()' with bench/ on its path.
"""

from __future__ import annotations

from sqlalchemy import event

import app as factory
from models import db


def relaxed(connection, _record) -> None:
    connection.execute("PRAGMA synchronous=NORMAL")  # runs after the app's own tune_sqlite


def create_app(*args):
    app = factory.create_app(*args)
    with app.app_context():
        event.listen(db.engine, "connect", relaxed)
    return app
