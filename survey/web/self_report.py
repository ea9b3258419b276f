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

import hashlib
import math
import re
import time
import unicodedata
import uuid

from flask import Blueprint, abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_wtf.file import FileField
from werkzeug.exceptions import HTTPException
from wtforms import SelectChoice, StringField, ValidationError
from wtforms.validators import Length, Optional

from models import Photo, Store, Survey, db
from survey.domain import payload_errors, photos, self_reports, vocabularies
from survey.domain.schemas import MAX_CAPTION
from survey.domain.tokens import digest, store_for_token
from survey.extensions import limiter
from survey.web.errors import handle_http_error
from survey.web.survey_form import build_form_class, is_uuid, local_now_for_input, render_form, submit

bp = Blueprint("self_report", __name__)
# The form may carry a few photos: each within photos.MAX_BYTES, with room for the other fields.
UPLOAD_LIMIT = photos.SELF_REPORT_PHOTOS * photos.MAX_BYTES + 1024 * 1024

LINK_KEY_PREFIX = "link:"
MAX_REPORTER_NAME = 120  # Survey.reporter_name
PHONE_CHARACTERS = re.compile(r"\+?[0-9 ]+")
PHONE_DIGITS = (8, 15)  # a Vietnamese number has 10 digits, an international one at most 15 (E.164)
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


def clean_name(value: str | None) -> str | None:
    """One space between words, composed accents (NFC), so a name typed on any phone is stored alike."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", " ".join(value.split())) or None


def clean_phone(value: str | None) -> str | None:
    """Full-width digits become plain ones (NFKC); one space between groups; "+ 84" becomes "+84"."""
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    if text.startswith("+ "):
        text = "+" + text[2:]
    return text or None


def printable(_form, field) -> None:
    if field.data and any(unicodedata.category(char) == "Cc" for char in field.data):
        raise ValidationError(_("Contains characters that cannot be stored."))


def phone_number(_form, field) -> None:
    """Digits, spaces and a leading +, with 8 to 15 digits; at most 30 characters follow from that."""
    if not field.data:
        return
    if not PHONE_CHARACTERS.fullmatch(field.data):
        raise ValidationError(_("Use only digits, spaces and a + at the start."))
    low, high = PHONE_DIGITS
    if not low <= sum(char.isdigit() for char in field.data) <= high:
        raise ValidationError(_("A phone number has %(low)s to %(high)s digits.", low=low, high=high))


# --- photos (optional, up to photos.SELF_REPORT_PHOTOS) ---------------------------------------


def photo_field_name(number: int) -> str:
    return f"photo_{number}"


def caption_field_name(number: int) -> str:
    return f"caption_{number}"


def photo_numbers() -> range:
    return range(1, photos.SELF_REPORT_PHOTOS + 1)


def photo_refusal_message(refusal: photos.PhotoRefused) -> str:
    """Why a chosen picture was refused, said next to its input.

    A page cannot put a chosen file back into its input, so the message asks for the photo to be
    chosen again.
    """
    if refusal.code == "too_large":
        reason = _(
            "This photo is too large: it may have at most %(mb)s MB and %(mp)s megapixels.",
            mb=photos.MAX_BYTES // (1024 * 1024),
            mp=photos.MAX_PIXELS // 1_000_000,
        )
    else:
        reason = _("This file is not a photo that can be read: choose a JPEG, PNG or WebP picture.")
    return " ".join((reason, _("The page cannot keep a chosen file: choose the photo again, or another one.")))


def too_many_pixels_message() -> str:
    return _(
        "The photos chosen are too large together: a report may carry at most %(mp)s megapixels in all. "
        "Choose fewer or smaller photos and send again.",
        mp=photos.MAX_PIXELS_PER_REQUEST // 1_000_000,
    )


def refuse_photo(form, number: int, refusal: photos.PhotoRefused) -> None:
    field = form[photo_field_name(number)]
    field.errors = [*field.errors, photo_refusal_message(refusal)]


def photos_sent(form) -> dict[int, bytes]:
    """The bytes of each chosen photo by its number; past photos.MAX_BYTES, one byte more is enough to refuse it."""
    sent = {}
    for number in photo_numbers():
        upload = form[photo_field_name(number)].data
        if upload is not None:
            upload.stream.seek(0)
            sent[number] = upload.stream.read(photos.MAX_BYTES + 1)
    return sent


def checked_photos(form, general_errors: list[str]) -> dict[int, tuple[photos.CleanPhoto, str]] | None:
    """The chosen photos of an otherwise valid form, cleaned: {number: (picture, SHA-256 of the bytes sent)}.

    Cheapest first, and nothing decoded until all of it passes: each photo's header (format and
    pixels), then the pixels of all of them together. Only then is each decoded and cleaned.
    A refused photo is said next to its input; photos too large together, at the top (added to
    general_errors). None when any photo is refused.
    """
    sent = photos_sent(form)
    headers = {}
    for number, raw in sent.items():
        try:
            headers[number] = photos.inspect(raw)
        except photos.PhotoRefused as refusal:
            refuse_photo(form, number, refusal)
    if len(headers) < len(sent):
        return None
    if not photos.fits_request(headers.values()):
        general_errors.append(too_many_pixels_message())
        return None
    pictures = {}
    for number, raw in sent.items():
        try:
            pictures[number] = (photos.clean(raw), hashlib.sha256(raw).hexdigest())
        except photos.PhotoRefused as refusal:  # a header that promised more than its pixels hold
            refuse_photo(form, number, refusal)
    return pictures if len(pictures) == len(sent) else None


def photo_fields() -> dict:
    """One optional file input (the phone's camera or gallery) and one short caption per photo."""
    fields = {}
    for number in photo_numbers():
        fields[photo_field_name(number)] = FileField(
            _l("Photo %(n)s", n=number),
            render_kw={"accept": "image/*", "capture": "environment"},
        )
        fields[caption_field_name(number)] = StringField(
            _l("Caption of photo %(n)s", n=number),
            filters=[clean_name],
            validators=[
                Optional(),
                printable,
                Length(max=MAX_CAPTION, message=_l("Write at most %(max)d characters.")),
            ],
            render_kw={"placeholder": _l("e.g. checkout counter")},
        )
    return fields


def files_sent() -> int:
    """How many files the request carries, under any name: more than the form has inputs for is refused."""
    return sum(1 for _name, upload in request.files.items(multi=True) if upload)


def chosen_photos(form, pictures: dict) -> list[tuple[uuid.UUID, str, photos.CleanPhoto, str]]:
    """The cleaned photos of a valid form, in order: (id, caption, picture, SHA-256 of the bytes sent).

    The id comes from the report's id and the photo's bytes, so a second tap on "send" with the
    same photos repeats the same report (a duplicate), never a conflicting one.
    """
    chosen = []
    for number, (cleaned, sha256) in sorted(pictures.items()):
        photo_id = uuid.uuid5(uuid.UUID(form.survey_id.data), f"photo-{number}-{sha256}")
        chosen.append((photo_id, form[caption_field_name(number)].data or "", cleaned, sha256))
    return chosen


def keep_pictures(chosen) -> None:
    """Keep the pictures of a report just stored (or repeated) whose photos have not arrived yet."""
    for photo_id, _caption, cleaned, sha256 in chosen:
        row = db.session.get(Photo, photo_id)
        if row is not None and row.received_at is None:
            photos.keep(row, cleaned, sha256)
    db.session.commit()


def report_form_class(by_zone, labels):
    """The inspector's count fields, the optional name and phone of the person reporting, and photos."""
    fields = {
        **photo_fields(),
        "reporter_name": StringField(
            _l("Your name"),
            filters=[clean_name],
            validators=[
                Optional(),
                printable,
                Length(max=MAX_REPORTER_NAME, message=_l("Write at most %(max)d characters.")),
            ],
            render_kw={"autocomplete": "name"},
        ),
        "reporter_phone": StringField(
            _l("Phone number"),
            filters=[clean_phone],
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


def too_many_photos_message() -> str:
    return _(
        "A report may carry at most %(n)s photos: nothing was sent. Choose at most %(n)s photos and send again.",
        n=photos.SELF_REPORT_PHOTOS,
    )


def limit_message() -> str:
    """Say which limit was reached and, from the limiter's reset time, when to try again."""
    breached = [limit for limit in limiter.current_limits if limit.breached]
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


def seconds_to_reset(breached) -> float | None:
    """Seconds until every breached limit lets a report through again; None when the limiter cannot say."""
    if not breached:
        return None
    try:
        reset_at = max(limit.window.reset_time for limit in breached)
    except Exception:  # the limiter's storage may be out of reach: the message then says "in an hour"
        current_app.logger.warning("No reset time from the rate limiter", exc_info=True)
        return None
    return max(reset_at - time.time(), 0)


def retry_sentence(seconds: float | None) -> str:
    if seconds is None:
        return _("Please try again in an hour.")
    if seconds <= 90 * 60:
        minutes = max(1, math.ceil(seconds / 60))
        return ngettext(
            "Please try again in about %(num)d minute.", "Please try again in about %(num)d minutes.", minutes
        )
    hours = math.ceil(seconds / 3600)
    return ngettext("Please try again in about %(num)d hour.", "Please try again in about %(num)d hours.", hours)


@bp.route("/r/<token>/thanks")
def thanks(token: str):
    """Thank the manager and say what happens next."""
    store = store_for_token(token)
    if store is None:
        return invalid_link()
    return render_template("self_report/thanks.html", store=store, token=token)
