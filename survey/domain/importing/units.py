"""The unit rows of an import: levels, validity dates, and a tree that never loops."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from models import AdminUnit, db
from survey.domain import policy
from survey.domain.importing.rows import ImportReport, Row, check_codes, upsert
from survey.domain.names import tidy
from survey.domain.registry import CODE_PATTERN


def check_units(rows: list[Row]) -> list[dict]:
    """Check every unit row, including that no unit becomes its own ancestor."""
    check_codes(rows)
    known = db.session.execute(select(AdminUnit.id, AdminUnit.code, AdminUnit.parent_id)).all()
    code_by_id = {unit_id: code for unit_id, code, _parent_id in known}
    # The tree as it will be after the import: the database overlaid with the file.
    parents = {code: code_by_id.get(parent_id) for _unit_id, code, parent_id in known}
    parents.update({row.values["code"]: row.values["parent_code"] or None for row in rows})
    records = []
    for row in rows:
        record = {
            "code": row.text("code", 40, required=True, pattern=CODE_PATTERN),
            "name": tidy(row.text("name", 200, required=True)),
            "level": row.choice("level", policy.UNIT_LEVELS),
            "parent_code": row.values["parent_code"] or None,
            "valid_from": row.date("valid_from"),
            "valid_to": row.date("valid_to"),
        }
        if record["valid_from"] and record["valid_to"] and record["valid_to"] < record["valid_from"]:
            row.fail(_("valid_to must not be before valid_from."))
        if record["parent_code"] and record["parent_code"] not in parents:
            row.fail(_('Unknown parent unit "%(value)s".', **row.at("parent_code")))
        elif record["parent_code"] and in_loop(record["code"], parents):
            row.fail(_('The unit "%(code)s" would become its own ancestor.', code=record["code"]))
        records.append(record)
    return records


def in_loop(code: str, parents: dict[str, str | None]) -> bool:
    """Tell whether walking up the tree from a unit comes back to it."""
    seen, current = {code}, parents.get(code)
    while current is not None and current not in seen:
        seen.add(current)
        current = parents.get(current)
    return current == code


def save_units(records: list[dict], report: ImportReport) -> None:
    """Insert or update the units, then link the parents once they all exist."""
    parent_codes = {record["code"]: record.pop("parent_code") for record in records}
    units = upsert(AdminUnit, records, report)
    for code, parent_code in parent_codes.items():
        units[code].parent = units.get(parent_code)
