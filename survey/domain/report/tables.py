"""The report's tables and charts, made from its content with the names and number format it is given.

The names of codes (store types, zones, levels, label types) and the number format live outside
the domain (survey/labels.py, survey/i18n.py): the caller passes them in as `Names`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _

from survey.domain.indicators import IN_BREAKDOWN
from survey.domain.report.blocks import Bar, Chart, Column, Table
from survey.domain.report.content import Content

FIGURE_KEYS = tuple(indicator.key for indicator in IN_BREAKDOWN)
PRODUCTS_SHOWN = 10


@dataclass(frozen=True)
class Names:
    """What the caller supplies: names for codes and the number format, in the report's language."""

    number: Callable[[float | int | None], str]
    store_types: Mapping[str, str]
    zones: Mapping[str, str]
    levels: Mapping[str, str]
    unassigned: Mapping[str, str]
    label_types: Mapping[str, str]


@dataclass(frozen=True)
class UnitYears:
    """Each unit's figures in each year of a period, in the order the report lists the units."""

    order: list[str | None]  # unit codes, by name; the stores with no unit last
    names: dict[str | None, str]
    cells: dict[str | None, dict[int, dict]]  # unit code: year: the unit's figures


class Tables:
    """The tables and charts of one report, their cells written in the report's language."""

    def __init__(self, content: Content, names: Names):
        self.content, self.names, self.n = content, names, names.number

    def pct(self, value: float | None) -> str:
        """A share as written in the report, with its percent sign."""
        return f"{self.n(value)}%" if value is not None else self.n(value)

    def met(self, value: bool | None) -> str:
        """Whether a target was met, in words; a dash where there is no target."""
        if value is None:
            return "–"
        return _("met") if value else _("not met")

    def unit_name(self, row: dict) -> str:
        """A unit's name, or the name of the group of stores with no unit at the level."""
        return row["unit_name"] or str(self.names.unassigned[self.content.level])

    def figure_columns(self, first: str) -> tuple[Column, ...]:
        """The columns of a table of figures, after a first column of names."""
        figures = (Column(_(indicator.short) % {}) for indicator in IN_BREAKDOWN)
        return (Column(first, numeric=False), *figures)

    def figure_cells(self, row: dict) -> tuple[str, ...]:
        """A row's figures, in the order of figure_columns."""
        return tuple(self.n(row[key]) for key in FIGURE_KEYS)

    def by_unit(self, result: dict) -> Table:
        """A year's figures by administrative unit."""
        rows = tuple((self.unit_name(row), *self.figure_cells(row)) for row in result["by_level"])
        return Table("report-by-unit", self.figure_columns(_("Unit")), rows)

    def by_type(self, result: dict) -> Table:
        """A year's figures by store type."""
        rows = tuple((str(self.names.store_types[row["type"]]), *self.figure_cells(row)) for row in result["by_type"])
        return Table("report-by-type", self.figure_columns(_("Type")), rows)

    def by_year(self, versions: bool = True) -> Table:
        """Each year of the period: its figures, its target, whether it was met, its rule version (unless
        `versions` is false: the nation's figures follow each province's own rule)."""
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
        )[: None if versions else -1]
        rows = []
        for year in self.content.period.years:
            result = self.content.by_year[year]
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
                )[: len(columns)]
            )
        return Table("report-by-year", columns, tuple(rows))

    def labels_by_year(self) -> Table:
        """Eco-labelled SKUs and the stores selling them, year by year."""
        columns = (
            Column(_("Year"), numeric=False),
            Column(_("Eco-labelled SKUs")),
            Column(_("Stores with eco-labelled products")),
        )
        by_year = self.content.by_year
        rows = tuple(
            (str(year), self.n(by_year[year]["eco_label_skus"]), self.n(by_year[year]["stores_with_eco_label"]))
            for year in self.content.period.years
        )
        return Table("report-labels-by-year", columns, rows)

    def products_found(self, limit: int = PRODUCTS_SHOWN) -> Table:
        """The certified products the last year's surveys found, the most widely found first (a short table:
        the export lists them all)."""
        columns = (
            Column(_("Product"), numeric=False),
            Column(_("Eco-label type"), numeric=False),
            Column(_("Stores where found, certificate valid")),
            Column(_("Stores where found, certificate not valid that day")),
        )
        rows = tuple(
            (
                f"{item.name} ({item.brand})" if item.brand else item.name,
                self.names.label_types.get(item.label, item.label),
                self.n(item.stores_valid),
                self.n(item.stores_expired),
            )
            for item in self.content.products[:limit]
        )
        return Table("report-products-found", columns, rows)

    def unit_years(self) -> UnitYears:
        """Each unit's figures in each year of the period."""
        cells: dict[str | None, dict[int, dict]] = {}
        names: dict[str | None, str] = {}
        for year in self.content.period.years:
            for row in self.content.by_year[year]["by_level"]:
                cells.setdefault(row["unit_code"], {})[year] = row
                names[row["unit_code"]] = self.unit_name(row)
        order = sorted(cells, key=lambda code: (code is None, names[code]))
        return UnitYears(order, names, cells)

    def units_by_year(self, units: UnitYears) -> Table:
        """Each unit's compliance in each year, and whether it reached the target in the last year."""
        years, last_year = self.content.period.years, self.content.period.last
        target = self.content.last["target_pct"]
        columns = [Column(_("Unit"), numeric=False), *(Column(str(year)) for year in years)]
        if target is not None:
            columns.append(Column(_("Reached %(target)s%% in %(year)s", target=target, year=last_year), numeric=False))
        rows = []
        for code in units.order:
            cells = units.cells[code]
            row = [
                units.names[code],
                *(self.n(cells[year]["compliance_pct"]) if year in cells else "–" for year in years),
            ]
            if target is not None:
                final = cells.get(last_year)
                row.append(self.met(final["target_met"]) if final else "–")
            rows.append(tuple(row))
        return Table("report-units-by-year", tuple(columns), tuple(rows))

    def to_act(self) -> Table:
        """The stores of the last year that are not compliant or not surveyed, by unit."""
        rows = [row for row in self.content.last["stores"] if row.status != "compliant"]
        rows.sort(key=lambda row: (row.unit_code, row.code))
        store_names, unit_names = self.content.store_names, self.content.unit_names
        return Table(
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

    def chart_title(self, target: int | None, title: str) -> str:
        """A chart's title, saying what its line is when it has one."""
        if target is None:
            return title
        return title + " " + _("(the line: the target of %(target)s%%)", target=target)

    def unit_chart(self, result: dict) -> Chart:
        """A year's compliance by unit, against its target."""
        bars = tuple(
            Bar(self.unit_name(row), row["compliance_pct"], result["target_pct"], self.pct(row["compliance_pct"]))
            for row in result["by_level"]
        )
        return Chart(
            self.chart_title(result["target_pct"], _("Compliance by unit, %(year)s", year=result["year"])), bars
        )

    def year_chart(self) -> Chart:
        """Compliance year by year; the target line only where every year has the same target."""
        bars = []
        for year in self.content.period.years:
            result = self.content.by_year[year]
            value = result["compliance_pct"]
            bars.append(Bar(str(year), value, result["target_pct"], self.pct(value)))
        targets = {bar.target for bar in bars} - {None}
        target = targets.pop() if len(targets) == 1 else None
        return Chart(self.chart_title(target, _("Compliance year by year")), tuple(bars))
