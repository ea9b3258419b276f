"""The certified-product list as every channel reads it: the API, the phone's offline copy, the pages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Product, db


def as_dict(product: Product) -> dict:
    return {
        "gtin": product.gtin,
        "name": product.name,
        "brand": product.brand,
        "label": product.label_code,
        "certificate_no": product.certificate_no,
        "valid_from": product.valid_from.isoformat() if product.valid_from else None,
        "valid_to": product.valid_to.isoformat() if product.valid_to else None,
    }


def listed() -> list[Product]:
    return list(db.session.scalars(select(Product).order_by(Product.name, Product.gtin)))


def certificate_state(product: Product, day: date) -> str:
    """ "valid", "not_yet" or "expired" on a day (open ends have no limit)."""
    if product.valid_from is not None and day < product.valid_from:
        return "not_yet"
    if product.valid_to is not None and day > product.valid_to:
        return "expired"
    return "valid"
