"""The audit log in the reader's language: each entry's action, target and values named for people.

survey.domain.audit_facts reads what an entry says (old rows as well as new ones); this words it
with the names of survey/labels.py, so the page shows no code: "Tệp cửa hàng (Excel)", not
"stores:file"; "Cán bộ kiểm tra, đang hoạt động", not "inspector, active". Used by the audit
page and the history of a store's self-report link.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from models import AuditEntry
from survey.domain import audit_facts
from survey.domain.audit_facts import Fact, RuleFacts, StoreFacts, UserFacts
from survey.i18n import local_date, local_number
from survey.labels import (
    AUDIT_ACTIONS,
    IMPORT_FORMAT_NAMES,
    IMPORT_SUBJECT_NAMES,
    LINK_STATE_NAMES,
    REPORT_SETTING_NAMES,
    ROLE_LABELS,
    STATE_NAMES,
    STORE_TYPE_NAMES,
    ZONE_SHORT_NAMES,
)


@dataclass(frozen=True)
class ShownEntry:
    entry: AuditEntry
    action: str
    target: str
    before: str
    after: str


def shown_entries(entries: Iterable[AuditEntry]) -> list[ShownEntry]:
    """The entries with their action, target and values named (one query per kind of name)."""
    read = []
    for entry in entries:
        values = (
            audit_facts.read_value(entry.action, entry.from_value),
            audit_facts.read_value(entry.action, entry.to_value),
        )
        read.append((entry, audit_facts.read_target(entry.target), values))
    names = audit_facts.names_for(fact for _entry, target, values in read for fact in (target, *values))
    return [
        ShownEntry(
            entry,
            action_name(entry.action),
            target_text(target, names),
            value_text(values[0], names),
            value_text(values[1], names),
        )
        for entry, target, values in read
    ]


def action_name(action: str) -> str:
    return str(AUDIT_ACTIONS.get(action, action))


def target_text(fact: Fact, names: dict[str, str]) -> str:
    kind, value = fact.kind, fact.value
    if kind in ("store", "survey"):
        return names.get(f"{kind}:{value}", value)
    if kind == "rule_phase":
        return _("Phase %(first)s–%(last)s", first=value[0], last=value[1])
    if kind == "import":
        subject, file_format = value
        subject_name = str(IMPORT_SUBJECT_NAMES[subject])
        return f"{subject_name} ({IMPORT_FORMAT_NAMES[file_format]})" if file_format else subject_name
    if kind == "official_units":
        return _("Official list of units: %(province)s", province=names.get(f"unit:{value}", value))
    if kind == "report_setting":
        return str(REPORT_SETTING_NAMES.get(value, value))
    if kind == "round":
        return names.get(f"round:{value}", _("Round no. %(number)s", number=value))
    if kind == "proposal":
        name = names.get(f"proposal:{value}")
        return _("Store found in the field: %(name)s", name=name) if name else _("Store found in the field")
    if kind == "product":
        return _("Barcode %(gtin)s", gtin=value)
    return str(value)  # a user's name, or a target of an unknown shape


def value_text(fact: Fact, names: dict[str, str]) -> str:
    kind, value = fact.kind, fact.value
    if kind == "empty":
        return ""
    if kind in ("state", "link"):
        return str((STATE_NAMES if kind == "state" else LINK_STATE_NAMES)[value])
    if kind == "link_id":
        return _("Link no. %(number)s", number=value)
    if kind == "counts":
        return _("%(created)s new, %(updated)s updated", created=value[0], updated=value[1])
    if kind == "user":
        return user_text(value)
    if kind == "rule":
        return rule_text(value)
    if kind == "store":
        return store_text(value, names)
    if kind == "date":
        return local_date(value)
    if kind == "survey":
        return names.get(f"survey:{value}", value)
    if kind == "photo":
        return _("Photo %(n)s", n=value[:8])
    if kind == "round_scope":
        return round_scope_text(*value, names)
    if kind == "round_details":
        *scope, self_reports, name = value
        counted = _("self-reports count too") if self_reports else _("inspections only")
        return f"{name}; {round_scope_text(*scope, names)}; {counted}"
    if kind == "store_code":
        return names.get(f"store:{value}", value)
    if kind == "assignment":
        code, username = value
        inspector = username or _("nobody")  # outside the f-string: pybabel does not read inside one
        return f"{names.get(f'store:{code}', code)}: {inspector}"
    return str(value)  # text of an unknown shape, shown as it is


def round_scope_text(first: date, last: date, types: tuple, units: tuple, names: dict[str, str]) -> str:
    type_names = ", ".join(str(STORE_TYPE_NAMES.get(code, code)) for code in types)
    unit_names = ", ".join(names.get(f"unit:{code}", code) for code in units) or _("every unit")
    return f"{local_date(first)}–{local_date(last)}; {type_names}; {unit_names}"


def user_text(user: UserFacts) -> str:
    parts = [str(ROLE_LABELS[user.role]), _("active") if user.active else _("inactive")]
    return ", ".join(parts + ([_("password reset")] if user.password_reset else []))


def rule_text(rule: RuleFacts) -> str:
    return _(
        "Version %(version)s: target %(target)s%%; zones: %(zones)s; minimum eco share %(share)s%%",
        version=rule.version,
        target=rule.target_pct,
        zones=", ".join(str(ZONE_SHORT_NAMES[zone]) for zone in rule.zones) or "–",
        share=local_number(float(rule.min_eco_share_pct), 2).rstrip("0").rstrip(",."),
    )


def store_text(store: StoreFacts, names: dict[str, str]) -> str:
    parts = [store.name, str(STORE_TYPE_NAMES.get(store.type, store.type))]
    if store.store_class:
        parts.append(_("class %(class)s", **{"class": store.store_class}))
    if store.unit_code:
        parts.append(names.get(f"unit:{store.unit_code}", store.unit_code))
    if store.legacy_unit_code:
        legacy = names.get(f"unit:{store.legacy_unit_code}", store.legacy_unit_code)
        parts.append(_("before 01/07/2025: %(unit)s", unit=legacy))
    if store.opened_on:
        parts.append(_("opened %(day)s", day=local_date(store.opened_on)))
    if store.closed_on:
        parts.append(_("closed %(day)s", day=local_date(store.closed_on)))
    return "; ".join(parts)
