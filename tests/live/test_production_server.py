"""Against a running production server: gunicorn with several workers, PostgreSQL, limits in Redis.

.ci/run starts one and sets LIVE_SERVER_URL (the server) and LIVE_DATABASE_URL (its empty
database); without them these tests are skipped. They seed the database themselves, then
speak only HTTP to the server, so every request may land on another worker process.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from sqlalchemy import func, select

from app import create_app
from models import Store, StoreYearStatus, Survey, db
from survey.domain import store_years
from survey.domain.vocabularies import load_vocabularies
from tests.conftest import CSRF_INPUT, EXPECTED_2025, PASSWORDS, make_survey, seed_base, seed_table

SERVER = os.environ.get("LIVE_SERVER_URL", "")
DATABASE = os.environ.get("LIVE_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not (SERVER and DATABASE), reason="no production server to test (see .ci/run)")
PHONES = 8  # inspectors' phones sending at once


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One user's cookies and CSRF token, over plain HTTP."""

    def __init__(self):
        # Redirects are answered, not followed: a log-in is a 302, a refused one the form again (200).
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies, NoRedirect())
        self.token = ""

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(SERVER + path, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def log_in(self, username: str, password: str | None = None) -> int:
        _, page = self.request("GET", "/login")
        match = CSRF_INPUT.search(page.decode())
        token = match.group(1) or match.group(2)
        form = {"username": username, "password": password or PASSWORDS[username], "csrf_token": token}
        status, _ = self.request("POST", "/login", urllib.parse.urlencode(form).encode(), self.form_headers)
        if status in (200, 302):
            self.token = json.loads(self.request("GET", "/api/v1/csrf")[1] or b"{}").get("csrf_token", "")
        return status

    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def post_json(self, path: str, payload: dict):
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.token}
        status, body = self.request("POST", path, json.dumps(payload).encode(), headers)
        return status, json.loads(body)


@pytest.fixture(scope="module")
def seeded():
    app = create_app({"SQLALCHEMY_DATABASE_URI": DATABASE, "SECRET_KEY": "seeding"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_vocabularies()
        seed_base()
        seed_table()
    yield app
    with app.app_context():
        db.engine.dispose()


def count_surveys(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Survey))


def test_the_golden_indicators_over_http(seeded):
    reviewer = Browser()
    assert reviewer.log_in("reviewer") == 302
    status, body = reviewer.request("GET", "/api/v1/indicators?year=2025")
    assert status == 200
    figures = json.loads(body)
    assert {key: figures[key] for key in EXPECTED_2025} == EXPECTED_2025


def test_phones_sending_the_same_surveys_at_once_store_each_once(seeded):
    before = count_surveys(seeded)
    shared = [make_survey(store_code="S-001" if n % 2 else "S-002") for n in range(20)]
    phones = [Browser() for _ in range(PHONES)]
    for phone in phones:
        assert phone.log_in("inspector") == 302
    own = [make_survey(id=str(uuid.uuid4())) for _ in phones]
    start = threading.Barrier(PHONES)
    results: list[list[dict]] = [[] for _ in phones]

    def send(index: int) -> None:
        start.wait()  # every phone at the same moment, on whichever worker it lands
        status, body = phones[index].post_json("/api/v1/surveys", {"surveys": [*shared, own[index]]})
        assert status == 200, body
        results[index] = body["results"]

    threads = [threading.Thread(target=send, args=(n,)) for n in range(PHONES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(len(r) == len(shared) + 1 for r in results)
    for position, survey in enumerate(shared):
        statuses = sorted(r[position]["status"] for r in results)
        assert statuses == ["created"] + ["duplicate"] * (PHONES - 1), (survey["id"], statuses)
    assert all(r[-1]["status"] == "created" for r in results)
    assert count_surveys(seeded) == before + len(shared) + PHONES


def test_phones_sending_surveys_of_the_same_stores_at_once_keep_the_store_year_table_right(seeded):
    """Each phone's batch lands on any worker; all of them write the same two stores' 2025 status.

    Without the writers' lock per store, two batches could each read the old status and the
    second would write over the first: the table would then differ from the one rebuilt.
    """
    phones = [Browser() for _ in range(PHONES)]
    for phone in phones:
        assert phone.log_in("inspector") == 302
    store_id = {}
    with seeded.app_context():
        store_id = dict(db.session.execute(select(Store.code, Store.id)).all())
    # Three rounds: the first finds no status row for November's surveys, the later ones replace rows.
    for month in (9, 10, 11):
        # Visit times interleaved across phones, so that the deciding survey could come from any of them.
        batches = [
            [
                make_survey(
                    store_code="S-001" if n % 2 else "S-002",
                    visited_at=f"2025-{month:02d}-{day(n, index):02d}T{8 + n % 9:02d}:{index:02d}:00+07:00",
                )
                for n in range(12)
            ]
            for index in range(PHONES)
        ]
        assert send_at_once(phones, batches) == [{"created"}] * PHONES
        with seeded.app_context():
            assert store_years.stored_rows() == store_years.computed_rows()
            for code in ("S-001", "S-002"):
                latest = max((s for b in batches for s in b if s["store_code"] == code), key=lambda s: s["visited_at"])
                deciding = db.session.get(StoreYearStatus, (store_id[code], 2025, "all"))
                assert str(deciding.survey_id) == latest["id"]


def day(n: int, phone: int) -> int:
    return 1 + (n * PHONES + phone) % 28


def send_at_once(phones: list[Browser], batches: list[list[dict]]) -> list[set[str]]:
    """Each phone sends its batch at the same moment; the statuses each one got back."""
    start = threading.Barrier(len(phones))
    statuses: list[set[str]] = [set() for _ in phones]

    def send(index: int) -> None:
        start.wait()
        status, body = phones[index].post_json("/api/v1/surveys", {"surveys": batches[index]})
        statuses[index] = {result["status"] for result in body["results"]} if status == 200 else {str(status)}

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(phones))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_failed_log_ins_are_counted_across_workers(seeded):
    # Limits live in Redis: the workers share one count. Kept in each worker's memory, four
    # workers would let about four times as many guesses through.
    statuses = []
    for _ in range(12):
        guesser = Browser()
        statuses.append(guesser.log_in("inspector2", "not-the-password"))
    assert statuses[:10] == [200] * 10  # the form again, "wrong username or password"
    assert statuses[10:] == [429, 429]
