"""A store manager attaches up to three photos to a self-report, under the same checks as the phone's."""

from __future__ import annotations

import html
import io
import re
import uuid
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from models import Photo, Survey, db
from survey.domain import photos
from tests.conftest import staff_token
from tests.test_self_report_form import fields_of, page_of, value_of

AGAIN = "Trang không thể giữ lại tệp đã chọn: hãy chọn lại ảnh này hoặc một ảnh khác."


def picture(width=640, height=480, fmt="JPEG", colour=(200, 40, 40), orientation=None) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


def upload(data: bytes, name="anh.jpg", mimetype="image/jpeg") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, content_type=mimetype)


def post_multipart(client, url: str, data: dict):
    """Post a form with files as the browser does, encoded in memory (the test client would spool
    a large body to a temporary file that it never closes)."""
    values = MultiDict()
    for name, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            values.add(name, one)
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def send_with_photos(client, token, files: dict, **changes):
    """Open the form, fill the checkout, attach the files and send it."""
    data = fields_of(client, token)
    data.update({"pk__checkout__PAPER": "12", "pk__checkout__PE_BAG": "3"})
    data.update(changes)
    data.update(files)
    return post_multipart(client, f"/r/{token}", data)


def stored_surveys(app) -> list[Survey]:
    with app.app_context():
        return db.session.scalars(select(Survey)).all()


def stored_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "photos"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_form_offers_three_optional_camera_inputs_with_captions(app, client):
    page = client.get(f"/r/{staff_token(app)}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    inputs = re.findall(r'<input[^>]*type="file"[^>]*>', page)
    assert len(inputs) == photos.SELF_REPORT_PHOTOS == 3
    for number, tag in enumerate(inputs, start=1):
        assert f'name="photo_{number}"' in tag and 'accept="image/*"' in tag and 'capture="environment"' in tag
        assert "required" not in tag
    assert all(f'name="caption_{n}"' in page for n in (1, 2, 3))
    assert "Ảnh (không bắt buộc)" in page


def test_photos_arrive_with_the_report_cleaned_and_show_on_the_review_page(app, client, auth):
    token = staff_token(app)
    sideways = picture(400, 200, orientation=6)  # the camera held upright: turn it 90°
    files = {
        "photo_1": upload(sideways),
        "caption_1": "quầy thu ngân",
        "photo_3": upload(picture(3000, 2000, fmt="PNG", colour=(10, 90, 200)), "ke.png", "image/png"),
    }
    response = send_with_photos(client, token, files)
    assert response.status_code == 302 and response.headers["Location"].endswith("/thanks")
    (survey,) = stored_surveys(app)
    with app.app_context():
        listed = db.session.scalars(select(Photo).where(Photo.survey_id == survey.id).order_by(Photo.position)).all()
        assert [photo.caption for photo in listed] == ["quầy thu ngân", ""]
        assert all(photo.received_at is not None and photo.upload_hash for photo in listed)
        assert (listed[0].width, listed[0].height) == (200, 400)
        assert (listed[1].width, listed[1].height) == (1600, 1067)
        ids = [str(photo.id) for photo in listed]
    assert len(stored_files(app)) == 4  # each picture and its thumbnail

    auth.login("reviewer")
    review = html.unescape(client.get(f"/review/{survey.id}").get_data(as_text=True))
    assert f'<a href="/api/v1/photos/{ids[0]}"' in review
    assert re.search(rf'<img src="/api/v1/photos/{ids[0]}\?size=thumb" alt="quầy thu ngân"', review)
    assert re.search(rf'<img src="/api/v1/photos/{ids[1]}\?size=thumb" alt="Ảnh 2"', review)
    kept = client.get(f"/api/v1/photos/{ids[0]}")
    assert kept.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(kept.data)) as image:
        assert image.format == "JPEG" and image.size == (200, 400) and not image.getexif()


def test_a_refused_file_is_said_next_to_its_input_and_everything_typed_is_kept(app, client):
    token = staff_token(app)
    typed = {
        "pk__checkout__PAPER": "17",
        "el__VN_ECOLABEL": "2",
        "notes": "Ghi chú của cửa hàng",
        "reporter_name": "Nguyễn Thị Hoa",
        "caption_1": "quầy thu ngân",
        "caption_2": "kệ hàng tự đóng gói",
    }
    files = {
        "photo_1": upload(picture()),
        "photo_2": upload(b"not a picture at all, only text", "ghi-chu.jpg", "image/jpeg"),
    }
    response = send_with_photos(client, token, files, **typed)
    assert response.status_code == 200
    page = page_of(response)
    error = re.search(r'<p class="error" id="photo_2-error-1" role="alert">(.*?)</p>', page).group(1)
    assert error.startswith("Ảnh 2: Tệp này không phải là ảnh đọc được: hãy chọn ảnh JPEG, PNG hoặc WebP.")
    assert AGAIN in error
    assert 'id="photo_1-error-1"' not in page
    assert 'aria-invalid="true"' in re.search(r'<input[^>]*name="photo_2"[^>]*>', page).group(0)
    assert 'id="photos-again"' in page  # the good photo must be chosen again too
    for name, value in typed.items():
        assert value_of(page, name) == value, name
    assert stored_surveys(app) == [] and stored_files(app) == []


def test_a_photo_over_the_size_limit_is_refused_before_anything_is_stored(app, client):
    token = staff_token(app)
    huge = picture(64, 64) + b"\0" * photos.MAX_BYTES
    response = send_with_photos(client, token, {"photo_3": upload(huge)})
    assert response.status_code == 200
    page = page_of(response)
    assert re.search(r'id="photo_3-error-1"[^>]*>Ảnh 3: Ảnh này quá lớn: tối đa 5 MB và 40 megapixel\.', page)
    assert stored_surveys(app) == [] and stored_files(app) == []


def test_more_than_three_files_are_refused(app, client):
    token = staff_token(app)
    files = {
        "photo_1": [upload(picture()), upload(picture(colour=(1, 2, 3)))],
        "photo_2": upload(picture(colour=(4, 5, 6))),
        "photo_3": upload(picture(colour=(7, 8, 9))),
    }
    response = send_with_photos(client, token, files)
    assert response.status_code == 200
    page = page_of(response)
    assert "Mỗi báo cáo chỉ được kèm tối đa 3 ảnh: chưa có gì được gửi." in page
    assert stored_surveys(app) == [] and stored_files(app) == []


def test_a_second_tap_with_the_same_photos_stores_the_report_and_its_photos_once(app, client):
    token = staff_token(app)
    data = fields_of(client, token) | {"pk__checkout__PAPER": "5", "caption_1": "nhãn sinh thái"}
    raw = picture(colour=(20, 160, 80))
    for _tap in range(2):
        response = post_multipart(client, f"/r/{token}", data | {"photo_1": upload(raw)})
        assert response.status_code == 302 and response.headers["Location"].endswith("/thanks")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 1
        (photo,) = db.session.scalars(select(Photo)).all()
        assert photo.caption == "nhãn sinh thái" and photo.received_at is not None
        assert photo.survey_id == uuid.UUID(data["survey_id"])
    assert len(stored_files(app)) == 2


def test_a_report_without_photos_still_goes_through(app, client):
    response = send_with_photos(client, staff_token(app), {}, caption_2="chỉ chú thích, không có ảnh")
    assert response.status_code == 302
    (survey,) = stored_surveys(app)
    with app.app_context():
        assert db.session.get(Survey, survey.id).photos == []


def test_a_limit_reached_keeps_the_captions_and_asks_for_the_photos_again(app, client):
    app.config["SELF_REPORT_LINK_LIMIT"] = "1 per hour"
    token = staff_token(app)
    assert send_with_photos(client, token, {"photo_1": upload(picture())}).status_code == 302
    refused = send_with_photos(client, token, {"photo_1": upload(picture(colour=(9, 9, 9))), "caption_1": "quầy"})
    assert refused.status_code == 429
    page = page_of(refused)
    assert 'id="photos-again"' in page and value_of(page, "caption_1") == "quầy"
    assert len(stored_surveys(app)) == 1 and len(stored_files(app)) == 2
