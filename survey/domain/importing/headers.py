"""The header line of an import: which column each cell names, by the column's own name or by
the header people read, and what is wrong with it (said with the names the file used)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, get_babel
from flask_babel import gettext as _

from survey.domain.indicators import N_
from survey.domain.rounds.sheets import PLAN_COLUMNS, PLAN_READ
from survey.domain.search import fold

# Each column's own name (programs and the files of the command line use it) and the header people read, a
# message id: the Excel template's header in the reader's language. A file may name a column either
# way, in any language of the catalogues.
HEADERS = {
    "stores": {
        "code": N_("Store code"),
        "name": N_("Store name"),
        "type": N_("Store type"),
        "class": N_("Class"),
        "unit_code": N_("Unit code"),
        "legacy_unit_code": N_("Unit code before 01/07/2025"),
        "address": N_("Address"),
        "chain": N_("Chain"),
        "opened_on": N_("Opened on"),
        "closed_on": N_("Closed on"),
        "lat": N_("Latitude"),
        "lon": N_("Longitude"),
    },
    "products": {
        "gtin": N_("Barcode number (GTIN)"),
        "name": N_("Product name"),
        "brand": N_("Brand"),
        "label": N_("Eco-label type"),
        "certificate_no": N_("Certificate number"),
        "valid_from": N_("Valid from"),
        "valid_to": N_("Valid to"),
    },
    # A round's plan, as its export heads it: the file downloaded comes back as it is.
    "plan": {column.key: column.label for column in PLAN_COLUMNS},
}
COLUMNS = {
    "stores": tuple(HEADERS["stores"]),
    "products": tuple(HEADERS["products"]),
    "units": tuple("code name level parent_code valid_from valid_to".split()),
    "plan": tuple(HEADERS["plan"]),
}
# Columns a file may leave out altogether (an empty value then).
OPTIONAL_COLUMNS = {
    "stores": ("legacy_unit_code",),
    "units": (),
    "products": ("brand", "certificate_no", "valid_from", "valid_to"),
    "plan": tuple(column for column in HEADERS["plan"] if column not in PLAN_READ),
}


def header_key(text: str) -> str:
    """What a header cell is matched by: no case, no accents, single spaces, in any Unicode form."""
    return " ".join(fold(text).split())


def header_names(kind: str) -> dict[str, str]:
    """Each name a file may give a column (by header_key), and the column it names."""
    labels = HEADERS.get(kind, {})
    names = {header_key(label): column for column, label in labels.items()}
    for locale in get_babel().instance.list_translations():
        with force_locale(locale):
            names.update({header_key(_(label)): column for column, label in labels.items()})
    names.update({header_key(column): column for column in COLUMNS[kind]})  # a column's own name always wins
    return names


def shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def name_list(names: list[str], limit: int = 20) -> str:
    """Column names for a message, never a page long."""
    shown = ", ".join(shorten(name) for name in names[:limit])
    return shown + ", …" if len(names) > limit else shown


@dataclass
class Header:
    kind: str
    cells: list[str]  # as written, without the empty cells a spreadsheet pads the line with
    columns: list[str]  # the column each cell names, "" for none

    @classmethod
    def read(cls, kind: str, cells: list[str]) -> Header:
        cells = list(cells)
        while cells and not cells[-1]:
            cells.pop()
        names = header_names(kind)
        return cls(kind, cells, [names.get(header_key(cell), "") if cell else "" for cell in cells])

    @property
    def written(self) -> dict[str, str]:
        """Each column the file has, as its header names it."""
        return {column: cell for cell, column in zip(self.cells, self.columns, strict=True) if column}

    def missing_name(self, column: str) -> str:
        """A column the file left out, named the way the file names the others."""
        by_people = any(header_key(cell) != header_key(name) for name, cell in self.written.items())
        return _(HEADERS[self.kind][column]) if by_people and column in HEADERS.get(self.kind, {}) else column

    def problems(self) -> list[str]:
        """What is wrong with the header: each required column once, optional ones at most once, nothing else."""
        if len(self.cells) == 1 and ";" in self.cells[0]:
            return [_("Columns must be separated by commas, not semicolons.")]
        pairs = list(zip(self.cells, self.columns, strict=True))
        named = [column for column in self.columns if column]
        optional = OPTIONAL_COLUMNS[self.kind]
        missing = [column for column in COLUMNS[self.kind] if column not in named and column not in optional]
        found = (
            (_("Missing columns: %(columns)s."), [self.missing_name(column) for column in missing]),
            (_("Unknown columns: %(columns)s."), [cell for cell, column in pairs if cell and not column]),
            (
                _("Repeated columns: %(columns)s."),
                sorted({cell for cell, column in pairs if column and named.count(column) > 1}),
            ),
        )
        return [message % {"columns": name_list(names)} for message, names in found if names]
