"""A verdict that turns a survey down or sends it back needs a reason, on every channel."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Survey, User, db
from survey.domain import review
from tests.conftest import csrf_from, visit

CHECKOUT = [{"zone": "checkout", "category": "PAPER", "count": 10}]


@pytest.fixture
def survey_id(app):
    with app.app_context():
        return visit("S-001", "2025-05-01T10:00:00+07:00", CHECKOUT)


def state_and_audit(app, survey_id: str) -> tuple[str, int]:
    with app.app_context():
        state = db.session.get(Survey, uuid.UUID(survey_id)).review_state
        decisions = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "review")
        return state, db.session.scalar(decisions)


@pytest.mark.parametrize("state", ["has_issues", "rejected"])
@pytest.mark.parametrize("comment", [None, "", "   \n "])
def test_the_api_refuses_a_verdict_without_a_reason(app, api, survey_id, state, comment):
    api.login("reviewer")
    body = {"state": state} if comment is None else {"state": state, "comment": comment}
    response = api.post(f"/api/v1/surveys/{survey_id}/review", json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and "comment" in error["fields"]
    assert state_and_audit(app, survey_id) == ("received", 0)  # nothing changed


@pytest.mark.parametrize("state", ["has_issues", "rejected"])
def test_the_api_takes_a_verdict_with_its_reason(app, api, survey_id, state):
    api.login("reviewer")
    response = api.post(f"/api/v1/surveys/{survey_id}/review", json={"state": state, "comment": "Thiếu quầy 2"})
    assert response.status_code == 200 and response.get_json()["review_state"] == state
    assert state_and_audit(app, survey_id) == (state, 1)


@pytest.mark.parametrize("state", ["approved", "received"])
def test_other_verdicts_need_no_reason(app, api, survey_id, state):
    api.login("admin")
    assert api.post(f"/api/v1/surveys/{survey_id}/review", json={"state": state}).status_code == 200
    assert state_and_audit(app, survey_id)[0] == state


@pytest.mark.parametrize("state", ["has_issues", "rejected"])
def test_the_review_page_refuses_a_verdict_without_a_reason(app, client, auth, survey_id, state):
    auth.login("reviewer")
    page = client.get(f"/review/{survey_id}?lang=en").get_data(as_text=True)
    response = client.post(
        f"/review/{survey_id}?lang=en", data={"csrf_token": csrf_from(page), "state": state, "comment": "  "}
    )
    assert response.status_code == 200
    assert "Say what is wrong, so that the sender can act on it." in response.get_data(as_text=True)
    assert state_and_audit(app, survey_id) == ("received", 0)


@pytest.mark.parametrize("state", ["has_issues", "rejected"])
def test_the_domain_refuses_a_verdict_without_a_reason(app, survey_id, state):
    with app.app_context():
        survey = db.session.get(Survey, uuid.UUID(survey_id))
        reviewer = db.session.scalar(select(User).where(User.username == "reviewer"))
        with pytest.raises(review.ReasonRequired):
            review.set_state(survey, state, " ", reviewer)
        db.session.rollback()
    assert state_and_audit(app, survey_id) == ("received", 0)
