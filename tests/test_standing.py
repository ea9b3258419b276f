"""What the review page says of how a survey stands in the figures (review.standing): an inspection
counts from its arrival until reviewed, a returned one until corrected, a self-report once approved."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_survey, sync_via_api
from tests.test_corrections import review
from tests.test_review_photos import page
from tests.test_self_report import stored


@pytest.mark.parametrize(
    ("source", "state", "said"),
    [
        ("inspection", "received", "tạm tính vào số liệu, chờ duyệt"),
        ("inspection", "has_issues", "bị trả lại: tạm tính đến khi được sửa hoặc bị từ chối"),
        ("inspection", "approved", "được tính vào số liệu"),
        ("inspection", "rejected", "không được tính"),
        ("self_report", "received", "chỉ được tính khi đã duyệt"),
        ("self_report", "has_issues", "chỉ được tính khi đã duyệt"),
        ("self_report", "approved", "được tính vào số liệu"),
    ],
)
def test_the_review_page_says_how_a_survey_stands(app, client, auth, source, state, said):
    survey_id = stored(app, source=source)
    if state != "received":
        review(app, survey_id, state, "Lý do")
    auth.login("reviewer")
    assert re.search(r'id="standing">([^<]*)<', page(client, f"/review/{survey_id}")).group(1) == said


def test_a_corrected_survey_does_not_count_and_its_correction_counts_until_reviewed(app, api, client, auth):
    api.login("inspector")
    original = make_survey()
    sync_via_api(api, original)
    review(app, original["id"], "has_issues", "Đếm lại")
    correction = make_survey(supersedes=original["id"])
    assert sync_via_api(api, correction)[0]["status"] == "created"
    auth.login("reviewer")
    standing = {
        survey["id"]: re.search(r'id="standing">([^<]*)<', page(client, f"/review/{survey['id']}")).group(1)
        for survey in (original, correction)
    }
    assert standing == {original["id"]: "không được tính", correction["id"]: "tạm tính vào số liệu, chờ duyệt"}
