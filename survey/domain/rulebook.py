"""The stored compliance rules: each phase's versions, the rule in force for a year, a new version.

The newest stored version of a phase is the rule: its target, its zones and its
threshold drive every figure of that phase. `policy.PHASES` only seeds version 1.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import ComplianceRule, User, db
from survey.domain import audit, policy, store_years


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


class NewerVersionSaved(Exception):
    """Someone saved a version of this phase's rule after the one the change was based on."""

    def __init__(self, newest: int):
        super().__init__(f"version {newest} was saved meanwhile")
        self.newest = newest


def save_version(
    phase: policy.Phase,
    target_pct: int,
    zones: list[str],
    min_eco_share_pct: Decimal,
    note: str,
    actor: User,
    based_on: int | None = None,
) -> ComplianceRule:
    """Add a new version of a phase's rule, audited; the old versions stay for the record.

    With `based_on` (the version the admin was looking at), refuses with NewerVersionSaved when a
    newer one exists, however the two saves race: the unique (phase, version) key decides.
    """
    current = versions(phase.first_year)
    before = current[0] if current else None
    if based_on is not None and before is not None and before.version != based_on:
        raise NewerVersionSaved(before.version)
    row = ComplianceRule(
        phase_first_year=phase.first_year,
        phase_last_year=phase.last_year,
        version=(before.version + 1) if before else 1,
        target_pct=target_pct,
        zones=";".join(zone for zone in policy.ZONES if zone in zones),
        min_eco_share_pct=Decimal(min_eco_share_pct).quantize(Decimal("0.01")),
        note=note,
        created_by_id=actor.id,
    )
    db.session.add(row)
    audit.record(actor, "rule", audit.rule_target(phase.first_year), describe(before), describe(row), note)
    try:
        db.session.flush()
        store_years.rejudge(phase.first_year)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise NewerVersionSaved(row.version) from None
    return row


def describe(row: ComplianceRule | None) -> str:
    """One line that says what a rule version is, for the audit log."""
    if row is None:
        return ""
    minimum = format(Decimal(row.min_eco_share_pct).normalize(), "f")
    return f"v{row.version}: {row.target_pct}%, {row.zones}, >= {minimum}%"
