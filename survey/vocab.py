"""The vocabularies (packaging categories, eco-label types) and the default rules."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select

from models import ComplianceRule, EcoLabelType, PackagingCategory, db
from survey import policy

DATA_DIR = Path(__file__).parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    """Read one of the project's own data files."""
    with open(DATA_DIR / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def load_vocabularies() -> None:
    """Upsert the packaging categories and eco-label types from survey/data."""
    for position, row in enumerate(read_csv("packaging-categories.csv")):
        category = db.session.get(PackagingCategory, row["code"]) or PackagingCategory(code=row["code"])
        category.eco = row["eco"] == "1"
        category.zones = row["zones"]
        category.label_vi, category.label_en = row["label_vi"], row["label_en"]
        category.position = position
        db.session.add(category)
    for position, row in enumerate(read_csv("eco-label-types.csv")):
        label = db.session.get(EcoLabelType, row["code"]) or EcoLabelType(code=row["code"])
        label.counted = row["counted"] == "1"
        label.label_vi, label.label_en = row["label_vi"], row["label_en"]
        label.position = position
        db.session.add(label)
    load_default_rules()
    db.session.commit()


def load_default_rules() -> None:
    """Give each phase a first rule version when it has none."""
    for phase in policy.PHASES:
        known = db.session.scalar(
            select(func.count()).select_from(ComplianceRule).where(ComplianceRule.phase_first_year == phase.first_year)
        )
        if not known:
            db.session.add(
                ComplianceRule(
                    phase_first_year=phase.first_year,
                    phase_last_year=phase.last_year,
                    version=1,
                    target_pct=phase.target_pct,
                    zones=";".join(phase.zones),
                    min_eco_share_pct=phase.min_eco_share_pct,
                    note="Mặc định theo domain.md",
                )
            )


def categories() -> list[PackagingCategory]:
    """All packaging categories in file order."""
    return list(db.session.scalars(select(PackagingCategory).order_by(PackagingCategory.position)))


def label_types() -> list[EcoLabelType]:
    """All eco-label types in file order."""
    return list(db.session.scalars(select(EcoLabelType).order_by(EcoLabelType.position)))


def categories_by_zone() -> dict[str, list[PackagingCategory]]:
    """The categories allowed in each zone, in file order."""
    by_zone: dict[str, list[PackagingCategory]] = {zone: [] for zone in policy.ZONES}
    for category in categories():
        for zone in category.zone_list:
            by_zone.setdefault(zone, []).append(category)
    return by_zone
