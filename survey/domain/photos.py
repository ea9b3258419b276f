"""Photos of a visit: checked, cleaned and kept (docs/photos.md).

A survey lists its photos by id; each picture arrives on its own, after its survey, so a
phone with a weak signal sends the counts first and a retry never stores a photo twice.
Every picture's header (format, pixels) is read first, and a picture over the limits is refused
before any pixel is decoded; the photos of one form are bounded together too. Only then is it
decoded by Pillow, turned upright, stripped of all metadata (EXIF, GPS, ICC) and re-encoded as a
JPEG of at most MAX_SIDE px with a thumbnail, so nothing the camera wrote reaches a reviewer's browser.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from flask import current_app
from PIL import Image, UnidentifiedImageError
from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import aliased

from models import Photo, Survey, User, db, utcnow
from survey.domain import audit
from survey.domain.private_files import sync_folder, write_private

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
# All the pictures one request may have decoded, read from their headers before any is decoded.
# Decoding costs time and memory by the pixel (a 40 MP PNG of 130 KB takes over a second and
# hundreds of MB), so a form with several photos is bounded as a whole: three 16 MP phone photos
# (48 MP) pass, three pictures near MAX_PIXELS do not. The phone's app shrinks its photos to
# MAX_SIDE and sends one per request, far below either bound.
MAX_PIXELS_PER_REQUEST = 50_000_000
MAX_SIDE = 1600
THUMB_SIDE = 320
JPEG_QUALITY = 82
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
SELF_REPORT_PHOTOS = 3


class PhotoRefused(ValueError):
    """The bytes are not a picture we keep; `code` is the API's error code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CleanPhoto:
    full: bytes
    thumb: bytes
    width: int
    height: int


@dataclass(frozen=True)
class PhotoHeader:
    """What a picture's header says, read without decoding a single pixel."""

    format: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def too_many_pixels() -> PhotoRefused:
    return PhotoRefused("too_large", f"A photo may have at most {MAX_PIXELS // 1_000_000} megapixels.")


@contextmanager
def opened(raw: bytes) -> Iterator[Image.Image]:
    """Open a picture lazily, after checking its size in bytes and, from its header, its format and pixels.

    Pillow's open reads only the header; pixels are decoded when the body calls load() (or
    anything that needs them). Whatever fails, in the header or in the body's decoding, is a
    PhotoRefused: "too_large" over MAX_BYTES or MAX_PIXELS (decompression bombs included),
    "not_an_image" for anything that is not fully one of FORMATS.
    """
    if len(raw) > MAX_BYTES:
        raise PhotoRefused("too_large", f"A photo may be at most {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past its own pixel limit; both are a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=list(FORMATS)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise too_many_pixels()
                yield image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, PhotoRefused):
            raise
        raise PhotoRefused("not_an_image", "The body is not a JPEG, PNG or WebP picture.") from None


def inspect(raw: bytes) -> PhotoHeader:
    """The format and size a picture's header declares, within the limits; no pixel is decoded.

    Raises PhotoRefused as clean() does for what the header alone shows; a file whose header is
    fine but whose pixels are damaged is only found by clean().
    """
    with opened(raw) as image:
        return PhotoHeader(image.format, image.width, image.height)


def fits_request(headers: Iterable[PhotoHeader]) -> bool:
    """Whether the pictures of one request, together, are within MAX_PIXELS_PER_REQUEST."""
    return sum(header.pixels for header in headers) <= MAX_PIXELS_PER_REQUEST


def clean(raw: bytes) -> CleanPhoto:
    """Decode a JPEG, PNG or WebP within the limits; return it upright, re-encoded, without metadata.

    The header is checked first (opened), so a picture over the limits is refused before any
    pixel is decoded. Raises PhotoRefused as opened() says.

    At most two full-size copies of the pixels exist at once (the decoded picture, and its RGB
    conversion when it is not RGB already): it is shrunk in place before it is turned, and the
    decoded picture is freed as soon as the shrunk one exists.
    """
    with opened(raw) as image:
        image.load()  # decodes every byte: a truncated or corrupt file fails here
        turn = upright_turn(image)
        picture = flatten(image)
        picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)  # a square box: before or after the turn
        picture = picture.transpose(turn) if turn is not None else picture.copy()  # outlives the file
    thumb = picture.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return CleanPhoto(jpeg(picture), jpeg(thumb), picture.width, picture.height)


# EXIF orientation → the turn that shows the picture upright (EXIF 2.3, tag 0x0112).
ORIENTATION_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def upright_turn(image: Image.Image) -> Image.Transpose | None:
    """The turn its EXIF orientation asks for, or None. Only that one tag is read: the rest of the
    metadata is dropped anyway, and a damaged block elsewhere (a GPS section shorter than it claims)
    must not stop a photo."""
    try:
        orientation = image.getexif().get(0x0112, 1)
    except Exception:  # any unreadable EXIF means "no orientation", never a refusal
        orientation = 1
    return ORIENTATION_TURNS.get(orientation) if isinstance(orientation, int) else None


def flatten(image: Image.Image) -> Image.Image:
    """RGB with any transparency laid on white, as a JPEG holds it; an RGB picture is itself (no copy)."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def jpeg(image: Image.Image) -> bytes:
    """Encode as a plain JPEG: no EXIF, no ICC profile, no comment."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


# --- storage --------------------------------------------------------------------------------


class PhotoStorage(Protocol):
    """Where the kept pictures live; a deployment may set PHOTO_STORAGE to any object like this."""

    def put(self, name: str, data: bytes) -> None: ...

    def get(self, name: str) -> bytes | None: ...

    def delete(self, name: str) -> None: ...


class FolderStorage:
    """Files in one folder (instance/photos by default), written whole or not at all."""

    def __init__(self, root: Path):
        self.root = root

    def put(self, name: str, data: bytes) -> None:
        """Write a file readable by the app's user only, on the disk before the call returns.

        The phone lets its copy of a photo go once the server says it is kept, so a power cut
        just after must not lose it: the file is flushed before it gets its name, the name after.
        """
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = self.root / f".{name}.{uuid.uuid4().hex}.part"
        try:
            write_private(partial, data)
            os.replace(partial, self.root / name)  # a reader never sees half a file
        except BaseException:
            # A full disk (ENOSPC) or any other failure leaves no half-written file behind.
            with suppress(OSError):
                partial.unlink(missing_ok=True)
            raise
        sync_folder(self.root)

    def get(self, name: str) -> bytes | None:
        path = self.root / name
        return path.read_bytes() if path.is_file() else None

    def delete(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)


def storage() -> PhotoStorage:
    configured = current_app.config.get("PHOTO_STORAGE")
    return configured if configured is not None else FolderStorage(Path(current_app.instance_path) / "photos")


def file_name(photo_id: uuid.UUID, thumb: bool = False) -> str:
    return f"{photo_id}{'-thumb' if thumb else ''}.jpg"


# --- receiving ------------------------------------------------------------------------------


def find(photo_id: str) -> Photo | None:
    try:
        key = uuid.UUID(photo_id)
    except ValueError:
        return None
    return db.session.get(Photo, key)


def listed_for(photo_id: str, sender: User) -> Photo | None:
    """The photo if one of the sender's own surveys lists it."""
    photo = find(photo_id)
    return photo if photo is not None and photo.survey.submitted_by_id == sender.id else None


def receive(photo: Photo, raw: bytes) -> str:
    """Keep a photo's picture: "created", "duplicate" for the same bytes again, "conflict" for others.

    Raises PhotoRefused, keeping nothing, when the bytes are not a picture within the limits.
    """
    digest = hashlib.sha256(raw).hexdigest()
    if photo.received_at is not None:
        return "duplicate" if photo.upload_hash == digest else "conflict"
    picture = clean(raw)
    # Claim the row before writing: of two uploads racing for one id, one writes, the other is
    # answered as a repeat or a conflict, and the files always match the row.
    claimed = db.session.execute(
        update(Photo).where(Photo.id == photo.id, Photo.received_at.is_(None)).values(upload_hash=digest)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        db.session.refresh(photo)
        return "duplicate" if photo.upload_hash == digest else "conflict"
    try:
        keep(photo, picture, digest)
        db.session.commit()
    except Exception:
        db.session.rollback()  # nothing marked received without its files
        raise
    return "created"


def keep(photo: Photo, picture: CleanPhoto, digest: str) -> None:
    """Write the cleaned picture and its thumbnail, then mark the photo received (committed by the caller)."""
    store = storage()
    store.put(file_name(photo.id), picture.full)
    try:
        store.put(file_name(photo.id, thumb=True), picture.thumb)
    except BaseException:
        with suppress(Exception):  # the first failure is the one to report
            store.delete(file_name(photo.id))  # no picture kept without its thumbnail and its row
        raise
    photo.received_at = utcnow()
    photo.upload_hash = digest
    photo.width, photo.height = picture.width, picture.height
    photo.stored_bytes = len(picture.full) + len(picture.thumb)


def picture(photo: Photo, thumb: bool = False) -> bytes | None:
    """The kept JPEG, or None when it has not arrived (or was purged)."""
    if photo.received_at is None:
        return None
    return storage().get(file_name(photo.id, thumb))


def carried(survey: Survey) -> list[Photo]:
    """The photos a correction carries over: those of the surveys it corrects, the nearest first.

    The phone lets a photo go once the server has it, so a correction cannot send them again: it
    shows them beside its own and keeps them (`purgeable`), the evidence of the same store's visit.
    """
    photos: list[Photo] = []
    seen = {survey.id}
    earlier_id = survey.supersedes_id
    while earlier_id is not None and earlier_id not in seen:
        seen.add(earlier_id)
        earlier = db.session.get(Survey, earlier_id)
        photos += earlier.photos
        earlier_id = earlier.supersedes_id
    return photos


def may_see(photo: Photo, user: User) -> bool:
    """Reviewers and admins see every photo; an inspector only those of their own surveys."""
    return user.role in ("reviewer", "admin") or photo.survey.submitted_by_id == user.id


# --- housekeeping ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoReport:
    received: int
    waiting: int
    stored_bytes: int


def report() -> PhotoReport:
    """How many photos are kept and how much room they take; how many are listed but not yet sent."""
    received, stored = db.session.execute(
        select(func.count(Photo.id), func.coalesce(func.sum(Photo.stored_bytes), 0)).where(
            Photo.received_at.is_not(None)
        )
    ).one()
    waiting = db.session.scalar(select(func.count(Photo.id)).where(Photo.received_at.is_(None)))
    return PhotoReport(received, waiting or 0, int(stored))


def purgeable(older_than_days: int) -> list[Photo]:
    """Kept photos of surveys rejected more than the given number of days ago.

    A corrected survey's photos are carried by its correction (`carried`): they go once the
    correction itself was rejected that long ago, never while it stands.
    """
    cutoff = utcnow() - timedelta(days=older_than_days)
    correction = aliased(Survey)

    def rejected_long_ago(survey) -> ColumnElement[bool]:
        return and_(survey.review_state == "rejected", survey.reviewed_at < cutoff, survey.superseded_by_id.is_(None))

    query = (
        select(Photo)
        .join(Survey, Photo.survey_id == Survey.id)
        .outerjoin(correction, Survey.superseded_by_id == correction.id)
        .where(Photo.received_at.is_not(None), or_(rejected_long_ago(Survey), rejected_long_ago(correction)))
        .order_by(Survey.reviewed_at, Photo.survey_id, Photo.position)
    )
    return list(db.session.scalars(query))


def purge(photos: list[Photo], actor: User | None = None) -> int:
    """Delete the pictures and their rows; the audit log keeps what was deleted. Returns bytes freed."""
    store = storage()
    freed = 0
    for photo in photos:
        store.delete(file_name(photo.id))
        store.delete(file_name(photo.id, thumb=True))
        freed += photo.stored_bytes or 0
        audit.record(actor, "photo_purge", audit.survey_target(photo.survey), str(photo.id), "")
        db.session.delete(photo)
    db.session.commit()
    return freed
