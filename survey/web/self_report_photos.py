"""The photos of a self-report: their inputs, and their checks, cheapest first.

A stranger with a poster can attach pictures, so nothing of them is decoded unless every other
field of the form is valid and no cap or limit is reached; then only their headers are read
(format, pixels, and all of them together against photos.MAX_PIXELS_PER_REQUEST); only when all of
that passes are they decoded and cleaned (survey.domain.photos).
"""

from __future__ import annotations

import hashlib
import uuid

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length, Optional

from models import Photo, db
from survey.domain import photos, self_reports
from survey.domain.schemas import MAX_CAPTION
from survey.web.validators import storable


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
            filters=[self_reports.clean_name],
            validators=[
                Optional(),
                storable,
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


def too_many_photos_message() -> str:
    return _(
        "A report may carry at most %(n)s photos: nothing was sent. Choose at most %(n)s photos and send again.",
        n=photos.SELF_REPORT_PHOTOS,
    )
