"""A plain indicators page for reviewers: the figures of one year, by unit and type."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from models import AdminUnit, Survey, db
from survey.domain import figures, policy
from survey.labels import FIGURE_NAMES, STORE_TYPE_NAMES, ZONE_NAMES
from survey.web.auth import role_required
from survey.web.unit_options import unit_option_groups

bp = Blueprint("indicator_pages", __name__)


def available_years() -> list[int]:
    """The plan's years and any other year that has surveys."""
    with_data = set(db.session.scalars(select(func.distinct(Survey.visit_year))))
    plan = range(policy.PHASES[0].first_year, policy.PHASES[-1].last_year + 1)
    return sorted(set(plan) | with_data)


def chosen_year(years: list[int]) -> int:
    """The year asked for in ?year=, else this year, else the last year there is."""
    this_year = policy.local_today().year
    year = request.args.get("year", type=int)
    return year if year in years else (this_year if this_year in years else years[-1])


@bp.route("/indicators")
@role_required("reviewer", "admin", "ministry")
def indicators():
    """Show one year's indicators, for the province or one unit."""
    years = available_years()
    year = chosen_year(years)
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == request.args.get("unit", "")))
    result = figures.year_indicators(year, unit)
    return render_template(
        "indicators.html",
        result=result,
        year=year,
        years=years,
        unit_groups=unit_option_groups(),
        unit=unit,
        figure_names=FIGURE_NAMES,
        type_names=STORE_TYPE_NAMES,
        rule_zones=", ".join(str(ZONE_NAMES[zone]) for zone in result["rule"]["zones"]),
        phase=policy.phase_for_year(year),
    )
