"""Sync 10,000 surveys through the API, against a bare executemany of the same rows (issue 13).

Run: .venv/bin/python bench/sync.py   (or `make bench`). Prints figures and ratios; asserts nothing.
With DATABASE_URL=postgresql+psycopg://… it also runs on PostgreSQL, inside a schema of its own
that it drops afterwards (the database's own tables are never touched).

Both sides start from the same 2,000 stores and receive the same surveys in batches of 200, one
transaction per batch:
- the API: POST /api/v1/surveys in Flask's test client, logged in as an inspector, so the figure
  includes JSON, the session, validation, the duplicate checks and the store-year status;
- the bare insert: the rows the API would write (surveys, packaging lines, eco-label lines),
  made beforehand and sent with one executemany per table, with no checks at all.
Goal (issue 13): the API within 5 times the bare insert, aiming at 2.
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from databases import database, kinds  # noqa: E402

from app import create_app  # noqa: E402
from models import AdminUnit, EcoLabelLine, PackagingLine, Store, Survey, User, db  # noqa: E402
from survey.domain import policy  # noqa: E402
from survey.domain.vocabularies import load_vocabularies  # noqa: E402

STORES = 2_000
SURVEYS = 10_000
BATCH = 200
CHECKOUT = ("PE_BAG", "PAPER", "CUSTOMER_OWN", "CERT_BIO_BAG")
PACKED = ("NATURAL", "EPS_FOAM", "CLING_FILM", "PAPER")
LABELS = ("VN_ECOLABEL", "SELF_DECLARED")
PASSWORD = "bench-password-889"


def payloads(rng: random.Random) -> list[dict]:
    """Surveys as a phone sends them: two zones, eight counts, one or two eco-label lines."""
    start = datetime(2025, 1, 1, 8, tzinfo=policy.LOCAL_TZ)
    surveys = []
    for _ in range(SURVEYS):
        visited = start + timedelta(minutes=rng.randint(0, 330 * 24 * 60))
        packaging = [
            {"zone": zone, "category": category, "count": rng.randint(1, 40)}
            for zone, categories in (("checkout", CHECKOUT), ("store_packed", PACKED))
            for category in categories
        ]
        labels = [{"label": label, "sku_count": rng.randint(0, 9)} for label in LABELS[: rng.randint(1, 2)]]
        surveys.append(
            {
                "id": str(uuid.uuid4()),
                "store_code": f"B-{rng.randrange(STORES):05d}",
                "visited_at": visited.isoformat(),
                "form_version": 1,
                "packaging": packaging,
                "eco_labels": labels,
                "skus_checked": 40,
                "notes": "",
            }
        )
    return surveys


def bare_rows(batch: list[dict], store_ids: dict[str, int], inspector_id: int) -> tuple[list, list, list]:
    """The rows the API writes for a batch, made ahead of the timing."""
    surveys, packaging, labels = [], [], []
    now = datetime.now(UTC).replace(tzinfo=None)
    for payload in batch:
        survey_id = uuid.UUID(payload["id"])
        visited = datetime.fromisoformat(payload["visited_at"])
        surveys.append(
            {
                "id": survey_id,
                "store_id": store_ids[payload["store_code"]],
                "visited_at": visited.astimezone(UTC).replace(tzinfo=None),
                "visited_offset_min": 420,
                "visit_year": policy.survey_year(visited),
                "form_version": 1,
                "notes": "",
                "skus_checked": payload["skus_checked"],
                "source": "inspection",
                "review_state": "received",
                "submitted_by_id": inspector_id,
                "received_at": now,
                "content_hash": survey_id.hex * 2,
                "review_comment": "",
            }
        )
        packaging += [
            {"survey_id": survey_id, "zone": line["zone"], "category_code": line["category"], "count": line["count"]}
            for line in payload["packaging"]
        ]
        labels += [
            {"survey_id": survey_id, "label_code": line["label"], "product_group": "", "sku_count": line["sku_count"]}
            for line in payload["eco_labels"]
        ]
    return surveys, packaging, labels


def prepare(app) -> tuple[dict[str, int], int]:
    """Tables, vocabularies, a province of 100 communes with 2,000 stores, and one inspector."""
    with app.app_context():
        db.create_all()
        load_vocabularies()
        province = AdminUnit(code="B", name="Tỉnh", level="province")
        communes = [AdminUnit(code=f"B-{n}", name=f"Xã {n}", level="commune", parent=province) for n in range(100)]
        db.session.add_all([province, *communes])
        db.session.flush()
        rng = random.Random(139)
        stores = [
            {"code": f"B-{n:05d}", "name": f"Siêu thị {n}", "type": "supermarket", "address": "", "chain": "",
             "unit_id": rng.choice(communes).id}
            for n in range(STORES)
        ]  # fmt: skip
        db.session.execute(insert(Store), stores)
        inspector = User(username="bench-inspector", role="inspector", active=True)
        inspector.set_password(PASSWORD)
        db.session.add(inspector)
        db.session.commit()
        codes = dict(db.session.execute(text("SELECT code, id FROM store")).all())
        return codes, inspector.id


def time_api(app, batches: list[list[dict]]) -> float:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "bench-inspector", "password": PASSWORD, "csrf_token": csrf})
    headers = {"X-CSRFToken": client.get("/api/v1/csrf").get_json()["csrf_token"]}
    start = time.perf_counter()
    for batch in batches:
        response = client.post("/api/v1/surveys", json={"surveys": batch}, headers=headers)
        statuses = {result["status"] for result in response.get_json()["results"]}
        if statuses != {"created"}:
            raise SystemExit(f"the API refused part of a batch: {statuses}")
    return time.perf_counter() - start


def time_bare(app, batches: list[list[dict]], store_ids: dict[str, int], inspector_id: int) -> float:
    rows = [bare_rows(batch, store_ids, inspector_id) for batch in batches]
    with app.app_context():
        engine = db.engine
        start = time.perf_counter()
        for surveys, packaging, labels in rows:
            with engine.begin() as connection:
                connection.execute(insert(Survey.__table__), surveys)
                connection.execute(insert(PackagingLine.__table__), packaging)
                connection.execute(insert(EcoLabelLine.__table__), labels)
        return time.perf_counter() - start


def run(kind: str, folder: str) -> tuple[float, float]:
    surveys = payloads(random.Random(889))
    batches = [surveys[i : i + BATCH] for i in range(0, len(surveys), BATCH)]
    times = {}
    for side in ("api", "bare"):
        with database(kind, folder, side) as (url, options):
            config = {
                "SQLALCHEMY_DATABASE_URI": url,
                "SQLALCHEMY_ENGINE_OPTIONS": options,
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False,
            }
            app = create_app(config, folder)
            store_ids, inspector_id = prepare(app)
            if side == "api":
                times[side] = time_api(app, batches)
            else:
                times[side] = time_bare(app, batches, store_ids, inspector_id)
            with app.app_context():
                db.engine.dispose()
    return times["api"], times["bare"]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds():
            api, bare = run(kind, folder)
            print(f"Sync of {SURVEYS:,} surveys in batches of {BATCH}, {STORES:,} stores, {kind}:")
            print(f"  through the API:  {api:6.2f} s  {SURVEYS / api:8,.0f} surveys/s")
            print(f"  bare executemany: {bare:6.2f} s  {SURVEYS / bare:8,.0f} surveys/s")
            print(f"  ratio API/bare:   {api / bare:6.2f}   (goal: at most 5, aiming at 2)")


if __name__ == "__main__":
    main()
