"""The report settings an admin sets once: kept in the database, audited, used by the page and the Word file."""

from __future__ import annotations

import io

import docx
import pytest
from sqlalchemy import select

from models import AuditEntry, ReportSettings, db
from survey.domain import report_settings
from tests.conftest import csrf_from, post_form

URL = "/report/settings"
NEW = {
    "parent_body": "UBND TỈNH HƯNG YÊN",
    "issuing_body": "SỞ CÔNG THƯƠNG",
    "symbol": "BC-SCT",
    "place": "Hưng Yên",
    "addressee": "Ủy ban nhân dân tỉnh Hưng Yên",
    "signer_authority": "KT. GIÁM ĐỐC",
    "signer_position": "PHÓ GIÁM ĐỐC",
    "signer_name": "Trần Thị Bình",
    "recipients": "Như trên;\r\n- Bộ Công Thương (để b/c);\r\n\r\nLưu: VT, QLTM.",
}


def test_only_admins_open_the_settings(client, auth):
    response = client.get(URL)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    for username in ("inspector", "reviewer"):
        auth.login(username)
        assert client.get(URL).status_code == 403
        assert (
            client.post(
                URL, data={**NEW, "csrf_token": csrf_from(client.get("/login").get_data(as_text=True))}
            ).status_code
            == 403
        )
        client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login("admin")
    page = client.get(URL).get_data(as_text=True)
    assert 'value="SỞ CÔNG THƯƠNG"' in page and 'value="BC-SCT"' in page  # the defaults until saved


def test_a_form_without_its_token_is_refused(app, client, auth):
    auth.login("admin")
    assert client.post(URL, data=NEW).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ReportSettings)) is None


def test_saved_settings_are_audited_and_fill_the_report(app, client, auth):
    auth.login("admin")
    response = post_form(client, URL, NEW)
    assert response.status_code == 302
    with app.app_context():
        settings = report_settings.current()
        assert settings.signer_name == "Trần Thị Bình"
        assert settings.recipient_lines == ["Như trên;", "Bộ Công Thương (để b/c);", "Lưu: VT, QLTM."]
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report_settings")).all()
        changed = {entry.target: (entry.from_value, entry.to_value) for entry in entries}
        assert changed["report:signer_name"] == ("", "Trần Thị Bình")
        assert set(changed) == {"report:signer_name", "report:recipients"}
        assert all(entry.actor.username == "admin" for entry in entries)
    log = client.get("/audit").get_data(as_text=True)
    assert "Thay đổi thiết lập báo cáo" in log and "Trần Thị Bình" in log

    page = client.get("/report?year=2025").get_data(as_text=True)
    assert "Trần Thị Bình" in page and "- Bộ Công Thương (để b/c);" in page and "Chưa có họ tên người ký" not in page
    document = docx.Document(io.BytesIO(client.get("/report.docx?year=2025").data))
    recipients, signer = document.tables[-1].rows[0].cells
    assert [p.text for p in signer.paragraphs if p.text] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Bình"]
    assert [p.text for p in recipients.paragraphs if p.text][1:] == [
        "- Như trên;",
        "- Bộ Công Thương (để b/c);",
        "- Lưu: VT, QLTM.",
    ]

    # Saving the same again changes nothing and records nothing.
    post_form(client, URL, {**NEW, "recipients": "Như trên;\nBộ Công Thương (để b/c);\nLưu: VT, QLTM."})
    with app.app_context():
        assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report_settings")).all()) == 2


def test_the_director_signing_leaves_out_the_authority_line(client, auth):
    auth.login("admin")
    post_form(client, URL, {**NEW, "signer_authority": "", "signer_position": "GIÁM ĐỐC", "addressee": ""})
    document = docx.Document(io.BytesIO(client.get("/report.docx?year=2025").data))
    signer = document.tables[-1].rows[0].cells[1]
    assert [p.text for p in signer.paragraphs if p.text] == ["GIÁM ĐỐC", "Trần Thị Bình"]
    assert not any(p.text.startswith("Kính gửi") for p in document.paragraphs)


@pytest.mark.parametrize(
    ("field", "value"),
    [("issuing_body", ""), ("symbol", "x" * 41), ("signer_name", "Trần\x07Bình"), ("recipients", "  ")],
)
def test_bad_values_are_refused_and_nothing_is_saved(app, client, auth, field, value):
    auth.login("admin")
    response = post_form(client, URL, {**NEW, field: value})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ReportSettings)) is None
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report_settings")) is None


def test_the_report_warns_while_no_signer_is_set(client, auth):
    auth.login("reviewer")
    page = client.get("/report?year=2025").get_data(as_text=True)
    assert "Chưa có họ tên người ký" in page and "(Họ và tên)" in page
    assert URL not in page  # the settings link is for admins
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login("admin")
    assert URL in client.get("/report?year=2025").get_data(as_text=True)
