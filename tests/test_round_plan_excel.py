"""A round's plan as a workbook, downloaded and uploaded again (all lines or none, each fault named by its
line in Vietnamese), and the progress workbook."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from models import AuditEntry, RoundAssignment, Store, User, db
from survey.domain import policy
from tests.conftest import CHECKOUT_ALL_ECO, csrf_from, visit

ROUND = {"name": "Đợt 2026", "starts_on": "2026-03-02", "ends_on": "2026-11-29"} | {
    "store_types": ["supermarket", "commercial_centre"]
}
HEADER = ["Mã cửa hàng", "Cán bộ kiểm tra (tên đăng nhập)"]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(policy, "local_today", lambda: date(2026, 3, 15))


@pytest.fixture
def round_id(client, auth) -> int:
    auth.login("admin")
    page = client.get("/rounds").get_data(as_text=True)
    response = client.post("/rounds", data={**ROUND, "csrf_token": csrf_from(page)})
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def upload(client, round_id: int, data: bytes, filename: str):
    page = client.get(f"/rounds/{round_id}/plan").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(
        f"/rounds/{round_id}/plan/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def sheet_rows(data: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)]


def workbook_of(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def assignments(app) -> dict[str, str]:
    with app.app_context():
        query = select(Store.code, User.username).join(RoundAssignment, RoundAssignment.store_id == Store.id)
        return dict(db.session.execute(query.join(User, User.id == RoundAssignment.inspector_id)).all())


def assignments_audited(app) -> int:
    with app.app_context():
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "round_assign")
        return db.session.scalar(query)


def test_the_plan_lists_every_covered_store_in_vietnamese(client, app, round_id):
    with app.app_context():
        visit("S-001", "2026-03-04T09:00:00+07:00", CHECKOUT_ALL_ECO)
    response = client.get(f"/rounds/{round_id}/plan.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    rows = sheet_rows(response.data)
    assert rows[0] == [
        "Mã cửa hàng", "Tên cửa hàng", "Loại cửa hàng", "Mã đơn vị hành chính", "Đơn vị hành chính", "Địa chỉ",
        "Cán bộ kiểm tra (tên đăng nhập)", "Đã khảo sát trong đợt",
    ]  # fmt: skip
    assert rows[1:] == [
        ["S-001", "Cửa hàng S-001", "Siêu thị", "HY-PH", "Phường Phố Hiến", "Địa chỉ S-001", None, "Có"],
        ["S-002", "Cửa hàng S-002", "Trung tâm thương mại", "HY-MH", "Thị xã Mỹ Hào", "Địa chỉ S-002", None, "Không"],
    ]


def test_the_plan_downloaded_filled_in_and_uploaded_again_assigns_every_line(client, app, round_id):
    rows = sheet_rows(client.get(f"/rounds/{round_id}/plan.xlsx").data)
    rows[1][6], rows[2][6] = "inspector", "inspector2"
    response = upload(client, round_id, workbook_of(rows), "ke-hoach.xlsx")
    assert response.status_code == 302
    assert assignments(app) == {"S-001": "inspector", "S-002": "inspector2"}
    shown = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Đã nhập kế hoạch. Số cửa hàng được giao: 2" in shown
    # Downloaded again, the plan says who has which store; uploaded as it is, it changes nothing.
    again = client.get(f"/rounds/{round_id}/plan.xlsx").data
    assert [row[6] for row in sheet_rows(again)[1:]] == ["inspector", "inspector2"]
    audited = assignments_audited(app)
    assert upload(client, round_id, again, "ke-hoach.xlsx").status_code == 302
    assert assignments_audited(app) == audited


def test_a_plan_in_csv_with_the_columns_own_names_and_an_empty_inspector_takes_stores_back(client, app, round_id):
    upload(client, round_id, b"store_code,inspector\nS-001,inspector\nS-002,inspector\n", "plan.csv")
    assert assignments(app) == {"S-001": "inspector", "S-002": "inspector"}
    upload(client, round_id, "inspector,Mã cửa hàng\n,S-002\n".encode(), "plan.csv")  # any order, any naming
    assert assignments(app) == {"S-001": "inspector"}


@pytest.mark.parametrize(
    ("lines", "faults"),
    [
        ([["S-001", "inspector"], ["S-404", "inspector"]], {3: "Đợt khảo sát không bao gồm cửa hàng S-404."}),
        ([["S-001", "reviewer"], ["S-002", "inspector"]], {2: "reviewer không phải cán bộ kiểm tra đang hoạt động."}),
        ([["S-003", "inspector"], ["S-001", "nobody-here"]], {2: "S-003", 3: "nobody-here"}),
        ([["S-001", "inspector"], ["S-001", "inspector2"]], {3: 'Mã "S-001" đã có ở dòng 2.'}),
        ([["", "inspector"], ["S-001", "inspector"]], {2: "Bắt buộc phải có cột Mã cửa hàng."}),
    ],
)
def test_a_bad_line_refuses_the_whole_file_and_is_named_by_its_line(client, app, round_id, lines, faults):
    response = upload(client, round_id, workbook_of([HEADER, *lines]), "p.xlsx")
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    table = page[page.index('id="import-errors"') :]
    shown = re.findall(r'<tr><td class="num">(\d+)</td><td>(.*?)</td></tr>', table)
    assert {int(line) for line, _message in shown} == set(faults)
    for line, message in shown:
        assert faults[int(line)] in message
    assert "Chưa nhập dữ liệu nào" in page
    assert assignments(app) == {}


def test_a_file_with_an_unknown_column_is_refused_before_any_line(client, app, round_id):
    response = upload(client, round_id, b"store_code,inspector,notes\nS-001,inspector,x\n", "plan.csv")
    assert response.status_code == 400
    assert "Cột không hợp lệ: notes." in html.unescape(response.get_data(as_text=True))
    assert assignments(app) == {}


def test_the_progress_workbook_has_the_pages_figures_by_inspector_and_by_unit(client, app, round_id):
    upload(client, round_id, b"store_code,inspector\nS-001,inspector\n", "plan.csv")
    with app.app_context():
        visit("S-001", "2026-03-04T09:00:00+07:00", CHECKOUT_ALL_ECO)
    response = client.get(f"/rounds/{round_id}/progress.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Theo cán bộ", "Theo đơn vị"]
    by_inspector = [list(row) for row in book["Theo cán bộ"].iter_rows(values_only=True)]
    assert by_inspector == [
        ["Cán bộ kiểm tra", "Số cửa hàng trong đợt", "Số cửa hàng đã khảo sát", "Đã khảo sát (%)"],
        ["inspector", 1, 1, 1.0],
        ["Chưa giao", 1, 0, 0.0],
    ]
    by_unit = [list(row) for row in book["Theo đơn vị"].iter_rows(values_only=True)]
    assert by_unit[1:] == [["HY-PH", "Phường Phố Hiến", 1, 1, 1.0], ["HY-MH", "Thị xã Mỹ Hào", 1, 0, 0.0]]
