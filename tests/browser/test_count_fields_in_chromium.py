"""Typing into a count as a person does: the "0" it shows is replaced, never added to.

On every form with counts (the phone app, the inspector's simple form, the store manager's
self-report), the first count is reached with a finger, with a mouse and with the Tab key,
5 is typed on the keyboard, and the field must then read "5" (not "50" or "05").
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import fill_survey, log_in, open_app
from tests.conftest import staff_token

COUNT = "input[inputmode=numeric]"


def open_phone_app(page, base, app):
    open_app(page, base)
    fill_survey(page, "S-002", 0)  # opens the form; every count shows 0
    return "#form-fields"


def open_simple_form(page, base, app):
    log_in(page, base, "inspector")
    page.goto(base + "/surveys/new")
    return "form.survey-form"


def open_self_report(page, base, app):
    page.goto(f"{base}/r/{staff_token(app, 'S-002')}")
    return "form.survey-form"


FORMS = {"phone app": open_phone_app, "simple form": open_simple_form, "self-report": open_self_report}


@pytest.fixture(params=["tap", "click"])
def person(request, browser):
    """A phone used with a finger (touch events), or a browser used with a mouse."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=request.param == "tap")
    page = context.new_page()
    yield request.param, page
    context.close()


def count_ids(page, scope: str) -> list[str]:
    return page.eval_on_selector_all(f"{scope} {COUNT}", "(inputs) => inputs.map((i) => i.id)")


@pytest.mark.parametrize("form", FORMS)
def test_typing_into_the_first_count_replaces_its_zero(person, form, live_server, app):
    how, page = person
    scope = FORMS[form](page, live_server, app)
    first = f"#{count_ids(page, scope)[0]}"
    page.evaluate("document.activeElement?.blur()")
    assert page.input_value(first) == "0"
    page.tap(first) if how == "tap" else page.click(first)
    page.keyboard.type("5")
    assert page.input_value(first) == "5"


@pytest.mark.parametrize("form", FORMS)
def test_a_count_reached_by_the_tab_key_is_replaced_too(browser, form, live_server, app):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    scope = FORMS[form](page, live_server, app)
    first, second = (f"#{name}" for name in count_ids(page, scope)[:2])
    page.focus(first)
    for _ in range(4):  # on the phone the count's + and the next count's − come in between
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == second[1:]:
            break
    assert page.evaluate("document.activeElement.id") == second[1:]
    assert page.input_value(second) == "0"
    page.keyboard.type("7")
    assert page.input_value(second) == "7"
    context.close()
