"""Unit and store names in one spelling (composed, trimmed, single spaces) on every channel that
writes them, and the migration that fixes the rows written before."""

from __future__ import annotations

import importlib.util
import unicodedata
from pathlib import Path

from sqlalchemy import select, text

from models import AdminUnit, Store, db
from survey.domain import importing, official_units, search
from survey.domain.names import tidy
from tests.conftest import post_form, store_form

ROOT = Path(__file__).resolve().parent.parent
SPACED = "  Xã  Bắc \u00a0Đông   Quan "  # two spaces inside, a no-break space, spaces at the ends
DECOMPOSED = unicodedata.normalize("NFD", "Siêu thị  Phố Hiến")


def test_tidy_makes_one_spelling():
    assert tidy(SPACED) == "Xã Bắc Đông Quan"
    assert tidy(DECOMPOSED) == unicodedata.normalize("NFC", "Siêu thị Phố Hiến")
    assert tidy("Phường Phố Hiến") == "Phường Phố Hiến"


def unit_name(code: str) -> str:
    return db.session.scalar(select(AdminUnit.name).where(AdminUnit.code == code))


def store_name(code: str) -> str:
    return db.session.scalar(select(Store.name).where(Store.code == code))


def test_imported_units_and_stores_are_single_spaced(app):
    units = f'code,name,level,parent_code,valid_from,valid_to\nBDQ,"{SPACED}",commune,HY,2025-07-01,\n'
    stores = "code,name,type,class,unit_code,address,chain,opened_on,closed_on,lat,lon\n"
    stores += f"N-002,{DECOMPOSED},supermarket,,BDQ,,,,,,\n"
    with app.app_context():
        assert not importing.import_file("units", units.encode()).errors
        assert not importing.import_file("stores", stores.encode()).errors
        assert unit_name("BDQ") == "Xã Bắc Đông Quan"
        assert store_name("N-002") == unicodedata.normalize("NFC", "Siêu thị Phố Hiến")


def test_a_store_typed_with_double_spaces_is_kept_single_spaced(app, client, auth):
    auth.login("admin")
    assert post_form(client, "/stores/new", store_form(name="Siêu thị  Mới ")).status_code == 302
    with app.app_context():
        assert store_name("N-001") == "Siêu thị Mới"


def test_the_official_units_are_stored_single_spaced(app, monkeypatch):
    """As the package spells one commune of Hưng Yên ("Xã  Bắc Đông Quan")."""
    province = official_units.UnitRow("99", "Tỉnh Thử", "province", None, None, None)
    commune = official_units.UnitRow("99001", SPACED, "commune", "99", official_units.REFORM_DAY, None)
    monkeypatch.setattr(
        official_units, "read_official", lambda _code: official_units.OfficialUnits(province, [commune])
    )
    with app.app_context():
        assert official_units.load_official("99").created == 2
        assert unit_name("99001") == "Xã Bắc Đông Quan"
        assert official_units.load_official("99").unchanged == 2  # loading again sees nothing to change


def migration():
    """The migration module 0012, loaded from its file as Alembic loads it."""
    path = ROOT / "migrations" / "versions" / "0012_tidy_unit_and_store_names.py"
    spec = importlib.util.spec_from_file_location("tidy_names_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_fixes_the_names_already_stored(app):
    with app.app_context():
        # Rows as they were written before every channel tidied names: straight into the tables.
        db.session.execute(text("UPDATE admin_unit SET name = :name WHERE code = 'HY-PH'"), {"name": SPACED})
        db.session.execute(text("UPDATE store SET name = :name WHERE code = 'S-002'"), {"name": DECOMPOSED})
        db.session.commit()
        with db.engine.begin() as connection:
            assert migration().tidy_names(connection) == 2
        db.session.expire_all()
        assert unit_name("HY-PH") == "Xã Bắc Đông Quan"
        store = db.session.scalar(select(Store).where(Store.code == "S-002"))
        assert store.name == unicodedata.normalize("NFC", "Siêu thị Phố Hiến")
        assert store.search_key == search.store_key(store)
        assert store_name("S-001") == "Cửa hàng S-001"  # a tidy name is left alone
        with db.engine.begin() as connection:
            assert migration().tidy_names(connection) == 0
