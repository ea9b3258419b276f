"""The reviewer sees a visit's photos and its far-away flag in real Chromium, on a phone and a desk."""

from __future__ import annotations

import io
import uuid

from PIL import Image, ImageDraw
from sqlalchemy import select

from models import Photo, Store, User, db
from survey.domain import photos, sync
from tests.browser.conftest import log_in, screenshot
from tests.conftest import make_survey

ALL_THUMBNAILS_LOADED = """() => {
  const images = [...document.querySelectorAll('#photos img')];
  return images.length > 0 && images.every(image => image.complete && image.naturalWidth > 0);
}"""


def scene(width: int, height: int, sky, ground) -> bytes:
    """A picture with something in it, so that a person can tell the thumbnails apart."""
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=ground)
    for step in range(5):
        left = width // 10 + step * width // 6
        draw.rectangle((left, height // 3, left + width // 10, height * 2 // 3), fill=(240, 240, 240))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def far_survey_with_photos(app) -> str:
    """An inspection about 1.1 km from its store, with two photos received and one still on the phone."""
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "S-001"))
        store.lat, store.lon = 20.655, 106.056
        db.session.commit()
        captions = ["quầy thu ngân", "kệ hàng tự đóng gói", "nhãn sinh thái"]
        listed = [{"id": str(uuid.uuid4()), "caption": caption} for caption in captions]
        payload = make_survey(photos=listed, location={"lat": 20.665, "lon": 106.056, "accuracy_m": 18})
        sender = db.session.scalar(select(User).where(User.username == "inspector"))
        assert sync.store_survey(payload, "inspection", sender)["status"] == "created"
        pictures = [
            scene(1600, 1200, (150, 190, 230), (90, 140, 70)),
            scene(1200, 1600, (235, 215, 170), (120, 80, 40)),
        ]
        for ref, raw in zip(listed, pictures, strict=False):
            assert photos.receive(db.session.get(Photo, uuid.UUID(ref["id"])), raw) == "created"
        return payload["id"]


def test_review_page_shows_loaded_thumbnails_and_the_far_flag(browser, live_server, app):
    survey_id = far_survey_with_photos(app)
    for width, height, name in ((360, 740, "review-photos-360"), (1280, 900, "review-photos-1280")):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        page = context.new_page()
        log_in(page, live_server, "reviewer")
        page.goto(f"{live_server}/review/{survey_id}")
        page.wait_for_function(ALL_THUMBNAILS_LOADED, timeout=10_000)
        loaded = page.evaluate("[...document.querySelectorAll('#photos img')].map(image => image.naturalWidth)")
        assert len(loaded) == 2 and all(0 < natural <= photos.THUMB_SIDE for natural in loaded)
        assert page.locator("#flag-far").is_visible()
        assert "Xa cửa hàng" in page.text_content("#flag-far")
        assert page.locator("h1 + p a.badge.bad").first.is_visible()  # the flag at the top, too
        assert "chưa nhận được" in page.text_content("#photos")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("#photos").scroll_into_view_if_needed()
        screenshot(page, name)

        # The queue marks the visit too, with its photo count.
        page.goto(f"{live_server}/review?source=inspection&state=all")
        row = page.locator("tbody tr").first
        assert row.locator(".location-flag").is_visible() and "Xa cửa hàng" in row.text_content()
        assert row.locator(".photo-count").text_content().startswith("2/3")
        screenshot(page, name.replace("review-photos", "review-queue-flags"))
        page.go_back()

        # A tap on a thumbnail opens the full-size photo.
        with page.expect_navigation():
            page.click("#photos a >> nth=0")
        assert page.evaluate("document.images[0].naturalWidth") == 1600
        context.close()
