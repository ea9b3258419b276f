"""Every audited action lands in the audit log, named for people: stores, imports, users, links."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import AuditEntry, db
from survey.domain import audit, importing
from survey.labels import AUDIT_ACTIONS
from tests.conftest import csrf_from, post_form

NEW_STORE = {
    "code": "N-001",
    "name": "Siêu thị Mới",
    "type": "supermarket",
    "store_class": "II",
    "unit_code": "HY-PH",
    "opened_on": "2020-01-02",
}


def entries(app) -> list[tuple[str, str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(entry.action, entry.target, entry.from_value, entry.to_value) for entry in rows]


def test_store_created_edited_and_closed_are_audited(app, client, auth):
    auth.login("admin")
    assert post_form(client, "/stores/new", NEW_STORE).status_code == 302
    assert post_form(client, "/stores/N-001/edit", {**NEW_STORE, "name": "Siêu thị Mới Hơn"}).status_code == 302
    page = client.get("/stores/N-001/edit").get_data(as_text=True)
    closing = {"csrf_token": csrf_from(page), "closed_on": "2026-01-31"}
    client.post("/stores/N-001/close", data=closing)  # asks to confirm: nothing is recorded yet
    client.post("/stores/N-001/close", data={**closing, "confirm": "y"})
    log = entries(app)
    assert [(action, target) for action, target, _old, _new in log] == [
        ("store_create", "store:N-001"),
        ("store_update", "store:N-001"),
        ("store_close", "store:N-001"),
    ]
    assert "Siêu thị Mới;" in log[1][2] and "Siêu thị Mới Hơn;" in log[1][3]
    assert log[2][3] == "2026-01-31"
    html = client.get("/audit?lang=en").get_data(as_text=True)
    assert "Store created" in html and "Store closed" in html and "Siêu thị Mới Hơn (N-001)" in html


def test_saving_a_store_unchanged_records_nothing(app, client, auth):
    auth.login("admin")
    edit = {"name": "Cửa hàng S-001", "type": "supermarket", "store_class": "", "unit_code": "HY-PH"}
    response = post_form(client, "/stores/S-001/edit", {**edit, "address": "Địa chỉ S-001", "opened_on": "2019-05-01"})
    assert response.status_code == 302
    assert entries(app) == []


def test_a_store_import_is_audited_with_its_counts(app, client, auth):
    auth.login("admin")
    content = "code,name,type,class,unit_code,address,chain,opened_on,closed_on,lat,lon\n"
    content += "N-002,Siêu thị Hai,supermarket,,HY-PH,,,,,,\nS-001,Cửa hàng S-001,supermarket,,HY-PH,,,,,,\n"
    fields = {
        "file": FileStorage(io.BytesIO(content.encode()), "stores.csv", content_type="text/csv"),
        "csrf_token": csrf_from(client.get("/stores/import").get_data(as_text=True)),
    }
    boundary, body = encode_multipart(fields)
    response = client.post("/stores/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    # The target says the file's real format (it said "stores:file", shown as CSV, for a workbook too).
    assert entries(app) == [("store_import", "stores:file:csv", "", "1 new, 1 updated")]


def test_an_import_keeps_the_format_of_its_file(app):
    """A workbook is recorded as Excel, a CSV file as CSV, whatever the file is called."""
    book = Workbook()
    book.active.append(list(importing.COLUMNS["stores"]))
    book.active.append(["N-003", "Siêu thị Ba", "supermarket", "", "HY-PH", "", "", "", "", "", "", ""])
    data = io.BytesIO()
    book.save(data)
    units = "code,name,level,parent_code,valid_from,valid_to\nHY-XA,Xã Mới,commune,HY,2025-07-01,\n"
    with app.app_context():
        assert not importing.import_file("stores", data.getvalue(), filename="stores.xlsx").errors
        assert not importing.import_file("units", units.encode(), filename="units.txt").errors
    assert [target for _action, target, _old, _new in entries(app)] == ["stores:file:xlsx", "units:file:csv"]


def test_users_created_and_changed_are_audited_on_the_page_and_the_command_line(app, client, auth, runner):
    auth.login("admin")
    data = {"username": "lan", "role": "inspector", "password": "a-good-password", "confirm": "a-good-password"}
    assert post_form(client, "/users/new", data).status_code == 302
    with app.app_context():
        user_id = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "user_create"))
    assert user_id is not None
    result = runner.invoke(args=["create-user", "lan", "--role", "reviewer", "--password", "another-password"])
    assert result.exit_code == 0, result.output
    log = entries(app)
    assert log[0] == ("user_create", "user:lan", "", "inspector, active")
    assert log[1] == ("user_update", "user:lan", "inspector, active", "reviewer, active, password reset")


def test_the_command_line_refuses_a_username_the_pages_refuse(app, runner):
    for name in ("two words", "nguyễn", "x" * 81):
        result = runner.invoke(args=["create-user", name, "--role", "inspector", "--password", "a-good-password"])
        assert result.exit_code != 0, name
    assert entries(app) == []


def test_a_store_link_made_replaced_and_revoked_is_audited(app, client, auth):
    auth.login("reviewer")
    page = client.get("/stores/S-001/link").get_data(as_text=True)
    assert entries(app) == []  # looking at the page makes no link
    for action in ("create", "replace", "revoke"):
        client.post(f"/stores/S-001/link/{action}", data={"csrf_token": csrf_from(page)})
    assert [action for action, *_rest in entries(app)] == ["link_create", "link_replace", "link_revoke"]


def test_every_action_has_a_name_for_people():
    assert set(AUDIT_ACTIONS) == set(audit.ACTIONS)


def test_an_action_without_a_name_is_refused(app):
    with app.app_context(), pytest.raises(ValueError, match="store_explode"):
        audit.record(None, "store_explode", "store:S-001")


def recorded_actions() -> list[str]:
    """The action of every audit.record(...) call in the code, an f-string as a pattern (link_.+)."""
    found = []
    for path in (Path(__file__).resolve().parent.parent / "survey").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"):
                continue
            if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "audit" and len(node.args) > 1):
                continue
            action = node.args[1]
            if isinstance(action, ast.JoinedStr):
                parts = (re.escape(p.value) if isinstance(p, ast.Constant) else ".+" for p in action.values)
                found.append("".join(parts))
            else:
                found.append(re.escape(action.value))
    return found


def test_every_action_written_in_the_code_is_declared_and_named():
    """Read from the source, so that an action no test happens to record is caught too."""
    patterns = recorded_actions()
    assert len(patterns) >= 15
    for pattern in patterns:
        assert any(re.fullmatch(pattern, action) for action in audit.ACTIONS), pattern
