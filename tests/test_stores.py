"""The store registry pages: admins only, search and filters, forms, closing, CSV upload."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import AdminUnit, Store, db
from tests.conftest import add_store, csrf_from, store_form

STORE_COLUMNS = "code,name,type,class,unit_code,address,chain,opened_on,closed_on,lat,lon"
PAGES = ["/stores", "/stores/new", "/stores/S-001/edit", "/stores/import", "/stores/template.csv"]
EDIT_LINK = re.compile(r'href="/stores/([^/"]+)/edit"')
COUNT = re.compile(r'id="store-count"[^>]*>\s*(\d+)')


def listed(html: str) -> set[str]:
    return set(EDIT_LINK.findall(html))


def store(code: str) -> Store | None:
    return db.session.scalar(select(Store).where(Store.code == code))


def store_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Store))


def token(client, url="/stores/new") -> str:
    return csrf_from(client.get(url).get_data(as_text=True))


@pytest.fixture
def admin(client, auth):
    auth.login("admin")
    return client


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("username", ["inspector", "reviewer"])
@pytest.mark.parametrize("url", PAGES)
def test_other_roles_are_refused(client, auth, username, url):
    auth.login(username)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("username", ["inspector", "reviewer"])
def test_other_roles_cannot_post(app, client, auth, username):
    auth.login(username)
    csrf = csrf_from(client.get("/login").get_data(as_text=True))
    assert client.post("/stores/S-001/close", data={"csrf_token": csrf, "closed_on": "2025-01-01"}).status_code == 403
    assert client.post("/stores/new", data=store_form(csrf_token=csrf)).status_code == 403
    assert client.post("/stores/S-001/edit", data=store_form(csrf_token=csrf, name="X")).status_code == 403
    with app.app_context():
        assert store("S-001").closed_on is None
        assert store("S-001").name == "Cửa hàng S-001"
        assert store("N-001") is None


@pytest.mark.parametrize("url", PAGES)
def test_admin_sees_every_page(admin, url):
    assert admin.get(url).status_code == 200


def test_list_shows_the_stores(admin):
    html = admin.get("/stores").get_data(as_text=True)
    assert listed(html) == {"S-001", "S-002", "S-003"}
    assert COUNT.search(html).group(1) == "3"
    assert "Cửa hàng S-002" in html and "Thị xã Mỹ Hào" in html
    assert "15/03/2021" in html  # S-002 opened on 2021-03-15, shown dd/MM/yyyy
    assert "Nhập từ tệp Excel hoặc CSV" in html  # the import takes both


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("q=s-002", {"S-002"}),  # code, ignoring case
        ("q=h%C3%A0ng+S-003", {"S-003"}),  # name ("hàng S-003")
        ("q=ch%E1%BB%89+S-001", {"S-001"}),  # address ("chỉ S-001")
        ("q=S-00", {"S-001", "S-002", "S-003"}),
        ("q=%25", set()),  # a % is searched for, not a wildcard
        ("q=nothing", set()),
        ("unit=HY", {"S-001", "S-002", "S-003"}),  # units below it count
        ("unit=HY-MH", {"S-002", "S-003"}),
        ("unit=HY-PH", {"S-001"}),
        ("unit=NOPE", set()),
        ("type=commercial_centre", {"S-002"}),
        ("type=supermarket&unit=HY-MH", set()),
        ("type=convenience_store&unit=HY&q=s-", {"S-003"}),
    ],
)
def test_search_and_filters(admin, query, codes):
    html = admin.get(f"/stores?{query}").get_data(as_text=True)
    assert listed(html) == codes
    assert COUNT.search(html).group(1) == str(len(codes))


def test_pagination(app, admin):
    with app.app_context():
        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "HY-PH"))
        for number in range(60):
            add_store(f"P-{number:03d}", unit)
        db.session.commit()
    first = admin.get("/stores").get_data(as_text=True)
    second = admin.get("/stores?page=2").get_data(as_text=True)
    assert COUNT.search(first).group(1) == "63"
    assert len(listed(first)) == 50 and len(listed(second)) == 13
    assert listed(first) | listed(second) == {f"P-{n:03d}" for n in range(60)} | {"S-001", "S-002", "S-003"}
    assert 'href="/stores?page=2"' in first
    filtered = admin.get("/stores?unit=HY-PH&page=2").get_data(as_text=True)
    assert len(listed(filtered)) == 11
    assert "/stores?unit=HY-PH&amp;page=1" in filtered


def test_status_open_and_closed(app, admin):
    with app.app_context():
        store("S-002").closed_on = date(2024, 12, 31)
        store("S-003").closed_on = date(2999, 1, 1)
        db.session.commit()
    html = admin.get("/stores?lang=en").get_data(as_text=True)
    rows = dict(re.findall(r'/stores/([^/"]+)/edit"(.*?)</tr>', html, re.S))
    assert "badge bad" in rows["S-002"] and "31/12/2024" in rows["S-002"]
    assert "badge bad" not in rows["S-003"]
    assert "badge bad" not in rows["S-001"]


def test_store_name_is_escaped(app, admin):
    with app.app_context():
        add_store("X-001", db.session.scalar(select(AdminUnit)), name="<script>alert(1)</script>")
        db.session.commit()
    html = admin.get("/stores").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_create_store(app, admin):
    response = admin.post("/stores/new", data=store_form(csrf_token=token(admin), chain=" Chuỗi A "))
    assert response.status_code == 302
    assert response.headers["Location"] == "/stores"
    with app.app_context():
        new = store("N-001")
        assert (new.name, new.type, new.store_class, new.unit.code) == ("Siêu thị Mới", "supermarket", "II", "HY-PH")
        assert (new.address, new.chain, new.opened_on, new.closed_on) == ("Đường 1", "Chuỗi A", date(2020, 1, 2), None)
        assert (new.lat, new.lon) == (20.655, 106.056)
    assert "N-001" in admin.get("/stores").get_data(as_text=True)


def test_create_store_without_optional_fields(app, admin):
    form = store_form(csrf_token=token(admin), store_class="", address="", opened_on="", lat="", lon="")
    assert admin.post("/stores/new", data=form).status_code == 302
    with app.app_context():
        new = store("N-001")
        assert (new.store_class, new.address, new.opened_on, new.lat, new.lon) == (None, "", None, None, None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "N 001"}, "Use only letters, digits, - and _."),
        ({"code": "S-001"}, "A store with this code already exists."),
        ({"code": ""}, "This field is required."),
        ({"name": ""}, "This field is required."),
        ({"name": "n" * 201}, "200"),
        ({"type": "shop"}, "Choose one of the options listed."),
        ({"store_class": "IV"}, "Choose one of the options listed."),
        ({"unit_code": "NOPE"}, "Choose one of the options listed."),
        ({"unit_code": ""}, "This field is required."),
        ({"opened_on": "02/01/2020"}, "Enter a valid date."),
        ({"closed_on": "2019-12-31"}, "The closing date cannot be before the opening date."),
        ({"lat": "91"}, "from -90 to 90"),
        ({"lon": "200"}, "from -180 to 180"),
        ({"lat": "abc"}, "Enter a number."),
        ({"lat": "nan"}, "Enter a number."),
        ({"lon": ""}, "Give both latitude and longitude, or neither."),
    ],
)
def test_create_store_validation(app, admin, changes, message):
    csrf = token(admin, "/stores/new?lang=en")
    response = admin.post("/stores/new?lang=en", data=store_form(csrf_token=csrf, **changes))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error"' in html
    assert message in html
    with app.app_context():
        assert store_count() == 3
        assert store("N-001") is None
        assert store("S-001").name == "Cửa hàng S-001"


def test_edit_store(app, admin):
    page = admin.get("/stores/S-002/edit").get_data(as_text=True)
    assert 'value="Cửa hàng S-002"' in page
    assert 'name="code"' not in page  # the code cannot be changed
    form = store_form(csrf_token=csrf_from(page), code="N-999", name="Tên mới", type="market", unit_code="HY-PH")
    response = admin.post("/stores/S-002/edit", data=form)
    assert response.status_code == 302
    with app.app_context():
        edited = store("S-002")
        assert (edited.name, edited.type, edited.unit.code, edited.lat) == ("Tên mới", "market", "HY-PH", 20.655)
        assert store("N-999") is None
        assert store_count() == 3


def test_edit_store_validation(app, admin):
    csrf = token(admin, "/stores/S-002/edit?lang=en")
    form = store_form(csrf_token=csrf, name="Tên mới", opened_on="2022-01-01", closed_on="2021-01-01")
    response = admin.post("/stores/S-002/edit?lang=en", data=form)
    assert response.status_code == 200
    assert "The closing date cannot be before the opening date." in response.get_data(as_text=True)
    with app.app_context():
        assert store("S-002").name == "Cửa hàng S-002"


def test_edit_unknown_store(admin):
    assert admin.get("/stores/NOPE/edit").status_code == 404


def test_close_store(app, admin):
    page = admin.get("/stores/S-001/edit").get_data(as_text=True)
    assert re.search(r'id="close-closed-on"[^>]*value=""', page)  # no date is proposed: the admin types it
    data = {"csrf_token": csrf_from(page), "closed_on": "2025-03-31"}
    asked = admin.post("/stores/S-001/close", data=data)  # the date alone: a page says what closing changes
    assert asked.status_code == 200 and 'name="confirm"' in asked.get_data(as_text=True)
    with app.app_context():
        assert store("S-001").closed_on is None
    response = admin.post("/stores/S-001/close", data={**data, "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert store("S-001").closed_on == date(2025, 3, 31)
        assert store_count() == 3


def test_close_store_needs_csrf(app, admin):
    response = admin.post("/stores/S-001/close", data={"closed_on": "2025-03-31"})
    assert response.status_code == 400
    response = admin.post("/stores/S-001/close", data={"closed_on": "2025-03-31", "csrf_token": "forged"})
    assert response.status_code == 400
    with app.app_context():
        assert store("S-001").closed_on is None


@pytest.mark.parametrize("closed_on", ["", "31/03/2025", "2019-04-30", "2999-01-01"])
def test_close_store_refuses_bad_dates(app, admin, closed_on):
    # S-001 opened on 2019-05-01; a date more than a year ahead is a typing mistake.
    data = {"csrf_token": token(admin), "closed_on": closed_on, "confirm": "y"}
    response = admin.post("/stores/S-001/close", data=data)
    assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)
    with app.app_context():
        assert store("S-001").closed_on is None


def test_close_unknown_store(admin):
    assert (
        admin.post("/stores/NOPE/close", data={"csrf_token": token(admin), "closed_on": "2025-01-01"}).status_code
        == 404
    )


def upload(client, content: bytes, filename: str = "stores.csv", csrf: bool = True):
    # Encoded here in memory: the test client would spool a large body to a temporary
    # file that it never closes, which pytest turns into an error.
    fields = {"file": FileStorage(io.BytesIO(content), filename, content_type="text/csv")}
    if csrf:
        fields["csrf_token"] = token(client, "/stores/import?lang=en")
    boundary, body = encode_multipart(fields)
    return client.post("/stores/import?lang=en", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_upload_with_errors_imports_nothing(app, admin):
    content = "\n".join(
        [
            STORE_COLUMNS,
            "N-001,Siêu thị Mới,supermarket,II,HY-PH,Đường 1,,2020-01-02,,,",
            "N-002,<b>Xấu</b>,shop,,HY-PH,,,,,,",
            "N-003,Siêu thị Ba,supermarket,,NOPE,,,,,,",
        ]
    ).encode()
    response = upload(admin, content)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="import-errors"' in html
    assert re.findall(r'<td class="num">(\d+)</td>', html) == ["3", "4"]
    assert "type &#34;shop&#34; is not one of" in html
    assert "Nothing was imported" in html
    with app.app_context():
        assert store_count() == 3
        assert store("N-001") is None


def test_upload_ok(app, admin):
    content = "\ufeff" + "\n".join(
        [
            STORE_COLUMNS,
            "N-001,Siêu thị Mới,supermarket,II,HY-PH,Đường 1,,2020-01-02,,,",
            "S-001,Tên mới,market,,HY,,,,,,",
        ]
    )
    response = upload(admin, content.encode())
    assert response.status_code == 302
    assert response.headers["Location"] == "/stores"
    with app.app_context():
        assert store("N-001").name == "Siêu thị Mới"
        assert (store("S-001").name, store("S-001").type) == ("Tên mới", "market")
    assert "N-001" in admin.get("/stores").get_data(as_text=True)


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "stores.csv", None),
        (STORE_COLUMNS.encode(), "stores.txt", "Only .csv and .xlsx files can be imported."),
        (STORE_COLUMNS.encode() + b"\n" + b"x" * (2 * 1024 * 1024), "stores.csv", "larger than 2 MB"),
    ],
)
def test_upload_refuses_bad_files(app, admin, content, filename, message):
    response = upload(admin, content, filename)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error"' in html
    if message:
        assert message in html
    with app.app_context():
        assert store_count() == 3


def test_upload_without_file(app, admin):
    csrf = token(admin, "/stores/import?lang=en")
    response = admin.post("/stores/import?lang=en", data={"csrf_token": csrf}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Choose a CSV or XLSX file." in response.get_data(as_text=True)


def test_upload_needs_csrf(app, admin):
    response = upload(admin, (STORE_COLUMNS + "\nN-001,Mới,supermarket,,HY-PH,,,,,,\n").encode(), csrf=False)
    assert response.status_code == 400
    with app.app_context():
        assert store("N-001") is None


def test_csv_template(admin):
    response = admin.get("/stores/template.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    # The columns (now with the optional legacy_unit_code) and one example row.
    header, *rows = response.get_data().decode("utf-8-sig").strip().splitlines()
    assert header == STORE_COLUMNS.replace("unit_code,", "unit_code,legacy_unit_code,")
    assert len(rows) == 1
