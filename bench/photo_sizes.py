"""Weigh a typical 12-megapixel phone photo before and after shrinking, on the phone and on the server.

Run: .venv/bin/python bench/photo_sizes.py   (or `make bench`). Prints figures; asserts nothing.
The picture is made here: 4000×3000 with the fine detail and sensor noise of a shelf photo, saved
as a camera does (JPEG quality 92, EXIF orientation 6 and a GPS position), so it weighs what a
phone's photo weighs. The phone's shrink (static/js/photos.js) runs in Chromium; the server's
cleaning (survey/domain/photos.py) runs on what the phone sends.
"""

from __future__ import annotations

import base64
import io
import random
import statistics
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo_server import PHONE, demo_server, launch, log_in_inspector  # noqa: E402

from survey.domain import photos  # noqa: E402

RUNS = 3


def shelf_photo() -> bytes:
    """A 12 MP camera JPEG: rows of products with labels, lit unevenly, with sensor noise."""
    rng = random.Random(12)
    width, height = 4000, 3000
    image = Image.new("RGB", (width, height), (235, 232, 225))
    draw = ImageDraw.Draw(image)
    for shelf in range(6):
        top = 80 + shelf * 480
        draw.rectangle((0, top + 400, width, top + 430), fill=(120, 110, 100))
        x = 20
        while x < width:
            w = rng.randint(60, 220)
            colour = tuple(rng.randint(30, 230) for _ in range(3))
            draw.rectangle((x, top + rng.randint(60, 200), x + w, top + 400), fill=colour)
            for line in range(rng.randint(2, 6)):  # printed labels
                y = top + 220 + line * 24
                draw.text((x + 8, y), f"SKU {rng.randint(1000, 9999)}", fill=(255, 255, 255))
            x += w + rng.randint(4, 20)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    noise = Image.effect_noise((width, height), 60).convert("RGB")
    image = Image.blend(image, noise, 0.15)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (20.0, 39.0, 18.0), 3: "E", 4: (106.0, 3.0, 22.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def main() -> None:
    from playwright.sync_api import sync_playwright

    original = shelf_photo()
    with demo_server() as (_app, base, password), sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context(**PHONE).new_page()
        log_in_inspector(page, base, password)
        results = [
            page.evaluate(
                """async (data) => {
                    const photos = await import('/static/js/photos.js');
                    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
                    const file = new File([bytes], 'camera.jpg', { type: 'image/jpeg' });
                    const start = performance.now();
                    const shrunk = await photos.shrink(file);
                    const ms = performance.now() - start;
                    const buffer = new Uint8Array(await shrunk.blob.arrayBuffer());
                    let text = '';
                    for (const b of buffer) text += String.fromCharCode(b);
                    return { ms, width: shrunk.width, height: shrunk.height, data: btoa(text) };
                }""",
                base64.b64encode(original).decode(),
            )
            for _ in range(RUNS)
        ]
        browser.close()
    sent = base64.b64decode(results[-1]["data"])
    start = time.perf_counter()
    kept = photos.clean(sent)
    server_ms = (time.perf_counter() - start) * 1000
    camera = Image.open(io.BytesIO(original))
    print("A typical 12-megapixel phone photo (4000×3000, JPEG quality 92, with EXIF and GPS)")
    print(f"  from the camera        {len(original):>10,} B  {camera.width}×{camera.height}")
    print(
        f"  shrunk on the phone    {len(sent):>10,} B  {results[-1]['width']}×{results[-1]['height']}"
        f"  ({len(sent) / len(original):.1%} of the camera's; median "
        f"{statistics.median(r['ms'] for r in results):.0f} ms in Chromium)"
    )
    print(
        f"  kept by the server     {len(kept.full):>10,} B  {kept.width}×{kept.height}"
        f"  + thumbnail {len(kept.thumb):,} B  (cleaned in {server_ms:.0f} ms)"
    )
    print(f"  ten photos of a survey from the phone: about {10 * len(sent) / 1024 / 1024:.1f} MB")


if __name__ == "__main__":
    main()
