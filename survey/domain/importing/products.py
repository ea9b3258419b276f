"""The rows of a certified-product list: GTINs with their check digit, one line per GTIN, label types by
code or by name, and certificate dates that exist and follow each other."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from models import EcoLabelType, Product, db
from survey.domain.importing.rows import ImportReport, Row
from survey.domain.names import tidy
from survey.domain.products import gtin
from survey.domain.search import fold

MAX_LENGTHS = {"name": 200, "brand": 120, "certificate_no": 60}


def label_finder() -> dict[str, str]:
    """Each way a file may name an eco-label type (its code, its Vietnamese or English name, folded)."""
    found = {}
    for label in db.session.scalars(select(EcoLabelType)):
        for name in (label.code, label.label_vi, label.label_en):
            found[fold(name).strip()] = label.code
    return found


def read_gtin(row: Row, first_line: dict[str, int]) -> str:
    value = gtin.tidy(row.values["gtin"])
    if not value:
        row.fail(_("The column %(column)s is required.", column=row.name("gtin")))
    elif (problem := gtin.problem(value)) == "check_digit":
        row.fail(_('%(column)s "%(value)s": the last digit does not match (check digit).', **row.at("gtin")))
    elif problem is not None:
        row.fail(_('%(column)s "%(value)s" must be 8, 12 or 13 digits.', **row.at("gtin")))
    elif value in first_line:
        row.fail(
            _('The barcode number "%(code)s" already appears on line %(line)s.', code=value, line=first_line[value])
        )
    else:
        first_line[value] = row.line
    return value


def check_products(rows: list[Row]) -> list[dict]:
    """Check every product row and return the values to save."""
    labels = label_finder()
    first_line: dict[str, int] = {}
    records = []
    for row in rows:
        record = {
            "gtin": read_gtin(row, first_line),
            "name": tidy(row.text("name", MAX_LENGTHS["name"], required=True)),
            "brand": tidy(row.text("brand", MAX_LENGTHS["brand"])) if "brand" in row.values else "",
            "label_code": labels.get(fold(row.values["label"]).strip(), ""),
            "certificate_no": row.text("certificate_no", MAX_LENGTHS["certificate_no"])
            if "certificate_no" in row.values
            else "",
            "valid_from": row.date("valid_from") if "valid_from" in row.values else None,
            "valid_to": row.date("valid_to") if "valid_to" in row.values else None,
        }
        if not record["label_code"]:
            allowed = ", ".join(sorted(set(labels.values())))
            row.fail(_('%(column)s "%(value)s" is not one of: %(allowed)s.', allowed=allowed, **row.at("label")))
        if record["valid_from"] and record["valid_to"] and record["valid_to"] < record["valid_from"]:
            row.fail(
                _(
                    "%(closed)s must not be before %(opened)s.",
                    closed=row.name("valid_to"),
                    opened=row.name("valid_from"),
                )
            )
        records.append(record)
    return records


def save_products(records: list[dict], report: ImportReport) -> list[str]:
    """Insert or update each product by GTIN; return the GTINs written (their surveys are counted again)."""
    known = {product.gtin: product for product in db.session.scalars(select(Product))}
    for record in records:
        product = known.get(record["gtin"])
        if product is None:
            product = known[record["gtin"]] = Product()
            db.session.add(product)
            report.created += 1
        else:
            report.updated += 1
        for name, value in record.items():
            setattr(product, name, value)
    db.session.flush()
    return [record["gtin"] for record in records]
