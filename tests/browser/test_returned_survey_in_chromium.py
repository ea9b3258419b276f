"""The inspector's loop in real Chromium at 360 px: a reviewer returns a survey, the inspector,
offline, sees the reason, corrects it, goes online, and the correction replaces the original."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from models import Survey, db
from survey.domain import review
from tests.browser.conftest import fill_survey, new_phone, no_then_yes, ready, save, screenshot, unsent, wait_for_rows
from tests.conftest import AuthActions, JsonClient


def return_survey(app, reason: str) -> str:
    """The reviewer sends the inspector's only survey back, through the API."""
    with app.app_context():
        survey_id = str(db.session.scalar(select(Survey.id)))
    client = app.test_client()
    reviewer = JsonClient(client, AuthActions(client)).login("reviewer")
    response = reviewer.post(f"/api/v1/surveys/{survey_id}/review", json={"state": "has_issues", "comment": reason})
    assert response.status_code == 200
    return survey_id


def test_a_returned_survey_is_corrected_offline_and_replaces_the_original(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    fill_survey(page, "S-001", 5, pe_bags=5)
    save(page)
    assert wait_for_rows(app, 1, page=page) == 1
    original = return_survey(app, "Đếm lại túi ni lông ở quầy 2")

    page.reload()  # online: the app fetches the review
    ready(page)
    page.wait_for_selector("#returned-banner:not([hidden])")
    context.set_offline(True)
    page.reload()  # offline: the review is read from the phone's last copy
    ready(page)
    assert page.text_content("#returned-count") == "1"
    page.click("#returned-banner button")
    page.wait_for_selector("#view-mine:not([hidden])")
    item = page.text_content(f"#mine-list li[data-id='{original}']")
    assert "Đếm lại túi ni lông ở quầy 2" in item
    screenshot(page, "returned-survey-on-phone")

    page.click(f"button[data-correct='{original}']")
    page.wait_for_selector("#view-form:not([hidden])")
    assert page.input_value("#c-checkout-PE_BAG") == "5" and page.input_value("#c-checkout-PAPER") == "5"
    page.fill("#c-checkout-PE_BAG", "0")
    page.dispatch_event("#c-checkout-PE_BAG", "input")
    save(page)
    assert unsent(page) == 1
    assert page.is_hidden("#returned-banner")  # the correction waits in the outbox
    assert "flash-error" not in (page.get_attribute("#status", "class") or "")  # an offline save is no error

    context.set_offline(False)
    page.click("#outbox-pill")
    page.click("#flush-button")
    assert wait_for_rows(app, 2, page=page) == 2
    with app.app_context():
        old = db.session.get(Survey, uuid.UUID(original))
        correction = db.session.get(Survey, old.superseded_by_id)
        assert correction is not None and correction.supersedes_id == old.id
        assert review.counts(old) is False and review.counts(correction) is True
        assert {(line.category_code, line.count) for line in correction.packaging} == {("PAPER", 5)}
    page.wait_for_function("() => document.querySelector('#outbox-count').textContent === '0'")
    context.close()


def test_a_negative_count_is_marked_on_its_field_and_no_verdict_is_shown(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    fill_survey(page, "S-001", 3)
    page.fill("#c-checkout-PE_BAG", "-5")
    page.dispatch_event("#c-checkout-PE_BAG", "input")
    assert page.get_attribute("#c-checkout-PE_BAG", "aria-invalid") == "true"
    assert page.get_attribute("#verdict", "class") == "verdict"  # neither ok nor bad
    assert "đạt" not in page.text_content("#verdict")
    error = page.text_content("#err-c-checkout-PE_BAG")
    assert "Túi" in error or "túi" in error  # the error names its field
    for typed in ("12e3", "1.5"):
        page.fill("#c-checkout-PE_BAG", typed)
        page.dispatch_event("#c-checkout-PE_BAG", "input")
        assert page.get_attribute("#c-checkout-PE_BAG", "aria-invalid") == "true", typed
    page.click("#save-survey")
    assert page.evaluate("document.activeElement.id") == "c-checkout-PE_BAG"  # focus on the first error
    assert unsent(page) == 0
    page.fill("#c-checkout-PE_BAG", "2")
    page.dispatch_event("#c-checkout-PE_BAG", "input")
    assert page.get_attribute("#c-checkout-PE_BAG", "aria-invalid") is None
    assert "verdict bad" in page.get_attribute("#verdict", "class")
    context.close()


def test_an_implausible_count_asks_before_saving_and_never_refuses(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    fill_survey(page, "S-001", 0)
    page.fill("#c-checkout-PAPER", "201")
    page.dispatch_event("#c-checkout-PAPER", "input")
    questions = no_then_yes(page)
    page.click("#save-survey")
    page.wait_for_timeout(300)
    assert len(questions) == 1 and "200" in questions[0]
    assert page.is_visible("#view-form") and unsent(page) == 0  # "no": the form stays as it was
    save(page)  # "yes" this time
    assert len(questions) == 2 and wait_for_rows(app, 1, page=page) == 1
    context.close()
