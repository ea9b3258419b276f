"""In the store, in real Chromium at 360 px: the checkout tally by taps, and eco-labelled products read
by a (fake) camera or typed, offline, then sent and counted by the server (issue: checkout tally and
products by barcode)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from models import Survey, db
from tests.browser.barcodes import barcode_video
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    new_phone,
    no_then_yes,
    open_app,
    screenshot,
    wait_for_rows,
)

SOAP = "8934563138165"  # listed, valid 2025–2027
EXPIRED = "8935049500513"  # listed, certificate ended 31/12/2024
UNLISTED = "036000291452"  # a real UPC-A, on no list
PRODUCTS = (
    "gtin,name,brand,label,certificate_no,valid_from,valid_to\n"
    f"{SOAP},Xà phòng Sạch,Sạch,VN_ECOLABEL,VNEL-001,01/01/2025,31/12/2027\n"
    f"{EXPIRED},Túi tự hủy,Xanh,ECO_BAG_CERT,TX-9,2024-01-01,2024-12-31\n"
)
CHECKOUT = ("PE_BAG", "SELF_CLAIMED_BAG", "CERT_BIO_BAG", "CERT_RECYCLED_BAG", "REUSABLE_BAG", "PAPER", "CUSTOMER_OWN")


def view(page, name: str) -> None:
    """What the phone's screen shows now (a full-page picture misplaces a full-screen layer)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def open_form(page, store_code: str = "S-001") -> None:
    page.fill("#store-search", "")
    page.click(f"#store-list button.store[data-code='{store_code}']")
    page.wait_for_selector("#view-form:not([hidden])")
    page.wait_for_selector("#tally-open")  # the in-store part is loaded


def saved_survey(app) -> Survey:
    with app.app_context():
        survey = db.session.scalars(select(Survey)).one()
        db.session.expunge(survey)
        return survey


def checkout_counts(app) -> dict[str, int]:
    with app.app_context():
        survey = db.session.scalars(select(Survey)).one()
        return {line.category_code: line.count for line in survey.packaging if line.zone == "checkout"}


# --- the checkout tally ------------------------------------------------------------------


def bags_of(customer: int) -> list[str]:
    """What the customer number `customer` (1–30) was handed: a mix of every kind, some nothing."""
    if customer % 10 == 0:
        return []  # bought a drink, took no bag: still a customer watched
    if customer % 3 == 0:
        return ["PE_BAG", "PE_BAG"]
    if customer % 3 == 1:
        return ["PAPER"] + (["REUSABLE_BAG"] if customer % 4 == 1 else [])
    return ["CUSTOMER_OWN"]


def test_a_tally_of_30_customers_by_taps_fills_the_checkout_and_survives_a_reload(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    open_form(page)
    page.click("#tally-open")
    page.wait_for_selector("#view-tally:not([hidden])")
    # One thumb at 360 px: every target of the tally at least 64 px each way, the tab bar out of reach.
    sizes = "(buttons) => buttons.map((b) => [b.getBoundingClientRect().width, b.getBoundingClientRect().height])"
    for box in page.eval_on_selector_all("#view-tally button", sizes):
        assert min(box) >= 64, box
    assert not page.is_visible(".tabbar")
    taps = 0
    expected: dict[str, int] = {}
    for customer in range(1, 31):
        for category in bags_of(customer):
            page.click(f"[data-tap='{category}']")
            expected[category] = expected.get(category, 0) + 1
            taps += 1
        if customer == 7:  # a slip of the thumb, undone at once
            page.click("[data-tap='SELF_CLAIMED_BAG']")
            page.click("[data-tally='undo']")
            taps += 2
        if customer == 15:  # the screen locks, the page is reloaded: the tally comes back as it was
            page.wait_for_timeout(400)  # the draft's save after a change
            page.reload()
            page.wait_for_selector("body[data-ready=true]")
            page.wait_for_selector("#view-tally:not([hidden])")
            assert page.text_content("[data-count='PE_BAG']") == str(expected["PE_BAG"])
        page.click("[data-tally='next']")
        taps += 1
    assert "Khách thứ 31" in page.text_content("#tally-now")
    assert "đã xong 30 khách" in page.text_content("#tally-now")
    screenshot(page, "tally-360")
    page.click("[data-tally='close']")
    page.wait_for_selector("#view-form:not([hidden])")
    for category in CHECKOUT:
        assert page.input_value(f"#c-checkout-{category}") == str(expected.get(category, 0)), category
    assert "trên 30 khách" in page.text_content("#verdict")
    assert "30 khách" in page.text_content("#tally-summary")
    page.click("#save-survey")
    page.wait_for_selector("#view-stores:not([hidden])")
    assert wait_for_rows(app, 1, page=page) == 1
    assert checkout_counts(app) == expected
    assert saved_survey(app).transactions_observed == 30
    typed = sum(len(str(count)) for count in expected.values())  # digits typed into the steppers instead
    print(f"\nTally of 30 customers: {taps} taps (against {typed} digits plus {len(CHECKOUT)} fields to reach)")
    context.close()


def test_fewer_than_ten_customers_asks_before_saving(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    open_form(page)
    page.click("#tally-open")
    for _ in range(3):
        page.click("[data-tap='PAPER']")
        page.click("[data-tally='next']")
    page.click("[data-tally='close']")
    asked = no_then_yes(page)
    page.click("#save-survey")
    page.wait_for_timeout(300)
    assert "Quan sát dưới 10 khách" in asked[0]
    assert page.is_visible("#view-form")  # not saved: the form stays
    page.click("#save-survey")
    page.wait_for_selector("#view-stores:not([hidden])")
    assert wait_for_rows(app, 1, page=page) == 1
    assert saved_survey(app).transactions_observed == 3
    context.close()


# --- products read by a fake camera ----------------------------------------------------------


@pytest.fixture
def camera_browser(playwright_session, tmp_path):
    video = tmp_path / "barcode.y4m"
    barcode_video(video, SOAP)
    browser = playwright_session.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    yield browser
    browser.close()


def decoder_cached(page) -> bool:
    return page.evaluate(
        """async () => {
            if (!(await caches.keys()).includes('baobi-vendor')) return false;
            const keys = await (await caches.open('baobi-vendor')).keys();
            return keys.some((request) => request.url.endsWith('.wasm'));
        }"""
    )


def test_offline_a_scanned_product_shows_its_certificate_and_the_server_derives_the_counts(
    camera_browser, live_server, app, runner, tmp_path
):
    products = tmp_path / "products.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    assert runner.invoke(args=["import-products", str(products)]).exit_code == 0
    context = camera_browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", permissions=["camera"])
    page = context.new_page()
    open_app(page, live_server)
    open_form(page)  # with a network: the decoder is fetched into the cache, not run
    for _ in range(100):
        if decoder_cached(page):
            break
        page.wait_for_timeout(100)
    assert decoder_cached(page)
    # In the store: no network at all, the app reopened.
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#scan-open")
    page.fill("#f-visited", "2026-06-10T10:00")
    page.dispatch_event("#f-visited", "input")
    page.dispatch_event("#f-visited", "change")
    page.fill("#c-checkout-PAPER", "12")
    page.dispatch_event("#c-checkout-PAPER", "input")

    assert "Danh sách được chứng nhận trên máy: 2 sản phẩm" in page.text_content("#product-list-age")
    page.click("#scan-open")
    page.wait_for_selector(".scanner video")
    page.wait_for_timeout(300)
    view(page, "scanner-360")
    page.wait_for_selector(f"#product-list li[data-gtin='{SOAP}']", timeout=20_000)
    assert page.query_selector(".scanner") is None  # closed by the read
    item = page.text_content(f"#product-list li[data-gtin='{SOAP}']")
    assert "Xà phòng Sạch" in item and "Chứng nhận còn hiệu lực" in item and "31/12/2027" in item
    load = page.evaluate("performance.getEntriesByName('barcode-decoder-load').map((m) => m.duration)")
    if load:
        print(f"\nBarcode decoder loaded from the cache offline in {load[0]:.0f} ms")

    # Typed: a wrong check digit is refused on its field, the same product again counts once.
    page.fill("#gtin-input", SOAP[:-1] + "0")
    page.click("#gtin-add")
    assert "chữ số cuối không khớp" in page.text_content("#gtin-error")
    assert page.get_attribute("#gtin-input", "aria-invalid") == "true"
    page.fill("#gtin-input", SOAP)
    page.press("#gtin-input", "Enter")  # adds, never saves the survey
    assert "chỉ tính một lần" in page.text_content("#gtin-error")
    assert page.is_visible("#view-form")
    page.fill("#gtin-input", EXPIRED)
    page.click("#gtin-add")
    assert "đã hết hạn ngày 31/12/2024" in page.text_content(f"#product-list li[data-gtin='{EXPIRED}']")
    page.fill("#gtin-input", "0 36000 29145 2")
    page.click("#gtin-add")
    unlisted = f"#product-list li[data-gtin='{UNLISTED}']"
    assert "Không có trong danh sách" in page.text_content(unlisted)
    page.select_option(f"{unlisted} select", "VN_ECOLABEL")
    assert not page.is_visible("#l-VN_ECOLABEL")  # typed label counts step aside
    page.locator("#product-box").scroll_into_view_if_needed()
    view(page, "products-360")
    page.click("#save-survey")
    page.wait_for_selector("#view-stores:not([hidden])")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    assert wait_for_rows(app, 1, page=page) == 1
    survey_id = saved_survey(app).id
    answer = json.loads(page.evaluate(f"fetch('/api/v1/surveys/{survey_id}').then((r) => r.text())"))
    assert sorted((p["gtin"], p["listed"], p["certificate_valid"]) for p in answer["products"]) == sorted(
        [(SOAP, True, True), (EXPIRED, True, False), (UNLISTED, False, None)]
    )
    # Each GTIN once; the expired certificate counts nothing; the unlisted one under the label seen.
    assert answer["eco_labels"] == [{"label": "VN_ECOLABEL", "product_group": "", "sku_count": 2}] or [
        (line["label"], line["sku_count"]) for line in answer["eco_labels"]
    ] == [("VN_ECOLABEL", 2)]
    context.close()


def test_a_refused_camera_falls_back_to_typing(browser, live_server):
    context, page = new_phone(browser, live_server)
    page.add_init_script(
        "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));"
    )
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    open_form(page)
    page.click("#scan-open")
    page.wait_for_selector("#gtin-error:not([hidden])")
    assert "Không dùng được máy ảnh" in page.text_content("#gtin-error")
    assert page.evaluate("document.activeElement.id") == "gtin-input"
    assert page.query_selector(".scanner") is None
    context.close()
