"""Photos and location taken offline arrive once, upright, shrunk and without metadata."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from models import Photo, Survey, db
from survey.domain import photos
from tests.browser.conftest import fill_survey, new_phone, save, screenshot, unsent, wait_for_rows

RED, BLUE = (220, 20, 20), (20, 40, 220)
PLACE = {"latitude": 20.6551, "longitude": 106.0561, "accuracy": 12}


def camera_photo(path, size, orientation=None) -> int:
    """A JPEG as a camera writes it. Stored left half red, right half blue; with orientation 6
    (turn 90° clockwise to show) the upright picture is red on top and blue below."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (20.0, 39.0, 18.0), 3: "E", 4: (106.0, 3.0, 22.0)}  # a GPS position
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    path.write_bytes(out.getvalue())
    return len(out.getvalue())


def phone_photos(page) -> list[dict]:
    """The photos kept in the phone's IndexedDB: their sizes and states."""
    return page.evaluate("""async () => {
        const photos = await import('/static/js/photos.js');
        const owner = document.querySelector('meta[name="app-user"]').content;
        return (await photos.ofOwner(owner)).map((p) => ({ size: p.size, original: p.originalSize, state: p.state }));
    }""")


def colour_near(pixel, colour) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


def test_photos_taken_offline_arrive_once_upright_and_clean(browser, live_server, app, tmp_path):
    tall = tmp_path / "quay-thu-ngan.jpg"
    small = tmp_path / "nhan.jpg"
    tall_bytes = camera_photo(tall, (4000, 3000), orientation=6)
    camera_photo(small, (800, 600))
    context, page = new_phone(browser, live_server, geolocation=PLACE, permissions=["geolocation"])
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")

    fill_survey(page, "S-001", 3)
    page.set_input_files("#photo-input", str(tall))
    page.wait_for_function("() => document.querySelectorAll('#photo-list li').length === 1")
    page.set_input_files("#photo-input", str(small))
    page.wait_for_function("() => document.querySelectorAll('#photo-list li').length === 2")
    page.click("#photo-list li:first-child button.chip")  # one tap for a usual caption
    page.fill("#photo-list li:last-child input", "nhãn sinh thái trên kệ")
    screenshot(page, "photos-on-phone-360")
    save(page)
    assert unsent(page) == 1

    # A reload while offline loses nothing: the survey and its two photos are still on the phone.
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert unsent(page) == 1
    kept = phone_photos(page)
    assert sorted(photo["state"] for photo in kept) == ["waiting", "waiting"]
    shrunk = max(kept, key=lambda photo: photo["original"])
    assert shrunk["original"] == tall_bytes and shrunk["size"] < tall_bytes

    context.set_offline(False)
    assert wait_for_rows(app, 1, page=page) == 1
    # Each photo is deleted from the phone once the server has answered for it.
    for _ in range(150):
        if not phone_photos(page):
            break
        page.wait_for_timeout(100)
    assert phone_photos(page) == []

    with app.app_context():
        survey = db.session.scalar(select(Survey))
        rows = db.session.scalars(select(Photo).order_by(Photo.position)).all()
        assert len(rows) == 2 and all(row.received_at is not None for row in rows)
        assert [row.caption for row in rows] == ["quầy thu ngân", "nhãn sinh thái trên kệ"]
        assert abs(survey.lat - PLACE["latitude"]) < 1e-6 and abs(survey.lon - PLACE["longitude"]) < 1e-6
        assert survey.accuracy_m == 12
        pictures = [Image.open(io.BytesIO(photos.picture(row))) for row in rows]
    upright, other = pictures
    assert upright.size == (1200, 1600)  # portrait: the orientation was applied, then shrunk to 1600 px
    assert colour_near(upright.getpixel((600, 100)), RED) and colour_near(upright.getpixel((600, 1500)), BLUE)
    assert other.size == (800, 600)
    for picture in pictures:
        assert max(picture.size) <= 1600
        assert not picture.getexif() and "exif" not in picture.info

    # Photos never enter the service worker's cache.
    cached = page.evaluate(
        "async () => (await Promise.all((await caches.keys()).map(async (n) => "
        "(await (await caches.open(n)).keys()).map((r) => r.url)))).flat()"
    )
    assert cached and not any("/api/" in url for url in cached)
    context.close()
