"""The administrative units a person chooses from, told apart (the unit filters of the staff's pages).

A province loaded with its units before and after the reform of 01/07/2025 holds many
names twice: "Phường Hồng Châu" in force and the abolished one, "Xã Minh Tân" in four old
districts. A list of bare names cannot be read, so the units come in two groups, those
in force first and the abolished ones after, each in Vietnamese order (province, then
districts, then communes); an abolished unit carries the first day it was no longer in
force, and a unit whose name another of its group shares carries its parent's name.
The words are the page's (survey/web/unit_options.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import AdminUnit, db
from survey.domain import names

LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}


@dataclass(frozen=True)
class UnitChoice:
    code: str
    name: str
    parent_name: str | None  # only when another unit of the same group has the same name
    ended_on: date | None  # the first day an abolished unit was no longer in force
    code_shown: bool = False  # when even the parent does not tell it from another (a unit entered twice)


def unit_choices(today: date) -> tuple[list[UnitChoice], list[UnitChoice]]:
    """The units in force on `today` and the abolished ones, each group ordered and told apart."""
    units = db.session.scalars(select(AdminUnit).options(joinedload(AdminUnit.parent))).all()
    in_force = [unit for unit in units if unit.valid_to is None or unit.valid_to >= today]
    abolished = [unit for unit in units if unit.valid_to is not None and unit.valid_to < today]
    return told_apart(in_force), told_apart(abolished)


def told_apart(units: list[AdminUnit]) -> list[UnitChoice]:
    """One group's choices, by level then name, with the parent where a name repeats (and the code
    where the parent's name repeats too)."""
    spelt = {unit.code: names.tidy(unit.name) for unit in units}
    repeated = Counter(spelt.values())
    parents = {
        unit.code: names.tidy(unit.parent.name) if unit.parent is not None and repeated[spelt[unit.code]] > 1 else None
        for unit in units
    }
    still_repeated = Counter((spelt[unit.code], parents[unit.code]) for unit in units)
    choices = []
    for unit in units:
        name, parent = spelt[unit.code], parents[unit.code]
        ended_on = unit.valid_to + timedelta(days=1) if unit.valid_to is not None else None
        choice = UnitChoice(unit.code, name, parent, ended_on, still_repeated[name, parent] > 1)
        choices.append((LEVEL_ORDER.get(unit.level, len(LEVEL_ORDER)), choice))
    choices.sort(
        key=lambda pair: (
            pair[0],
            names.sort_key(pair[1].name),
            names.sort_key(pair[1].parent_name or ""),
            pair[1].code,
        )
    )
    return [choice for _level, choice in choices]
