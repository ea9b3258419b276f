"""The provincial dashboard, its drill-down to stores, and each store's history."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from models import AdminUnit, Store, Survey, db
from survey import charts, figures, policy, vocab
from survey.auth import role_required
from survey.indicator_pages import FIGURE_NAMES, STORE_TYPE_NAMES, available_years
from survey.review_pages import SOURCE_NAMES, STATE_NAMES, judge
from survey.survey_form import LOCAL_TZ, ZONE_NAMES

bp = Blueprint("dashboard", __name__)
REFORM_YEAR = 2025  # districts were abolished on 01/07/2025: communes from then on
STATUSES = ("compliant", "not_compliant", "unsurveyed", "all")


def chosen_year() -> int:
    years = available_years()
    this_year = datetime.now(LOCAL_TZ).year
    year = request.args.get("year", type=int)
    return year if year in years else (this_year if this_year in years else years[-1])


def chosen_level(year: int) -> str:
    level = request.args.get("level")
    if level in ("district", "commune"):
        return level
    return "district" if year < REFORM_YEAR else "commune"


def year_context() -> dict:
    """What the dashboard and the yearly report both show for the chosen year."""
    year = chosen_year()
    level = chosen_level(year)
    result = figures.dashboard_figures(year, level)
    return {
        "year": year,
        "level": level,
        "result": result,
        "yearly": charts.yearly_chart(figures.yearly_compliance()),
        "type_names": STORE_TYPE_NAMES,
        "label_types": {label.code: label for label in vocab.label_types()},
        "rule_zones": ", ".join(str(ZONE_NAMES[zone]) for zone in result["rule"]["zones"]),
    }


@bp.route("/dashboard")
@role_required("reviewer", "admin")
def dashboard():
    """Progress to the targets for a year: headline, units, types, sources, labels, charts."""
    context = year_context()
    result = context["result"]
    return render_template(
        "dashboard/dashboard.html",
        years=available_years(),
        units_chart=charts.unit_bars(result["by_level"], result["target_pct"]),
        figure_names=FIGURE_NAMES,
        source_names=SOURCE_NAMES,
        **context,
    )


@bp.route("/dashboard/stores")
@role_required("reviewer", "admin")
def stores():
    """The stores behind a figure: compliant, not compliant or unsurveyed in a year."""
    year = chosen_year()
    status = request.args.get("status", "all")
    if status not in STATUSES:
        abort(404)
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == request.args.get("unit", "")))
    unit_ids = figures.unit_and_descendant_ids(unit) if unit else None
    rule = figures.rule_for_year(year)
    rows = policy.judge_stores(figures.store_facts(year, unit_ids), year, rule)
    if kind := request.args.get("type"):
        rows = [row for row in rows if row.type == kind]
    keep = {
        "compliant": lambda r: r.compliant,
        "not_compliant": lambda r: r.deciding is not None and not r.compliant,
        "unsurveyed": lambda r: r.deciding is None,
        "all": lambda r: True,
    }[status]
    rows = sorted((row for row in rows if keep(row)), key=lambda row: row.code)
    names = dict(db.session.execute(select(Store.code, Store.name)).all())
    unit_names = dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)).all())
    return render_template(
        "dashboard/stores.html", year=year, status=status, unit=unit, rows=rows, names=names,
        unit_names=unit_names, type_names=STORE_TYPE_NAMES, rule=rule,
    )  # fmt: skip


def local_month(moment: datetime) -> str:
    """The month of a stored UTC time in Hưng Yên, as 06/2025."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL_TZ).strftime("%m/%Y")


@bp.route("/dashboard/store/<code>")
@role_required("reviewer", "admin")
def store(code: str):
    """One store's survey history with its eco share over time."""
    found = db.session.scalar(select(Store).where(Store.code == code))
    if found is None:
        abort(404)
    surveys = db.session.scalars(select(Survey).where(Survey.store_id == found.id).order_by(Survey.visited_at)).all()
    history = [(survey, judge(survey)) for survey in surveys]
    points = [(local_month(survey.visited_at), verdict["shares"].get("checkout")) for survey, verdict in history]
    return render_template(
        "dashboard/store.html",
        store=found,
        history=history,
        trend=charts.share_over_time(points),
        state_names=STATE_NAMES,
        source_names=SOURCE_NAMES,
        type_names=STORE_TYPE_NAMES,
        zone_names=ZONE_NAMES,
    )


@bp.route("/report")
@role_required("reviewer", "admin")
def report():
    """The yearly report to the provincial People's Committee, ready to print on A4."""
    context = year_context()
    rows = context["result"]["stores"]
    to_act = sorted((row for row in rows if not row.compliant), key=lambda row: (row.unit_code, row.code))
    return render_template(
        "dashboard/report.html",
        to_act=to_act,
        names=dict(db.session.execute(select(Store.code, Store.name)).all()),
        unit_names=dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)).all()),
        produced=datetime.now(LOCAL_TZ).strftime("%H:%M %d/%m/%Y"),
        **context,
    )
