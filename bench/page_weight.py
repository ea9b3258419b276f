"""Weigh the inspector's app and time its offline reopen in Chromium with a 4× slower CPU.

Run: .venv/bin/python bench/page_weight.py   (or `make bench`). Prints figures; asserts nothing.
The budget (field-lessons.md): at most 100 KB of HTML, CSS and JS before compression.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo_server import PHONE, demo_server, launch, log_in_inspector  # noqa: E402

BUDGET = 100 * 1024
REOPENS = 7


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

    with demo_server() as (_app, base, password), sync_playwright() as playwright:
        browser = launch(playwright, "--disable-background-networking")
        context = browser.new_context(**PHONE)
        page = context.new_page()
        log_in_inspector(page, base, password)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        sizes = weigh(page, base)
        times = reopen_times(context, page, base)
        browser.close()
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
