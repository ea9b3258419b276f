"""The Ministry's national comparison (`/national`): each province's figures for a year beside the
nation's, a chart of provinces against the target, and a drill-down into a province's dashboard,
read-only; and the national report the Ministry sends, for print and as a Word file (docs/provinces.md)."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request
from flask_login import current_user

from survey.domain import policy, report
from survey.domain.provinces import national, places, tenancy
from survey.web import charts
from survey.web.auth import role_required
from survey.web.dashboard import chosen_period, report_names, send_report, show_report
from survey.web.indicator_pages import available_years, chosen_year

bp = Blueprint("national", __name__)


@bp.route("/national")
@role_required("ministry")
def comparison():
    """One row per province for a year, the nation's total computed from the stores, and the chart."""
    years = available_years()
    year = chosen_year(years)
    result = national.national_indicators(year, breakdowns=False)
    rows = result["by_province"]
    bars = [{"unit_name": row["province_name"], "compliance_pct": row["compliance_pct"]} for row in rows]
    return render_template(
        "national.html",
        result=result,
        rows=rows,
        year=year,
        years=years,
        chart=charts.unit_bars(bars, result["target_pct"], ""),
        phase=policy.phase_for_year(year),
    )


def national_report() -> report.Document:
    """The national report of the period asked for (the yearly report's choices), in the current language."""
    return report.build_national(chosen_period(), report_names())


@bp.route("/national/report")
@role_required("ministry")
def report_page():
    """The Ministry's national report to the Prime Minister, ready to print on A4 (Decree 30/2020/NĐ-CP)."""
    return show_report(national_report(), "national.report_page", "national.report_docx", national=True)


@bp.route("/national/report.docx")
@role_required("ministry")
def report_docx():
    """The same national report as a Word file, always in Vietnamese, for the Ministry to finish and sign."""
    return send_report(national_report, "bao-cao-toan-quoc")


def scope_to_chosen_province() -> None:
    """The Ministry looks at one province's pages (`?province=CODE`) as its own users see them,
    read-only: the whole request is scoped to that province. An unknown code is 404."""
    code = request.args.get("province")
    if not code or not current_user.is_authenticated or current_user.role != "ministry":
        return
    province = places.by_code(code)
    if province is None:
        abort(404)
    tenancy.enter(province.id)
    g.viewed_province = province


def keep_viewed_province(endpoint: str, values: dict) -> None:
    """Every link of a page the Ministry views in a province stays in that province: without
    `?province=`, the next page would show the whole nation under the province's banner. The
    national pages, the static files and logging out are the Ministry's own, not the province's."""
    province = g.get("viewed_province")
    if province is None or endpoint == "static" or endpoint.startswith("national.") or endpoint == "auth.logout":
        return
    values.setdefault("province", province.code)


def viewed_province() -> dict:
    """The province the Ministry is looking at, for the banner every page shows it."""
    return {"viewed_province": g.get("viewed_province")}
