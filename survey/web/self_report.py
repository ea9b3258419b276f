"""Store managers report through their store's secret link, with no account.

What they send is a `self_report` in state `received`: it counts only once a
reviewer approves it. The store comes from the link alone, never from the form.

Rate limits, both keyed on the sender's address (as the app sees it behind FLASK_PROXY_HOPS), so
that a stranger who reaches a limit reaches it for their own address only, never for the store's
manager elsewhere:
- per link and address: only reports actually stored use it up (`deduct_when`), so typing
  mistakes and refusals cost the manager nothing;
- per address: every POST counts, refused or not, unknown links too (someone guessing tokens):
  each attempt may cost the server a form's checks and some photos' decoding.
A limit reached answers 429 with the same form, every value kept, and says when to try again.

Photos cost the most to check, so they are checked last, cheapest first: nothing of them is
decoded unless every other field is valid and no cap is reached, then only their headers are
read (format, pixels, also together against photos.MAX_PIXELS_PER_REQUEST), and only when all
of that passes are they decoded.

Reports waiting for review are capped per phone and per store (survey.domain.self_reports): the
page sets a long-lived random cookie on the phone, and each report keeps only its digest. A cap
reached shows the same form, every value kept, and says which cap it was.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException
from wtforms import SelectChoice, StringField, ValidationError
from wtforms.validators import Length, Optional

from models import Store, Survey, db
from survey.domain import payload_errors, photos, self_reports, vocabularies
from survey.domain.tokens import digest, store_for_token
from survey.extensions import limiter
from survey.web.errors import handle_http_error
from survey.web.retry import breached_limits, retry_sentence, seconds_to_reset
from survey.web.self_report_photos import (
    caption_field_name,
    checked_photos,
    chosen_photos,
    files_sent,
    keep_pictures,
    photo_field_name,
    photo_fields,
    photo_numbers,
    too_many_photos_message,
)
from survey.web.survey_form import build_form_class, is_uuid, local_now_for_input, render_form, submit
from survey.web.validators import storable

bp = Blueprint("self_report", __name__)
# The form may carry a few photos: each within photos.MAX_BYTES, with room for the other fields.
UPLOAD_LIMIT = photos.SELF_REPORT_PHOTOS * photos.MAX_BYTES + 1024 * 1024

LINK_KEY_PREFIX = "link:"
MAX_REPORTER_NAME = 120  # Survey.reporter_name
# The phone's cookie: a random id, sent back only to the report pages, kept a little over a year.
PHONE_COOKIE = "report_phone"
PHONE_COOKIE_PATH = "/r/"
PHONE_COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def link_key() -> str:
    """Rate-limit key for one link from one address (the link's digest: the token never sits in the limiter).

    With the address in the key, reports a stranger sends through a poster's link use up that
    stranger's quota, and the store's manager, sending from another address, still has theirs.
    """
    return f"{LINK_KEY_PREFIX}{digest(request.view_args.get('token', ''))}:{get_remote_address()}"


def report_stored(_response) -> bool:
    """Only a report actually stored uses up the link's quota: not a typing mistake, a refusal or a repeat."""
    return bool(g.get("self_report_stored"))


def phone_id() -> str:
    """The id in this phone's cookie, or a fresh one when it has none (or one this app did not make)."""
    value = request.cookies.get(PHONE_COOKIE)
    return value if self_reports.is_phone_id(value) else self_reports.new_phone_id()


def with_phone_cookie(response, phone: str):
    """Set (or renew) the phone's cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, for /r/ only."""
    response = make_response(response)
    response.set_cookie(
        PHONE_COOKIE,
        phone,
        max_age=PHONE_COOKIE_MAX_AGE,
        path=PHONE_COOKIE_PATH,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response


def cap_message(cap: str) -> str:
    """Say which cap of reports waiting for review was reached; what was typed stays on the form."""
    if cap == "phone":
        reason = _(
            "Your phone has sent %(n)s reports that are still waiting for review, the most one phone may have. "
            "Please send again once they have been reviewed.",
            n=current_app.config["SELF_REPORT_MAX_PENDING_PER_PHONE"],
        )
    else:
        reason = _(
            "This store has %(n)s reports that are still waiting for review, the most a store may have. "
            "Please try again later, or contact the Department of Industry and Trade.",
            n=current_app.config["SELF_REPORT_MAX_PENDING"],
        )
    return " ".join((reason, _("What you typed is kept below.")))


def sent_before(form) -> bool:
    """A second tap on "send" repeats a stored report: answer it as such, even when the queue is full."""
    try:
        return db.session.get(Survey, uuid.UUID(form.survey_id.data or "")) is not None
    except ValueError:
        return False


def invalid_link():
    """The same page for an unknown and a revoked token: it says nothing of the store."""
    return render_template("self_report/invalid.html"), 404


# --- who reports (optional, for the reviewer only) ------------------------------------------


def phone_number(_form, field) -> None:
    """The domain's rule for a phone number (self_reports.phone_problem), said next to the field."""
    if field.data and (problem := self_reports.phone_problem(field.data)):
        raise ValidationError(problem)


def report_form_class(by_zone, labels):
    """The inspector's count fields, the optional name and phone of the person reporting, and photos."""
    fields = {
        **photo_fields(),
        "reporter_name": StringField(
            _l("Your name"),
            filters=[self_reports.clean_name],
            validators=[
                Optional(),
                storable,
                Length(max=MAX_REPORTER_NAME, message=_l("Write at most %(max)d characters.")),
            ],
            render_kw={"autocomplete": "name"},
        ),
        "reporter_phone": StringField(
            _l("Phone number"),
            filters=[self_reports.clean_phone],
            validators=[Optional(), phone_number],
            render_kw={"autocomplete": "tel", "inputmode": "tel"},
        ),
    }
    return type("SelfReportForm", (build_form_class(by_zone, labels),), fields)


# --- the page --------------------------------------------------------------------------------


def filled_form(store: Store):
    """The report form for this store, filled from the request when it was sent."""
    by_zone, labels = vocabularies.categories_by_zone(), vocabularies.label_types()
    form = report_form_class(by_zone, labels)()
    form.store_code.choices = [SelectChoice(store.code, store.name)]
    form.store_code.data = store.code  # the link decides the store, whatever is posted
    if not form.is_submitted():
        form.survey_id.data = str(uuid.uuid4())
        form.visited_at.data = local_now_for_input()
    return form, by_zone, labels


def submit_report(form, by_zone, labels, chosen) -> tuple[str, list[str]]:
    """survey_form.submit for a self-report, with the chosen photos listed in the payload."""
    listed = [{"id": str(photo_id), "caption": caption} for photo_id, caption, *_rest in chosen]
    return submit(form, by_zone, labels, "self_report", None, photos=listed)


def show_form(store: Store, form, by_zone, labels, general_errors: list[str]):
    """Render the form; the empty-checkout message goes next to the checkout counts, not at the top."""
    empty_checkout = payload_errors.empty_checkout_message()
    checkout_errors = [message for message in general_errors if message == empty_checkout]
    general_errors = [message for message in general_errors if message != empty_checkout]
    return render_form(
        "self_report/form.html",
        form,
        by_zone,
        labels,
        general_errors,
        store=store,
        checkout_errors=checkout_errors,
        photo_numbers=photo_numbers(),
        photo_field_name=photo_field_name,
        caption_field_name=caption_field_name,
        photos_dropped=files_sent() > 0,
    )


@bp.route("/r/<token>", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SELF_REPORT_LINK_LIMIT"],
    key_func=link_key,
    methods=["POST"],
    deduct_when=report_stored,
)
@limiter.limit(lambda: current_app.config["SELF_REPORT_ADDRESS_LIMIT"], methods=["POST"])
def report(token: str):
    """Show the store's report form and take the report; the phone's cookie is set (or renewed) either way."""
    store = store_for_token(token)
    if store is None:
        return invalid_link()
    phone = phone_id()
    return with_phone_cookie(take_report(store, token, phone), phone)


def take_report(store: Store, token: str, phone: str):
    """The form, or the report stored and the thanks page; the caps are checked only for a new report.

    The cheap checks come first (the number of files, every other field, the caps), the photos last.
    """
    device = self_reports.phone_digest(phone)
    form, by_zone, labels = filled_form(store)
    if form.is_submitted() and not is_uuid(form.survey_id.data):
        abort(400)  # the page always sends the report's id: this request was not made by it
    general_errors: list[str] = []
    too_many = form.is_submitted() and files_sent() > photos.SELF_REPORT_PHOTOS
    if too_many:
        general_errors.append(too_many_photos_message())
    if form.validate_on_submit() and not too_many:
        cap = None if sent_before(form) else pending_cap(store, device)
        if cap is not None:
            general_errors.append(cap_message(cap))
        elif (pictures := checked_photos(form, general_errors)) is not None:
            chosen = chosen_photos(form, pictures)
            status, general_errors = submit_report(form, by_zone, labels, chosen)
            if status == "created":
                g.self_report_stored = True
                self_reports.record_sender(
                    form.survey_id.data, device, form.reporter_name.data, form.reporter_phone.data
                )
            if status in ("created", "duplicate"):
                keep_pictures(chosen)
                return redirect(url_for("self_report.thanks", token=token))
    return show_form(store, form, by_zone, labels, general_errors)


def pending_cap(store: Store, device: str) -> str | None:
    """Which cap of reports waiting for review this phone's new report would pass: "phone", "store" or None."""
    config = current_app.config
    return self_reports.cap_reached(
        store.id, device, config["SELF_REPORT_MAX_PENDING"], config["SELF_REPORT_MAX_PENDING_PER_PHONE"]
    )


@bp.errorhandler(429)
def limit_reached(error: HTTPException):
    """A limit reached: the same form again, with what was typed and when to try again."""
    token = (request.view_args or {}).get("token")
    store = store_for_token(token) if request.endpoint == "self_report.report" and token else None
    if store is None:
        return handle_http_error(error)  # an unknown link learns nothing more than "too many requests"
    form, by_zone, labels = filled_form(store)
    # Typing mistakes are shown too, so they can be fixed while waiting; nothing is stored, and no
    # photo is decoded (only checked_photos does, after every other check).
    form.validate()
    return show_form(store, form, by_zone, labels, [limit_message()]), 429


def limit_message() -> str:
    """Say which limit was reached and, from the limiter's reset time, when to try again."""
    breached = breached_limits()
    if not breached and limiter.current_limit is not None:
        breached = [limiter.current_limit]
    by_link = not breached or any(
        str(arg).startswith(LINK_KEY_PREFIX) for limit in breached for arg in limit.request_args
    )
    window = max((limit.limit.get_expiry() for limit in breached), default=3600)
    if not by_link:
        reason = _("Many reports have been sent from your network recently.")
    elif window <= 3600:
        reason = _("You have sent many reports in the past hour.")
    else:
        reason = _("You have sent many reports in the past day.")
    return " ".join((reason, retry_sentence(seconds_to_reset(breached)), _("What you typed is kept below.")))


@bp.route("/r/<token>/thanks")
def thanks(token: str):
    """Thank the manager and say what happens next."""
    store = store_for_token(token)
    if store is None:
        return invalid_link()
    return render_template("self_report/thanks.html", store=store, token=token)
