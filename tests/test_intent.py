"""Actions only by intent (issue 12): closing a store and deactivating a user need explicit fields
and a confirmation step; a self-report link is made by a POST, never by viewing a page.

Each test checks the database, not only the answer: a POST with nothing but a CSRF token
must leave every row as it was.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Store, StoreLink, User, db
from survey.domain import policy
from tests.conftest import PASSWORDS, AuthActions, csrf_from, post_form, staff_token


def store(code: str = "S-001") -> Store:
    return db.session.scalar(select(Store).where(Store.code == code))


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def snapshot(app, username: str) -> tuple:
    with app.app_context():
        found = user(username)
        return found.role, found.active, found.password_hash, found.session_generation


def token(client, url: str) -> str:
    return csrf_from(client.get(url).get_data(as_text=True))


@pytest.fixture
def admin(client, auth):
    auth.login("admin")
    return client


# --- closing a store ------------------------------------------------------------------------


def test_a_post_with_only_a_csrf_token_closes_no_store(app, admin):
    page = admin.get("/stores/S-001/edit").get_data(as_text=True)
    response = admin.post("/stores/S-001/close", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="closed_on"' in html and 'role="alert"' in html  # the form again, with its error
    assert "Nhập ngày cửa hàng đóng cửa." in html
    with app.app_context():
        assert store().closed_on is None
    assert count(app, AuditEntry) == 0


def test_a_date_alone_only_asks_to_confirm(app, admin):
    data = {"csrf_token": token(admin, "/stores/S-001/edit"), "closed_on": "2025-03-31"}
    response = admin.post("/stores/S-001/close", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Đóng cửa hàng Cửa hàng S-001 từ ngày 31/03/2025?" in html
    assert "không còn được tính từ năm 2026" in html  # what it changes: the years after
    assert 'name="confirm"' in html and 'value="2025-03-31"' in html
    with app.app_context():
        assert store().closed_on is None
    assert count(app, AuditEntry) == 0


def test_the_confirmed_post_closes_the_store(app, admin):
    data = {"csrf_token": token(admin, "/stores/S-001/edit"), "closed_on": "2025-03-31"}
    confirm_page = admin.post("/stores/S-001/close", data=data).get_data(as_text=True)
    response = admin.post("/stores/S-001/close", data={"csrf_token": csrf_from(confirm_page), **data, "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert store().closed_on == date(2025, 3, 31)
        actions = [entry.action for entry in db.session.scalars(select(AuditEntry))]
    assert actions == ["store_close"]


def test_a_confirmation_without_a_date_closes_nothing(app, admin):
    response = admin.post(
        "/stores/S-001/close", data={"csrf_token": token(admin, "/stores/S-001/edit"), "confirm": "y"}
    )
    assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)
    with app.app_context():
        assert store().closed_on is None


@pytest.mark.parametrize(
    ("closed_on", "message"),
    [
        ("2019-04-30", "Ngày đóng cửa không được trước ngày mở cửa (01/05/2019)."),  # S-001 opened 01/05/2019
        ("far", "Ngày đóng cửa chỉ được muộn nhất là một năm kể từ hôm nay"),
        ("hôm qua", "Nhập ngày hợp lệ."),
    ],
)
def test_a_closing_date_out_of_bounds_is_refused_in_vietnamese(app, admin, closed_on, message):
    if closed_on == "far":
        closed_on = (policy.local_today() + timedelta(days=400)).isoformat()
    data = {"csrf_token": token(admin, "/stores/S-001/edit"), "closed_on": closed_on, "confirm": "y"}
    response = admin.post("/stores/S-001/close", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert store().closed_on is None


def test_a_date_within_the_year_ahead_is_accepted(app, admin):
    ahead = (policy.local_today() + timedelta(days=300)).isoformat()
    data = {"csrf_token": token(admin, "/stores/S-001/edit"), "closed_on": ahead, "confirm": "y"}
    assert admin.post("/stores/S-001/close", data=data).status_code == 302
    with app.app_context():
        assert store().closed_on.isoformat() == ahead


def test_the_close_page_by_get_changes_nothing(app, admin):
    response = admin.get("/stores/S-001/close")
    assert response.status_code == 200 and 'name="closed_on"' in response.get_data(as_text=True)
    with app.app_context():
        assert store().closed_on is None


@pytest.mark.parametrize("username", ["inspector", "reviewer"])
def test_only_admins_close_stores(app, client, auth, username):
    auth.login(username)
    csrf = auth.csrf()
    data = {"csrf_token": csrf, "closed_on": "2025-03-31", "confirm": "y"}
    assert client.post("/stores/S-001/close", data=data).status_code == 403
    assert client.get("/stores/S-001/close").status_code == 403
    with app.app_context():
        assert store().closed_on is None


# --- deactivating a user --------------------------------------------------------------------


def user_id(app, username: str) -> int:
    with app.app_context():
        return user(username).id


def test_a_post_with_only_a_csrf_token_deactivates_nobody(app, admin):
    before = snapshot(app, "inspector")
    edit_url = f"/users/{user_id(app, 'inspector')}/edit"
    response = admin.post(edit_url, data={"csrf_token": token(admin, edit_url)})
    assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)
    deactivate_url = f"/users/{user_id(app, 'inspector')}/deactivate"
    response = admin.post(deactivate_url, data={"csrf_token": token(admin, deactivate_url)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "Hãy đánh dấu ô này để khóa tài khoản." in html
    assert snapshot(app, "inspector") == before  # not deactivated, and no session ended
    assert count(app, AuditEntry) == 0


def test_the_inspector_stays_logged_in_after_a_bare_post(app, admin):
    inspector = app.test_client()
    AuthActions(inspector).login("inspector")
    assert inspector.get("/app").status_code == 200
    url = f"/users/{user_id(app, 'inspector')}/deactivate"
    admin.post(url, data={"csrf_token": token(admin, url)})
    assert inspector.get("/app").status_code == 200


def test_the_confirmation_page_says_the_sessions_end(app, admin):
    html = admin.get(f"/users/{user_id(app, 'inspector')}/deactivate").get_data(as_text=True)
    assert "Khóa tài khoản inspector?" in html
    assert "mọi phiên đăng nhập của inspector kết thúc ngay" in html
    assert "Tôi xác nhận khóa tài khoản này" in html and 'type="checkbox"' in html
    with app.app_context():
        assert user("inspector").active


def test_the_confirmed_post_deactivates_and_ends_the_sessions(app, admin):
    inspector = app.test_client()
    AuthActions(inspector).login("inspector")
    assert inspector.get("/app").status_code == 200
    response = post_form(admin, f"/users/{user_id(app, 'inspector')}/deactivate", {"confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert not user("inspector").active
        actions = [entry.action for entry in db.session.scalars(select(AuditEntry))]
    assert actions == ["user_update"]
    assert inspector.get("/app").status_code != 200  # their session ended
    assert AuthActions(app.test_client()).login("inspector", PASSWORDS["inspector"]).status_code != 302


def test_an_unticked_box_deactivates_nobody(app, admin):
    response = post_form(admin, f"/users/{user_id(app, 'inspector')}/deactivate", {"confirm": ""})
    assert response.status_code == 200
    with app.app_context():
        assert user("inspector").active


def test_saving_the_edit_form_never_deactivates(app, admin):
    # A browser sends no field for an unticked box: once that meant "inactive".
    response = post_form(admin, f"/users/{user_id(app, 'inspector')}/edit", {"role": "inspector"})
    assert response.status_code == 302
    with app.app_context():
        assert user("inspector").active


def test_reactivating_needs_its_button(app, admin):
    post_form(admin, f"/users/{user_id(app, 'inspector')}/deactivate", {"confirm": "y"})
    edit_url = f"/users/{user_id(app, 'inspector')}/edit"
    activate_url = f"/users/{user_id(app, 'inspector')}/activate"
    bare = admin.post(activate_url, data={"csrf_token": token(admin, edit_url)})
    assert bare.status_code == 200 and 'role="alert"' in bare.get_data(as_text=True)
    with app.app_context():
        assert not user("inspector").active
    pressed = admin.post(activate_url, data={"csrf_token": token(admin, edit_url), "activate": "1"})
    assert pressed.status_code == 302
    with app.app_context():
        assert user("inspector").active


def test_an_admin_cannot_deactivate_themself(app, admin):
    own = user_id(app, "admin")
    assert admin.get(f"/users/{own}/deactivate").status_code == 302  # no confirmation page for oneself
    data = {"csrf_token": token(admin, f"/users/{own}/edit"), "confirm": "y"}
    response = admin.post(f"/users/{own}/deactivate", data=data, follow_redirects=True)
    assert "Bạn không thể tự khóa tài khoản của mình." in response.get_data(as_text=True)
    with app.app_context():
        assert user("admin").active


@pytest.mark.parametrize("username", ["inspector", "reviewer"])
def test_only_admins_deactivate(app, client, auth, username):
    auth.login(username)
    url = f"/users/{user_id(app, 'inspector2')}/deactivate"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"csrf_token": auth.csrf(), "confirm": "y"}).status_code == 403
    with app.app_context():
        assert user("inspector2").active


# --- self-report links ----------------------------------------------------------------------


def test_viewing_the_link_page_creates_no_link(app, client, auth):
    auth.login("reviewer")
    before = count(app, StoreLink)
    response = client.get("/stores/S-001/link")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert count(app, StoreLink) == before == 0
    assert 'action="/stores/S-001/link/create"' in html and "Tạo đường dẫn" in html
    assert "/r/" not in html  # no link to show
    assert count(app, AuditEntry) == 0


@pytest.mark.parametrize("url", ["/stores/S-001/qr.png", "/stores/S-001/poster", "/posters?unit=HY", "/posters"])
def test_no_other_page_creates_a_link(app, client, auth, url):
    auth.login("admin")
    client.get(url)
    assert count(app, StoreLink) == 0


def test_the_post_creates_the_link_once(app, client, auth):
    auth.login("reviewer")
    html = client.get("/stores/S-001/link").get_data(as_text=True)
    response = client.post("/stores/S-001/link/create", data={"csrf_token": csrf_from(html)})
    assert response.status_code == 302
    assert count(app, StoreLink) == 1
    page = client.get("/stores/S-001/link").get_data(as_text=True)
    assert "/r/" in page and 'action="/stores/S-001/link/replace"' in page
    client.post("/stores/S-001/link/create", data={"csrf_token": csrf_from(page)})  # pressed again
    assert count(app, StoreLink) == 1
    with app.app_context():
        actions = [entry.action for entry in db.session.scalars(select(AuditEntry))]
    assert actions == ["link_create"]


def test_making_a_link_needs_csrf_and_a_staff_role(app, client, auth):
    auth.login("reviewer")
    assert client.post("/stores/S-001/link/create", data={}).status_code == 400
    assert client.post("/stores/S-001/link/create", data={"csrf_token": "forged"}).status_code == 400
    inspector = app.test_client()
    AuthActions(inspector).login("inspector")
    forbidden = inspector.post("/stores/S-001/link/create", data={"csrf_token": AuthActions(inspector).csrf()})
    assert forbidden.status_code == 403
    assert count(app, StoreLink) == 0


def test_the_poster_sheet_makes_links_only_when_asked(app, client, auth):
    revoked_token = staff_token(app, "S-002")  # S-002 had a link, then it was revoked
    auth.login("reviewer")
    page = client.get("/stores/S-002/link").get_data(as_text=True)
    client.post("/stores/S-002/link/revoke", data={"csrf_token": csrf_from(page)})
    sheet = client.get("/posters?unit=HY").get_data(as_text=True)
    assert count(app, StoreLink) == 1
    assert 'action="/posters/links"' in sheet and "Cửa hàng S-001" in sheet
    response = client.post("/posters/links", data={"csrf_token": csrf_from(sheet), "unit": "HY"})
    assert response.status_code == 302
    with app.app_context():
        links = {link.store.code: link.revoked_at is None for link in db.session.scalars(select(StoreLink))}
    assert links == {"S-001": True, "S-002": False, "S-003": True}  # a revoked link stays revoked
    assert app.test_client().get(f"/r/{revoked_token}").status_code == 404
    assert client.post("/posters/links", data={"csrf_token": csrf_from(sheet)}).status_code == 400


def test_a_closing_date_typed_on_the_edit_form_goes_through_the_confirmation(app, admin):
    from tests.conftest import store_form

    page = admin.get("/stores/S-001/edit").get_data(as_text=True)
    form = store_form(csrf_token=csrf_from(page), name="Tên mới", unit_code="HY-PH", opened_on="2019-05-01")
    form["closed_on"] = "2025-03-31"
    response = admin.post("/stores/S-001/edit", data=form)
    assert response.status_code == 302 and "/stores/S-001/close?closed_on=2025-03-31" in response.headers["Location"]
    with app.app_context():
        assert store().name == "Tên mới"  # the other fields are saved
        assert store().closed_on is None  # the closing waits for its confirmation
    confirm_page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="2025-03-31"' in confirm_page
