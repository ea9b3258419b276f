"""The reviewer sees a visit's evidence: photos as thumbnails, the distance from the store, flags;
an admin may give a store without a place the location of an accurate visit."""

from __future__ import annotations

import html
import io
import re
import uuid

import pytest
from PIL import Image
from sqlalchemy import select

from models import AuditEntry, Store, Survey, db
from tests.conftest import csrf_from, make_survey, sync_via_api
from tests.test_exports import read_csv, read_export

STORE_PLACE = (20.655, 106.056)  # S-001, when it has a place
ABOUT_1100_M_NORTH = (20.665, 106.056)  # 0.01° of latitude is about 1 112 m


def jpeg(width=800, height=600, colour=(30, 120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG")
    return out.getvalue()


def place_store(app, code="S-001", place=STORE_PLACE):
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == code))
        store.lat, store.lon = place if place else (None, None)
        db.session.commit()


def send_survey(api, *, photos=(), received=(), lat=None, lon=None, accuracy=15.0, **changes) -> str:
    """An inspector's survey with photos listed by caption; the pictures of `received` (indexes) are sent."""
    listed = [{"id": str(uuid.uuid4()), "caption": caption} for caption in photos]
    location = None if lat is None else {"lat": lat, "lon": lon, "accuracy_m": accuracy}
    survey = make_survey(photos=listed, location=location, **changes)
    api.login("inspector")
    assert sync_via_api(api, survey)[0]["status"] == "created"
    for index in received:
        response = api.put(f"/api/v1/photos/{listed[index]['id']}", jpeg(colour=(40 * index, 90, 120)))
        assert response.status_code == 201, response.get_data(as_text=True)
    api.client.post("/logout", headers={"X-CSRFToken": api.token})
    return survey["id"]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def photo_ids(app, survey_id: str) -> list[str]:
    with app.app_context():
        return [str(photo.id) for photo in db.session.get(Survey, uuid.UUID(survey_id)).photos]


# --- photos -----------------------------------------------------------------------------------


def test_review_page_shows_received_photos_as_thumbnails_that_open_full_size(app, client, api, auth):
    survey_id = send_survey(api, photos=["quầy thu ngân", "", "nhãn sinh thái"], received=[0, 1])
    first, second, third = photo_ids(app, survey_id)
    auth.login("reviewer")
    text = page(client, f"/review/{survey_id}")
    section = re.search(r'<section class="card" id="photos">(.*?)</section>', text, re.S).group(1)
    assert "Ảnh (2/3)" in section

    for photo_id, alt in ((first, "quầy thu ngân"), (second, "Ảnh 2")):
        item = re.search(rf'<li[^>]*id="photo-{photo_id}">(.*?)</li>', section, re.S).group(1)
        link = re.search(r'<a href="([^"]+)"', item).group(1)
        image = re.search(r"<img [^>]*>", item).group(0)
        assert link == f"/api/v1/photos/{photo_id}"
        assert f'src="/api/v1/photos/{photo_id}?size=thumb"' in image
        assert f'alt="{alt}"' in image
        thumb = client.get(f"/api/v1/photos/{photo_id}?size=thumb")
        full = client.get(link)
        assert thumb.mimetype == full.mimetype == "image/jpeg"
        assert max(Image.open(io.BytesIO(thumb.data)).size) <= 320 < max(Image.open(io.BytesIO(full.data)).size)

    missing = re.search(rf'<li[^>]*id="photo-{third}">(.*?)</li>', section, re.S).group(1)
    assert "<img" not in missing and "chưa nhận được" in missing and "nhãn sinh thái" in missing


def test_a_survey_without_photos_or_location_says_so(app, client, api, auth):
    survey_id = send_survey(api)
    auth.login("reviewer")
    text = page(client, f"/review/{survey_id}")
    assert "Phiếu này không kèm ảnh nào." in text
    assert "Phiếu này không ghi lại vị trí." in text
    assert 'class="flash flash-error location-flag"' not in text


# --- location ---------------------------------------------------------------------------------


def test_a_far_visit_is_flagged_with_its_distance_and_accuracy(app, client, api, auth):
    place_store(app)
    survey_id = send_survey(api, lat=ABOUT_1100_M_NORTH[0], lon=ABOUT_1100_M_NORTH[1], accuracy=12.4)
    auth.login("reviewer")
    text = page(client, f"/review/{survey_id}")
    assert re.search(r'id="distance">1\.112 m cách vị trí đã đăng ký của cửa hàng<', text)
    assert 'id="accuracy">độ chính xác ±12 m<' in text
    assert 'id="flag-far"' in text and "Xa cửa hàng" in text and "hơn 500 m" in text
    assert 'id="flag-imprecise"' not in text


def test_an_imprecise_visit_is_flagged_and_a_near_precise_one_is_not(app, client, api, auth):
    place_store(app)
    imprecise = send_survey(api, lat=STORE_PLACE[0], lon=STORE_PLACE[1], accuracy=350)
    near = send_survey(api, lat=20.6552, lon=106.0561, accuracy=20)
    auth.login("reviewer")
    text = page(client, f"/review/{imprecise}")
    assert 'id="flag-imprecise"' in text and "Vị trí không chính xác" in text and 'id="flag-far"' not in text
    assert 'id="distance">0 m' in text
    text = page(client, f"/review/{near}")
    assert "location-flag" not in text and re.search(r'id="distance">2\d m', text)


def test_without_a_store_place_there_is_no_distance_and_no_far_flag(app, client, api, auth):
    survey_id = send_survey(api, lat=ABOUT_1100_M_NORTH[0], lon=ABOUT_1100_M_NORTH[1])
    auth.login("reviewer")
    text = page(client, f"/review/{survey_id}")
    assert 'id="distance"' not in text and "Cửa hàng chưa có vị trí đăng ký" in text
    assert "location-flag" not in text


def queue_rows(client) -> dict[str, str]:
    text = page(client, "/review?source=inspection&state=all")
    rows = re.findall(r"<tr>(.*?)</tr>", text.split("<tbody>")[1], re.S)
    return {re.search(r'href="/review/([^"]+)"', row).group(1): row for row in rows}


def test_the_queue_marks_flagged_visits_and_counts_photos(app, client, api, auth):
    place_store(app)
    far = send_survey(api, photos=["a", "b", "c"], received=[0, 2], lat=ABOUT_1100_M_NORTH[0], lon=106.056)
    plain = send_survey(api, photos=["a"], received=[0], lat=STORE_PLACE[0], lon=STORE_PLACE[1])
    bare = send_survey(api)
    auth.login("reviewer")
    rows = queue_rows(client)

    def cell(row, kind):
        inner = re.search(rf'<td class="[^"]*{kind}[^"]*">(.*?)</td>', row, re.S).group(1)
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", inner)).strip()

    assert cell(rows[far], "photo-count") == "2/3 (1 chưa nhận được)"
    assert cell(rows[far], "location-cell") == "1.112 m"
    assert re.search(r'<span class="badge bad location-flag">Xa cửa hàng</span>', rows[far])
    assert cell(rows[plain], "photo-count") == "1" and cell(rows[plain], "location-cell") == "0 m"
    assert "location-flag" not in rows[plain]
    assert cell(rows[bare], "photo-count") == "0" and cell(rows[bare], "location-cell") == "không có vị trí"
    assert "location-flag" not in rows[bare]


# --- a store's place from an accurate visit ---------------------------------------------------


def store_place(app, code="S-001"):
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == code))
        return store.lat, store.lon


BUTTON = "Dùng vị trí này cho cửa hàng"


def test_an_admin_gives_a_store_without_place_the_location_of_an_accurate_visit(app, client, api, auth):
    survey_id = send_survey(api, lat=20.6601, lon=106.0512, accuracy=12)
    auth.login("admin")
    text = page(client, f"/review/{survey_id}")
    assert BUTTON in text
    assert text.count('id="submit"') == text.count('id="csrf_token"') == 1  # the decision form's ids stay unique
    response = client.post(f"/review/{survey_id}/store-place", data={"csrf_token": csrf_from(text)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/review/{survey_id}")
    assert store_place(app) == (20.6601, 106.0512)
    after = page(client, f"/review/{survey_id}")
    assert "Vị trí của cửa hàng nay là vị trí của lần kiểm tra này." in after
    assert BUTTON not in after and 'id="distance">0 m' in after
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "store_place"))
        assert entry.target == "store:S-001" and entry.to_value == "20.660100, 106.051200"
        assert entry.comment == f"survey:{survey_id} ±12 m" and entry.actor.username == "admin"
    assert "Đặt vị trí cửa hàng theo lần kiểm tra" in page(client, "/audit")

    # Pressed again (a second tab): the store has a place now, so nothing changes.
    again = client.post(f"/review/{survey_id}/store-place", data={"csrf_token": csrf_from(after)})
    assert again.status_code == 302
    assert "Cửa hàng đã có vị trí đăng ký: không có gì thay đổi." in page(client, f"/review/{survey_id}")
    with app.app_context():
        assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "store_place")).all()) == 1


def test_a_store_placed_meanwhile_keeps_its_place(app, client, api, auth):
    survey_id = send_survey(api, lat=20.6601, lon=106.0512, accuracy=12)
    auth.login("admin")
    token = csrf_from(page(client, f"/review/{survey_id}"))
    place_store(app, place=(20.7, 106.1))  # another admin, from the store form
    client.post(f"/review/{survey_id}/store-place", data={"csrf_token": token})
    assert store_place(app) == (20.7, 106.1)
    assert "Cửa hàng đã có vị trí đăng ký" in page(client, f"/review/{survey_id}")


@pytest.mark.parametrize("accuracy", [80.0, None])
def test_an_inaccurate_visit_cannot_place_the_store(app, client, api, auth, accuracy):
    survey_id = send_survey(api, lat=20.6601, lon=106.0512, accuracy=accuracy)
    auth.login("admin")
    text = page(client, f"/review/{survey_id}")
    assert BUTTON not in text
    client.post(f"/review/{survey_id}/store-place", data={"csrf_token": csrf_from(text)})
    assert store_place(app) == (None, None)
    assert "không đủ chính xác để đặt vị trí cửa hàng (cần 50 m hoặc tốt hơn)" in page(client, f"/review/{survey_id}")


def test_only_an_admin_may_place_a_store_and_only_with_the_form_token(app, client, api, auth):
    survey_id = send_survey(api, lat=20.6601, lon=106.0512, accuracy=12)
    auth.login("reviewer")
    text = page(client, f"/review/{survey_id}")
    assert BUTTON not in text
    assert client.post(f"/review/{survey_id}/store-place", data={"csrf_token": csrf_from(text)}).status_code == 403
    auth.login("admin")
    assert client.post(f"/review/{survey_id}/store-place", data={}).status_code == 400
    token = csrf_from(page(client, f"/review/{survey_id}"))
    assert client.post(f"/review/{uuid.uuid4()}/store-place", data={"csrf_token": token}).status_code == 404
    assert store_place(app) == (None, None)


# --- exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_survey_export_links_the_received_photos_and_gives_the_distance(app, client, api, auth, fmt):
    place_store(app)
    survey_id = send_survey(
        api, photos=["quầy", "kệ", "nhãn"], received=[0, 2], lat=ABOUT_1100_M_NORTH[0], lon=ABOUT_1100_M_NORTH[1]
    )
    bare = send_survey(api)
    first, _second, third = photo_ids(app, survey_id)
    app.config["PUBLIC_BASE_URL"] = "https://baobi.hungyen.gov.vn/"
    auth.login("reviewer")
    rows = read_export(client, "surveys", 2025, fmt)
    header = list(rows[0])
    # New columns at the end only (transactions_observed came after the photos).
    assert header[-5:] == ["rule_version", "exported_at", "photos", "distance_m", "transactions_observed"]
    by_id = {row["survey_id"]: row for row in rows}
    links = by_id[survey_id]["photos"].split("\n")
    assert links == [
        f"https://baobi.hungyen.gov.vn/api/v1/photos/{first}",
        f"https://baobi.hungyen.gov.vn/api/v1/photos/{third}",
    ]
    assert str(by_id[survey_id]["distance_m"]) == "1112"
    assert by_id[bare]["photos"] in ("", None) and by_id[bare]["distance_m"] in ("", None)
    assert client.get(links[0].removeprefix("https://baobi.hungyen.gov.vn")).mimetype == "image/jpeg"


def test_without_a_public_base_the_links_use_the_address_asked(app, client, api, auth):
    survey_id = send_survey(api, photos=["quầy"], received=[0])
    (photo_id,) = photo_ids(app, survey_id)
    auth.login("admin")
    rows = read_csv(client.get("/exports/surveys/2025.csv"))
    assert rows[0]["photos"] == f"http://localhost/api/v1/photos/{photo_id}"
