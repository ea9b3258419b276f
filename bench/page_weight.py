"""Weigh the inspector's app and time its offline reopen in Chromium with a 4× slower CPU.

Run: .venv/bin/python bench/page_weight.py   (or `make bench`). Prints figures; asserts nothing.
      .venv/bin/python bench/page_weight.py --busy   the same with one core kept busy meanwhile
      (another program on a 2-core machine: the figure moves with the machine, so it says both).
The budget (field-lessons.md): at most 100 KB of HTML, CSS and JS before compression.
Each reopen is timed twice: from the test's side (reload until the page says it is ready, which
includes Playwright's own round trips) and by the page's own clock (navigation to `app-ready`).
"""

from __future__ import annotations

import contextlib
import gzip
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo_server import PHONE, demo_server, launch, log_in_inspector  # noqa: E402

BUDGET = 100 * 1024
REOPENS = 7


def weigh(page, base: str) -> list[tuple[str, int, int, bool]]:
    """Fetch each HTML, CSS and JS file of the shell as the phone does: (path, raw size, gzipped size,
    whether the page asked for it only after its first paint)."""
    files = page.evaluate(
        """() => {
          const ready = performance.getEntriesByName('app-ready')[0].startTime;
          const scripts = performance.getEntriesByType('resource')
            .filter((e) => e.name.endsWith('.js') && !e.name.endsWith('/sw.js'))
            .map((e) => [new URL(e.name).pathname, e.startTime > ready]);
          const styles = [...document.querySelectorAll('link[rel=stylesheet]')]
            .map((l) => [new URL(l.href).pathname, false]);
          return [[location.pathname, false], ...styles, ...scripts, ['/sw.js', false]];
        }"""
    )
    sizes = []
    for url, later in dict(files).items():
        body = page.request.get(base + url).body()
        sizes.append((url, len(body), len(gzip.compress(body, 9)), later))
    return sizes


def reopen_times(context, page) -> tuple[list[float], list[float]]:
    """Time reload-to-ready with no network at all and the CPU throttled 4×: (outside, page's own)."""
    session = context.new_cdp_session(page)
    session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    context.set_offline(True)
    outside, own = [], []
    for _ in range(REOPENS):
        start = time.perf_counter()
        page.reload()
        page.wait_for_selector("body[data-ready=true]")
        outside.append((time.perf_counter() - start) * 1000)
        own.append(page.evaluate("performance.getEntriesByName('app-ready')[0].startTime"))
    context.set_offline(False)
    return outside, own


@contextlib.contextmanager
def one_core_busy(busy: bool):
    """Keep one core busy with another process while the block runs (when asked)."""
    if not busy:
        yield
        return
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()


def spread(times: list[float]) -> str:
    return f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, max {max(times):.0f} ms"


def main() -> None:
    from playwright.sync_api import sync_playwright

    with demo_server() as (_app, base, password), sync_playwright() as playwright:
        browser = launch(playwright, "--disable-background-networking")
        context = browser.new_context(**PHONE)
        page = context.new_page()
        log_in_inspector(page, base, password)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        sizes = weigh(page, base)
        with one_core_busy("--busy" in sys.argv):
            outside, own = reopen_times(context, page)
        browser.close()
    print("Inspector's app (/app): HTML, CSS and JS as the phone loads them")
    for url, raw, zipped, later in sizes:
        print(f"  {url:<32} {raw:>7,} B raw {zipped:>7,} B gzip{'  (after the first paint)' if later else ''}")
    raw_total = sum(raw for _, raw, _, _ in sizes)
    zipped_total = sum(zipped for _, _, zipped, _ in sizes)
    print(f"  {'total':<32} {raw_total:>7,} B raw {zipped_total:>7,} B gzip")
    print(f"  budget 100 KB raw: {raw_total / BUDGET:.0%} used; gzip/raw ratio {zipped_total / raw_total:.2f}")
    busy = " with one core busy" if "--busy" in sys.argv else ""
    print(f"Offline reopen, CPU throttled 4×{busy} ({REOPENS} reloads): {spread(outside)}")
    print(f"  by the page's own clock (navigation to ready): {spread(own)}")


if __name__ == "__main__":
    main()
