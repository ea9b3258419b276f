"""The words of the Ministry's national report: the province report's writer, with the sections that differ.

The Ministry of Industry and Trade reports to the Prime Minister on Decision 889/QĐ-TTg: the nation's
figures, each counting stores judged by their own province's rule, and one row per province with the
rule it applies (docs/provinces.md). What the two reports say alike (the headline against the target,
the year-by-year table, the coverage's bounds) is the province writer's own code. No store's or
person's name: the national figures carry none.
"""

from __future__ import annotations

from flask_babel import gettext as _

from survey.domain.report.blocks import Block, Heading, Items, Paragraph, Placeholder
from survey.domain.report.content import Figures
from survey.domain.report.national_tables import NationalTables
from survey.domain.report.period import subject
from survey.domain.report.writer import Writer


class NationalWriter(Writer):
    """The body of the national report: part I from the nation's and the provinces' figures, then the parts
    the Ministry writes itself."""

    tables_class = NationalTables
    content: Figures  # the nation's figures (content.read_national): no store's or unit's names
    tables: NationalTables

    def results(self) -> list[Block]:
        """The opening paragraph and part I, the results."""
        intro = _(
            "Under Decision 889/QĐ-TTg of 24/06/2020 of the Prime Minister approving the National Action Programme "
            "on Sustainable Production and Consumption for 2021–2030, the Ministry of Industry and Trade reports "
            "the results of replacing single-use plastic packaging at supermarkets and commercial centres across "
            "the country for %(subject)s as follows:",
            subject=subject(self.period),
        )
        blocks: list[Block] = [Paragraph(intro), Heading("I. " + _("RESULTS"), 1), *self.method()]
        blocks += self.one_year() if self.content.single_year else self.several_years()
        return blocks + self.labels() + self.coverage()

    def department_parts(self) -> list[Block]:
        """Parts II and III, marked for the Ministry to write, and the closing sentence."""
        return [
            Heading("II. " + _("GENERAL ASSESSMENT"), 1),
            Placeholder(
                _(
                    "[For the Ministry to write before signing: its assessment of the results in the provinces, "
                    "their causes, and the difficulties and obstacles met.]"
                )
            ),
            Heading("III. " + _("PROPOSALS AND RECOMMENDATIONS"), 1),
            Placeholder(_("[For the Ministry to write before signing: its proposals to the Prime Minister.]")),
            Paragraph(
                _(
                    "The above is the Ministry of Industry and Trade's report on %(subject)s. "
                    "The Ministry respectfully reports it to %(addressee)s./.",
                    subject=subject(self.period),
                    addressee=_("the Prime Minister"),
                )
            ),
        ]

    # 1. Period and method.
    def method(self) -> list[Block]:
        """Section 1: the dates, where the figures come from, how the nation's figure is counted."""
        first, last = self.period.first, self.period.last
        if first == last:
            dates = _("Period: 01/01/%(year)s to 31/12/%(year)s.", year=first)
        else:
            dates = _("Period: 01/01/%(first)s to 31/12/%(last)s, each year on its own.", first=first, last=last)
        source = _(
            "The figures gather the surveys of supermarkets and commercial centres that the Departments of "
            "Industry and Trade of %(n)s provinces recorded in Bao bì xanh; store managers' self-reports count "
            "only once approved by their Department.",
            n=len(self.last["by_province"]),
        )
        rules = _(
            "Each province judges its stores by its own rule in force, stated in the section by province. The "
            "national figure counts the stores of every province, each judged by its own province's rule, "
            "against the national target: it is not an average of the provinces' percentages."
        )
        return [self.heading(_("Period and method")), Paragraph(f"{dates} {source}"), Paragraph(rules), self.judging()]

    def one_year(self) -> list[Block]:
        """Sections 2 to 4 of a one-year report: the nation against the target, each province, the chart."""
        result = self.last
        return [
            self.heading(_("Result against the target")),
            Paragraph(self.headline(result)),
            *self.provinces(result, _("By province")),
            self.heading(_("Chart")),
            self.tables.province_chart(result),
        ]

    def several_years(self) -> list[Block]:
        """Sections 2 to 5 of a report of several years: the nation year by year, the charts, each province
        year by year, then in the last year."""
        last_year, result = self.period.last, self.last
        blocks: list[Block] = [
            self.heading(_("Results year by year")),
            self.tables.by_year(versions=False),
            Paragraph(_("Year %(year)s:", year=last_year) + " " + self.headline(result)),
        ]
        if (phase := self.period.phase) is not None and result["target_pct"] is not None:
            blocks.append(Paragraph(self.phase_sentence(phase, result)))
        return [
            *blocks,
            self.heading(_("Chart")),
            self.tables.year_chart(),
            self.tables.province_chart(result),
            self.heading(_("Provinces year by year")),
            self.tables.provinces_by_year(),
            Paragraph(_("Compliance (%%) of each province in each year; – : no store in scope that year.") % {}),
            *self.provinces(result, _("By province in %(year)s", year=last_year)),
        ]

    def provinces(self, result: dict, title: str) -> list[Block]:
        """A year's provinces: which reached their own target, their figures, and the rule each applies."""
        rows = result["by_province"]
        blocks: list[Block] = [self.heading(title)]
        counted = [row for row in rows if row["stores_in_scope"] and row["target_pct"] is not None]
        if counted:
            reached = [row["province_name"] for row in counted if row["target_met"]]
            text = _(
                "%(n)s of %(total)s provinces with stores in scope reached their own target in %(year)s",
                n=len(reached),
                total=len(counted),
                year=result["year"],
            )
            blocks.append(Paragraph(text + (": " + ", ".join(reached) + "." if reached else ".")))
        blocks.append(self.tables.provinces(result))
        if rows:
            blocks.append(Paragraph(_("The rule each province applied in %(year)s:", year=result["year"])))
            blocks.append(Items(tuple(self.province_rule(row) for row in rows)))
        return blocks

    def province_rule(self, row: dict) -> str:
        """What a province's rule asks of its stores, and of the province."""
        rule = row["rule"]
        return _(
            "%(province)s: rule version %(version)s, target %(target)s%% of stores; a store complies when the eco "
            "share reaches %(share)s%% in: %(zones)s.",
            province=row["province_name"],
            version=rule["version"],
            target=rule["target_pct"],
            share=self.n(rule["min_eco_share_pct"]),
            zones=", ".join(str(self.names.zones[zone]) for zone in rule["zones"]),
        )

    def labels(self) -> list[Block]:
        """The eco-labelled products, the nation's and each province's: reported, never scored."""
        result, year = self.last, self.period.last
        blocks: list[Block] = [self.heading(_("Eco-labelled products"))]
        if self.content.single_year:
            counted = _(
                "%(skus)s eco-labelled SKUs were counted in %(stores)s stores.",
                skus=self.n(result["eco_label_skus"]),
                stores=self.n(result["stores_with_eco_label"]),
            )
            blocks.append(Paragraph(counted))
        else:
            blocks.append(self.tables.labels_by_year())
        if result["eco_products"]:
            found = _(
                "%(n)s different certified eco-labelled products were found in the stores in %(year)s (each "
                "counted once, however many provinces it was found in).",
                n=self.n(result["eco_products"]),
                year=year,
            )
            blocks.append(Paragraph(found))
        return [
            *blocks,
            Paragraph(_("Eco-labelled products by province in %(year)s:", year=year)),
            self.tables.province_labels(result),
            Paragraph(
                _("The programme encourages eco-labelled products but sets no number: they are reported, not scored.")
            ),
        ]

    def coverage(self) -> list[Block]:
        """The last section: how many stores were surveyed across the country, and where fewer than all."""
        result, year = self.last, self.period.last
        blocks: list[Block] = [self.heading(_("Coverage and reliability"))]
        if result["stores_in_scope"] == 0:
            return [*blocks, Paragraph(_("No supermarket or commercial centre was in scope in %(year)s.", year=year))]
        blocks.append(Paragraph(" ".join(self.coverage_sentences(result))))
        low = [
            row["province_name"]
            for row in result["by_province"]
            if row["stores_in_scope"] and (row["coverage_pct"] or 0) < 100
        ]
        if low:
            text = _(
                "Provinces whose coverage was below 100%%, whose figures are floors too: %(provinces)s.",
                provinces=", ".join(low),
            )
            blocks.append(Paragraph(text))
        return blocks + self.years_not_covered()
