"""A new version of a phase's compliance rule: stored, audited, and every year of the phase judged
again by it, in one transaction.

Apart from `rulebook` (which only reads the rules) so that the store-year table can read the rule
in force without the rulebook depending on it in turn.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from models import ComplianceRule, User, db
from survey.domain import audit, policy, rulebook, store_years
from survey.domain.provinces import tenancy


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
    province_id = tenancy.current_province()  # an admin saves for their own province only
    current = rulebook.versions(phase.first_year)  # the versions the session's province follows
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
        province_id=province_id,
    )
    db.session.add(row)
    audit.record(actor, "rule", audit.rule_target(phase.first_year), describe(before), describe(row), note)
    try:
        db.session.flush()
        store_years.rejudge(phase.first_year, rulebook.as_rule(row), province_id)
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
