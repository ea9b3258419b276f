"""The stored compliance rules: each phase's versions and the rule in force for a year.

The newest stored version of a phase is the rule: its target, its zones and its
threshold drive every figure of that phase. `policy.PHASES` only seeds version 1; an admin
adds the next ones (`rule_versions`).
"""

from __future__ import annotations

from sqlalchemy import select

from models import ComplianceRule, db
from survey.domain import policy


def versions(first_year: int) -> list[ComplianceRule]:
    """All versions of a phase's rule, newest first."""
    query = select(ComplianceRule).where(ComplianceRule.phase_first_year == first_year)
    return list(db.session.scalars(query.order_by(ComplianceRule.version.desc())))


def newest_row(first_year: int) -> ComplianceRule:
    """The newest stored version of the phase starting in first_year."""
    row = db.session.scalar(
        select(ComplianceRule)
        .where(ComplianceRule.phase_first_year == first_year)
        .order_by(ComplianceRule.version.desc())
        .limit(1)
    )
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


def rule_for_year(year: int) -> policy.Rule:
    """The rule in force for a year: the newest version of its phase (the nearest phase outside the plan)."""
    return as_rule(newest_row(policy.rule_phase_year(year)))


def rules_in_force() -> list[tuple[policy.Phase, policy.Rule]]:
    """Each phase with its rule in force, in order."""
    return [(phase, rule_for_year(phase.first_year)) for phase in policy.PHASES]


def phase_starting(first_year: int) -> policy.Phase | None:
    """The plan phase that starts in first_year, if any."""
    return next((phase for phase in policy.PHASES if phase.first_year == first_year), None)


def seed_defaults() -> None:
    """Give each phase a first rule version, from the plan's defaults, when it has none."""
    for phase in policy.PHASES:
        if not versions(phase.first_year):
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
