"""A plain indicators page for reviewers: the figures of one year, by unit and type."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from models import AdminUnit, Survey, db
from survey import figures, policy
from survey.auth import role_required
from survey.survey_form import LOCAL_TZ, ZONE_NAMES

bp = Blueprint("indicator_pages", __name__)

STORE_TYPE_NAMES = {
    "supermarket": _l("Supermarket"),
    "commercial_centre": _l("Commercial centre"),
    "convenience_store": _l("Convenience store"),
    "market": _l("Market"),
}
FIGURE_NAMES = {
    "stores_in_scope": _l("Stores in scope"),
    "stores_surveyed": _l("Stores surveyed"),
    "stores_compliant": _l("Stores compliant"),
    "compliance_pct": _l("Compliance, share of stores in scope (%)"),
    "compliance_pct_of_surveyed": _l("Compliance, share of surveyed stores (%)"),
    "coverage_pct": _l("Coverage, share surveyed (%)"),
    "target_pct": _l("Target (%)"),
    "stores_needed": _l("More stores needed to meet the target"),
    "eco_share_avg": _l("Average eco share (%)"),
    "eco_label_skus": _l("Eco-labelled SKUs"),
    "stores_with_eco_label": _l("Stores with eco-labelled products"),
}


def available_years() -> list[int]:
    """The plan's years 2021–2030 and any other year that has surveys."""
    with_data = set(db.session.scalars(select(func.distinct(Survey.visit_year))))
    return sorted(set(range(2021, 2031)) | with_data)


@bp.route("/indicators")
@role_required("reviewer", "admin")
def indicators():
    """Show one year's indicators, for the province or one unit."""
    years = available_years()
    this_year = datetime.now(LOCAL_TZ).year
    year = request.args.get("year", type=int)
    if year not in years:
        year = this_year if this_year in years else years[-1]
    units = list(db.session.scalars(select(AdminUnit).order_by(AdminUnit.level, AdminUnit.name)))
    unit = next((u for u in units if u.code == request.args.get("unit")), None)
    result = figures.year_indicators(year, unit)
    return render_template(
        "indicators.html",
        result=result,
        year=year,
        years=years,
        units=units,
        unit=unit,
        figure_names=FIGURE_NAMES,
        type_names=STORE_TYPE_NAMES,
        rule_zones=", ".join(str(ZONE_NAMES[zone]) for zone in result["rule"]["zones"]),
        phase=policy.phase_for_year(year),
    )
