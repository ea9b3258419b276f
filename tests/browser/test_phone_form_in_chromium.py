"""The phone's form as a new inspector meets it, in real Chromium at 360 px: what it says after a
save offline, where the location stands, a note too long, photos still waiting, the phone's
storage, and targets big enough for a thumb. Screenshots of the form before and after a save
offline go to tests/screenshots/ (phone-before.png, phone-after.png)."""

from __future__ import annotations

import io
import unicodedata
import uuid

from PIL import Image
from sqlalchemy import select

from models import Survey, db
from tests.browser.conftest import fill_survey, new_phone, save, screenshot, unsent, wait_for_rows
from tests.browser.test_returned_survey_in_chromium import return_survey
from tests.conftest import AuthActions, JsonClient, make_survey, sync_via_api

PLACE = {"latitude": 20.6551, "longitude": 106.0561, "accuracy": 12}
TARGETS = "a, button, input, select, textarea, label.button"
MIN_TARGET_PX = 44


def add_photo(page, tmp_path) -> None:
    path = tmp_path / "quay.jpg"
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 60)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    page.set_input_files("#photo-input", str(path))
    page.wait_for_function("() => document.querySelectorAll('#photo-list li').length === 1")


def test_saved_offline_stays_said_and_the_failed_send_is_told_in_the_outbox(browser, live_server, app):
    context, page = new_phone(browser, live_server, geolocation=PLACE, permissions=["geolocation"])
    context.set_offline(True)
    fill_survey(page, "S-001", 3, pe_bags=1)
    page.wait_for_function("() => document.querySelector('#location-status').textContent.includes('12 m')")
    screenshot(page, "phone-before")
    save(page)
    saved = page.text_content("#status")
    assert saved.startswith("Đã lưu") and unsent(page) == 1
    # The send fails at once with no network and is tried again after 2 s: neither replaces the message.
    page.wait_for_function("() => document.querySelector('#send-status').textContent.length > 0")
    page.wait_for_timeout(3000)
    assert page.text_content("#status") == saved and page.is_visible("#status")
    screenshot(page, "phone-after")
    page.click("#outbox-pill")
    assert "Không kết nối được máy chủ" in page.text_content("#send-status")
    context.close()


def test_the_form_says_when_the_location_is_taken(browser, live_server):
    context, page = new_phone(browser, live_server, geolocation=PLACE, permissions=["geolocation"])
    fill_survey(page, "S-001", 1)
    page.wait_for_function("() => document.querySelector('#location-status').textContent === 'Đã lấy vị trí (±12 m)'")
    context.close()


def test_a_long_note_is_refused_with_its_length_and_kept_whole(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    fill_survey(page, "S-001", 2)
    note = "Ghi chú dài. " * 237 + "Hết"  # 3,084 characters, as if pasted
    page.fill("#f-notes", note)
    page.dispatch_event("#f-notes", "input")
    page.click("#save-survey")
    assert page.text_content("#err-f-notes") == "Ghi chú: Dài 3.084 ký tự; tối đa 2.000."
    assert page.input_value("#f-notes") == note and page.is_visible("#view-form")
    assert unsent(page) == 0
    context.close()


def test_a_decomposed_note_from_the_phone_is_stored_composed(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    fill_survey(page, "S-001", 2)
    page.fill("#f-notes", unicodedata.normalize("NFD", "Quầy số 2 hết túi giấy"))
    page.dispatch_event("#f-notes", "input")
    save(page)
    assert wait_for_rows(app, 1, page=page) == 1
    with app.app_context():
        assert db.session.scalar(select(Survey.notes)) == "Quầy số 2 hết túi giấy"
    context.close()


def test_photos_waiting_after_a_failed_upload_are_counted_in_the_header(browser, live_server, app, tmp_path):
    context, page = new_phone(browser, live_server)
    context.route("**/api/v1/photos/**", lambda route: route.fulfill(status=503, body="busy"))
    assert page.is_hidden("#outbox-photos")
    fill_survey(page, "S-001", 2)
    add_photo(page, tmp_path)
    save(page)
    assert wait_for_rows(app, 1, page=page) == 1  # the survey went; its photo did not
    page.wait_for_selector("#outbox-photos:not([hidden])")
    assert unsent(page) == 0 and page.text_content("#outbox-photo-count") == "1"
    assert page.text_content("#outbox-pill") == "Chưa gửi: 0 · Ảnh: 1"
    page.click("#outbox-pill")
    screenshot(page, "phone-photo-waiting")
    assert page.locator("#photo-waiting-list li").count() == 1
    context.close()


def test_sizes_read_in_short_units_with_local_digits(browser, live_server):
    context, page = new_phone(browser, live_server)
    sizes = page.evaluate("""async () => {
        const { sizeText } = await import('/static/js/photos.js');
        return [944 * 1024, 3.25 * 1024 * 1024, 10486704 * 1024, 0].map(sizeText);
    }""")
    assert sizes == ["944 KB", "3,3 MB", "10 GB", "0 KB"]
    page.click("#outbox-pill")
    page.wait_for_function("() => document.querySelector('#storage-info').textContent.length > 0")
    used = page.text_content("#storage-info")
    assert "Đã dùng: " in used and used.count(" KB") + used.count(" MB") + used.count(" GB") == 2
    context.close()


def small_targets(page) -> list[dict]:
    """Every target a thumb can reach in the view shown that is under 44 × 44 px."""
    return page.evaluate(
        """([selector, least]) => [...document.querySelectorAll(selector)]
            .filter((node) => node.getClientRects().length && !node.classList.contains('sr-only')
                     && getComputedStyle(node).visibility !== 'hidden')
            .map((node) => ({ node, box: node.getBoundingClientRect() }))
            .filter(({ box }) => box.height < least || box.width < least)
            .map(({ node, box }) => ({ target: node.id || node.textContent.trim() || node.outerHTML.slice(0, 60),
                                       width: Math.round(box.width), height: Math.round(box.height) }))""",
        [TARGETS, MIN_TARGET_PX],
    )


def test_every_target_on_the_phone_is_at_least_44_px(browser, live_server, tmp_path):
    context, page = new_phone(browser, live_server)
    context.set_offline(True)
    fill_survey(page, "S-001", 2)
    add_photo(page, tmp_path)  # its caption chips, caption and remove button
    assert small_targets(page) == [], "the form"
    page.click("button[data-tab='stores']")  # the survey stays as an unfinished draft, listed
    page.wait_for_selector("#drafts:not([hidden])")
    assert small_targets(page) == [], "the store list"
    page.click("#draft-list button")
    page.wait_for_selector("#view-form:not([hidden])")
    save(page)
    page.click("#outbox-pill")
    page.wait_for_selector("#outbox-list li")
    assert small_targets(page) == [], "the outbox"
    page.click("#mine-tab")
    assert small_targets(page) == [], "the sent surveys"
    context.close()


def test_a_correction_says_the_photos_of_the_returned_survey_are_kept(browser, live_server, app):
    client = app.test_client()
    inspector = JsonClient(client, AuthActions(client)).login("inspector")
    photos = [{"id": str(uuid.uuid4()), "caption": caption} for caption in ("quầy", "kệ")]
    original = make_survey(photos=photos)
    assert sync_via_api(inspector, original)[0]["status"] == "created"
    return_survey(app, "Đếm lại quầy 2")
    context, page = new_phone(browser, live_server)
    page.wait_for_selector("#returned-banner:not([hidden])")
    page.click("#returned-banner button")
    page.click(f"button[data-correct='{original['id']}']")
    page.wait_for_selector("#view-form:not([hidden])")
    assert page.text_content("#photo-status") == "0 / 10 · 2 ảnh đã gửi cùng phiếu gốc được giữ kèm phiếu sửa này"
    context.close()
