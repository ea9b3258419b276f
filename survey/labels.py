"""Names shown to people for the codes the domain uses: zones, store types, states, sources,
statuses, roles and figures. One place, translated lazily into the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.domain import policy
from survey.domain.indicators import INDICATORS

ZONE_NAMES = {
    "checkout": _l("Checkout (carry bags handed out)"),
    "store_packed": _l("Store-packed goods (SKUs on display)"),
}
STORE_TYPE_NAMES = {
    "supermarket": _l("Supermarket"),
    "commercial_centre": _l("Commercial centre"),
    "convenience_store": _l("Convenience store"),
    "market": _l("Market"),
}
STATE_NAMES = {
    "received": _l("Received"),
    "has_issues": _l("Has issues"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
}
# How a survey stands in the figures (review.standing): an inspection counts from its arrival until reviewed.
STANDING_NAMES = {
    "counts": _l("counts in the figures"),
    "until_reviewed": _l("counts until reviewed"),
    "until_corrected": _l("returned: counts until corrected or rejected"),
    "until_approved": _l("counts only once approved"),
    "not": _l("does not count"),
}
SOURCE_NAMES = {"inspection": _l("Inspection"), "self_report": _l("Self-report")}
STATUS_NAMES = {
    "compliant": _l("compliant"),
    "not_compliant": _l("not compliant"),
    "unsurveyed": _l("not surveyed"),
}
# The group of stores with no unit at the level a table is read at: named, never a blank bar.
UNASSIGNED_NAMES = {
    "province": _l("No province assigned"),
    "district": _l("No district assigned (before 07/2025)"),
    "commune": _l("No commune or ward assigned"),
}
# Values a form asks about before saving (policy.unlikely_values); never a refusal.
UNLIKELY_VALUE_MESSAGES = {
    "many_bags": _l(
        "More than %(n)s bags counted at the checkout: that is a lot for about 30 transactions.",
        n=policy.PLAUSIBLE_CHECKOUT_UNITS,
    ),
    "labels_over_checked": _l("More eco-labelled SKUs than SKUs checked: please check both counts."),
}
LEVEL_NAMES = {
    "province": _l("Province"),
    "district": _l("Old districts (before 07/2025)"),
    "commune": _l("Communes and wards (from 07/2025)"),
}
ROLE_LABELS = {
    "inspector": _l("Inspector"),
    "reviewer": _l("Reviewer"),
    "admin": _l("Administrator"),
}
# Every indicator's full name, from the registry (survey/domain/indicators.py), in its order.
FIGURE_NAMES = {indicator.key: _l(indicator.label) for indicator in INDICATORS}
AUDIT_ACTIONS = {
    "review": _l("Review decision"),
    "rule": _l("New rule version"),
    "link_create": _l("Self-report link made"),
    "link_revoke": _l("Self-report link revoked"),
    "link_replace": _l("Self-report link replaced"),
    "store_create": _l("Store created"),
    "store_update": _l("Store edited"),
    "store_close": _l("Store closed"),
    "store_place": _l("Store placed from a visit"),
    "store_import": _l("Stores imported"),
    "unit_import": _l("Units imported"),
    "user_create": _l("User created"),
    "user_update": _l("User changed"),
    "photo_purge": _l("Photo deleted to free storage"),
    "report_settings": _l("Report settings changed"),
}
# What a reviewer should check about where a visit was recorded (policy.location_flags).
LOCATION_FLAG_NAMES = {
    "far": _l("Far from the store"),
    "imprecise": _l("Imprecise location"),
}
