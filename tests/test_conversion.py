"""Stores registered before the reform get their commune in force: by themselves when the
official conversion is unambiguous, by an admin's choice otherwise."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models import AdminUnit, AuditEntry, Store, db
from survey.domain import names as names_module
from tests.conftest import add_store, csrf_from, load_official_hung_yen


def unit(code: str) -> AdminUnit:
    return db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))


@pytest.fixture
def before_the_reform(app):
    with app.app_context():
        load_official_hung_yen()
        add_store("K-1", unit("L-11953"))  # Phường Hiến Nam → Phường Phố Hiến, whole
        add_store("K-2", unit("L-12322"))  # Xã Ngọc Thanh, split between Sơn Nam and Hiệp Cường
        add_store("K-3", unit("L-327"))  # Huyện Yên Mỹ: a district, many communes
        add_store("K-4", unit("11953"))  # already in a commune in force
        db.session.commit()


def units_of(app, code: str) -> tuple[str, str | None]:
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == code))
        return store.unit.code, store.legacy_unit.code if store.legacy_unit else None


def test_the_page_converts_what_is_unambiguous_and_lists_the_rest(app, client, auth, before_the_reform):
    auth.login("admin")
    page = client.get("/stores/units?lang=en").get_data(as_text=True)
    assert "1 store can be given its commune by the official conversion." in page
    assert 'data-code="K-2"' in page and 'data-code="K-3"' in page and 'data-code="K-4"' not in page
    assert "Phường Sơn Nam" in page and "Xã Hiệp Cường" in page
    response = client.post("/stores/units/convert", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert units_of(app, "K-1") == ("11953", "L-11953")
    assert units_of(app, "K-2") == ("L-12322", None)  # left for a person to choose
    assert units_of(app, "K-4") == ("11953", None)
    page = client.get("/stores/units?lang=en").get_data(as_text=True)
    assert "0 stores can be given their commune" in page
    # The official default is preselected for the split commune.
    assert '<option selected value="12322">' in page or 'value="12322" selected' in page


def test_an_admin_chooses_the_commune_of_a_split_one(app, client, auth, before_the_reform):
    auth.login("admin")
    page = client.get("/stores/units").get_data(as_text=True)
    response = client.post("/stores/units/K-2", data={"csrf_token": csrf_from(page), "unit_code": "11983"})
    assert response.status_code == 302
    assert units_of(app, "K-2") == ("11983", "L-12322")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "store_update"))
        assert entry.target == "store:K-2" and "L-12322" in entry.from_value and "11983" in entry.to_value
    # An abolished unit or a made-up code is refused; nothing changes.
    for bad in ("L-11953", "NOPE"):
        client.post("/stores/units/K-3", data={"csrf_token": csrf_from(page), "unit_code": bad})
        assert units_of(app, "K-3") == ("L-327", None)


def test_only_admins_may_convert(client, auth, before_the_reform):
    auth.login("reviewer")
    assert client.get("/stores/units").status_code == 403
    assert client.post("/stores/units/convert", data={}).status_code in (400, 403)


def test_the_command_converts_and_lists_the_rest(app, runner, before_the_reform):
    result = runner.invoke(args=["convert-store-units"])
    assert result.exit_code == 0, result.output
    # K-2, K-3, and the shared fixture's S-002 and S-003, registered in the abolished Thị xã Mỹ Hào.
    assert "Converted: 1; cần chọn / to choose: 4" in result.output
    assert "K-2" in result.output and "Phường Sơn Nam (11983)" in result.output and "K-3" in result.output
    assert units_of(app, "K-1") == ("11953", "L-11953")
    again = runner.invoke(args=["convert-store-units"])
    assert "Converted: 0" in again.output  # nothing left to do twice


def test_the_communes_to_choose_from_are_in_vietnamese_order(client, auth, before_the_reform):
    """Code-point order put "Xã Đ…" after "Xã Z…"; a reader looks for it after "Xã D…"."""
    auth.login("admin")
    page = client.get("/stores/units").get_data(as_text=True)
    select_k3 = page[page.index('data-code="K-3"') :]
    select_k3 = select_k3[: select_k3.index("</select>")]
    names = re.findall(r"<option[^>]*>([^<(]+) \(", select_k3)
    communes = [name for name in names if name.startswith("Xã ")]
    assert len(communes) > 20
    assert communes == sorted(communes, key=names_module.sort_key)
    first_letters = [name.removeprefix("Xã ")[0] for name in communes]
    assert first_letters.index("Đ") < first_letters.index("H")
