"""Time a round's progress page and its progress API: 2,000 stores, 20 inspectors (issue 21).

Run: .venv/bin/python bench/rounds.py   (or `make bench`). Prints figures; asserts nothing.
With DATABASE_URL=postgresql+psycopg://… it also runs on PostgreSQL, in a throw-away schema.
Goal: each answers in at most 100 ms on SQLite, with a round of 2,000 stores and 20 inspectors.

The database holds a province of 100 communes and 2,000 supermarkets and commercial centres, 20
inspectors and five years of history (20,000 surveys of 2021–2025, which the round must not read),
and a round from 02/03/2026 to 29/11/2026 shared out by the app's own spread (rounds.spreading) and
placed through planning.assign, every line audited as on the page. "Today" is 15/07/2026: 1,100
stores have an inspection in the round, some two, and there are self-reports and rejected surveys
as well. Rows are written with bulk inserts (untimed); each figure is the median of RUNS requests
through Flask's test client as a logged-in admin, so it includes the session, the template and
the JSON, but no HTTP.
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from databases import database, kinds  # noqa: E402

from app import create_app  # noqa: E402
from models import AdminUnit, Store, Survey, SurveyRound, User, db  # noqa: E402
from survey.domain import policy  # noqa: E402
from survey.domain.rounds import planning, progress, spreading  # noqa: E402
from survey.domain.vocabularies import load_vocabularies  # noqa: E402

STORES, INSPECTORS, UNITS = 2_000, 20, 100
FIRST, LAST, TODAY = date(2026, 3, 2), date(2026, 11, 29), date(2026, 7, 15)
VISITED, HISTORY = 1_100, 20_000
RUNS = 9
GOAL_MS = 100
PASSWORD = "bench-pass-1"


def add_people() -> User:
    """The admin who plans, and the inspectors (a cheap hash: the bench logs in once)."""
    cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    users = [User(username="admin", role="admin", active=True, password_hash=cheap)]
    users += [
        User(username=f"cb{n:02d}", role="inspector", active=True, password_hash=cheap) for n in range(INSPECTORS)
    ]
    db.session.add_all(users)
    db.session.flush()
    return users[0]


def add_stores(rng: random.Random) -> list[int]:
    province = AdminUnit(code="B", name="Tỉnh", level="province")
    units = [AdminUnit(code=f"B-{n}", name=f"Xã {n}", level="commune", parent=province) for n in range(UNITS)]
    db.session.add_all([province, *units])
    db.session.flush()
    rows = [
        {
            "code": f"B-{n:05d}", "name": f"Siêu thị {n}", "type": rng.choice(policy.IN_SCOPE_TYPES),
            "unit_id": rng.choice(units).id, "address": f"Số {n}, đường {n % 50}", "chain": "",
        }
        for n in range(STORES)
    ]  # fmt: skip
    db.session.execute(insert(Store), rows)
    return list(db.session.scalars(select(Store.id).order_by(Store.id)))


def survey_row(rng: random.Random, store_id: int, day: date, source: str, state: str, sender: int | None) -> dict:
    local = datetime.combine(day, clock(rng.randint(7, 18), rng.randint(0, 59)), policy.LOCAL_TZ)
    visited = local.astimezone(UTC).replace(tzinfo=None)
    survey_id = uuid.uuid4()
    return {
        "id": survey_id, "store_id": store_id, "visited_at": visited, "visited_offset_min": 420,
        "visit_year": day.year, "form_version": 1, "notes": "", "source": source, "review_state": state,
        "submitted_by_id": sender, "received_at": visited + timedelta(hours=1), "content_hash": survey_id.hex,
    }  # fmt: skip


def add_surveys(rng: random.Random, store_ids: list[int], sender: int) -> None:
    """The history, then the round's visits up to TODAY (some stores twice), self-reports and rejections."""
    rows = []
    for _ in range(HISTORY):
        day = date(2021, 1, 1) + timedelta(days=rng.randint(0, 5 * 365 - 1))
        rows.append(survey_row(rng, rng.choice(store_ids), day, "inspection", "approved", sender))
    days = (TODAY - FIRST).days
    for store_id in rng.sample(store_ids, VISITED):
        for _ in range(1 + (rng.random() < 0.2)):
            day = FIRST + timedelta(days=rng.randint(0, days))
            rows.append(survey_row(rng, store_id, day, "inspection", rng.choice(("received", "approved")), sender))
    for store_id in rng.sample(store_ids, 150):
        day = FIRST + timedelta(days=rng.randint(0, days))
        rows.append(survey_row(rng, store_id, day, rng.choice(("self_report", "inspection")), "rejected", None))
    db.session.execute(insert(Survey), rows)


def make_round(admin: User) -> SurveyRound:
    """The round, shared out over the 20 inspectors by the page's own rule, every line audited."""
    round_ = SurveyRound(
        name="Đợt 2026", starts_on=FIRST, ends_on=LAST, store_types=";".join(policy.IN_SCOPE_TYPES),
        unit_codes="", created_by_id=admin.id,
    )  # fmt: skip
    db.session.add(round_)
    db.session.flush()
    names = [f"cb{n:02d}" for n in range(INSPECTORS)]
    planning.assign(round_, spreading.spread_lines(round_, names, also_assigned=False), admin)
    return round_


def log_in(client) -> None:
    """Log in as the admin, with the form's CSRF token as a browser would."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code


def timed(client, url: str) -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def measure(kind: str, folder: str) -> dict[str, list[float]]:
    rng = random.Random(21)
    with database(kind, folder, "rounds") as (url, options):
        config = {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options, "SECRET_KEY": "bench"}
        app = create_app({**config, "TESTING": True}, folder)
        policy.local_today = lambda: TODAY  # the bench's "today", for the pace and the projection
        with app.app_context():
            db.create_all()
            load_vocabularies()
            admin = add_people()
            store_ids = add_stores(rng)
            round_id = make_round(admin).id
            add_surveys(rng, store_ids, admin.id)
            db.session.commit()
            answer = progress.progress(db.session.get(SurveyRound, round_id))
            db.session.remove()
        client = app.test_client()
        log_in(client)
        found = {
            "page": timed(client, f"/rounds/{round_id}"),
            "api": timed(client, f"/api/v1/rounds/{round_id}/progress"),
            "answer": answer,
        }
        with app.app_context():
            db.engine.dispose()
    return found


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds():
            found = measure(kind, folder)
            answer = found["answer"]
            print(
                f"A round of {answer['stores']:,} stores and {len(answer['by_inspector'])} inspectors,"
                f" {answer['visited']:,} visited, {HISTORY:,} surveys of earlier years; {kind}, median of {RUNS}:"
            )
            for name, label in (("page", "progress page  GET /rounds/<id>"), ("api", "progress API   GET /api/v1/…")):
                median = statistics.median(found[name])
                print(
                    f"  {label}: {median:6.1f} ms (min {min(found[name]):.1f}, max {max(found[name]):.1f});"
                    f" goal {GOAL_MS} ms, ratio {median / GOAL_MS:.2f}"
                )


if __name__ == "__main__":
    main()
