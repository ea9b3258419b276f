"""The national report's tables and chart: one row (or bar) per province, by its own rule, and a last row
for the whole country, counted from the stores (docs/provinces.md).

The rows are `by_province` of the Ministry's figures (content.read_national); the total row is the
nation's own figures beside them, never a sum or an average of the rows' percentages.
"""

from __future__ import annotations

from flask_babel import gettext as _

from survey.domain.report.blocks import Bar, Chart, Column, Table
from survey.domain.report.tables import Tables

# The figures of a province's row, in the order of the columns of `provinces`.
PROVINCE_KEYS = (
    "stores_in_scope",
    "stores_surveyed",
    "stores_compliant",
    "compliance_pct",
    "target_pct",
    "stores_needed",
    "coverage_pct",
    "eco_label_skus",
)
LABEL_KEYS = ("eco_label_skus", "stores_with_eco_label", "eco_products")


class NationalTables(Tables):
    """The tables of the Ministry's report, their cells written in the report's language. Made from the
    nation's figures (content.Figures): the province report's tables that need no names work on them too."""

    def province_table(self, key: str, columns: tuple[Column, ...], keys: tuple[str, ...], result: dict) -> Table:
        """A year's figures of each province under `keys`, and the whole country's in the last row."""
        rows = tuple((row["province_name"], *(self.n(row[key]) for key in keys)) for row in result["by_province"])
        total = (_("Whole country"), *(self.n(result[key]) for key in keys))
        return Table(key, columns, rows, empty=_("The deployment holds no province yet."), total=total)

    def provinces(self, result: dict) -> Table:
        """A year's headline figures per province, its compliance against its own target."""
        columns = (
            Column(_("Province"), numeric=False),
            Column(_("In scope")),
            Column(_("Surveyed")),
            Column(_("Compliant")),
            Column(_("Compliance %%") % {}),
            Column(_("Target %%") % {}),
            Column(_("Still needed")),
            Column(_("Coverage %%") % {}),
            Column(_("Eco-labelled SKUs")),
        )
        return self.province_table("report-by-province", columns, PROVINCE_KEYS, result)

    def province_labels(self, result: dict) -> Table:
        """A year's eco-labelled products per province; the country's certified products are counted once each."""
        columns = (
            Column(_("Province"), numeric=False),
            Column(_("Eco-labelled SKUs")),
            Column(_("Stores with eco-labelled products")),
            Column(_("Certified eco-labelled products found")),
        )
        return self.province_table("report-labels-by-province", columns, LABEL_KEYS, result)

    def provinces_by_year(self) -> Table:
        """Each province's compliance in each year, and whether it reached its own target in the last year."""
        years, last_year = self.content.period.years, self.content.period.last
        by_year = {
            year: {row["province_code"]: row for row in self.content.by_year[year]["by_province"]} for year in years
        }
        columns = (
            Column(_("Province"), numeric=False),
            *(Column(str(year)) for year in years),
            Column(_("Reached its target in %(year)s", year=last_year), numeric=False),
        )
        rows = []
        for last in self.content.last["by_province"]:
            cells = [by_year[year].get(last["province_code"]) for year in years]
            rows.append(
                (
                    last["province_name"],
                    *(self.n(cell["compliance_pct"]) if cell else "–" for cell in cells),
                    self.met(last["target_met"]),
                )
            )
        nation = [self.content.by_year[year] for year in years]
        total = (
            _("Whole country"),
            *(self.n(result["compliance_pct"]) for result in nation),
            self.met(self.content.last["target_met"]),
        )
        return Table("report-provinces-by-year", columns, tuple(rows), total=total)

    def province_chart(self, result: dict) -> Chart:
        """A year's compliance per province against its own target, and the whole country's against the
        national target."""
        rows = [*result["by_province"], {**result, "province_name": _("Whole country")}]
        bars = tuple(
            Bar(row["province_name"], row["compliance_pct"], row["target_pct"], self.pct(row["compliance_pct"]))
            for row in rows
        )
        title = _("Compliance by province, %(year)s", year=result["year"])
        targets = {bar.target for bar in bars} - {None}
        if len(targets) > 1:
            return Chart(title + " " + _("(the lines: each province's own target)"), bars)
        return Chart(self.chart_title(targets.pop() if targets else None, title), bars)
