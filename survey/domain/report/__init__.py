"""The yearly report's content: its figures and its words, for a year or for years of a plan phase.

`build` gathers the figures (the same functions as the indicators API: figures.dashboard_figures
over indicators.indicators_from_rows) and writes them into a `Document`: the parts an administrative
document carries under Decree 30/2020/NĐ-CP, and a body of headings, paragraphs, tables, a chart
and marked places the Department fills in itself. The web renders one Document both as the
printed page and as the Word file, so the two always say the same thing with the same figures
(see docs/report.md). The caller picks the language (the report is written in Vietnamese) and
gives the names of codes and the number format, which live outside the domain.

The modules, along the way a report is made:
- period: which years a report covers, and its subject and summary;
- content: the figures and names read from the database, the only module that reads it;
- blocks: the body's blocks (headings, paragraphs, lists, marked places, tables, charts);
- tables: the tables and charts, with the `Names` the caller passes in;
- writer: the words around them, section by section;
- national_tables, national_writer: the same for the Ministry's national report (`build_national`): the
  nation's figures and one row per province, each by its own rule (docs/provinces.md);
- document: the whole `Document`, `build` and `build_national`.
"""

from survey.domain.report.blocks import Bar, Block, Chart, Column, Heading, Items, Paragraph, Placeholder, Table
from survey.domain.report.document import Document, build, build_national
from survey.domain.report.period import LONGEST_SPAN, Period, phase_period, span_period, year_period
from survey.domain.report.tables import Names

__all__ = [
    "LONGEST_SPAN",
    "Bar",
    "Block",
    "Chart",
    "Column",
    "Document",
    "Heading",
    "Items",
    "Names",
    "Paragraph",
    "Period",
    "Placeholder",
    "Table",
    "build",
    "build_national",
    "phase_period",
    "span_period",
    "year_period",
]
