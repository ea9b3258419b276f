"""A survey's products as the sync checks them, and the eco-label lines derived from them (`counting`)."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from survey.domain import policy
from survey.domain.products import counting, gtin
from survey.domain.schemas import SurveyIn


def errors(survey: SurveyIn, listed: Mapping[str, counting.Listed], counted_labels: Mapping[str, bool]) -> dict:
    """Real GTINs, a known label where the list gives none, and no typed counts beside the products
    (the counts are worked out from them). Field errors keyed as the payload's paths."""
    if survey.products is None:
        return {}
    found = {}
    if survey.eco_labels:
        found["eco_labels"] = _("A survey that lists products has its eco-label counts worked out from them.")
    for index, product in enumerate(survey.products):
        if (problem := gtin.problem(product.gtin)) is not None:
            found[f"products.{index}.gtin"] = gtin_message(problem)
        elif product.label is not None and product.label not in counted_labels:
            found[f"products.{index}.label"] = _("Unknown eco-label type.")
        elif product.label is None and product.gtin not in listed:
            found[f"products.{index}.label"] = _("Not on the certified list: say which label the pack bears.")
    return found


def gtin_message(problem: str) -> str:
    if problem == "digits":
        return _("A barcode number has digits only.")
    if problem == "length":
        return _("A barcode number has 8, 12 or 13 digits.")
    return _("This barcode number is not valid: check the digits (the last one does not match).")


def derived(
    survey: SurveyIn, listed: Mapping[str, counting.Listed], uncertified: set[str]
) -> list[tuple[str, int]] | None:
    """The eco-label lines worked out from the survey's products, or None when it lists none."""
    if survey.products is None:
        return None
    day = survey.visited_moment.astimezone(policy.LOCAL_TZ).date()
    lines = counting.distinct((product.gtin, product.label) for product in survey.products)
    return counting.label_counts(counting.judge(code, label, day, listed, uncertified) for code, label in lines)
