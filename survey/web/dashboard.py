"""The provincial dashboard, its drill-down to stores, each store's history, and the yearly report."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from models import AdminUnit, Store, Survey, db
from survey.domain import figures, policy, review, rulebook, vocabularies
from survey.labels import (
    FIGURE_NAMES,
    LEVEL_NAMES,
    SOURCE_NAMES,
    STATE_NAMES,
    STATUS_NAMES,
    STORE_TYPE_NAMES,
    UNASSIGNED_NAMES,
    ZONE_NAMES,
)
from survey.web import charts
from survey.web.auth import role_required
from survey.web.indicator_pages import available_years, chosen_year

bp = Blueprint("dashboard", __name__)
LEVELS = ("district", "commune")


def chosen_level(year: int) -> str:
    """The level asked for, else the one the year is read at (policy.default_level)."""
    level = request.args.get("level")
    return level if level in LEVELS else policy.default_level(year)


def year_context() -> dict:
    """What the dashboard and the yearly report both show for the chosen year."""
    year = chosen_year(available_years())
    level = chosen_level(year)
    result = figures.dashboard_figures(year, level)
    return {
        "year": year,
        "level": level,
        "result": result,
        "yearly": charts.yearly_chart(figures.yearly_compliance()),
        "phases": rulebook.rules_in_force(),
        "type_names": STORE_TYPE_NAMES,
        "label_types": {label.code: label for label in vocabularies.label_types()},
        "rule_zones": ", ".join(str(ZONE_NAMES[zone]) for zone in result["rule"]["zones"]),
        "unassigned_name": UNASSIGNED_NAMES[level],
        "level_names": {level: LEVEL_NAMES[level] for level in LEVELS},
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
        units_chart=charts.unit_bars(result["by_level"], result["target_pct"], str(context["unassigned_name"])),
        figure_names=FIGURE_NAMES,
        source_names=SOURCE_NAMES,
        **context,
    )


@bp.route("/dashboard/stores")
@role_required("reviewer", "admin")
def stores():
    """The stores behind a figure: compliant, not compliant or unsurveyed in a year."""
    year = chosen_year(available_years())
    status = request.args.get("status", "all")
    if status not in (*policy.STATUSES, "all"):
        abort(404)
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == request.args.get("unit", "")))
    unassigned = request.args.get("unassigned")
    unassigned = unassigned if unassigned in policy.UNIT_LEVELS else None
    rows = figures.judged_stores(
        year,
        unit,
        status=None if status == "all" else status,
        store_type=request.args.get("type") or None,
        unassigned_at=unassigned,
    )
    return render_template(
        "dashboard/stores.html",
        year=year,
        status=status,
        unit=unit,
        rows=sorted(rows, key=lambda row: row.code),
        names=dict(db.session.execute(select(Store.code, Store.name)).all()),
        unit_names=dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)).all()),
        type_names=STORE_TYPE_NAMES,
        status_names=STATUS_NAMES,
        unassigned_name=UNASSIGNED_NAMES[unassigned] if unassigned else None,
        rule=rulebook.rule_for_year(year),
    )


def local_month(moment: datetime) -> str:
    """The month of a stored UTC time in Hưng Yên, as 06/2025."""
    return moment.replace(tzinfo=UTC).astimezone(policy.LOCAL_TZ).strftime("%m/%Y")


@bp.route("/dashboard/store/<code>")
@role_required("reviewer", "admin")
def store(code: str):
    """One store's survey history with its eco share over time."""
    found = db.session.scalar(select(Store).where(Store.code == code))
    if found is None:
        abort(404)
    surveys = db.session.scalars(select(Survey).where(Survey.store_id == found.id).order_by(Survey.visited_at)).all()
    history = [(survey, review.judge(survey)) for survey in surveys]
    points = [(local_month(survey.visited_at), verdict.zone("checkout").share_pct) for survey, verdict in history]
    return render_template(
        "dashboard/store.html",
        store=found,
        history=history,
        counts=review.counts,
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
    to_act = sorted((row for row in rows if row.status != "compliant"), key=lambda row: (row.unit_code, row.code))
    return render_template(
        "dashboard/report.html",
        to_act=to_act,
        names=dict(db.session.execute(select(Store.code, Store.name)).all()),
        unit_names=dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)).all()),
        produced=policy.local_now().strftime("%H:%M %d/%m/%Y"),
        **context,
    )
