"""Weigh the inspector's app and time its offline reopen in Chromium with a 4× slower CPU.

Run: .venv/bin/python bench/page_weight.py   (or `make bench`). Prints figures; asserts nothing.
The budget (field-lessons.md): at most 100 KB of HTML, CSS and JS before compression.
"""

from __future__ import annotations

import gzip
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from models import db  # noqa: E402
from survey.domain import demo  # noqa: E402
from survey.domain.vocabularies import load_vocabularies  # noqa: E402

BUDGET = 100 * 1024
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REOPENS = 7


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def log_in(page, base: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", "demo-inspector")
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_selector("body[data-ready=true]")


def weigh(page, base: str) -> list[tuple[str, int, int]]:
    """Fetch each HTML, CSS and JS file of the shell as the phone does; return raw and gzipped sizes."""
    urls = page.evaluate(
        """() => [location.pathname,
                 ...[...document.querySelectorAll('link[rel=stylesheet]')].map((l) => new URL(l.href).pathname),
                 ...performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)
                   .filter((p) => p.endsWith('.js') && p !== '/sw.js'), '/sw.js']"""
    )
    sizes = []
    for url in dict.fromkeys(urls):
        body = page.request.get(base + url).body()
        sizes.append((url, len(body), len(gzip.compress(body, 9))))
    return sizes


def reopen_times(context, page, base: str) -> list[float]:
    """Time reload-to-ready with no network at all and the CPU throttled 4×."""
    session = context.new_cdp_session(page)
    session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    context.set_offline(True)
    times = []
    for _ in range(REOPENS):
        start = time.perf_counter()
        page.reload()
        page.wait_for_selector("body[data-ready=true]")
        times.append((time.perf_counter() - start) * 1000)
    context.set_offline(False)
    return times


def main() -> None:
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"}, folder)
        with app.app_context():
            db.create_all()
            load_vocabularies()
            demo.seed()
            password = demo.logins_path().read_text().split("demo-inspector")[1].split()[0]
        server, base = serve(app)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
                )
                context = browser.new_context(viewport={"width": 360, "height": 740})
                page = context.new_page()
                log_in(page, base, password)
                page.wait_for_function("() => navigator.serviceWorker.controller !== null")
                sizes = weigh(page, base)
                times = reopen_times(context, page, base)
                browser.close()
        finally:
            server.shutdown()
    print("Inspector's app (/app): HTML, CSS and JS as the phone loads them")
    for url, raw, zipped in sizes:
        print(f"  {url:<32} {raw:>7,} B raw {zipped:>7,} B gzip")
    raw_total = sum(raw for _, raw, _ in sizes)
    zipped_total = sum(zipped for _, _, zipped in sizes)
    print(f"  {'total':<32} {raw_total:>7,} B raw {zipped_total:>7,} B gzip")
    print(f"  budget 100 KB raw: {raw_total / BUDGET:.0%} used; gzip/raw ratio {zipped_total / raw_total:.2f}")
    print(
        f"Offline reopen, CPU throttled 4× ({REOPENS} reloads): median {statistics.median(times):.0f} ms, "
        f"min {min(times):.0f} ms, max {max(times):.0f} ms"
    )


if __name__ == "__main__":
    main()
