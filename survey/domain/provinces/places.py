"""Which provinces a deployment holds, and the province above a unit.

A province is a unit of level `province` at the top of the tree (`import-units --official 33`
loads one, a hand-made unit file may hold `HY`). Every other unit, every store and every scoped
row belongs to the province above it (docs/provinces.md).
"""

from __future__ import annotations

from sqlalchemy import select

from models import AdminUnit, db

LEVEL = "province"
NOWHERE = 0  # a province id no row has: the scope of a request that may see nothing


def all_provinces() -> list[AdminUnit]:
    """The provinces the deployment holds, by code."""
    query = select(AdminUnit).where(AdminUnit.level == LEVEL, AdminUnit.parent_id.is_(None))
    return list(db.session.scalars(query.order_by(AdminUnit.code)))


def scope_of(role: str, province_id: int | None) -> int | None:
    """The province a user's requests see (None: every province). Their own; every province for the
    Ministry. A staff user with none (a database not yet moved over by `init-db`) sees every province
    while the deployment holds at most one, and nothing once it holds several: a user forgotten in
    the move never sees them all."""
    if province_id is not None or role == "ministry":
        return province_id
    return None if len(all_provinces()) <= 1 else NOWHERE


def by_code(code: str) -> AdminUnit | None:
    """The province with this unit code ("33", "HY"; "1" for "01" as `import-units --official` takes it), or None."""
    wanted = {code.strip(), code.strip().zfill(2)} if code.strip().isdigit() else {code.strip()}
    return next((province for province in all_provinces() if province.code in wanted), None)


def only_province() -> AdminUnit | None:
    """The province of a deployment that holds exactly one; None with none or several."""
    found = all_provinces()
    return found[0] if len(found) == 1 else None


def province_above(unit: AdminUnit | None) -> AdminUnit | None:
    """The province at the top of a unit's tree (the unit itself for a province); None when the top is
    no province. Walks the objects, so a unit added in the same flush as its province is followed."""
    for _step in range(20):  # a unit tree is a handful of levels deep; the import refuses loops
        if unit is None:
            return None
        if unit.parent is None and unit.parent_id is None:
            return unit if unit.level == LEVEL else None
        unit = unit.parent
    return None
