"""The provincial dashboard, its drill-down to stores, each store's history, and the yearly report."""

from __future__ import annotations

import base64
import io
import re
from datetime import UTC, datetime

from flask import Blueprint, abort, render_template, request, send_file
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from models import AdminUnit, Store, Survey, db
from survey.domain import figures, policy, report, report_settings, review, rulebook, vocabularies
from survey.domain.rounds import listing
from survey.i18n import category_label, local_number
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
from survey.web import report_docx as report_docx_writer
from survey.web.auth import role_required
from survey.web.indicator_pages import available_years, chosen_year
from survey.web.lookups import store_or_404

bp = Blueprint("dashboard", __name__)
LEVELS = ("district", "commune")
PERIOD_ARGS = ("year", "period", "from", "to", "level")  # what the Word link repeats of the page's query
REPORT_LANGUAGE = "vi"  # the Word file is the document a Vietnamese authority sends


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
@role_required("reviewer", "admin", "ministry")
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
        rounds=listing.summaries(listing.rounds_in_progress(policy.local_today()), policy.local_today()),
        **context,
    )


@bp.route("/dashboard/stores")
@role_required("reviewer", "admin", "ministry")
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
    found = store_or_404(code)
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


def chosen_period() -> report.Period:
    """The period asked for: ?period=phase-2021 (a phase review), ?from=&to= (any years), else ?year= as ever."""
    args, years = request.args, available_years()
    if "period" in args:
        match = re.fullmatch(r"phase-(\d{4})", args.get("period", ""))
        found = report.phase_period(int(match[1]), policy.local_today().year) if match else None
    elif "from" in args or "to" in args:
        first, last = args.get("from", type=int), args.get("to", type=int)
        found = report.span_period(first, last) if first in years and last in years else None
    else:
        found = report.year_period(chosen_year(years))
    if found is None:
        abort(400)
    return found


def report_names() -> report.Names:
    """Names of codes and the number format, in the language of the report (set by the caller)."""
    return report.Names(
        number=local_number,
        store_types={code: str(name) for code, name in STORE_TYPE_NAMES.items()},
        zones={code: str(name) for code, name in ZONE_NAMES.items()},
        levels={code: str(name) for code, name in LEVEL_NAMES.items()},
        unassigned={code: str(name) for code, name in UNASSIGNED_NAMES.items()},
        label_types={label.code: category_label(label) for label in vocabularies.label_types()},
    )


def report_document() -> report.Document:
    """The report asked for, in the current language."""
    period = chosen_period()
    return report.build(period, chosen_level(period.last), report_settings.current(), report_names())


@bp.route("/report", endpoint="report")
@role_required("reviewer", "admin", "ministry")
def report_page():
    """The yearly report to the provincial People's Committee, ready to print on A4 (Decree 30/2020/NĐ-CP)."""
    return show_report(report_document(), "dashboard.report", "dashboard.report_docx")


@bp.route("/report.docx")
@role_required("reviewer", "admin", "ministry")
def report_docx():
    """The same report as a Word file, for the Department to add its assessment and proposals and sign.

    Always in Vietnamese, whatever the page's language: it is the document the Department sends."""
    return send_report(report_document, "bao-cao")


def show_report(document: report.Document, page_endpoint: str, docx_endpoint: str, national: bool = False):
    """A report's page: the period's choices, the print and Word buttons, and the document on an A4 sheet.
    The province's yearly report and the Ministry's national report share it."""
    charts = {
        index: chart_data_uri(block) for index, block in enumerate(document.body) if isinstance(block, report.Chart)
    }
    body = render_template("report/document.html", document=document, charts=charts)
    return render_template(
        "dashboard/report.html",
        document=document,
        body=Markup(body),
        years=available_years(),
        phases=policy.PHASES,
        this_year=policy.local_today().year,
        page_endpoint=page_endpoint,
        docx_endpoint=docx_endpoint,
        national=national,
        heading=_("National report") if national else _("Yearly report"),
        docx_args={key: value for key, value in request.args.items() if key in PERIOD_ARGS},
        # The Ministry changes nothing: its signer's name is written in the Word file.
        signer_missing=not national and not document.settings.signer_name,
    )


def send_report(make_document, stem: str):
    """A report as a Word file named after its years (stem-2025.docx, stem-2021-2025.docx), made in
    Vietnamese whatever the page's language."""
    with force_locale(REPORT_LANGUAGE):
        document = make_document()
        content = report_docx_writer.write(document)
    period = document.period
    years = str(period.first) if period.first == period.last else f"{period.first}-{period.last}"
    return send_file(
        io.BytesIO(content),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=f"{stem}-{years}.docx",
        max_age=0,
    )


def chart_data_uri(chart: report.Chart) -> str:
    """The chart of the Word file, for the page too: one drawing of the same figures."""
    return "data:image/png;base64," + base64.b64encode(report_docx_writer.chart_png(chart)).decode("ascii")
