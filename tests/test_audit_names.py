"""The audit log and a store's link history read in the reader's language: no code reaches the page.

The entries are written with the values the domain writes (its own summary functions), one per
action; rows written before a shape was settled (an import's "stores:file") still read sensibly.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import AdminUnit, ComplianceRule, Store, StoreProposal, SurveyRound, User, db
from survey.domain import audit, rule_versions
from survey.domain.rounds import planning
from tests.conftest import CHECKOUT_ALL_ECO, add_unit, csrf_from, visit

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# What the log keeps, which a person must never read on the page.
CODES = (
    "new link",
    "revoked",
    " new, ",
    "updated",
    "inspector",
    "reviewer",
    "active",
    "password reset",
    "checkout",
    "store_packed",
    "supermarket",
    "received",
    "approved",
    "units:",
    "stores:",
    "store:",
    "survey:",
    "report:",
    "link:",
    "product:",
    "signer_name",
    ">=",
    "self_reports",
    "inspections",
)


def user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def record_one_of_each_action() -> None:
    """One entry per action, its target and values as the domain functions write them."""
    admin, store = user("admin"), db.session.scalar(select(Store).where(Store.code == "S-001"))
    # The seeded province, under its official code: the log names the official units' import by it.
    db.session.scalar(select(AdminUnit).where(AdminUnit.code == "HY")).code = "33"
    earlier = visit("S-001", "2025-03-01T10:00:00+07:00", CHECKOUT_ALL_ECO)
    correction = visit("S-001", "2025-03-02T10:00:00+07:00", CHECKOUT_ALL_ECO)
    rule = ComplianceRule(version=2, target_pct=80, zones="checkout;store_packed", min_eco_share_pct=Decimal("20.5"))
    summary = audit.store_summary(store)
    lan = User(username="lan", role="inspector", active=True)
    a_round = SurveyRound(
        name="Đợt 2026",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 11, 30),
        store_types="supermarket;commercial_centre",
        unit_codes="33",
        created_by_id=admin.id,
    )
    proposal = StoreProposal(
        id=uuid.uuid4(),
        name="Siêu thị Minh Anh",
        type="supermarket",
        inspector_id=user("inspector").id,
        content_hash="",
    )
    db.session.add_all([a_round, proposal])
    db.session.flush()
    entries = [
        ("review", f"survey:{earlier}", "received", "approved"),
        ("rule", audit.rule_target(2021), "", rule_versions.describe(rule)),
        ("link_create", audit.store_target(store), "", audit.LINK_NEW),
        ("link_replace", audit.store_target(store), "link:1", audit.LINK_NEW),
        ("link_revoke", audit.store_target(store), "link:2", audit.LINK_REVOKED),
        ("store_create", audit.store_target(store), "", summary),
        ("store_update", audit.store_target(store), summary, summary.replace("Cửa hàng S-001", "Siêu thị Một")),
        ("store_close", audit.store_target(store), "", "2026-01-31"),
        ("store_place", audit.store_target(store), "", "20.646500, 106.051100"),
        ("store_import", audit.import_target("stores", "xlsx"), "", audit.import_counts(2, 0)),
        ("unit_import", "units:33", "", audit.import_counts(504, 0)),
        ("product_import", audit.import_target("products", "csv"), "", audit.import_counts(13, 1)),
        ("product_uncertified", "product:8934563138165", "", ""),
        ("user_create", "user:lan", "", audit.user_summary(lan)),
        ("user_update", "user:lan", audit.user_summary(lan), "reviewer, active, password reset"),
        ("photo_purge", f"survey:{earlier}", str(uuid.uuid4()), ""),
        ("report_settings", "report:signer_name", "", "Nguyễn Văn An"),
        ("survey_correction", f"survey:{correction}", earlier, ""),
        ("survey_superseded", f"survey:{earlier}", "", correction),
        ("round_create", f"round:{a_round.id}", "", planning.round_summary(a_round)),
        ("round_assign", f"round:{a_round.id}", "S-001: ", "lan"),
        (
            "round_update",
            f"round:{a_round.id}",
            planning.round_details(a_round),
            planning.round_details(a_round).replace("; inspections; ", "; self_reports; ") + " (sửa)",
        ),
        ("proposal_create", f"proposal:{proposal.id}", "", "S-001"),
        ("proposal_merge", f"proposal:{proposal.id}", "", "S-001"),
        ("proposal_reject", f"proposal:{proposal.id}", "", ""),
    ]
    assert {action for action, *_rest in entries} == set(audit.ACTIONS)  # a new action needs a line here
    for action, target, before, after in entries:
        audit.record(admin, action, target, before, after)
    db.session.commit()


def log_body(client, query: str = "") -> str:
    html = client.get(f"/audit{query}").get_data(as_text=True)
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_the_vietnamese_log_names_every_action_and_value(app, client, auth):
    with app.app_context():
        record_one_of_each_action()
    auth.login("admin")
    body = log_body(client)
    for action in audit.ACTIONS:
        assert f">{action}<" not in body
    for code in CODES:
        assert code not in body, code
    assert not UUID.search(body)
    for words in (
        "Nhận phiếu sửa",
        "Phiếu được thay bằng phiếu sửa",
        "Tạo đường dẫn tự báo cáo",
        "Đường dẫn mới",
        "Đường dẫn số 1",
        "Đã thu hồi",
        "Tệp cửa hàng (Excel)",
        "thêm 2, cập nhật 0",
        "Danh mục đơn vị hành chính chính thức: Tỉnh Hưng Yên",
        "Cán bộ kiểm tra, đang hoạt động",
        "đã đặt lại mật khẩu",
        "Phiên bản 2: mục tiêu 80%; khu vực: Quầy thu ngân, Hàng tự đóng gói; tỷ lệ",
        "tối thiểu 20,5%",
        "Siêu thị Một; Siêu thị; Phường Phố Hiến; mở cửa 01/05/2019",
        "31/01/2026",
        "Giai đoạn 2021–2025",
        "Họ và tên người ký",
        "Cửa hàng S-001 (S-001), 10:00 02/03/2025",
        "Tạo đợt khảo sát",
        "Đợt 2026",
        "01/03/2026–30/11/2026; Siêu thị, Trung tâm thương mại; Tỉnh Hưng Yên",
        "Cửa hàng S-001 (S-001): chưa giao cho ai",
        "Sửa đợt khảo sát",
        "Đợt 2026; 01/03/2026–30/11/2026; Siêu thị, Trung tâm thương mại; Tỉnh Hưng Yên; chỉ tính phiếu kiểm tra",
        "Đợt 2026 (sửa); 01/03/2026–30/11/2026; Siêu thị, Trung tâm thương mại; Tỉnh Hưng Yên; tính cả phiếu tự",
        "Thêm cửa hàng mới phát hiện vào danh sách",
        "Gộp cửa hàng mới phát hiện vào cửa hàng đã có",
        "Từ chối cửa hàng mới phát hiện",
        "Cửa hàng mới phát hiện: Siêu thị Minh Anh",
    ):
        assert words in body, words


def test_the_english_log_names_them_in_english(app, client, auth):
    with app.app_context():
        record_one_of_each_action()
    auth.login("admin")
    body = log_body(client, "?lang=en")
    for words in ("Correction received", "File of stores (Excel)", "2 new, 0 updated", "Inspector, active"):
        assert words in body, words


@pytest.mark.parametrize(
    ("action", "target", "value", "shown"),
    [
        ("store_import", "stores:file", "1 new, 1 updated", "Tệp cửa hàng<"),  # before the format was kept
        ("unit_import", "units:file", "3 new, 0 updated", "Tệp đơn vị hành chính<"),
        (
            "store_update",
            "store:S-001",
            "Cửa hàng S-001; supermarket; -; HY-P…",
            "Cửa hàng S-001; supermarket; -; HY-P…",
        ),
        ("store_place", "store:GONE-1", "20.6, 106.0", "GONE-1"),  # a store no longer there: its code
    ],
)
def test_rows_written_before_read_sensibly(app, client, auth, action, target, value, shown):
    """Old targets, a value cut short at the column's length, a store deleted since: shown as they are."""
    with app.app_context():
        audit.record(None, action, target, "", value)
        db.session.commit()
    auth.login("admin")
    assert shown in log_body(client)


def test_the_link_history_names_its_actions(app, client, auth):
    auth.login("reviewer")
    page = client.get("/stores/S-001/link").get_data(as_text=True)
    client.post("/stores/S-001/link/create", data={"csrf_token": csrf_from(page), "comment": "In lần đầu"})
    history = client.get("/stores/S-001/link").get_data(as_text=True)
    history = history[history.index("<h2>") :]
    assert "Tạo đường dẫn tự báo cáo · In lần đầu" in history
    assert "link_create" not in history


def test_a_unit_name_comes_from_the_units(app, client, auth):
    """A store's summary names its unit in force and its unit before the reform."""
    with app.app_context():
        old = add_unit("L-1", "Phường Hiến Nam", "commune", valid_to=date(2025, 6, 30))
        store = db.session.scalar(select(Store).where(Store.code == "S-001"))
        store.legacy_unit = old
        audit.record(None, "store_update", audit.store_target(store), "", audit.store_summary(store))
        db.session.commit()
        assert db.session.scalar(select(AdminUnit.name).where(AdminUnit.code == "HY-PH")) == "Phường Phố Hiến"
    auth.login("admin")
    assert "Phường Phố Hiến; trước 01/07/2025: Phường Hiến Nam" in log_body(client)
