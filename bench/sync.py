"""Sync 10,000 surveys through the API, against a bare executemany of the same rows.

Run: .venv/bin/python bench/sync.py   (or `make bench`). Prints figures and ratios; asserts nothing.
With DATABASE_URL=postgresql+psycopg://… it also runs on PostgreSQL, inside a schema of its own
that it drops afterwards (the database's own tables are never touched).

Every side starts from the same 2,000 stores and receives the same surveys in batches of 200, one
transaction per batch, with the app's own database settings (on SQLite, synchronous=FULL):
- over HTTP, as a phone sends: gunicorn (one worker) in a process of its own, and this process as
  the phone, which turns each batch into JSON, POSTs it and reads the JSON answer; the figure
  includes the client's JSON, HTTP, the session, validation, the duplicate checks and the
  store-year status;
- inside the app: the same requests through Flask's test client, with no HTTP and no second process;
- the bare insert: the rows the API would write (surveys, packaging lines, eco-label lines),
  made beforehand and sent with one executemany per table, with no checks at all.
Goal: over HTTP, within 5 times the bare insert.
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(url: str, options: dict, port: int, factory: str) -> subprocess.Popen:
    """gunicorn with one worker on the prepared database, the way production serves the app."""
    settings = {
        "FLASK_SQLALCHEMY_DATABASE_URI": url,
        "FLASK_SQLALCHEMY_ENGINE_OPTIONS": json.dumps(options),
        "FLASK_SECRET_KEY": "bench",
        "FLASK_RATELIMIT_ENABLED": "false",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "--workers", "1", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", factory],
        cwd=ROOT,
        env={**os.environ, **settings, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def time_http(url: str, options: dict, batches: list[list[dict]], factory: str = "app:create_app()") -> float:
    """Send the batches as a phone does: JSON made here, over HTTP, to gunicorn in another process."""
    port = free_port()
    server = serve(url, options, port, factory)
    try:
        base = f"http://127.0.0.1:{port}"
        phone = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = phone.open(base + "/login").read().decode()
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": "bench-inspector", "password": PASSWORD, "csrf_token": csrf})
        phone.open(base + "/login", data=form.encode()).read()
        token = json.loads(phone.open(base + "/api/v1/csrf").read())["csrf_token"]
        headers = {"Content-Type": "application/json", "X-CSRFToken": token}
        start = time.perf_counter()
        for batch in batches:
            body = json.dumps({"surveys": batch}).encode()
            answer = json.loads(phone.open(urllib.request.Request(base + "/api/v1/surveys", body, headers)).read())
            statuses = {result["status"] for result in answer["results"]}
            if statuses != {"created"}:
                raise SystemExit(f"the API refused part of a batch over HTTP: {statuses}")
        return time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)


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


def relax_sqlite(app) -> None:
    """synchronous=NORMAL on this app's connections from now on (the bare insert's NORMAL figure)."""
    from sqlite_normal_sync import relaxed

    with app.app_context():
        db.engine.dispose()
        event.listen(db.engine, "connect", relaxed)


# (name, how it is sent, SQLite's synchronous setting): NORMAL only to show what FULL costs.
SIDES = [
    ("http", "http", "FULL"),
    ("http NORMAL", "http", "NORMAL"),
    ("inside", "inside", "FULL"),
    ("bare", "bare", "FULL"),
    ("bare NORMAL", "bare", "NORMAL"),
]


def run(kind: str, folder: str) -> dict[str, float]:
    surveys = payloads(random.Random(889))
    batches = [surveys[i : i + BATCH] for i in range(0, len(surveys), BATCH)]
    times = {}
    for name, how, sync in SIDES:
        if kind != "SQLite" and sync != "FULL":
            continue  # PostgreSQL keeps every commit by its defaults; there is nothing to compare
        with database(kind, folder, name.replace(" ", "_")) as (url, options):
            config = {
                "SQLALCHEMY_DATABASE_URI": url,
                "SQLALCHEMY_ENGINE_OPTIONS": options,
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False,
            }
            app = create_app(config, folder)
            store_ids, inspector_id = prepare(app)
            if how == "http":
                with app.app_context():
                    db.engine.dispose()  # the server opens its own connections
                factory = "app:create_app()" if sync == "FULL" else "sqlite_normal_sync:create_app()"
                times[name] = time_http(url, options, batches, factory)
            elif how == "inside":
                times[name] = time_api(app, batches)
            else:
                if sync == "NORMAL":
                    relax_sqlite(app)
                times[name] = time_bare(app, batches, store_ids, inspector_id)
            with app.app_context():
                db.engine.dispose()
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds():
            times = run(kind, folder)
            print(f"Sync of {SURVEYS:,} surveys in batches of {BATCH}, {STORES:,} stores, {kind}:")
            for name, seconds in times.items():
                label = {"http": "over HTTP (gunicorn)", "inside": "inside the app", "bare": "bare executemany"}
                shown = label.get(name) or f"{label[name.split()[0]]}, synchronous=NORMAL"
                print(f"  {shown:43} {seconds:6.2f} s  {SURVEYS / seconds:8,.0f} surveys/s")
            print(f"  ratio over HTTP / bare:  {times['http'] / times['bare']:5.2f}   (goal: at most 5)")
            print(f"  ratio inside / bare:     {times['inside'] / times['bare']:5.2f}")
            if "http NORMAL" in times:
                print(f"  what FULL costs over HTTP: x{times['http'] / times['http NORMAL']:.2f} of the NORMAL time; "
                      f"bare insert: x{times['bare'] / times['bare NORMAL']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
