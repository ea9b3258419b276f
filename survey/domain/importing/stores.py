"""The store rows of an import: types by their Vietnamese or English names, units in force and
before the reform, dates and coordinates."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from models import STORE_CLASSES, AdminUnit, db
from survey.domain.importing.headers import COLUMNS
from survey.domain.importing.rows import Row, check_codes
from survey.domain.names import tidy
from survey.domain.official_units import REFORM_DAY, legacy_code
from survey.domain.policy import STORE_TYPES
from survey.domain.registry import (
    CODE_PATTERN,
    COORDINATE_LIMITS,
    MAX_LENGTHS,
    closes_before_opening,
    code_of_another_province,
    half_a_place,
)
from survey.domain.search import fold

# The names a store type may be given by, besides its code (which the import stores).
# Written here rather than taken from the translated labels: a file says the same
# thing whatever language the person uploading it reads the pages in.
TYPE_NAMES = {
    "supermarket": ("Siêu thị", "Supermarket"),
    "commercial_centre": ("Trung tâm thương mại", "Commercial centre"),
    "convenience_store": ("Cửa hàng tiện lợi", "Convenience store"),
    "market": ("Chợ", "Market"),
}
assert tuple(TYPE_NAMES) == STORE_TYPES


def type_key(text: str) -> str:
    """What a store type is matched by: no case, no accents, _ as a space, single spaces."""
    return " ".join(fold(text).replace("_", " ").split())


TYPE_BY_KEY = {type_key(name): code for code, names in TYPE_NAMES.items() for name in (code, *names)}

# The example row of the downloadable template: a real commune of Hưng Yên in force
# (11953, Phường Phố Hiến) and the unit it had before the reform (L-11953, Phường Hiến Nam).
EXAMPLE_STORE = {
    "code": "VD-001",
    "name": "Siêu thị Ví dụ Phố Hiến",
    "type": "Siêu thị",
    "class": "II",
    "unit_code": "11953",
    "legacy_unit_code": "L-11953",
    "address": "Số 1 đường Ví dụ, Phường Phố Hiến",
    "chain": "",
    "opened_on": date(2020, 3, 15),
    "closed_on": None,
    "lat": 20.6465,
    "lon": 106.0511,
}
assert tuple(EXAMPLE_STORE) == COLUMNS["stores"]


def read_store_type(row: Row, column: str) -> str:
    """Read a store type given by its code, or its Vietnamese or English name; return the code."""
    code = TYPE_BY_KEY.get(type_key(row.values[column]))
    if code is None:
        names = ", ".join(f"{names[0]} ({code})" for code, names in TYPE_NAMES.items())
        row.fail(_('%(column)s "%(value)s" is not one of: %(allowed)s.', allowed=names, **row.at(column)))
    return code or ""


class UnitFinder:
    """Find units by code as written, or in other capitals when that names one unit only."""

    def __init__(self) -> None:
        found = db.session.execute(select(AdminUnit.id, AdminUnit.code, AdminUnit.valid_to))
        self.units = {unit.code: unit for unit in found}
        by_lower: dict[str, list] = {}
        for unit in self.units.values():
            by_lower.setdefault(unit.code.lower(), []).append(unit)
        self.by_lower = {code: units[0] for code, units in by_lower.items() if len(units) == 1}

    def find(self, code: str):
        return self.units.get(code) or self.by_lower.get(code.lower())


def check_stores(rows: list[Row]) -> list[dict]:
    """Check every store row and return the values to save."""
    check_codes(rows, key=str.lower)  # "demo-001" and "DEMO-001" are one store
    units = UnitFinder()
    records = []
    for row in rows:
        record = {
            "code": row.text("code", MAX_LENGTHS["code"], required=True, pattern=CODE_PATTERN),
            "name": tidy(row.text("name", MAX_LENGTHS["name"], required=True)),
            "type": read_store_type(row, "type"),
            "store_class": row.choice("class", STORE_CLASSES, optional=True) or None,
            "address": row.text("address", MAX_LENGTHS["address"]),
            "chain": row.text("chain", MAX_LENGTHS["chain"]),
            "opened_on": row.date("opened_on"),
            "closed_on": row.date("closed_on"),
            "lat": row.number("lat", COORDINATE_LIMITS["lat"]),
            "lon": row.number("lon", COORDINATE_LIMITS["lon"]),
        }
        if record["code"] and code_of_another_province(record["code"]):
            row.fail(_('The store code "%(value)s" belongs to another province.', **row.at("code")))
        unit_code = row.text("unit_code", 40, required=True)
        unit = units.find(unit_code) if unit_code else None
        if unit_code and unit is None:
            row.fail(_('Unknown administrative unit "%(value)s".', **row.at("unit_code")))
        record["unit_id"] = unit.id if unit else None
        # A file without the column leaves each store's unit before the reform as it is; an empty cell clears it.
        if "legacy_unit_code" in row.values:
            old_code = row.text("legacy_unit_code", 40)
            legacy = units.find(old_code) if old_code else None
            if old_code:
                check_legacy(row, legacy, units)
            record["legacy_unit_id"] = legacy.id if legacy else None
        if closes_before_opening(record["opened_on"], record["closed_on"]):
            row.fail(
                _(
                    "%(closed)s must not be before %(opened)s.",
                    closed=row.name("closed_on"),
                    opened=row.name("opened_on"),
                )
            )
        if half_a_place(row.values["lat"] or None, row.values["lon"] or None):
            row.fail(_("Give both %(lat)s and %(lon)s, or neither.", lat=row.name("lat"), lon=row.name("lon")))
        records.append(record)
    return records


def check_legacy(row: Row, legacy, units: UnitFinder) -> None:
    """The unit before the reform must be a unit abolished on 01/07/2025.

    Official codes were reused across the reform (11953 is the new Phường Phố Hiến,
    L-11953 the old Phường Hiến Nam), so a code in force here is nearly always the
    old code written without its prefix: say which unit was probably meant.
    """
    if legacy is None:
        row.fail(_('Unknown administrative unit "%(value)s".', **row.at("legacy_unit_code")))
    elif legacy.valid_to is None or legacy.valid_to >= REFORM_DAY:
        old = units.find(legacy_code(row.values["legacy_unit_code"]))
        if old is not None and old.valid_to is not None and old.valid_to < REFORM_DAY:
            message = _(
                '%(column)s "%(value)s" is a unit in force after 01/07/2025: did you mean "%(code)s", '
                "the unit with that code before the reform?",
                code=old.code,
                **row.at("legacy_unit_code"),
            )
        else:
            message = _(
                '%(column)s "%(value)s" is a unit in force after 01/07/2025: give a unit abolished by the reform.',
                **row.at("legacy_unit_code"),
            )
        row.fail(message)
