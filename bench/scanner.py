"""The barcode scanner on the phone: the decoder's size, and how long the first read takes with a fake
camera showing a demo product's EAN-13, the CPU throttled 4×, with the decoder fetched over the
network (the first time ever) and from the service worker's cache with no network (every later time).

Run: .venv/bin/python bench/scanner.py   (or `make bench`). Prints figures; asserts nothing.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from demo_server import PHONE, demo_server, launch, log_in_inspector  # noqa: E402

from tests.browser.barcodes import barcode_video  # noqa: E402

READS = 5


def decoder_files() -> list[tuple[str, int, int]]:
    from survey.web.offline_app import VENDOR_DECODER

    folder = ROOT / "static" / VENDOR_DECODER
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "LICENSE")
    return [(str(p.relative_to(folder)), p.stat().st_size, len(gzip.compress(p.read_bytes(), 9))) for p in files]


def demo_gtin(app) -> str:
    from sqlalchemy import select

    from models import Product, db

    with app.app_context():
        return db.session.scalars(select(Product.gtin).where(Product.gtin.regexp_match("^[0-9]{13}$"))).first()


def one_read(page) -> tuple[float, float | None]:
    """Tap "scan", wait for the product to join the survey; the whole time and the decoder's load."""
    page.evaluate("performance.clearMeasures()")
    page.evaluate("for (const item of document.querySelectorAll('#product-list [data-remove-product]')) item.click()")
    start = time.perf_counter()
    page.click("#scan-open")
    page.wait_for_selector("#product-list li", timeout=60_000)
    total = (time.perf_counter() - start) * 1000
    load = page.evaluate("performance.getEntriesByName('barcode-decoder-load').map((m) => m.duration)[0] ?? null")
    return total, load


def main() -> None:
    from playwright.sync_api import sync_playwright

    with demo_server() as (app, base, password), sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / "barcode.y4m"
        barcode_video(video, demo_gtin(app), blank_frames=0, code_frames=10)
        browser = launch(
            playwright,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        )
        context = browser.new_context(**PHONE, permissions=["camera"])
        page = context.new_page()
        log_in_inspector(page, base, password)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.click("#store-list button.store")
        page.wait_for_selector("#scan-open")
        # The first time ever: nothing cached yet (the warm-up fetch is undone), a network.
        page.evaluate("caches.delete('baobi-vendor')")
        session = context.new_cdp_session(page)
        session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        cold_total, cold_load = one_read(page)
        # Every later time: the app reopened with no network, the decoder from the cache.
        context.set_offline(True)
        warm = []
        for _ in range(READS):
            page.reload()
            page.wait_for_selector("#scan-open")
            session = context.new_cdp_session(page)
            session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            warm.append(one_read(page))
        browser.close()
    print("Barcode decoder (zxing-wasm reader, served from static/vendor/)")
    files = decoder_files()
    for name, raw, zipped in files:
        print(f"  {name:<28} {raw:>9,} B raw {zipped:>9,} B gzip")
    print(f"  {'total':<28} {sum(f[1] for f in files):>9,} B raw {sum(f[2] for f in files):>9,} B gzip")
    print("First read, CPU throttled 4× (tap → product in the survey; decoder fetch and compile within it):")
    print(f"  first time, over the loopback network: {cold_total:.0f} ms (decoder {cold_load or 0:.0f} ms)")
    totals = [total for total, _ in warm]
    loads = [load for _, load in warm if load is not None]
    print(
        f"  offline, from the cache ({READS} reopenings): median {statistics.median(totals):.0f} ms "
        f"(decoder {statistics.median(loads):.0f} ms); max {max(totals):.0f} ms"
    )
    print("  (the camera's start is inside these times; a real phone adds its own focus time)")


if __name__ == "__main__":
    main()
