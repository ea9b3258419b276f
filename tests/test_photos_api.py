"""Photos over the API (contract.md, "Evidence: photos and location"; docs/photos.md).

Every picture is made here with Pillow; no binary fixture is committed.
"""

from __future__ import annotations

import io
import math
import struct
import uuid
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from models import Photo, Store, Survey
from models import db as database
from survey.domain import sync
from survey.domain.schemas import SurveyIn
from tests.conftest import AuthActions, JsonClient, make_survey, sync_via_api
from tests.test_photo_budget import count_decodes

# --- pictures made for the tests -----------------------------------------------------------


def jpeg_bytes(size=(64, 48), colour=(20, 120, 40), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", **save)
    return out.getvalue()


def encoded(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def blank_bilevel_png(width: int, height: int) -> bytes:
    """A black 1-bit PNG written row by row, so that a huge one costs no memory to make."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed pixels
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def camera_jpeg() -> bytes:
    """4000×3000 as the sensor saw it (left half red, right half blue), EXIF orientation 6, GPS, ICC.

    Orientation 6 means "turn 90° clockwise to view": upright, the red half is on top.
    """
    image = Image.new("RGB", (4000, 3000), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 2000, 3000))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (20.0, 39.0, 18.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 3.0, 21.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, icc_profile=b"not-really-an-icc-profile" * 4, quality=90)
    raw = out.getvalue()
    # The test picture really carries what the server must strip.
    sent = Image.open(io.BytesIO(raw))
    assert sent.getexif()[ExifTags.Base.Orientation] == 6
    assert sent.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert "icc_profile" in sent.info
    return raw


# --- helpers -----------------------------------------------------------------------------


def login_as(app, username: str) -> JsonClient:
    """A client of its own, logged in, with the CSRF header the phone sends."""
    client = app.test_client()
    return JsonClient(client, AuthActions(client)).login(username)


def survey_with_photos(api, *photo_ids, **changes) -> dict:
    """Send a survey listing these photos; return it as sent."""
    survey = make_survey(photos=[{"id": pid, "caption": f"ảnh {n}"} for n, pid in enumerate(photo_ids)], **changes)
    assert sync_via_api(api, survey)[0]["status"] == "created"
    return survey


def new_id() -> str:
    return str(uuid.uuid4())


def photo_row(app, photo_id: str) -> Photo | None:
    with app.app_context():
        photo = database.session.get(Photo, uuid.UUID(photo_id))
        if photo is not None:
            database.session.expunge(photo)
        return photo


def stored_files(app) -> list[str]:
    folder = Path(app.instance_path) / "photos"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def assert_nothing_kept(app, photo_id: str) -> None:
    photo = photo_row(app, photo_id)
    assert photo is not None, "the listed photo must stay listed"
    assert photo.received_at is None and photo.upload_hash is None and photo.stored_bytes is None
    assert stored_files(app) == []


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


@pytest.fixture
def inspector(api):
    return api.login("inspector")


@pytest.fixture
def decodes(monkeypatch) -> dict[str, int]:
    return count_decodes(monkeypatch)


# --- PUT: stored once, refused cleanly ---------------------------------------------------


def test_first_upload_201_same_bytes_200_other_bytes_409(app, inspector):
    pid = new_id()
    survey_with_photos(inspector, pid)
    raw = jpeg_bytes()
    first = inspector.put(f"/api/v1/photos/{pid}", raw)
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.get_json() == {"id": pid, "status": "created"}
    kept = photo_row(app, pid)
    assert kept.received_at is not None and kept.stored_bytes > 0
    assert stored_files(app) == sorted([f"{pid}.jpg", f"{pid}-thumb.jpg"])

    again = inspector.put(f"/api/v1/photos/{pid}", raw)
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"

    other = inspector.put(f"/api/v1/photos/{pid}", jpeg_bytes(colour=(200, 10, 10)))
    assert other.status_code == 409 and error_code(other) == "conflict"
    # The first picture is what stays.
    assert photo_row(app, pid).upload_hash == kept.upload_hash
    assert (
        inspector.get(f"/api/v1/photos/{pid}").data == (Path(app.instance_path) / "photos" / f"{pid}.jpg").read_bytes()
    )


def test_an_id_no_survey_of_the_sender_lists_is_404(app, inspector):
    survey_with_photos(inspector, new_id())
    for unknown in (new_id(), "not-a-uuid"):
        response = inspector.put(f"/api/v1/photos/{unknown}", jpeg_bytes())
        assert response.status_code == 404 and error_code(response) == "not_found"
    assert stored_files(app) == []


def test_a_photo_of_another_inspectors_survey_is_404_for_this_sender(app, inspector):
    theirs = new_id()
    other = login_as(app, "inspector2")
    survey_with_photos(other, theirs)
    response = inspector.put(f"/api/v1/photos/{theirs}", jpeg_bytes())
    assert response.status_code == 404
    assert_nothing_kept(app, theirs)
    assert other.put(f"/api/v1/photos/{theirs}", jpeg_bytes()).status_code == 201


def test_only_inspectors_put_photos(app, inspector):
    pid = new_id()
    survey_with_photos(inspector, pid)
    for username in ("reviewer", "admin"):
        assert login_as(app, username).put(f"/api/v1/photos/{pid}", jpeg_bytes()).status_code == 403
    logged_out = app.test_client().put(f"/api/v1/photos/{pid}", data=jpeg_bytes(), content_type="image/jpeg")
    assert logged_out.status_code == 401
    assert_nothing_kept(app, pid)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"this is plain text, not a picture", "image/jpeg"),
        (jpeg_bytes(), "text/plain"),
        (jpeg_bytes(), "application/octet-stream"),
        (jpeg_bytes(size=(400, 300))[:700], "image/jpeg"),  # truncated
        (b"GIF89a" + b"\x00" * 64, "image/png"),
        (b"", "image/jpeg"),
    ],
    ids=["text-as-jpeg", "text-plain", "octet-stream", "truncated-jpeg", "gif-header-as-png", "empty"],
)
def test_what_is_not_a_picture_is_415_and_nothing_is_kept(app, inspector, body, content_type):
    pid = new_id()
    survey_with_photos(inspector, pid)
    response = inspector.put(f"/api/v1/photos/{pid}", body, content_type=content_type)
    assert response.status_code == 415, response.get_data(as_text=True)
    assert error_code(response) == "not_an_image"
    assert_nothing_kept(app, pid)


def test_a_gif_is_refused_even_as_image_jpeg(app, inspector):
    pid = new_id()
    survey_with_photos(inspector, pid)
    gif = encoded(Image.new("P", (32, 32)), "GIF")
    response = inspector.put(f"/api/v1/photos/{pid}", gif)
    assert response.status_code == 415 and error_code(response) == "not_an_image"
    assert_nothing_kept(app, pid)


@pytest.mark.parametrize(
    ("width", "height"),
    [(20_000, 20_000), (8_000, 6_000)],
    ids=["past-pillows-own-limit", "past-40-megapixels"],
)
def test_a_decompression_bomb_is_413_and_nothing_is_kept(app, inspector, width, height):
    bomb = blank_bilevel_png(width, height)
    assert len(bomb) < 100_000  # a few kilobytes that would decode to hundreds of megabytes
    pid = new_id()
    survey_with_photos(inspector, pid)
    response = inspector.put(f"/api/v1/photos/{pid}", bomb, content_type="image/png")
    assert response.status_code == 413, response.get_data(as_text=True)
    assert error_code(response) == "too_large"
    assert_nothing_kept(app, pid)


def test_a_header_over_the_cap_is_refused_without_decoding(app, inspector, decodes):
    pid = new_id()
    survey_with_photos(inspector, pid)
    response = inspector.put(f"/api/v1/photos/{pid}", blank_bilevel_png(8_000, 6_000), content_type="image/png")
    assert response.status_code == 413 and error_code(response) == "too_large"
    assert decodes["load"] == 0
    assert_nothing_kept(app, pid)
    assert inspector.put(f"/api/v1/photos/{pid}", jpeg_bytes()).status_code == 201
    assert decodes["load"] >= 1  # the spy sees a picture within the cap being decoded


def test_a_body_over_5_mb_is_413_and_nothing_is_kept(app, inspector):
    pid = new_id()
    survey_with_photos(inspector, pid)
    # A real JPEG header, padded past the limit: the size alone refuses it.
    body = jpeg_bytes() + b"\x00" * (5 * 1024 * 1024)
    response = inspector.put(f"/api/v1/photos/{pid}", body)
    assert response.status_code == 413
    assert error_code(response) == "too_large"
    assert_nothing_kept(app, pid)


def test_a_body_just_under_5_mb_is_taken(app, inspector):
    """The app's 4 MB limit for JSON does not apply to photos."""
    pid = new_id()
    survey_with_photos(inspector, pid)
    body = jpeg_bytes() + b"\x00" * (4 * 1024 * 1024 + 512 * 1024)  # trailing bytes after the JPEG's end
    assert 4 * 1024 * 1024 < len(body) < 5 * 1024 * 1024
    response = inspector.put(f"/api/v1/photos/{pid}", body)
    assert response.status_code == 201, response.get_data(as_text=True)


def test_put_without_csrf_header_is_400(app, inspector):
    pid = new_id()
    survey_with_photos(inspector, pid)
    response = inspector.client.put(f"/api/v1/photos/{pid}", data=jpeg_bytes(), content_type="image/jpeg")
    assert response.status_code == 400 and error_code(response) == "csrf"
    forged = inspector.put(f"/api/v1/photos/{pid}", jpeg_bytes(), headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400 and error_code(forged) == "csrf"
    assert_nothing_kept(app, pid)


# --- the kept picture -----------------------------------------------------------------------


def test_the_kept_picture_is_upright_small_and_without_metadata(app, inspector):
    pid = new_id()
    survey_with_photos(inspector, pid)
    assert inspector.put(f"/api/v1/photos/{pid}", camera_jpeg()).status_code == 201

    response = inspector.get(f"/api/v1/photos/{pid}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    # A shared cache must never hand one person's photo to another.
    assert {"private", "no-store"} & {part.strip() for part in response.headers["Cache-Control"].split(",")}
    kept = Image.open(io.BytesIO(response.data))
    assert kept.format == "JPEG"
    assert kept.size == (1200, 1600)  # portrait: the orientation was applied, then shrunk to 1600 px
    red, blue = kept.convert("RGB").getpixel((600, 200)), kept.convert("RGB").getpixel((600, 1400))
    assert red[0] > 200 and red[2] < 60, red  # the red half is on top
    assert blue[2] > 200 and blue[0] < 60, blue
    assert len(kept.getexif()) == 0
    assert "exif" not in kept.info and "icc_profile" not in kept.info
    assert b"Exif\x00\x00" not in response.data and b"PhoneMaker" not in response.data
    row = photo_row(app, pid)
    assert (row.width, row.height) == (1200, 1600)

    thumb = inspector.get(f"/api/v1/photos/{pid}?size=thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    small = Image.open(io.BytesIO(thumb.data))
    assert small.height > small.width and max(small.size) <= 320
    assert len(thumb.data) < len(response.data)
    assert len(small.getexif()) == 0 and "icc_profile" not in small.info
    assert row.stored_bytes == len(response.data) + len(thumb.data)


def test_a_small_picture_is_not_enlarged(app, inspector):
    pid = new_id()
    survey_with_photos(inspector, pid)
    assert inspector.put(f"/api/v1/photos/{pid}", jpeg_bytes(size=(640, 480))).status_code == 201
    assert Image.open(io.BytesIO(inspector.get(f"/api/v1/photos/{pid}").data)).size == (640, 480)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_kept_as_jpeg_with_transparency_on_white(app, inspector, fmt):
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))  # left half transparent
    image.paste((0, 0, 255, 255), (100, 0, 200, 100))
    pid = new_id()
    survey_with_photos(inspector, pid)
    response = inspector.put(f"/api/v1/photos/{pid}", encoded(image, fmt), content_type=f"image/{fmt.lower()}")
    assert response.status_code == 201, response.get_data(as_text=True)
    kept = Image.open(io.BytesIO(inspector.get(f"/api/v1/photos/{pid}").data))
    assert kept.format == "JPEG" and kept.mode == "RGB"
    assert min(kept.getpixel((20, 50))) > 240  # white, not black
    assert kept.getpixel((180, 50))[2] > 200


# --- GET: who may see ---------------------------------------------------------------------


def test_who_may_see_a_photo(app, inspector):
    pid, waiting = new_id(), new_id()
    survey_with_photos(inspector, pid, waiting)
    assert inspector.put(f"/api/v1/photos/{pid}", jpeg_bytes()).status_code == 201
    url = f"/api/v1/photos/{pid}"
    assert inspector.get(url).status_code == 200
    assert inspector.get(url + "?size=thumb").status_code == 200
    for username in ("reviewer", "admin"):
        seen = login_as(app, username).get(url)
        assert seen.status_code == 200 and seen.mimetype == "image/jpeg", username
    other = login_as(app, "inspector2")
    assert other.get(url).status_code == 403
    assert other.get(url + "?size=thumb").status_code == 403
    assert app.test_client().get(url).status_code == 401
    assert inspector.get(f"/api/v1/photos/{new_id()}").status_code == 404
    assert inspector.get("/api/v1/photos/not-a-uuid").status_code == 404
    not_yet = inspector.get(f"/api/v1/photos/{waiting}")
    assert not_yet.status_code == 404 and error_code(not_yet) == "not_received"
    assert login_as(app, "reviewer").get(f"/api/v1/photos/{waiting}?size=thumb").status_code == 404


# --- the survey's photos and distance -------------------------------------------------------


def set_store_place(app, code: str, lat: float | None, lon: float | None) -> None:
    with app.app_context():
        store = database.session.scalar(select(Store).where(Store.code == code))
        store.lat, store.lon = lat, lon
        database.session.commit()


def test_a_survey_lists_its_photos_received_or_not(app, inspector):
    first, second = new_id(), new_id()
    survey = survey_with_photos(inspector, first, second)
    url = f"/api/v1/surveys/{survey['id']}"
    assert inspector.get(url).get_json()["photos"] == [
        {"id": first, "caption": "ảnh 0", "received": False},
        {"id": second, "caption": "ảnh 1", "received": False},
    ]
    assert inspector.put(f"/api/v1/photos/{second}", jpeg_bytes()).status_code == 201
    assert [p["received"] for p in inspector.get(url).get_json()["photos"]] == [False, True]
    assert [p["received"] for p in login_as(app, "reviewer").get(url).get_json()["photos"]] == [False, True]
    assert inspector.get(f"/api/v1/surveys/{make_photoless(inspector)}").get_json()["photos"] == []


def make_photoless(api) -> str:
    survey = make_survey()
    assert sync_via_api(api, survey)[0]["status"] == "created"
    return survey["id"]


def test_distance_is_null_without_a_location_or_without_store_coordinates(app, inspector):
    with_location = make_survey(location={"lat": 20.665, "lon": 106.056, "accuracy_m": 10})
    without = make_survey(location=None)
    sync_via_api(inspector, with_location, without)
    # The seeded store has no coordinates yet.
    assert inspector.get(f"/api/v1/surveys/{with_location['id']}").get_json()["distance_m"] is None
    set_store_place(app, "S-001", 20.655, 106.056)
    assert inspector.get(f"/api/v1/surveys/{without['id']}").get_json()["distance_m"] is None
    set_store_place(app, "S-001", 20.655, None)
    assert inspector.get(f"/api/v1/surveys/{with_location['id']}").get_json()["distance_m"] is None


def test_distance_is_whole_metres_from_the_stores_place(app, inspector):
    set_store_place(app, "S-001", 20.655, 106.056)
    north = make_survey(location={"lat": 20.665, "lon": 106.056, "accuracy_m": 10})
    same = make_survey(location={"lat": 20.655, "lon": 106.056, "accuracy_m": 10})
    sync_via_api(inspector, north, same)
    # 0.01° of latitude along a meridian: the arc 0.01 × π/180 of a 6 371 km sphere, ≈ 1 112 m.
    expected = round(math.radians(0.01) * 6_371_000)
    assert expected == 1112
    body = inspector.get(f"/api/v1/surveys/{north['id']}").get_json()
    assert body["distance_m"] == expected and isinstance(body["distance_m"], int)
    assert inspector.get(f"/api/v1/surveys/{same['id']}").get_json()["distance_m"] == 0


# --- the sync payload -------------------------------------------------------------------------


def test_more_than_ten_photos_is_invalid(app, inspector):
    survey = make_survey(photos=[{"id": new_id()} for _ in range(11)])
    result = sync_via_api(inspector, survey)[0]
    assert result["status"] == "invalid"
    assert any(key == "photos" or key.startswith("photos.") for key in result["errors"]), result
    ten = make_survey(photos=[{"id": new_id()} for _ in range(10)])
    assert sync_via_api(inspector, ten)[0]["status"] == "created"


def test_the_same_photo_twice_in_one_survey_is_invalid(app, inspector):
    pid = new_id()
    survey = make_survey(photos=[{"id": pid}, {"id": pid.upper()}])  # the same UUID, spelled otherwise
    result = sync_via_api(inspector, survey)[0]
    assert result["status"] == "invalid" and "photos.1.id" in result["errors"], result
    with app.app_context():
        assert database.session.get(Survey, uuid.UUID(survey["id"])) is None


def test_a_photo_another_survey_lists_is_invalid(app, inspector):
    pid = new_id()
    first = survey_with_photos(inspector, pid)
    again = make_survey(photos=[{"id": new_id()}, {"id": pid}])
    result = sync_via_api(inspector, again)[0]
    assert result["status"] == "invalid" and "photos.1.id" in result["errors"], result
    # Not even another inspector may take it over.
    theirs = make_survey(photos=[{"id": pid}])
    assert sync_via_api(login_as(app, "inspector2"), theirs)[0]["status"] == "invalid"
    assert photo_row(app, pid).survey_id == uuid.UUID(first["id"])


def test_a_photo_id_must_be_a_uuid(app, inspector):
    result = sync_via_api(inspector, make_survey(photos=[{"id": "IMG_0001.jpg"}]))[0]
    assert result["status"] == "invalid" and "photos.0.id" in result["errors"]


# Worked out with canonical_hash as it was before photos existed (commit d6b89ac^):
# a survey without photos must keep the hash the server already stored for it.
FIXED_EXAMPLE = make_survey(id="6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f")
HASH_BEFORE_PHOTOS = "1f9cbd5d95ed9a2bb76d0cb6c765546bdf903ff39a85c1e9cb7cbe085ea9885c"


def test_a_survey_without_photos_keeps_its_content_hash():
    without = SurveyIn.model_validate(FIXED_EXAMPLE)
    empty = SurveyIn.model_validate({**FIXED_EXAMPLE, "photos": []})
    one = SurveyIn.model_validate({**FIXED_EXAMPLE, "photos": [{"id": "0b6c3a52-3f0e-4a43-9a57-6c1d6f0e9b11"}]})
    assert sync.canonical_hash(without) == HASH_BEFORE_PHOTOS
    assert sync.canonical_hash(empty) == HASH_BEFORE_PHOTOS
    assert sync.canonical_hash(one) != HASH_BEFORE_PHOTOS


def test_resending_a_survey_with_photos_is_duplicate(app, inspector):
    pid = new_id()
    survey = survey_with_photos(inspector, pid)
    assert sync_via_api(inspector, survey)[0]["status"] == "duplicate"
    assert inspector.put(f"/api/v1/photos/{pid}", jpeg_bytes()).status_code == 201
    assert sync_via_api(inspector, survey)[0]["status"] == "duplicate"  # receiving a photo changes no hash
    changed = {**survey, "photos": [{"id": pid, "caption": "another caption"}]}
    assert sync_via_api(inspector, changed)[0]["status"] == "conflict"


def jpeg_with_broken_gps_ifd() -> bytes:
    """A small JPEG, EXIF orientation 6, whose GPS IFD claims 55 entries but holds 2 (a broken camera app)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (1.0, 2.0, 3.0)
    tiff = bytearray(exif.tobytes()[len(b"Exif\x00\x00") :])
    endian = ">" if tiff[:2] == b"MM" else "<"
    (ifd0,) = struct.unpack(endian + "I", tiff[4:8])
    (entries,) = struct.unpack(endian + "H", tiff[ifd0 : ifd0 + 2])
    gps_at = None
    for n in range(entries):
        entry = ifd0 + 2 + 12 * n
        if struct.unpack(endian + "H", tiff[entry : entry + 2])[0] == ExifTags.IFD.GPSInfo:
            (gps_at,) = struct.unpack(endian + "I", tiff[entry + 8 : entry + 12])
    assert gps_at is not None
    tiff[gps_at : gps_at + 2] = struct.pack(endian + "H", 55)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(out, "JPEG", exif=b"Exif\x00\x00" + bytes(tiff))
    return out.getvalue()


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the broken tags, as it does in production
def test_a_photo_with_broken_exif_is_kept_or_refused_never_a_server_error(app, inspector):
    pid = new_id()
    survey_with_photos(inspector, pid)
    response = inspector.put(f"/api/v1/photos/{pid}", jpeg_with_broken_gps_ifd())
    assert response.status_code in (201, 415), response.get_data(as_text=True)
    if response.status_code == 201:
        kept = Image.open(io.BytesIO(inspector.get(f"/api/v1/photos/{pid}").data))
        assert kept.size == (48, 64) and len(kept.getexif()) == 0
    else:
        assert_nothing_kept(app, pid)
