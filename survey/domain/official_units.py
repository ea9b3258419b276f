"""A province's official administrative units, before and after the reform of 01/07/2025.

The data comes from maintained packages, never from a hand-typed list:
- `vietnam-provinces`: the 34 provinces and their 3,321 communes and wards in force,
  with their GSO codes;
- `vietnamadminunits`: the 63 provinces' districts, communes and wards before the
  reform, and the official conversion from old communes to new ones (including
  communes split between several new ones).

Official codes were reused across the reform (the new Phường Phố Hiến is 11953, the
code of the old Phường Hiến Nam), so abolished units are stored as `L-<code>`. Old
districts hang under the province as it is now; old communes under their district.
See docs/units.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select

from models import AdminUnit, UnitSuccessor, User, db
from survey.domain import audit, names

LEGACY_PREFIX = "L-"
REFORM_DAY = date(2025, 7, 1)
LAST_DAY_BEFORE = date(2025, 6, 30)


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    level: str
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None


@dataclass
class OfficialUnits:
    """Everything one province needs: its units now and before, and the conversion between them."""

    province: UnitRow
    current: list[UnitRow] = field(default_factory=list)
    legacy: list[UnitRow] = field(default_factory=list)
    successors: list[tuple[str, str, bool]] = field(default_factory=list)  # (old code, new code, default)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def legacy_code(code: str) -> str:
    return f"{LEGACY_PREFIX}{code}"


def read_official(province_code: str) -> OfficialUnits:
    """Read a province from the packages; ValueError for a code that is not a province in force."""
    from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

    try:
        province = Province.from_code(ProvinceCode(int(province_code)))
    except ValueError:
        raise ValueError(f"{province_code!r} is not the code of a province in force") from None
    code = f"{int(province.code):02d}"
    kind = "Tỉnh" if province.division_type == VietNamDivisionType.TINH else "Thành phố"
    name = province.name if province.name.startswith(("Tỉnh ", "Thành phố ")) else f"{kind} {province.name}"
    result = OfficialUnits(UnitRow(code, name, "province", None, None, None))
    wards = sorted(Ward.iter_by_province(province.code), key=lambda ward: int(ward.code))
    current_by_key = {}
    for ward in wards:
        row = UnitRow(f"{int(ward.code):05d}", ward.name, "commune", code, REFORM_DAY, None)
        result.current.append(row)
        current_by_key[package_key(ward.name)] = row.code
    read_legacy(code, result, current_by_key)
    return result


def package_key(name: str) -> str:
    """The key vietnamadminunits gives a unit's name ("Phường Phố Hiến" → "phuongphohien")."""
    from vietnamadminunits.parser.utils import key_normalize

    return key_normalize(name)


def read_legacy(code: str, result: OfficialUnits, current_by_key: dict[str, str]) -> None:
    """Add the districts and communes abolished on 01/07/2025, and where each old commune went."""
    from vietnamadminunits.converter.converter_2025 import (
        DICT_PROVINCE,
        DICT_PROVINCE_WARD_DIVIDED,
        DICT_PROVINCE_WARD_NO_DIVIDED,
    )
    from vietnamadminunits.database import query

    found = query(f"SELECT DISTINCT provinceKey FROM admin_units WHERE provinceCode = '{code}'")  # code is 2 digits
    new_key = found[0]["provinceKey"] if found else package_key(result.province.name)
    old_province_keys = set(DICT_PROVINCE.get(new_key, []))
    whole = {old: new for new, olds in DICT_PROVINCE_WARD_NO_DIVIDED.get(new_key, {}).items() for old in olds}
    split = DICT_PROVINCE_WARD_DIVIDED.get(new_key, {})
    rows = query(
        "SELECT province, district, ward, districtCode, wardCode FROM admin_units_legacy "
        "ORDER BY provinceCode, districtCode, wardCode"
    )
    districts: dict[str, UnitRow] = {}
    for row in rows:
        province_key = package_key(row["province"])
        if province_key not in old_province_keys:
            continue
        district = legacy_code(row["districtCode"])
        if district not in districts:
            districts[district] = UnitRow(district, row["district"], "district", code, None, LAST_DAY_BEFORE)
        if not row["wardCode"]:
            continue  # an island district without communes
        commune = legacy_code(row["wardCode"])
        result.legacy.append(UnitRow(commune, row["ward"], "commune", district, None, LAST_DAY_BEFORE))
        old_key = f"{province_key}_{package_key(row['district'])}_{package_key(row['ward'])}"
        if old_key in whole and whole[old_key] in current_by_key:
            result.successors.append((commune, current_by_key[whole[old_key]], True))
        for option in split.get(old_key, []):
            if option["newWardKey"] in current_by_key:
                result.successors.append((commune, current_by_key[option["newWardKey"]], option["isDefaultNewWard"]))
    result.legacy[:0] = districts.values()


def load_official(province_code: str, actor: User | None = None) -> LoadReport:
    """Upsert a province's official units and the conversion between them; loading twice changes nothing."""
    official = read_official(province_code)
    report = LoadReport()
    units = {unit.code: unit for unit in db.session.scalars(select(AdminUnit))}
    ordered = [official.province, *official.current, *official.legacy]
    for row in ordered:  # parents come before their children
        unit = units.get(row.code)
        values = {
            "name": names.tidy(row.name),  # one package spells "Xã  Bắc Đông Quan" with two spaces
            "level": row.level,
            "parent": units[row.parent_code] if row.parent_code else None,
            "valid_from": row.valid_from,
            "valid_to": row.valid_to,
        }
        if unit is None:
            unit = units[row.code] = AdminUnit(code=row.code, **values)
            db.session.add(unit)
            report.created += 1
        elif any(getattr(unit, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(unit, name, value)
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    old_ids = [units[row.code].id for row in official.legacy if row.level == "commune"]
    db.session.execute(delete(UnitSuccessor).where(UnitSuccessor.old_unit_id.in_(old_ids)))
    for old, new, is_default in official.successors:
        db.session.add(UnitSuccessor(old_unit_id=units[old].id, new_unit_id=units[new].id, is_default=is_default))
    report.counts = {
        "province": 1,
        "communes": len(official.current),
        "old_districts": sum(1 for row in official.legacy if row.level == "district"),
        "old_communes": sum(1 for row in official.legacy if row.level == "commune"),
        "conversions": len(official.successors),
    }
    if report.created or report.updated:
        summary = audit.import_counts(report.created, report.updated)
        audit.record(actor, "unit_import", f"units:{official.province.code}", "", summary, official.province.name)
    db.session.commit()
    return report
