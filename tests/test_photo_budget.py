"""Cheap refusals first: a self-report's photos are decoded last, within a budget, and its limits stay the sender's.

A 6300×6300 PNG of one colour weighs about 130 KB and decodes to 119 MB of pixels, in over a
second: three of them on one form once cost a worker seconds and hundreds of MB before any
other field was looked at. Every picture here is made with Pillow; nothing binary is committed.
"""

from __future__ import annotations

import errno
import functools
import io
import stat
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from sqlalchemy import func, select
from werkzeug.middleware.proxy_fix import ProxyFix

from models import Survey, db
from survey.domain import photos
from tests.conftest import form_fields, staff_token
from tests.test_self_report_form import page_of
from tests.test_self_report_photos import picture, post_multipart, upload

BOMB_SIDE = 6300  # 39.7 megapixels: each alone is under photos.MAX_PIXELS
BUDGET_MESSAGE = "Các ảnh đã chọn cộng lại quá lớn: mỗi báo cáo chỉ được kèm tổng cộng tối đa 50 megapixel."


@functools.cache
def bomb_png() -> bytes:
    """A uniform 6300×6300 RGB PNG: about 130 KB sent, 119 MB once decoded. Made once per run."""
    out = io.BytesIO()
    Image.new("RGB", (BOMB_SIDE, BOMB_SIDE), (200, 190, 180)).save(out, "PNG")
    return out.getvalue()


def three_bombs() -> dict:
    return {f"photo_{n}": upload(bomb_png(), f"{n}.png", "image/png") for n in (1, 2, 3)}


def count_decodes(monkeypatch) -> dict[str, int]:
    """Count every decoding of pixels from now on: photos.clean, and Pillow's own ImageFile.load."""
    calls = {"clean": 0, "load": 0}
    real_clean, real_load = photos.clean, ImageFile.ImageFile.load

    def counted_clean(raw):
        calls["clean"] += 1
        return real_clean(raw)

    def counted_load(image):
        calls["load"] += 1
        return real_load(image)

    monkeypatch.setattr(photos, "clean", counted_clean)
    monkeypatch.setattr(ImageFile.ImageFile, "load", counted_load)
    return calls


@pytest.fixture
def decodes(monkeypatch) -> dict[str, int]:
    return count_decodes(monkeypatch)


def send(client, token, files: dict, environ: dict | None = None, **changes):
    """Open the form and send it with the checkout counted, the files and the changes, from one address."""
    environ = environ or {}
    data = form_fields(client.get(f"/r/{token}", environ_overrides=environ).get_data(as_text=True))
    data.update({"pk__checkout__PAPER": "12", "pk__checkout__PE_BAG": "3"}, **changes)
    data.update(files)
    if not files:
        return client.post(f"/r/{token}", data=data, environ_overrides=environ)
    return post_multipart_from(client, f"/r/{token}", data, environ)


def post_multipart_from(client, url: str, data: dict, environ: dict):
    if not environ:
        return post_multipart(client, url, data)
    original = client.environ_base
    client.environ_base = {**original, **environ}
    try:
        return post_multipart(client, url, data)
    finally:
        client.environ_base = original


def surveys(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Survey))


def kept_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "photos"
    return sorted(folder.iterdir()) if folder.exists() else []


# --- the domain: headers first ------------------------------------------------------------


def test_the_header_is_read_without_decoding_a_pixel(decodes):
    header = photos.inspect(bomb_png())
    assert (header.format, header.width, header.height, header.pixels) == ("PNG", 6300, 6300, 39_690_000)
    assert decodes["load"] == 0
    photos.clean(picture(64, 48))  # the spy does see a decoding
    assert decodes["load"] >= 1


def test_a_header_over_the_cap_is_refused_before_decoding(decodes):
    out = io.BytesIO()
    Image.new("1", (6400, 6400)).save(out, "PNG")  # 41 MP, a few KB
    for check in (photos.inspect, photos.clean):
        with pytest.raises(photos.PhotoRefused) as refused:
            check(out.getvalue())
        assert refused.value.code == "too_large"
    assert decodes["load"] == 0


def test_the_budget_takes_three_phone_photos_and_refuses_three_bombs():
    phone = photos.PhotoHeader("JPEG", 4000, 3000)  # 12 MP
    larger = photos.PhotoHeader("JPEG", 4608, 3456)  # 16 MP
    bomb = photos.PhotoHeader("PNG", BOMB_SIDE, BOMB_SIDE)
    assert photos.fits_request([phone] * 3) and photos.fits_request([larger] * 3)
    assert photos.fits_request([bomb])
    assert not photos.fits_request([bomb, bomb]) and not photos.fits_request([bomb] * 3)


# --- the self-report form: photos decoded last, within the budget ---------------------------


def test_a_form_refused_for_another_field_decodes_none_of_its_photos(app, client, decodes):
    token = staff_token(app)
    response = send(client, token, three_bombs(), pk__checkout__PAPER="mười hai")
    assert response.status_code == 200
    page = page_of(response)
    assert 'id="pk__checkout__PAPER-error-1"' in page and 'id="photos-again"' in page
    assert decodes == {"clean": 0, "load": 0}
    assert surveys(app) == 0 and kept_files(app) == []


def test_three_bombs_on_an_otherwise_valid_form_are_refused_together_from_their_headers(app, client, decodes):
    token = staff_token(app)
    response = send(client, token, three_bombs())
    assert response.status_code == 200
    page = page_of(response)
    assert BUDGET_MESSAGE in page and 'id="photos-again"' in page
    assert decodes == {"clean": 0, "load": 0}
    assert surveys(app) == 0 and kept_files(app) == []


def test_a_photo_refused_by_its_header_leaves_the_others_undecoded(app, client, decodes):
    token = staff_token(app)
    files = {"photo_1": upload(picture()), "photo_2": upload(b"only text", "ghi-chu.jpg")}
    response = send(client, token, files)
    assert response.status_code == 200 and 'id="photo_2-error-1"' in page_of(response)
    assert decodes == {"clean": 0, "load": 0}
    assert surveys(app) == 0


def test_a_cap_reached_decodes_no_photo(app, client, decodes):
    app.config["SELF_REPORT_MAX_PENDING_PER_PHONE"] = 0
    token = staff_token(app)
    response = send(client, token, {"photo_1": upload(picture())})
    assert response.status_code == 200 and "vẫn đang chờ duyệt" in page_of(response)
    assert decodes == {"clean": 0, "load": 0}


def test_photos_within_the_budget_of_a_valid_form_are_decoded_once_each_and_kept(app, client, decodes):
    token = staff_token(app)
    files = {f"photo_{n}": upload(picture(colour=(n, 60, 90))) for n in (1, 2, 3)}
    response = send(client, token, files)
    assert response.status_code == 302
    assert decodes["clean"] == 3
    assert surveys(app) == 1 and len(kept_files(app)) == 6


@pytest.mark.parametrize("with_photo", [True, False], ids=["with-a-photo", "without"])
def test_a_report_id_that_is_not_a_uuid_is_400_not_500(app, client, decodes, with_photo):
    token = staff_token(app)
    files = {"photo_1": upload(picture())} if with_photo else {}
    response = send(client, token, files, survey_id="not-a-uuid")
    assert response.status_code == 400
    assert decodes == {"clean": 0, "load": 0}
    assert surveys(app) == 0


# --- limits that stay the sender's --------------------------------------------------------

STRANGER = {"REMOTE_ADDR": "203.0.113.7"}
MANAGER = {"REMOTE_ADDR": "198.51.100.20"}


def test_a_stranger_who_fills_the_link_from_their_address_leaves_the_manager_free(app):
    token = staff_token(app)
    for n in range(10):  # fresh sessions, no cookies: ten phones as far as the app can tell
        assert send(app.test_client(), token, {}, STRANGER, pk__checkout__PAPER=str(n + 1)).status_code == 302
    assert send(app.test_client(), token, {}, STRANGER).status_code == 429
    manager = send(app.test_client(), token, {}, MANAGER, pk__checkout__PAPER="21")
    assert manager.status_code == 302 and manager.headers["Location"].endswith("/thanks")
    assert surveys(app) == 11


def test_the_address_counts_refused_forms_and_only_for_itself(app):
    app.config["SELF_REPORT_ADDRESS_LIMIT"] = "3 per hour"
    token = staff_token(app)
    stranger = app.test_client()
    for _ in range(3):
        assert send(stranger, token, {}, STRANGER, pk__checkout__PAPER="abc").status_code == 200
    limited = send(stranger, token, {}, STRANGER)
    assert limited.status_code == 429 and "Vui lòng thử lại sau khoảng" in page_of(limited)
    assert send(app.test_client(), token, {}, MANAGER).status_code == 302
    assert surveys(app) == 1


def test_behind_a_proxy_the_forwarded_address_is_the_one_limited(app):
    """FLASK_PROXY_HOPS=1: the factory wraps the app in ProxyFix; done here on the test's app alike."""
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.config["SELF_REPORT_LINK_LIMIT"] = "1 per hour"
    token = staff_token(app)
    proxy = "10.0.0.2"  # every request arrives from the proxy
    stranger = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": STRANGER["REMOTE_ADDR"]}
    manager = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": MANAGER["REMOTE_ADDR"]}
    assert send(app.test_client(), token, {}, stranger).status_code == 302
    assert send(app.test_client(), token, {}, stranger).status_code == 429
    assert send(app.test_client(), token, {}, manager).status_code == 302


# --- storage: a failed write leaves nothing behind --------------------------------------------


def no_space(monkeypatch, after_bytes: int = 10) -> None:
    """Writing a file writes a few bytes, then the disk is full (ENOSPC)."""

    def write_private(path: Path, data: bytes) -> None:
        with open(path, "wb") as handle:
            handle.write(data[:after_bytes])
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(photos, "write_private", write_private)


def test_a_full_disk_leaves_no_part_file(tmp_path, monkeypatch):
    storage = photos.FolderStorage(tmp_path / "photos")
    no_space(monkeypatch)
    with pytest.raises(OSError) as failed:
        storage.put("a.jpg", b"x" * 1000)
    assert failed.value.errno == errno.ENOSPC
    assert list((tmp_path / "photos").iterdir()) == []


def test_kept_photos_are_readable_by_the_apps_user_only(tmp_path):
    storage = photos.FolderStorage(tmp_path / "photos")
    storage.put("a.jpg", b"x" * 1000)
    assert storage.get("a.jpg") == b"x" * 1000
    assert stat.S_IMODE((tmp_path / "photos" / "a.jpg").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "photos").stat().st_mode) == 0o700


def test_a_failed_rename_leaves_no_part_file(tmp_path, monkeypatch):
    storage = photos.FolderStorage(tmp_path / "photos")

    def refuse(_source, _target):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(photos.os, "replace", refuse)
    with pytest.raises(OSError):
        storage.put("a.jpg", b"x" * 1000)
    assert list((tmp_path / "photos").iterdir()) == []


def test_a_report_whose_thumbnail_cannot_be_written_keeps_no_file(app, client, monkeypatch):
    token = staff_token(app)
    real_write = photos.write_private

    def thumbnails_fail(path: Path, data: bytes) -> None:
        if "-thumb" in path.name:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_write(path, data)

    monkeypatch.setattr(photos, "write_private", thumbnails_fail)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False  # the 500 page, as in production
    response = send(client, token, {"photo_1": upload(picture())})
    assert response.status_code == 500
    assert kept_files(app) == []
