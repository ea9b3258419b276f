"""The vocabularies (packaging categories, eco-label types), and the phone's copy of the rules."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from models import EcoLabelType, PackagingCategory, db
from survey.domain import policy, rulebook, schemas, store_years, survey_fields
from survey.domain.proposals.payloads import ProposalIn

DATA_DIR = Path(__file__).parent.parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    """Read one of the project's own data files."""
    with open(DATA_DIR / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def load_vocabularies() -> None:
    """Upsert the packaging categories and eco-label types from survey/data.

    A category that changes its eco flag, or a label type its counted flag, changes stored
    totals: the store-year table is then worked out again.
    """
    before = flags()
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
    rulebook.seed_defaults()
    db.session.flush()
    if before and flags() != before:
        store_years.rebuild()
    db.session.commit()


def flags() -> dict[tuple[str, str], bool]:
    """What the figures depend on in the vocabularies: each category's eco flag, each label type's counted flag."""
    found = {
        ("category", code): eco
        for code, eco in db.session.execute(select(PackagingCategory.code, PackagingCategory.eco))
    }
    found |= {
        ("label", code): counted
        for code, counted in db.session.execute(select(EcoLabelType.code, EcoLabelType.counted))
    }
    return found


def categories() -> list[PackagingCategory]:
    """All packaging categories in file order."""
    return list(db.session.scalars(select(PackagingCategory).order_by(PackagingCategory.position)))


def label_types() -> list[EcoLabelType]:
    """All eco-label types in file order."""
    return list(db.session.scalars(select(EcoLabelType).order_by(EcoLabelType.position)))


def eco_by_category() -> dict[str, bool]:
    """Whether each packaging category is eco-friendly."""
    return dict(db.session.execute(select(PackagingCategory.code, PackagingCategory.eco)).all())


def categories_by_zone() -> dict[str, list[PackagingCategory]]:
    """The categories allowed in each zone, in file order."""
    by_zone: dict[str, list[PackagingCategory]] = {zone: [] for zone in policy.ZONES}
    for category in categories():
        for zone in category.zone_list:
            by_zone.setdefault(zone, []).append(category)
    return by_zone


def typed_field(field: survey_fields.SurveyField) -> dict:
    """One field the phone's person types, with the limit the payload's model sets on it."""
    limits = schemas.SurveyIn.model_json_schema()["properties"][field.name]
    copy = {"name": field.name, "kind": field.typed, "input": field.phone_input}
    if field.typed == "text":
        copy["max_length"] = limits["maxLength"]
    return copy


def proposal_limits() -> dict[str, int]:
    """The longest name and address a store proposal may have, read from its payload's model."""
    properties = ProposalIn.model_json_schema()["properties"]
    return {name: properties[name]["maxLength"] for name in ("name", "address")}


def phone_copy() -> dict:
    """Everything the phone checks and judges a survey with, taken from the server's own rules.

    The phone never types a rule twice: its limits, its local time and each phase's rule
    in force (target, zones, threshold) come from here through /app/vocabularies.json.
    """
    return {
        "form_version": max(schemas.FORM_VERSIONS),
        "max_count": schemas.MAX_COUNT,
        "max_notes": schemas.MAX_NOTES,
        "earliest_year": schemas.EARLIEST_YEAR,
        "plausible_checkout_units": policy.PLAUSIBLE_CHECKOUT_UNITS,
        "few_customers": policy.FEW_CUSTOMERS,
        "max_transactions": schemas.MAX_TRANSACTIONS,
        "future_tolerance_hours": int(schemas.FUTURE_TOLERANCE.total_seconds() // 3600),
        "utc_offset_minutes": policy.utc_offset_minutes(),
        "time_zone": policy.LOCAL_TZ.key,
        "zones": list(policy.ZONES),
        "in_scope_types": list(policy.IN_SCOPE_TYPES),
        # The types a store found in the field may be proposed as, and its texts' limits (proposal-view.js).
        "store_types": list(policy.STORE_TYPES),
        "proposal_max_length": proposal_limits(),
        "typed_fields": [typed_field(field) for field in survey_fields.TYPED],
        "categories": [
            {"code": c.code, "eco": c.eco, "zones": c.zone_list, "label_vi": c.label_vi, "label_en": c.label_en}
            for c in categories()
        ],
        "labels": [
            {"code": label.code, "counted": label.counted, "label_vi": label.label_vi, "label_en": label.label_en}
            for label in label_types()
        ],
        "rules": {
            str(phase.first_year): {
                "first_year": phase.first_year,
                "last_year": phase.last_year,
                "version": rule.version,
                "target_pct": rule.target_pct,
                "zones": list(rule.zones),
                "min_eco_share_pct": float(rule.min_eco_share_pct),
                # Hundredths of a percent, so the phone compares in integers exactly as the server does.
                "min_eco_share_hundredths": int(rule.min_eco_share_pct * 100),
            }
            for phase, rule in rulebook.rules_in_force()
        },
    }
