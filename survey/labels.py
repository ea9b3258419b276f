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
# The same zones in a few words, where a longer name follows (the survey export's column headers).
ZONE_SHORT_NAMES = {"checkout": _l("Checkout"), "store_packed": _l("Store-packed goods")}
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
    "until_store_decided": _l("counts only once an admin adds its store to the registry"),
    "not": _l("does not count"),
}
SOURCE_NAMES = {"inspection": _l("Inspection"), "self_report": _l("Self-report")}
# Where a store found in the field stands (models.PROPOSAL_STATUSES).
PROPOSAL_STATUS_NAMES = {
    "waiting": _l("waiting for an admin's decision"),
    "created": _l("added to the registry"),
    "merged": _l("merged into a registered store"),
    "rejected": _l("rejected"),
}
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
# Where a survey round stands on a day (rounds.listing.state_of).
ROUND_STATE_NAMES = {
    "not_started": _l("not started"),
    "in_progress": _l("in progress"),
    "ended": _l("ended"),
}
# The stores of a round that no active inspector holds.
NO_INSPECTOR_NAME = _l("Not assigned")
# Values a form asks about before saving (policy.unlikely_values); never a refusal.
UNLIKELY_VALUE_MESSAGES = {
    "many_bags": _l(
        "More than %(n)s bags counted at the checkout: that is a lot for about 30 transactions.",
        n=policy.PLAUSIBLE_CHECKOUT_UNITS,
    ),
    "labels_over_checked": _l("More eco-labelled SKUs than SKUs checked: please check both counts."),
    "few_customers": _l(
        "Fewer than %(n)s customers watched at the checkout: the method asks for about 30.", n=policy.FEW_CUSTOMERS
    ),
}
LEVEL_NAMES = {
    "province": _l("Province"),
    "district": _l("Old districts (before 07/2025)"),
    "commune": _l("Communes and wards (from 07/2025)"),
}
# What a row of the indicator export sums up (tables.indicator_table's `scope`).
SCOPE_NAMES = {
    "province": _l("Whole province"),
    "unit": _l("Store's own unit"),
    "district": LEVEL_NAMES["district"],
    "commune": LEVEL_NAMES["commune"],
    "type": _l("Store type"),
}
FLAG_NAMES = {True: _l("Yes"), False: _l("No")}
ROLE_LABELS = {
    "inspector": _l("Inspector"),
    "reviewer": _l("Reviewer"),
    "admin": _l("Administrator"),
    "ministry": _l("Ministry"),
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
    "product_import": _l("Certified products imported"),
    "product_uncertified": _l("Product marked not certified"),
    "user_create": _l("User created"),
    "user_update": _l("User changed"),
    "photo_purge": _l("Photo deleted to free storage"),
    "report_settings": _l("Report settings changed"),
    "round_create": _l("Survey round created"),
    "round_assign": _l("Store assigned in a round"),
    "round_update": _l("Survey round edited"),
    "proposal_create": _l("Store found in the field added to the registry"),
    "proposal_merge": _l("Store found in the field merged into a registered store"),
    "proposal_reject": _l("Store found in the field rejected"),
    "survey_correction": _l("Correction received"),
    "survey_superseded": _l("Survey replaced by a correction"),
}
# The targets and values of the audit log, read back by survey.domain.audit (survey/web/audit_names.py).
LINK_STATE_NAMES = {"new": _l("New link"), "revoked": _l("Revoked")}
IMPORT_SUBJECT_NAMES = {
    "stores": _l("File of stores"),
    "units": _l("File of administrative units"),
    "products": _l("File of certified products"),
}
IMPORT_FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel"}
ZONE_SHORT_NAMES = {"checkout": _l("Checkout"), "store_packed": _l("Store-packed goods")}
# The yearly report's settings (survey.domain.report_settings.FIELDS): the form's labels and the log's.
REPORT_SETTING_NAMES = {
    "parent_body": _l("Governing body (first line)"),
    "issuing_body": _l("Issuing body"),
    "symbol": _l("Document symbol (after the number)"),
    "place": _l("Place name before the date"),
    "addressee": _l("Addressed to"),
    "signer_authority": _l("Signing on behalf (e.g. KT. GIÁM ĐỐC; empty when the Director signs)"),
    "signer_position": _l("Signer's position"),
    "signer_name": _l("Signer's full name"),
    "recipients": _l("Recipients, one per line"),
}
# The groups of a unit filter (survey/web/unit_options.py).
UNIT_GROUP_NAMES = {"in_force": _l("Units in force"), "abolished": _l("Former units")}
# What a reviewer should check about where a visit was recorded (policy.location_flags).
LOCATION_FLAG_NAMES = {
    "far": _l("Far from the store"),
    "imprecise": _l("Imprecise location"),
}
