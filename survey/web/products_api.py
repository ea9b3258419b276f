"""The certified-product list under /api/v1/ (the phone keeps a copy offline to name what it scans)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from survey.domain.products import catalogue
from survey.web.auth import role_required

bp = Blueprint("products_api", __name__)


@bp.get("/api/v1/products")
@role_required("inspector", "reviewer", "admin", "ministry")  # every role: the list is national and public in kind
def list_products():
    return jsonify(products=[catalogue.as_dict(product) for product in catalogue.listed()])
