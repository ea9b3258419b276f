"""The stored compliance rules: each phase's versions and the rule in force for a year.

The newest stored version of a phase is the rule: its target, its zones and its
threshold drive every figure of that phase. `policy.PHASES` only seeds version 1, the national
default (no province); a province's admin adds the province's own next ones (`rule_versions`),
and a province with none of its own follows the national default (docs/provinces.md).

Each function reads the rules of the province the session is scoped to, unless given one
(`None`: the national default).
"""

from __future__ import annotations

from sqlalchemy import select

from models import ComplianceRule, db
from survey.domain import policy
from survey.domain.provinces import tenancy

CURRENT = -1  # "the province the session is scoped to", the default of every function here


def province_of(province_id: int | None) -> int | None:
    return tenancy.current_province() if province_id == CURRENT else province_id


def own_versions(first_year: int, province_id: int | None) -> list[ComplianceRule]:
    """The versions of a phase's rule stored for a province (None: the national ones), newest first."""
    owner = ComplianceRule.province_id
    query = select(ComplianceRule).where(
        ComplianceRule.phase_first_year == first_year, owner.is_(None) if province_id is None else owner == province_id
    )
    return list(db.session.scalars(query.order_by(ComplianceRule.version.desc())))


def versions(first_year: int, province_id: int | None = CURRENT) -> list[ComplianceRule]:
    """All versions of a phase's rule a province follows, newest first: its own, else the national ones."""
    province_id = province_of(province_id)
    own = own_versions(first_year, province_id) if province_id is not None else []
    return own or own_versions(first_year, None)


def newest_row(first_year: int, province_id: int | None = CURRENT) -> ComplianceRule:
    """The newest stored version of the phase starting in first_year that the province follows."""
    found = versions(first_year, province_id)
    row = found[0] if found else None
    if row is None:
        raise LookupError(f"no compliance rule for the phase starting {first_year}; run init-db")
    return row


def as_rule(row: ComplianceRule) -> policy.Rule:
    """A stored version as the policy module takes it."""
    return policy.Rule(
        version=row.version,
        zones=tuple(row.zone_list),
        min_eco_share_pct=row.min_eco_share_pct,
        target_pct=row.target_pct,
    )


def rule_for_year(year: int, province_id: int | None = CURRENT) -> policy.Rule:
    """The rule in force for a year: the newest version of its phase (the nearest phase outside the plan)."""
    return as_rule(newest_row(policy.rule_phase_year(year), province_id))


def rules_of_provinces(year: int, province_ids: list[int]) -> dict[int, policy.Rule]:
    """The rule in force for a year in each of some provinces, read in one query (the Ministry's
    comparison): each province's newest version of the phase, else the national newest."""
    first_year = policy.rule_phase_year(year)
    rows = db.session.scalars(
        select(ComplianceRule)
        .where(ComplianceRule.phase_first_year == first_year)
        .order_by(ComplianceRule.version.desc())
        .execution_options(**tenancy.ALL_PROVINCES)
    )
    newest: dict[int | None, ComplianceRule] = {}
    for row in rows:
        newest.setdefault(row.province_id, row)
    if None not in newest:
        raise LookupError(f"no compliance rule for the phase starting {first_year}; run init-db")
    return {province_id: as_rule(newest.get(province_id, newest[None])) for province_id in province_ids}


def rules_in_force(province_id: int | None = CURRENT) -> list[tuple[policy.Phase, policy.Rule]]:
    """Each phase with its rule in force, in order."""
    return [(phase, rule_for_year(phase.first_year, province_id)) for phase in policy.PHASES]


def phase_starting(first_year: int) -> policy.Phase | None:
    """The plan phase that starts in first_year, if any."""
    return next((phase for phase in policy.PHASES if phase.first_year == first_year), None)


def seed_defaults() -> None:
    """Give each phase a first rule version, from the plan's defaults, when it has none."""
    for phase in policy.PHASES:
        if not own_versions(phase.first_year, None):
            db.session.add(
                ComplianceRule(
                    phase_first_year=phase.first_year,
                    phase_last_year=phase.last_year,
                    version=1,
                    target_pct=phase.target_pct,
                    zones=";".join(phase.zones),
                    min_eco_share_pct=phase.min_eco_share_pct,
                    note="Mặc định theo Kế hoạch 139/KH-UBND",
                )
            )
