"""The yearly report's content: its figures and its words, for a year or for years of a plan phase.

`build` gathers the figures (the same functions as the indicators API: figures.dashboard_figures
over policy.indicators_from_rows) and writes them into a `Document`: the parts an administrative
document carries under Decree 30/2020/NĐ-CP, and a body of headings, paragraphs, tables, a chart
and marked places the Department fills in itself. The web renders one Document both as the
printed page and as the Word file, so the two always say the same thing with the same figures
(see docs/report.md). The caller picks the language (the report is written in Vietnamese) and
gives the names of codes and the number format, which live outside the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from flask_babel import gettext as _
from sqlalchemy import select

from models import AdminUnit, Store, db
from survey.domain import figures, policy, rulebook
from survey.domain.report_settings import Settings

LONGEST_SPAN = 10  # years in one report: the whole plan


@dataclass(frozen=True)
class Period:
    """The years a report covers; `phase` when it reviews a plan phase from its first year."""

    first: int
    last: int
    phase: policy.Phase | None = None

    @property
    def kind(self) -> str:
        """year, final (a whole phase), mid (a phase still under way) or years (any other span)."""
        if self.phase is not None:
            return "final" if self.last == self.phase.last_year else "mid"
        return "year" if self.first == self.last else "years"

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))


def year_period(year: int) -> Period:
    return Period(year, year)


def phase_period(first_year: int, this_year: int) -> Period | None:
    """A review of the phase starting in first_year: the whole phase once it is over, else up to this year."""
    phase = rulebook.phase_starting(first_year)
    if phase is None:
        return None
    return Period(phase.first_year, min(phase.last_year, max(phase.first_year, this_year)), phase)


def span_period(first: int, last: int) -> Period | None:
    """Any span of years; one that starts a phase and stays in it reviews that phase."""
    if not first <= last < first + LONGEST_SPAN:
        return None
    phase = policy.phase_for_year(first)
    if first == last or phase is None or phase.first_year != first or last > phase.last_year:
        return Period(first, last)
    return Period(first, last, phase)


# --- the blocks of a document's body ------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "heading"
    text: str
    level: int  # 1: I., II.; 2: 1., 2.


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str


@dataclass(frozen=True)
class Items:
    """Lines each starting with a dash, as Vietnamese documents list things."""

    kind: ClassVar[str] = "items"
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Placeholder:
    """A place the Department writes in itself before signing: assessment, proposals."""

    kind: ClassVar[str] = "placeholder"
    text: str


@dataclass(frozen=True)
class Column:
    title: str
    numeric: bool = True


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    key: str  # the table's id on the page
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = ""  # said instead when there is no row


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    target: int | None
    text: str  # the value as written in the report


@dataclass(frozen=True)
class Chart:
    kind: ClassVar[str] = "chart"
    title: str
    bars: tuple[Bar, ...]

    @property
    def description(self) -> str:
        """The chart's figures in words, its text alternative."""
        return "; ".join(f"{bar.label}: {bar.text}" for bar in self.bars)


Block = Heading | Paragraph | Items | Placeholder | Table | Chart


@dataclass(frozen=True)
class Document:
    """A report in the parts of Decree 30/2020/NĐ-CP, Appendix I, with its body."""

    period: Period
    settings: Settings
    national_name: str  # quốc hiệu
    motto: str  # tiêu ngữ
    number: str  # Số: …/BC-SCT
    place_date: str  # Hưng Yên, ngày … tháng … năm …
    kind: str  # BÁO CÁO
    summary: str  # trích yếu
    addressee: str  # Kính gửi: …
    body: tuple[Block, ...]
    signer_name: str  # the name, or a mark where it goes until an admin sets it
    recipients_title: str
    recipients: tuple[str, ...]
    figures: dict = field(repr=False)  # the figures of each year, as the indicators API gives them

    @property
    def tables(self) -> dict[str, Table]:
        return {block.key: block for block in self.body if isinstance(block, Table)}


@dataclass(frozen=True)
class Names:
    """What the caller supplies: names for codes and the number format, in the report's language."""

    number: Callable[[float | int | None], str]
    store_types: Mapping[str, str]
    zones: Mapping[str, str]
    levels: Mapping[str, str]
    unassigned: Mapping[str, str]
    label_types: Mapping[str, str]


# --- the report -----------------------------------------------------------------------------------


def build(period: Period, level: str, settings: Settings, names: Names) -> Document:
    """The report of a period with its units read at a level, in the current language."""
    by_year = {year: figures.dashboard_figures(year, level) for year in period.years}
    writer = Writer(period, level, names, by_year)
    body = writer.results() + writer.department_parts()
    return Document(
        period=period,
        settings=settings,
        national_name=_("SOCIALIST REPUBLIC OF VIETNAM"),
        motto=_("Independence - Freedom - Happiness"),
        number=_("No.: …/%(symbol)s", symbol=settings.symbol),
        place_date=_("%(place)s, day … month … year %(year)s", place=settings.place, year=policy.local_today().year),
        kind=_("REPORT"),
        summary=writer.summary(),
        addressee=_("To: %(addressee)s.", addressee=settings.addressee) if settings.addressee else "",
        body=tuple(body),
        signer_name=settings.signer_name or _("(Full name)"),
        recipients_title=_("Recipients:"),
        recipients=tuple(f"- {line}" for line in settings.recipient_lines),
        figures=by_year,
    )


class Writer:
    """The words of one report around its figures."""

    def __init__(self, period: Period, level: str, names: Names, by_year: dict[int, dict]):
        self.period, self.level, self.names, self.by_year = period, level, names, by_year
        self.last = by_year[period.last]
        self.n = names.number
        self.section = 0

    def heading(self, text: str) -> Heading:
        self.section += 1
        return Heading(f"{self.section}. {text}", 2)

    # The subject, in the summary under BÁO CÁO and in the closing sentence.
    def subject(self) -> str:
        period = self.period
        if period.kind == "year":
            return _("the year %(year)s", year=period.first)
        if period.kind == "years":
            return _("the years %(first)s–%(last)s", first=period.first, last=period.last)
        phase = period.phase
        if period.kind == "final":
            return _("the phase %(first)s–%(last)s", first=phase.first_year, last=phase.last_year)
        if period.first == period.last:
            return _(
                "the year %(year)s of the phase %(first)s–%(last)s",
                year=period.first,
                first=phase.first_year,
                last=phase.last_year,
            )
        return _(
            "the years %(from)s–%(to)s of the phase %(first)s–%(last)s",
            first=phase.first_year,
            last=phase.last_year,
            **{"from": period.first, "to": period.last},
        )

    def summary(self) -> str:
        kind = self.period.kind
        if kind == "final":
            lead = _("Final review of replacing single-use plastic packaging at supermarkets and commercial centres:")
        elif kind == "mid":
            lead = _(
                "Mid-phase review of replacing single-use plastic packaging at supermarkets and commercial centres:"
            )
        else:
            lead = _("Results of replacing single-use plastic packaging at supermarkets and commercial centres:")
        return f"{lead} {self.subject()}"

    def results(self) -> list[Block]:
        intro = _(
            "Under Plan 139/KH-UBND of 12/11/2020 of the People's Committee of Hưng Yên province, which carries out "
            "Decision 889/QĐ-TTg on sustainable production and consumption for 2021–2030, the Department of Industry "
            "and Trade reports the results of %(subject)s as follows:",
            subject=self.subject(),
        )
        blocks: list[Block] = [Paragraph(intro), Heading("I. " + _("RESULTS"), 1), *self.method()]
        if self.period.first == self.period.last:
            blocks += self.one_year()
        else:
            blocks += self.several_years()
        return blocks + self.labels() + self.to_act() + self.coverage()

    def department_parts(self) -> list[Block]:
        return [
            Heading("II. " + _("GENERAL ASSESSMENT"), 1),
            Placeholder(
                _(
                    "[For the Department to write before signing: its assessment of the results, their causes, "
                    "and the difficulties and obstacles met.]"
                )
            ),
            Heading("III. " + _("PROPOSALS AND RECOMMENDATIONS"), 1),
            Placeholder(_("[For the Department to write before signing: its proposals to the People's Committee.]")),
            Paragraph(
                _(
                    "The above is the Department of Industry and Trade's report on %(subject)s. "
                    "The Department respectfully reports it to %(addressee)s./.",
                    subject=self.subject(),
                    addressee=_("the People's Committee of the province"),
                )
            ),
        ]

    # 1. Period and method.
    def method(self) -> list[Block]:
        first, last = self.period.first, self.period.last
        if first == last:
            period = _(
                "Period: 01/01/%(year)s to 31/12/%(year)s. Under Decision 889/QĐ-TTg and Plan 139/KH-UBND, the "
                "Department surveyed supermarkets and commercial centres open during the year; store managers' "
                "self-reports count only once approved by the Department.",
                year=first,
            )
        else:
            period = _(
                "Period: 01/01/%(first)s to 31/12/%(last)s, each year on its own. Under Decision 889/QĐ-TTg and Plan "
                "139/KH-UBND, the Department surveyed the supermarkets and commercial centres open during each "
                "year; store managers' self-reports count only once approved by the Department.",
                first=first,
                last=last,
            )
        blocks: list[Block] = [self.heading(_("Period and method")), Paragraph(period)]
        for years, rule in self.rules():
            zones = ", ".join(str(self.names.zones[zone]) for zone in rule["zones"])
            share = self.n(rule["min_eco_share_pct"])
            if first == last:
                text = _(
                    "Rule version %(version)s: a store complies when the eco share reaches %(share)s%% in: %(zones)s.",
                    version=rule["version"],
                    share=share,
                    zones=zones,
                )
            else:
                text = _(
                    "Years %(first)s–%(last)s: rule version %(version)s, target %(target)s%% of stores; a store "
                    "complies when the eco share reaches %(share)s%% in: %(zones)s.",
                    first=years[0],
                    last=years[-1],
                    version=rule["version"],
                    target=rule["target_pct"],
                    share=share,
                    zones=zones,
                )
            blocks.append(Paragraph(text))
        blocks.append(
            Paragraph(
                _(
                    "Each store is judged by its latest counted survey of the year; stores not surveyed count as not "
                    "compliant."
                )
                + " "
                + _(
                    "The figures were produced by Bao bì xanh at %(when)s from the surveys stored then.",
                    when=policy.local_now().strftime("%H:%M %d/%m/%Y"),
                )
            )
        )
        return blocks

    def rules(self) -> list[tuple[list[int], dict]]:
        """The years of the period grouped by the rule version that judged them."""
        groups: list[tuple[list[int], dict]] = []
        for year in self.period.years:
            rule = self.by_year[year]["rule"]
            if groups and groups[-1][1] == rule:
                groups[-1][0].append(year)
            else:
                groups.append(([year], rule))
        return groups

    def headline(self, result: dict) -> str:
        if not result["stores_in_scope"]:
            return _("No supermarket or commercial centre was in scope in %(year)s.", year=result["year"])
        parts = [
            _(
                "%(compliant)s of %(total)s supermarkets and commercial centres comply: %(pct)s%%.",
                compliant=result["stores_compliant"],
                total=result["stores_in_scope"],
                pct=self.n(result["compliance_pct"]),
            )
        ]
        if result["target_pct"] is not None:
            parts.append(_("The target for this year is %(target)s%%:", target=result["target_pct"]))
            if result["target_met"]:
                parts.append(_("met."))
            else:
                parts.append(_("not met; %(n)s more stores must comply.", n=result["stores_needed"]))
        parts.append(
            _(
                "Coverage: %(coverage)s%% of stores were surveyed; average eco share %(share)s%%.",
                coverage=self.n(result["coverage_pct"]),
                share=self.n(result["eco_share_avg"]),
            )
        )
        return " ".join(parts)

    def figure_columns(self, first: str) -> tuple[Column, ...]:
        return (
            Column(first, numeric=False),
            Column(_("In scope")),
            Column(_("Surveyed")),
            Column(_("Compliant")),
            Column(_("Compliance %%") % {}),
            Column(_("Coverage %%") % {}),
            Column(_("Still needed")),
            Column(_("Eco share %%") % {}),
            Column(_("Eco-labelled SKUs")),
        )

    def figure_cells(self, row: dict) -> tuple[str, ...]:
        keys = (
            "stores_in_scope",
            "stores_surveyed",
            "stores_compliant",
            "compliance_pct",
            "coverage_pct",
            "stores_needed",
            "eco_share_avg",
            "eco_label_skus",
        )
        return tuple(self.n(row[key]) for key in keys)

    def unit_name(self, row: dict) -> str:
        return row["unit_name"] or str(self.names.unassigned[self.level])

    def by_unit_table(self, result: dict) -> Table:
        rows = tuple((self.unit_name(row), *self.figure_cells(row)) for row in result["by_level"])
        return Table("report-by-unit", self.figure_columns(_("Unit")), rows)

    def by_type_table(self, result: dict) -> Table:
        rows = tuple((str(self.names.store_types[row["type"]]), *self.figure_cells(row)) for row in result["by_type"])
        return Table("report-by-type", self.figure_columns(_("Type")), rows)

    def level_note(self) -> Paragraph:
        return Paragraph(
            _(
                "Units at the level: %(level)s. Each store counts in exactly one unit.",
                level=self.names.levels[self.level],
            )
        )

    def unit_chart(self, result: dict) -> Chart:
        bars = tuple(
            Bar(self.unit_name(row), row["compliance_pct"], result["target_pct"], self.pct(row["compliance_pct"]))
            for row in result["by_level"]
        )
        return Chart(
            self.chart_title(result["target_pct"], _("Compliance by unit, %(year)s", year=result["year"])), bars
        )

    def chart_title(self, target: int | None, title: str) -> str:
        if target is None:
            return title
        return title + " " + _("(the line: the target of %(target)s%%)", target=target)

    def pct(self, value: float | None) -> str:
        return f"{self.n(value)}%" if value is not None else self.n(value)

    # A single year: headline, units, types, chart.
    def one_year(self) -> list[Block]:
        result = self.last
        return [
            self.heading(_("Result against the target")),
            Paragraph(self.headline(result)),
            self.heading(_("By administrative unit")),
            self.level_note(),
            self.by_unit_table(result),
            self.heading(_("By store type")),
            self.by_type_table(result),
            self.heading(_("Chart")),
            self.unit_chart(result),
        ]

    # Several years: each year, the chart of years, the units year by year, the last year by type.
    def several_years(self) -> list[Block]:
        last_year, result = self.period.last, self.last
        blocks: list[Block] = [
            self.heading(_("Results year by year")),
            self.year_table(),
            Paragraph(_("Year %(year)s:", year=last_year) + " " + self.headline(result)),
        ]
        if (phase := self.period.phase) is not None and result["target_pct"] is not None:
            blocks.append(Paragraph(self.phase_sentence(phase, result)))
        blocks += [
            self.heading(_("Chart")),
            self.year_chart(),
            self.heading(_("Units and the target")),
            self.level_note(),
            *self.units_by_year(),
            self.heading(_("By store type in %(year)s", year=last_year)),
            self.by_type_table(result),
        ]
        return blocks

    def phase_sentence(self, phase: policy.Phase, result: dict) -> str:
        target = result["target_pct"]
        if self.period.kind == "final":
            if result["target_met"]:
                return _("The phase's target of %(target)s%% by %(year)s was met.", target=target, year=phase.last_year)
            return _(
                "The phase's target of %(target)s%% by %(year)s was not met: %(n)s more stores would have had to "
                "comply.",
                target=target,
                year=phase.last_year,
                n=result["stores_needed"],
            )
        return _(
            "The phase's target is %(target)s%% by %(year)s: with today's stores, %(n)s more must comply.",
            target=target,
            year=phase.last_year,
            n=result["stores_needed"],
        )

    def year_table(self) -> Table:
        columns = (
            Column(_("Year"), numeric=False),
            Column(_("In scope")),
            Column(_("Surveyed")),
            Column(_("Compliant")),
            Column(_("Compliance %%") % {}),
            Column(_("Coverage %%") % {}),
            Column(_("Target %%") % {}),
            Column(_("Target met"), numeric=False),
            Column(_("Rule version")),
        )
        rows = []
        for year in self.period.years:
            result = self.by_year[year]
            rows.append(
                (
                    str(year),
                    self.n(result["stores_in_scope"]),
                    self.n(result["stores_surveyed"]),
                    self.n(result["stores_compliant"]),
                    self.n(result["compliance_pct"]),
                    self.n(result["coverage_pct"]),
                    self.n(result["target_pct"]),
                    self.met(result["target_met"]),
                    str(result["rule"]["version"]),
                )
            )
        return Table("report-by-year", columns, tuple(rows))

    def met(self, value: bool | None) -> str:
        if value is None:
            return "–"
        return _("met") if value else _("not met")

    def year_chart(self) -> Chart:
        bars = []
        for year in self.period.years:
            result = self.by_year[year]
            value = result["compliance_pct"]
            bars.append(Bar(str(year), value, result["target_pct"], self.pct(value)))
        targets = {bar.target for bar in bars} - {None}
        target = targets.pop() if len(targets) == 1 else None
        return Chart(self.chart_title(target, _("Compliance year by year")), tuple(bars))

    def units_by_year(self) -> list[Block]:
        """Each unit's compliance in each year, and whether it reached the target in the last year."""
        years, last_year = self.period.years, self.period.last
        cells: dict[str | None, dict[int, dict]] = {}
        names: dict[str | None, str] = {}
        for year in years:
            for row in self.by_year[year]["by_level"]:
                cells.setdefault(row["unit_code"], {})[year] = row
                names[row["unit_code"]] = self.unit_name(row)
        order = sorted(cells, key=lambda code: (code is None, names[code]))
        target = self.last["target_pct"]
        columns = [Column(_("Unit"), numeric=False), *(Column(str(year)) for year in years)]
        if target is not None:
            columns.append(Column(_("Reached %(target)s%% in %(year)s", target=target, year=last_year), numeric=False))
        rows = []
        reached = []
        for code in order:
            row = [
                names[code],
                *(self.n(cells[code][year]["compliance_pct"]) if year in cells[code] else "–" for year in years),
            ]
            if target is not None:
                final = cells[code].get(last_year)
                row.append(self.met(final["target_met"]) if final else "–")
                if final and final["target_met"] and code is not None:
                    reached.append(names[code])
            rows.append(tuple(row))
        blocks: list[Block] = []
        if target is not None:
            counted = sum(1 for code in order if code is not None and last_year in cells[code])
            text = _(
                "%(n)s of %(total)s units reached the target of %(target)s%% in %(year)s",
                n=len(reached),
                total=counted,
                target=target,
                year=last_year,
            )
            blocks.append(Paragraph(text + (": " + ", ".join(reached) + "." if reached else ".")))
        blocks.append(Table("report-units-by-year", tuple(columns), tuple(rows)))
        blocks.append(Paragraph(_("Compliance (%%) of each unit in each year; – : no store in scope that year.") % {}))
        return blocks

    # Eco-labelled products.
    def labels(self) -> list[Block]:
        blocks: list[Block] = [self.heading(_("Eco-labelled products"))]
        if self.period.first == self.period.last:
            result = self.last
            blocks.append(
                Paragraph(
                    _(
                        "%(skus)s eco-labelled SKUs were counted in %(stores)s stores.",
                        skus=self.n(result["eco_label_skus"]),
                        stores=self.n(result["stores_with_eco_label"]),
                    )
                )
            )
            lines = tuple(
                f"{self.names.label_types.get(code, code)}: {self.n(total)}"
                for code, total, counted in result["labels"]
                if counted
            )
            if lines:
                blocks.append(Items(lines))
        else:
            columns = (
                Column(_("Year"), numeric=False),
                Column(_("Eco-labelled SKUs")),
                Column(_("Stores with eco-labelled products")),
            )
            rows = tuple(
                (
                    str(year),
                    self.n(self.by_year[year]["eco_label_skus"]),
                    self.n(self.by_year[year]["stores_with_eco_label"]),
                )
                for year in self.period.years
            )
            blocks.append(Table("report-labels-by-year", columns, rows))
        blocks.append(
            Paragraph(_("The plan encourages eco-labelled products but sets no number: they are reported, not scored."))
        )
        return blocks

    # The stores still to act on, in the last year of the period.
    def to_act(self) -> list[Block]:
        year = self.period.last
        rows = [row for row in self.last["stores"] if row.status != "compliant"]
        store_names = dict(db.session.execute(select(Store.code, Store.name)).all())
        unit_names = dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)).all())
        rows.sort(key=lambda row: (row.unit_code, row.code))
        title = (
            _("Stores still to act on")
            if self.period.first == year
            else _("Stores still to act on in %(year)s", year=year)
        )
        table = Table(
            "to-act",
            (
                Column(_("Store"), numeric=False),
                Column(_("Unit"), numeric=False),
                Column(_("Situation"), numeric=False),
            ),
            tuple(
                (
                    f"{store_names.get(row.code, row.code)} ({row.code})",
                    unit_names.get(row.unit_code, row.unit_code),
                    _("not compliant") if row.deciding else _("not surveyed"),
                )
                for row in rows
            ),
            empty=_("None: every store in scope complies."),
        )
        return [self.heading(title), table]

    # Coverage, and what it means for how far the figures can be trusted.
    def coverage(self) -> list[Block]:
        result, year = self.last, self.period.last
        n, s, c = result["stores_in_scope"], result["stores_surveyed"], result["stores_compliant"]
        blocks: list[Block] = [self.heading(_("Coverage and reliability"))]
        if n == 0:
            return [*blocks, Paragraph(_("No supermarket or commercial centre was in scope in %(year)s.", year=year))]
        text = [
            _(
                "In %(year)s, %(surveyed)s of %(total)s stores in scope were surveyed (coverage %(coverage)s%%).",
                year=year,
                surveyed=s,
                total=n,
                coverage=self.n(result["coverage_pct"]),
            )
        ]
        if s < n:
            text.append(
                _(
                    "The %(missing)s stores not surveyed count as not compliant, so %(pct)s%% is a floor: had they all "
                    "complied, compliance would be %(upper)s%%. Among the surveyed stores alone it is %(surveyed)s%%.",
                    missing=n - s,
                    pct=self.n(result["compliance_pct"]),
                    upper=self.n(policy.percentage(c + n - s, n)),
                    surveyed=self.n(result["compliance_pct_of_surveyed"]),
                )
            )
            text.append(_("Surveying those stores would make the figure exact."))
        else:
            text.append(_("Every store in scope was surveyed, so the figure rests on a survey of each store."))
        blocks.append(Paragraph(" ".join(text)))
        sources = [row.deciding.source for row in result["stores"] if row.deciding is not None]
        if sources:
            blocks.append(
                Paragraph(
                    _(
                        "The stores' status comes from %(inspections)s inspections by the Department and %(approved)s "
                        "self-reports by store managers that the Department approved.",
                        inspections=sources.count("inspection"),
                        approved=sources.count("self_report"),
                    )
                )
            )
        if self.period.first != self.period.last:
            low = [str(y) for y in self.period.years if (self.by_year[y]["coverage_pct"] or 0) < 100]
            if low:
                blocks.append(
                    Paragraph(
                        _(
                            "Years whose coverage was below 100%%, whose figures are floors too: %(years)s.",
                            years=", ".join(low),
                        )
                    )
                )
        return blocks
