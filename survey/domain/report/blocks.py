"""The blocks a report's body is made of: headings, paragraphs, lists, marked places, tables, charts.

Plain data, already in words: the printed page and the Word file (survey/web/report_docx.py)
draw them one by one and tell them apart by `kind`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 for the parts (I., II., III.), level 2 for the numbered sections."""

    kind: ClassVar[str] = "heading"
    text: str
    level: int  # 1: I., II.; 2: 1., 2.


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the body."""

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
    """A table's column: its title, and whether its cells are numbers (set right)."""

    title: str
    numeric: bool = True


@dataclass(frozen=True)
class Table:
    """A table of cells already written as text."""

    kind: ClassVar[str] = "table"
    key: str  # the table's id on the page
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = ""  # said instead when there is no row
    total: tuple[str, ...] = ()  # a last row set apart (the whole country's), when the table has one


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, with the target line it stands against."""

    label: str
    value: float | None
    target: int | None
    text: str  # the value as written in the report


@dataclass(frozen=True)
class Chart:
    """A bar chart; the web draws it as a picture."""

    kind: ClassVar[str] = "chart"
    title: str
    bars: tuple[Bar, ...]

    @property
    def description(self) -> str:
        """The chart's figures in words, its text alternative."""
        return "; ".join(f"{bar.label}: {bar.text}" for bar in self.bars)


Block = Heading | Paragraph | Items | Placeholder | Table | Chart
