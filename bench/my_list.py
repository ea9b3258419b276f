"""The phone's "Việc của tôi" with 500 assigned stores: the API answer's size compressed (budget 50 KB)
and the list's render on the phone at a 4× CPU throttle (budget 100 ms).

Run: .venv/bin/python bench/my_list.py   Prints figures; asserts nothing.
The render is my-list.js's own: read the copy in IndexedDB and the outbox, sort, draw 500 rows.
"""

from __future__ import annotations

import gzip
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo_server import PHONE, demo_server, launch, log_in_inspector  # noqa: E402

STORES = 500
RENDERS = 9
ANSWERS = 5
GZIP_BUDGET = 50 * 1024
RENDER_BUDGET_MS = 100

RENDER = """async () => {
  const { myListView } = await import('/static/js/my-list.js');
  const owner = document.querySelector('meta[name="app-user"]').content;
  const messages = JSON.parse(document.querySelector('#messages').textContent);
  const { moreMessages } = await import('/static/js/more-messages.js');
  const t = await moreMessages((key, n) => (messages[key] ?? key).replace('{n}', n));
  const view = myListView({ owner, t, today: () => new Date().toISOString().slice(0, 10) });
  await view.refresh();  // the copy on the phone, as after a start online
  const start = performance.now();
  await view.render();
  return [performance.now() - start, document.querySelectorAll('#todo-list li').length];
}"""


def seed_round(app) -> None:
    """500 stores in one round around today, all given to the demo inspector, 9 in 10 with a place."""
    from sqlalchemy import select

    from models import AdminUnit, Store, User, db
    from survey.domain.rounds import planning
    from survey.domain.rounds.payloads import AssignmentLine, RoundIn

    rng = random.Random(21)
    with app.app_context():
        units = list(db.session.scalars(select(AdminUnit).where(AdminUnit.parent_id.is_not(None))))
        for n in range(STORES):
            placed = rng.random() < 0.9
            db.session.add(
                Store(
                    code=f"B-{n:04d}",
                    name=f"Siêu thị Bao bì xanh số {n}",
                    type="supermarket",
                    unit=rng.choice(units),
                    address=f"Số {n} đường Nguyễn Văn Linh",
                    lat=20.6 + rng.random() * 0.4 if placed else None,
                    lon=105.9 + rng.random() * 0.3 if placed else None,
                )
            )
        db.session.flush()
        admin = db.session.scalar(select(User).where(User.username == "demo-admin"))
        today = date.today()
        asked = RoundIn(
            name="Đợt đo 500 cửa hàng",
            starts_on=str(today - timedelta(days=30)),
            ends_on=str(today + timedelta(days=90)),
        )
        round_ = planning.create_round(asked, admin)
        lines = [AssignmentLine(store_code=f"B-{n:04d}", inspector="demo-inspector") for n in range(STORES)]
        planning.assign(round_, lines, admin)
        db.session.commit()


def main() -> None:
    from playwright.sync_api import sync_playwright

    with demo_server() as (app, base, password), sync_playwright() as playwright:
        seed_round(app)
        browser = launch(playwright)
        context = browser.new_context(**PHONE)
        page = context.new_page()
        log_in_inspector(page, base, password)
        answer_times = []
        for _ in range(ANSWERS):
            started = time.perf_counter()
            body = page.request.get(base + "/api/v1/assignments?mine=1").body()
            answer_times.append((time.perf_counter() - started) * 1000)
        session = context.new_cdp_session(page)
        session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        runs = [page.evaluate(RENDER) for _ in range(RENDERS)]
        browser.close()
    zipped = len(gzip.compress(body, 6))
    times = [ms for ms, _ in runs]
    print(f"GET /api/v1/assignments?mine=1, {runs[0][1]} stores (the demo's own included):")
    print(f"  {len(body):,} B raw, {zipped:,} B gzip (budget {GZIP_BUDGET:,} B: {zipped / GZIP_BUDGET:.0%} used)")
    print(f"  answered on SQLite in {statistics.median(answer_times):.0f} ms median of {ANSWERS} requests")
    print(
        f"Render of the list at a 4× CPU throttle ({RENDERS} runs): median {statistics.median(times):.0f} ms, "
        f"min {min(times):.0f} ms, max {max(times):.0f} ms (budget {RENDER_BUDGET_MS} ms)"
    )


if __name__ == "__main__":
    main()
