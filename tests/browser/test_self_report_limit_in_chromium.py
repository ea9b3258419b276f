"""A store manager on a 360 px phone reaches the link's limit: the form comes back filled, saying when to retry."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot, survey_rows
from tests.conftest import staff_token


@pytest.fixture
def limited_app(app):
    """One accepted report an hour per link, set before the live server serves anything."""
    app.config["SELF_REPORT_LINK_LIMIT"] = "1 per hour"
    return app


def send(page):
    """Press "send" and return the status of the page that comes back."""
    with page.expect_response(lambda response: response.request.method == "POST" and "/r/" in response.url) as sent:
        page.click("#send-report")
    page.wait_for_load_state("load")
    return sent.value.status


def test_the_limit_keeps_what_the_manager_typed(limited_app, live_server, phone):
    app, page = limited_app, phone
    token = staff_token(app, "S-002")
    page.goto(f"{live_server}/r/{token}")

    # Sent with nothing counted at the checkout: a clear message next to it, and it does not use up the link.
    page.fill("#pk__store_packed__NATURAL", "4")
    assert send(page) == 200
    assert page.text_content("#checkout-error") == (
        "Chưa đếm túi nào ở quầy thu ngân: hãy nhập số túi đã phát cho khoảng 30 lượt khách."
    )
    assert page.input_value("#pk__store_packed__NATURAL") == "4"
    screenshot(page, "self-report-empty-checkout")

    page.fill("#pk__checkout__PAPER", "14")
    page.fill("#pk__checkout__CUSTOMER_OWN", "9")
    page.fill("#reporter_name", "Nguyễn Thị Hoa")
    page.fill("#reporter_phone", "0912 345 678")
    assert send(page) == 302
    page.wait_for_url("**/thanks")
    assert survey_rows(app) == 1

    # The second report of the hour: refused, and nothing typed is lost.
    page.click("text=Gửi báo cáo khác")
    page.wait_for_selector("#send-report")
    typed = {
        "#pk__checkout__PAPER": "11",
        "#pk__checkout__PE_BAG": "2",
        "#pk__store_packed__NATURAL": "5",
        "#el__VN_ECOLABEL": "3",
        "#reporter_name": "Nguyễn Thị Hoa",
        "#reporter_phone": "0912 345 678",
        "#notes": "Đếm lại buổi chiều",
    }
    for selector, value in typed.items():
        page.fill(selector, value)
    assert send(page) == 429
    message = page.text_content(".flash-error")
    assert re.fullmatch(
        r"Bạn đã gửi nhiều báo cáo trong giờ qua\. Vui lòng thử lại sau khoảng (\d+) phút\. "
        r"Những gì bạn đã nhập vẫn còn bên dưới\.",
        message,
    ), message
    assert 55 <= int(re.search(r"(\d+) phút", message).group(1)) <= 60
    assert "Lỗi 429" not in page.content()
    for selector, value in typed.items():
        assert page.input_value(selector) == value, selector
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    path = screenshot(page, "self-report-429")
    assert path.exists()
    assert survey_rows(app) == 1
