"""The words of a report around its figures: the body, section by section, as blocks.

The writer reads nothing itself: it is given the content (content.read) and the names of codes
with the number format (tables.Names), and writes in the current language.
"""

from __future__ import annotations

from flask_babel import gettext as _

from survey.domain import indicators, policy
from survey.domain.report.blocks import Block, Heading, Items, Paragraph, Placeholder
from survey.domain.report.content import Content
from survey.domain.report.period import subject
from survey.domain.report.tables import PRODUCTS_SHOWN, Names, Tables


class Writer:
    """The body of one report: part I from the figures, then the parts the Department writes itself."""

    tables_class = Tables  # the national report's writer draws its own tables

    def __init__(self, content: Content, names: Names):
        self.content, self.names, self.n = content, names, names.number
        self.period, self.last = content.period, content.last
        self.tables = self.tables_class(content, names)
        self.section = 0

    def body(self) -> list[Block]:
        """The whole body, from the opening paragraph to the closing sentence."""
        return self.results() + self.department_parts()

    def heading(self, text: str) -> Heading:
        """The next numbered section's heading."""
        self.section += 1
        return Heading(f"{self.section}. {text}", 2)

    def results(self) -> list[Block]:
        """The opening paragraph and part I, the results."""
        intro = _(
            "Under Plan 139/KH-UBND of 12/11/2020 of the People's Committee of Hưng Yên province, which carries out "
            "Decision 889/QĐ-TTg on sustainable production and consumption for 2021–2030, the Department of Industry "
            "and Trade reports the results of %(subject)s as follows:",
            subject=subject(self.period),
        )
        blocks: list[Block] = [Paragraph(intro), Heading("I. " + _("RESULTS"), 1), *self.method()]
        if self.content.single_year:
            blocks += self.one_year()
        else:
            blocks += self.several_years()
        return blocks + self.labels() + self.to_act() + self.coverage()

    def department_parts(self) -> list[Block]:
        """Parts II and III, marked for the Department to write, and the closing sentence."""
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
                    subject=subject(self.period),
                    addressee=_("the People's Committee of the province"),
                )
            ),
        ]

    # 1. Period and method.
    def method(self) -> list[Block]:
        """Section 1: the dates, the rule of each year, how a store is judged, when the figures were made."""
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
        blocks += [Paragraph(self.rule_sentence(years, rule)) for years, rule in self.rules()]
        return [*blocks, self.judging()]

    def judging(self) -> Paragraph:
        """How a store is judged, and when the figures were produced."""
        return Paragraph(
            _(
                "Each store is judged by its latest counted survey of the year; stores not surveyed count as not "
                "compliant."
            )
            + " "
            + _(
                "The figures were produced by Bao bì xanh at %(when)s from the surveys stored then.",
                when=self.content.produced_at.strftime("%H:%M %d/%m/%Y"),
            )
        )

    def rules(self) -> list[tuple[list[int], dict]]:
        """The years of the period grouped by the rule version that judged them."""
        groups: list[tuple[list[int], dict]] = []
        for year in self.period.years:
            rule = self.content.by_year[year]["rule"]
            if groups and groups[-1][1] == rule:
                groups[-1][0].append(year)
            else:
                groups.append(([year], rule))
        return groups

    def rule_sentence(self, years: list[int], rule: dict) -> str:
        """What the rule version of these years asks of a store (and of the province, over several years)."""
        zones = ", ".join(str(self.names.zones[zone]) for zone in rule["zones"])
        share = self.n(rule["min_eco_share_pct"])
        if self.content.single_year:
            return _(
                "Rule version %(version)s: a store complies when the eco share reaches %(share)s%% in: %(zones)s.",
                version=rule["version"],
                share=share,
                zones=zones,
            )
        return _(
            "Years %(first)s–%(last)s: rule version %(version)s, target %(target)s%% of stores; a store "
            "complies when the eco share reaches %(share)s%% in: %(zones)s.",
            first=years[0],
            last=years[-1],
            version=rule["version"],
            target=rule["target_pct"],
            share=share,
            zones=zones,
        )

    def headline(self, result: dict) -> str:
        """A year's compliance against its target, with its coverage and average eco share."""
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

    def level_note(self) -> Paragraph:
        """The level the units are read at."""
        return Paragraph(
            _(
                "Units at the level: %(level)s. Each store counts in exactly one unit.",
                level=self.names.levels[self.content.level],
            )
        )

    # A single year: headline, units, types, chart.
    def one_year(self) -> list[Block]:
        """Sections 2 to 5 of a one-year report."""
        result = self.last
        return [
            self.heading(_("Result against the target")),
            Paragraph(self.headline(result)),
            self.heading(_("By administrative unit")),
            self.level_note(),
            self.tables.by_unit(result),
            self.heading(_("By store type")),
            self.tables.by_type(result),
            self.heading(_("Chart")),
            self.tables.unit_chart(result),
        ]

    # Several years: each year, the chart of years, the units year by year, the last year by type.
    def several_years(self) -> list[Block]:
        """Sections 2 to 5 of a report of several years."""
        last_year, result = self.period.last, self.last
        blocks: list[Block] = [
            self.heading(_("Results year by year")),
            self.tables.by_year(),
            Paragraph(_("Year %(year)s:", year=last_year) + " " + self.headline(result)),
        ]
        if (phase := self.period.phase) is not None and result["target_pct"] is not None:
            blocks.append(Paragraph(self.phase_sentence(phase, result)))
        blocks += [
            self.heading(_("Chart")),
            self.tables.year_chart(),
            self.heading(_("Units and the target")),
            self.level_note(),
            *self.units_by_year(),
            self.heading(_("By store type in %(year)s", year=last_year)),
            self.tables.by_type(result),
        ]
        return blocks

    def phase_sentence(self, phase: policy.Phase, result: dict) -> str:
        """Whether the phase's target was met (final review), or what it still needs (mid-phase)."""
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

    def units_by_year(self) -> list[Block]:
        """Each unit's compliance in each year, and the units that reached the target in the last year."""
        last_year, target = self.period.last, self.last["target_pct"]
        units = self.tables.unit_years()
        blocks: list[Block] = []
        if target is not None:
            counted = [code for code in units.order if code is not None and last_year in units.cells[code]]
            reached = [units.names[code] for code in counted if units.cells[code][last_year]["target_met"]]
            text = _(
                "%(n)s of %(total)s units reached the target of %(target)s%% in %(year)s",
                n=len(reached),
                total=len(counted),
                target=target,
                year=last_year,
            )
            blocks.append(Paragraph(text + (": " + ", ".join(reached) + "." if reached else ".")))
        blocks.append(self.tables.units_by_year(units))
        blocks.append(Paragraph(_("Compliance (%%) of each unit in each year; – : no store in scope that year.") % {}))
        return blocks

    # Eco-labelled products.
    def labels(self) -> list[Block]:
        """The eco-labelled products: reported, never scored."""
        blocks: list[Block] = [self.heading(_("Eco-labelled products"))]
        if self.content.single_year:
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
            blocks.append(self.tables.labels_by_year())
        blocks += self.products_found()
        blocks.append(
            Paragraph(_("The plan encourages eco-labelled products but sets no number: they are reported, not scored."))
        )
        return blocks

    def products_found(self) -> list[Block]:
        """The certified products read by barcode in the last year, when the surveys named any."""
        products = self.content.products
        if not products:
            return []
        valid = sum(1 for item in products if item.stores_valid)
        text = _(
            "%(n)s products of the certified list were found in %(year)s; %(expired)s were seen with a certificate "
            "that was not valid on the day.",
            n=self.n(valid),
            year=self.period.last,
            expired=self.n(sum(1 for item in products if item.stores_expired)),
        )
        blocks: list[Block] = [Paragraph(text), self.tables.products_found()]
        if len(products) > PRODUCTS_SHOWN:
            blocks.append(
                Paragraph(_("The %(n)s most widely found; the products export lists them all.", n=PRODUCTS_SHOWN))
            )
        return blocks

    # The stores still to act on, in the last year of the period.
    def to_act(self) -> list[Block]:
        """The stores still to act on in the last year: not compliant or not surveyed."""
        year = self.period.last
        title = (
            _("Stores still to act on")
            if self.period.first == year
            else _("Stores still to act on in %(year)s", year=year)
        )
        return [self.heading(title), self.tables.to_act()]

    # Coverage, and what it means for how far the figures can be trusted.
    def coverage(self) -> list[Block]:
        """The last section: how many stores were surveyed, and how far the figures can be trusted."""
        result, year = self.last, self.period.last
        blocks: list[Block] = [self.heading(_("Coverage and reliability"))]
        if result["stores_in_scope"] == 0:
            return [*blocks, Paragraph(_("No supermarket or commercial centre was in scope in %(year)s.", year=year))]
        blocks.append(Paragraph(" ".join(self.coverage_sentences(result))))
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
        return blocks + self.years_not_covered()

    def years_not_covered(self) -> list[Block]:
        """Over several years, those whose coverage was below 100%: their figures are floors too."""
        if self.content.single_year:
            return []
        low = [str(y) for y in self.period.years if (self.content.by_year[y]["coverage_pct"] or 0) < 100]
        if not low:
            return []
        text = _("Years whose coverage was below 100%%, whose figures are floors too: %(years)s.", years=", ".join(low))
        return [Paragraph(text)]

    def coverage_sentences(self, result: dict) -> list[str]:
        """The last year's coverage; with stores unsurveyed, the bounds that leaves the headline between."""
        n, s, c = result["stores_in_scope"], result["stores_surveyed"], result["stores_compliant"]
        text = [
            _(
                "In %(year)s, %(surveyed)s of %(total)s stores in scope were surveyed (coverage %(coverage)s%%).",
                year=result["year"],
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
                    upper=self.n(indicators.percentage(c + n - s, n)),
                    surveyed=self.n(result["compliance_pct_of_surveyed"]),
                )
            )
            text.append(_("Surveying those stores would make the figure exact."))
        else:
            text.append(_("Every store in scope was surveyed, so the figure rests on a survey of each store."))
        return text
