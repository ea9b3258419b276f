"""The messages of the phone's parts that are loaded on demand: the outbox's page, the photos of a form,
"Việc của tôi",
the checkout tally, the products and their scanner, the proposal of a store found in the field.

The shell's own messages are written into its page (templates/offline_app.html) and count against its
100 KB budget; these are served as /app/more-messages.json in the page's language, precached by the
service worker for each language, and read by static/js/more-messages.js when a part first opens.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.labels import STORE_TYPE_NAMES

ON_DEMAND = {
    # The outbox's page (outbox-view.js)
    "state_queued": _l("waiting to be sent"),
    "state_invalid": _l("refused: needs fixing"),
    "state_conflict": _l("refused: the id was used for other data"),
    "discard": _l("Discard"),
    "confirm_discard": _l("Discard this survey for good? It has not reached the server."),
    "status_created": _l("received"),
    "status_duplicate": _l("already received"),
    "storage_used": _l("Used"),
    "storage_persisted": _l("Protected from automatic clearing."),
    "storage_not_persisted": _l("The browser may clear this data when space runs low: send or export it."),
    "imported": _l("Surveys imported"),
    "import_failed": _l("This file is not an export of unsent surveys."),
    # The photos of a form (photo-view.js)
    "photo_from": _l("from"),
    "photo_caption": _l("Caption"),
    "photo_remove": _l("Remove photo"),
    "photo_confirm_remove": _l("Remove this photo from the survey?"),
    "photo_working": _l("Shrinking the photo…"),
    "photo_unreadable": _l("This file could not be read as a picture."),
    "caption_ideas": [_l("checkout counter"), _l("store-packed shelf"), _l("eco-label")],
    "photos_carried": _l("the {n} photos sent with the survey it corrects are kept with it"),
    # "Việc của tôi" (my-list.js, day-plan.js)
    "todo_not_surveyed": _l("not surveyed yet"),
    "todo_sent": _l("sent for review"),
    "todo_returned": _l("needs more information"),
    "todo_approved": _l("approved"),
    "todo_pending": _l("waiting to be sent"),
    "last_day": _l("last day"),
    "km_away": _l("{n} km away"),
    "plan_pick": _l("visit today"),
    "plan_total": _l("Total: {n} km in a straight line"),
    "plan_none": _l("Tick at least one store."),
    "no_place": _l("no location"),
    "todo_never": _l("Connect once to see the stores assigned to you."),
    # The checkout tally (tally.js)
    "tally_open": _l("Count customer by customer"),
    "tally_title": _l("Checkout tally"),
    "tally_hint": _l(
        "One tap per bag handed out; a customer's own bag or box is one tap of its own. "
        "Tap “Next customer” when each customer leaves the till."
    ),
    "tally_customer": _l("Customer {n}"),
    "tally_finished": _l("{n} finished"),
    "tally_counted": _l("The checkout counts come from the tally over {n} customers."),
    "tally_none": _l("Or type the counts below."),
    "tally_next": _l("Next customer"),
    "tally_undo": _l("Undo"),
    "tally_undone": _l("Undone"),
    "tally_nothing": _l("Nothing to undo."),
    "tally_close": _l("Done"),
    "tally_replace": _l("The tally replaces the checkout counts typed so far. Go on?"),
    "customers_range": _l("Customers watched: from 1 to {n}."),
    "labels_with_products": _l("A survey that lists products has its eco-label counts worked out from them."),
    # Eco-labelled products (products-view.js)
    "products_title": _l("Eco-labelled products (by barcode)"),
    "products_hint": _l(
        "Scan or type the barcode of each eco-labelled product on the shelves. Each product counts once; "
        "the eco-label counts are then worked out from them."
    ),
    "scan": _l("Scan a barcode"),
    "gtin_typed": _l("Or type the barcode number (8, 12 or 13 digits)"),
    "gtin_add": _l("Add"),
    "gtin_digits": _l("A barcode number has digits only."),
    "gtin_length": _l("A barcode number has 8, 12 or 13 digits."),
    "gtin_check_digit": _l("This barcode number is not valid: check the digits (the last one does not match)."),
    "product_twice": _l("This product is already in the survey: it counts once."),
    "product_unknown": _l("Not on the certified list"),
    "product_label_seen": _l("Label seen on the pack"),
    "product_choose_label": _l("Choose the label"),
    "product_label_needed": _l("Not on the certified list: say which label the pack bears."),
    "product_photo": _l("Photo of the pack"),
    "product_remove": _l("Remove"),
    "certificate_no": _l("certificate"),
    "cert_valid": _l("Certificate valid on the visit day (until {n})"),
    "cert_expired": _l("Certificate expired on {n}: not counted"),
    "cert_not_yet": _l("Certificate valid only from {n}: not counted"),
    "products_read": _l("Products: {n}"),
    "products_counted": _l("counted"),
    "labels_from_products": _l("The eco-label counts are worked out from the products above."),
    "products_list": _l("Certified list on this phone: {n} products"),
    "products_list_none": _l("No certified list on this phone yet: connect once to fetch it."),
    # The scanner (scanner.js)
    "scan_starting": _l("Starting the camera…"),
    "scan_loading": _l("Loading the barcode reader…"),
    "scan_aim": _l("Hold the barcode inside the frame."),
    "scan_refused": _l("The camera cannot be used here: type the barcode number instead."),
    "scan_no_reader": _l("The barcode reader is not on this phone yet (connect once): type the number instead."),
    "scan_type": _l("Type the number"),
    "scan_cancel": _l("Close"),
}

# A store found in the field (proposal-view.js, proposals.js); the types keep the names the pages use.
PROPOSAL_MESSAGES = {
    "proposal_title": _l("Propose a new store"),
    "proposal_intro": _l("Fill in what you see. You survey the store at once; an admin adds it to the list later."),
    "proposal_name": _l("Store name"),
    "proposal_type": _l("Type of store"),
    "proposal_address": _l("Address"),
    "proposal_unit_code": _l("Administrative unit"),
    "proposal_unit_unknown": _l("Not sure"),
    "proposal_location": _l("Where the store is"),
    "proposal_photo": _l("Photo of the shop front"),
    "proposal_photo_hint": _l("Optional. It goes with the survey, as its first photo."),
    "proposal_photo_take": _l("Take a photo of the shop front"),
    "proposal_photo_again": _l("Take another photo"),
    "proposal_front_caption": _l("Shop front"),
    "proposal_optional": _l("optional"),
    "proposal_save": _l("Save and survey this store"),
    "proposal_cancel": _l("Cancel"),
    "proposal_name_required": _l("Enter the store's name."),
    "proposal_type_required": _l("Choose the type of store."),
    "proposal_too_long": _l("%(length)s characters long; at most %(limit)s.", length="{n}", limit="{max}"),
    **{f"proposal_type_{code}": name for code, name in STORE_TYPE_NAMES.items()},
}
ON_DEMAND.update(PROPOSAL_MESSAGES)


def on_demand() -> dict:
    """The messages in the current language; a list stays a list."""
    return {key: [str(v) for v in value] if isinstance(value, list) else str(value) for key, value in ON_DEMAND.items()}
