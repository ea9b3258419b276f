"""User management: admins only, validation, self-lockout, CSRF and escaping."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import User, db
from tests.conftest import PASSWORDS, ROLES, AuthActions, csrf_from, post_form

NEW_PASSWORD = "a-good-password"


@pytest.fixture(autouse=True)
def english(client):
    """Read the pages in English, so that messages are checked by their msgid."""
    client.set_cookie("lang", "en")


def get_user(app, username: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            db.session.expunge(user)
        return user


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def user_id(app, username: str) -> int:
    return get_user(app, username).id


def create(client, username="newbie", password=NEW_PASSWORD, confirm=None, role="inspector"):
    data = {"username": username, "role": role, "password": password, "confirm": confirm or password}
    return post_form(client, "/users/new", data)


def edit(client, app, username: str, **data):
    data.setdefault("role", get_user(app, username).role)
    return post_form(client, f"/users/{user_id(app, username)}/edit", data)


def deactivate(client, app, username: str):
    """Deactivate through its confirmation page, with the box ticked."""
    return post_form(client, f"/users/{user_id(app, username)}/deactivate", {"confirm": "y"})


def reactivate(client, app, username: str):
    """Press the button that lets a deactivated user log in again."""
    url = f"/users/{user_id(app, username)}/edit"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(f"/users/{user_id(app, username)}/activate", data={"csrf_token": token, "activate": "1"})


def can_log_in(app, username: str, password: str) -> bool:
    """Log in from a fresh browser and tell whether a session was opened."""
    client = app.test_client()
    response = AuthActions(client).login(username, password)
    with client.session_transaction() as session:
        logged_in = session.get("_user_id") is not None
    assert logged_in == (response.status_code == 302)
    return logged_in


ROUTES = ["/users", "/users/new", "/users/1/edit"]
FORM_ROUTES = ["/users/new", "/users/1/edit"]


@pytest.mark.parametrize("url", ROUTES)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("url", FORM_ROUTES)
def test_anonymous_post_is_sent_to_login(app, client, url):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(url, data={"username": "x1", "role": "admin", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert get_user(app, "x1") is None
    assert get_user(app, "inspector").role == "inspector"


@pytest.mark.parametrize("username", ["inspector", "reviewer"])
@pytest.mark.parametrize("url", ROUTES)
def test_other_roles_are_forbidden(client, auth, username, url):
    auth.login(username)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("username", ["inspector", "reviewer"])
def test_other_roles_cannot_post(app, client, auth, username):
    auth.login(username)
    token = auth.csrf()
    data = {"username": "intruder", "role": "admin", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/users/new", data={**data, "csrf_token": token}).status_code == 403
    own_id = user_id(app, username)
    response = client.post(f"/users/{own_id}/edit", data={"role": "admin", "active": "y", "csrf_token": token})
    assert response.status_code == 403
    assert get_user(app, "intruder") is None
    assert get_user(app, username).role != "admin"


def test_admin_sees_the_list(app, client, auth):
    auth.login("admin")
    with app.app_context():
        db.session.get(User, user_id(app, "inspector2")).active = False
        db.session.commit()
    page = client.get("/users").get_data(as_text=True)
    for username in ROLES:  # the seeded users
        assert username in page
        assert f'href="/users/{user_id(app, username)}/edit"' in page
    assert 'href="/users/new"' in page
    assert "Administrator" in page and "Reviewer" in page  # role labels, not raw codes
    assert page.count("Inactive") == 1
    assert 'name="csrf-token"' in page


def test_create_user_then_log_in(app, client, auth):
    auth.login("admin")
    response = create(client, "nguyen.van-a_1", role="reviewer")
    assert response.status_code == 302
    assert response.headers["Location"] == "/users"
    assert "nguyen.van-a_1 was created" in client.get("/users").get_data(as_text=True)
    user = get_user(app, "nguyen.van-a_1")
    assert user.role == "reviewer" and user.active
    assert NEW_PASSWORD not in user.password_hash
    assert user.check_password(NEW_PASSWORD)
    assert can_log_in(app, "nguyen.van-a_1", NEW_PASSWORD)


def test_username_spaces_are_trimmed(app, client, auth):
    auth.login("admin")
    assert create(client, "  trimmed  ").status_code == 302
    assert get_user(app, "trimmed") is not None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "inspector"}, "This username is already taken."),
        ({"username": "Inspector"}, "This username is already taken."),
        ({"username": ""}, "This field is required."),
        ({"username": "x" * 81}, "Use at most 80 characters."),
        ({"username": "two words"}, "Use only letters without accents"),
        ({"username": "nguyễn"}, "Use only letters without accents"),
        ({"password": "nine-char", "confirm": "nine-char"}, "Use at least 10 characters."),
        ({"password": "", "confirm": ""}, "This field is required."),
        ({"confirm": NEW_PASSWORD + "x"}, "The passwords do not match."),
        ({"role": "superuser"}, "Choose one of the options listed."),
    ],
)
def test_create_refuses_bad_input(app, client, auth, fields, message):
    auth.login("admin")
    before = user_count(app)
    response = create(client, **{"username": "newbie", **fields})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_count(app) == before
    assert get_user(app, "newbie") is None


def test_ten_character_password_is_enough(app, client, auth):
    auth.login("admin")
    assert create(client, password="ten-chars!").status_code == 302
    assert get_user(app, "newbie").check_password("ten-chars!")


def test_markup_in_username_is_refused_and_escaped(app, client, auth):
    auth.login("admin")
    before = user_count(app)
    response = create(client, "<b>bold</b>")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Use only letters without accents" in page
    assert "<b>bold" not in page
    assert "&lt;b&gt;bold" in page  # echoed back in the field, escaped
    assert user_count(app) == before


def test_stored_user_data_is_escaped(app, client, auth):
    # The command line accepts any name, so the pages must not trust stored ones.
    with app.app_context():
        user = User(username='<script>x</script>"', role="inspector", active=True)
        user.set_password(NEW_PASSWORD)
        db.session.add(user)
        db.session.commit()
        bad_id = user.id
    auth.login("admin")
    for url in ("/users", f"/users/{bad_id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>x" not in page
        assert "&lt;script&gt;x&lt;/script&gt;" in page
    response = post_form(client, f"/users/{bad_id}/edit", {"role": "reviewer", "active": "y"})
    assert response.status_code == 302
    page = client.get("/users").get_data(as_text=True)
    assert "<script>x" not in page


def test_edit_role(app, client, auth):
    auth.login("admin")
    response = edit(client, app, "inspector", role="reviewer")
    assert response.status_code == 302
    assert response.headers["Location"] == "/users"
    assert get_user(app, "inspector").role == "reviewer"
    assert "inspector was updated" in client.get("/users").get_data(as_text=True)


def test_edit_form_shows_current_values(app, client, auth):
    auth.login("admin")
    page = client.get(f"/users/{user_id(app, 'reviewer')}/edit").get_data(as_text=True)
    assert '<option selected value="reviewer">' in page
    assert "This user can log in." in page and f"/users/{user_id(app, 'reviewer')}/deactivate" in page
    deactivate(client, app, "reviewer")
    page = client.get(f"/users/{user_id(app, 'reviewer')}/edit").get_data(as_text=True)
    assert "This user cannot log in." in page and f"/users/{user_id(app, 'reviewer')}/activate" in page


def test_deactivate_blocks_log_in(app, client, auth):
    assert can_log_in(app, "inspector", PASSWORDS["inspector"])
    auth.login("admin")
    assert deactivate(client, app, "inspector").status_code == 302
    user = get_user(app, "inspector")
    assert not user.active
    assert user.check_password(PASSWORDS["inspector"])  # the password itself is kept
    assert not can_log_in(app, "inspector", PASSWORDS["inspector"])
    assert "Inactive" in client.get("/users").get_data(as_text=True)


def test_saving_the_edit_form_never_deactivates(app, client, auth):
    auth.login("admin")
    # The form of old sent no "active" for an unticked box: that no longer deactivates anyone.
    assert edit(client, app, "inspector", role="reviewer").status_code == 302
    user = get_user(app, "inspector")
    assert user.role == "reviewer" and user.active


def test_reactivate_allows_log_in(app, client, auth):
    auth.login("admin")
    deactivate(client, app, "inspector")
    assert not can_log_in(app, "inspector", PASSWORDS["inspector"])
    assert reactivate(client, app, "inspector").status_code == 302
    assert can_log_in(app, "inspector", PASSWORDS["inspector"])


def test_blank_password_keeps_the_old_one(app, client, auth):
    old_hash = get_user(app, "reviewer").password_hash
    auth.login("admin")
    assert edit(client, app, "reviewer", password="", confirm="").status_code == 302
    assert get_user(app, "reviewer").password_hash == old_hash
    assert can_log_in(app, "reviewer", PASSWORDS["reviewer"])


def test_new_password_replaces_the_old_one(app, client, auth):
    auth.login("admin")
    assert edit(client, app, "reviewer", password=NEW_PASSWORD, confirm=NEW_PASSWORD).status_code == 302
    user = get_user(app, "reviewer")
    assert user.check_password(NEW_PASSWORD)
    assert NEW_PASSWORD not in user.password_hash
    assert not can_log_in(app, "reviewer", PASSWORDS["reviewer"])
    assert can_log_in(app, "reviewer", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        ({"password": NEW_PASSWORD, "confirm": "other-password"}, "The passwords do not match."),
        ({"password": "", "confirm": NEW_PASSWORD}, "The passwords do not match."),
        ({"role": "superuser"}, "Choose one of the options listed."),
    ],
)
def test_edit_refuses_bad_input(app, client, auth, fields, message):
    old_hash = get_user(app, "reviewer").password_hash
    auth.login("admin")
    response = edit(client, app, "reviewer", **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    user = get_user(app, "reviewer")
    assert user.password_hash == old_hash and user.role == "reviewer"


def test_admin_cannot_remove_own_admin_role(app, client, auth):
    auth.login("admin")
    response = edit(client, app, "admin", role="reviewer")
    assert response.status_code == 200
    assert "You cannot remove your own admin role." in response.get_data(as_text=True)
    user = get_user(app, "admin")
    assert user.role == "admin" and user.active
    assert client.get("/users").status_code == 200


def test_admin_cannot_deactivate_themself(app, client, auth):
    auth.login("admin")
    own = user_id(app, "admin")
    assert "/deactivate" not in client.get(f"/users/{own}/edit").get_data(as_text=True)
    token = csrf_from(client.get(f"/users/{own}/edit").get_data(as_text=True))
    response = client.post(f"/users/{own}/deactivate", data={"csrf_token": token, "confirm": "y"})
    assert response.status_code == 302
    assert "You cannot deactivate your own account." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert get_user(app, "admin").active
    assert client.get("/users").status_code == 200


def test_admin_can_change_own_password(app, client, auth):
    auth.login("admin")
    assert edit(client, app, "admin", password=NEW_PASSWORD, confirm=NEW_PASSWORD).status_code == 302
    assert get_user(app, "admin").check_password(NEW_PASSWORD)


def test_admin_can_deactivate_another_admin(app, client, auth):
    with app.app_context():
        other = User(username="admin2", role="admin", active=True)
        other.set_password(NEW_PASSWORD)
        db.session.add(other)
        db.session.commit()
    auth.login("admin")
    assert edit(client, app, "admin2", role="inspector").status_code == 302
    assert deactivate(client, app, "admin2").status_code == 302
    other = get_user(app, "admin2")
    assert other.role == "inspector" and not other.active


def test_unknown_user_is_404(client, auth):
    auth.login("admin")
    assert client.get("/users/9999/edit").status_code == 404


def test_post_without_csrf_token_is_refused(app, client, auth):
    auth.login("admin")
    before = user_count(app)
    data = {"username": "newbie", "role": "admin", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/users/new", data=data).status_code == 400
    assert user_count(app) == before
    old_hash = get_user(app, "inspector").password_hash
    edit_data = {"role": "admin", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(f"/users/{user_id(app, 'inspector')}/edit", data=edit_data).status_code == 400
    user = get_user(app, "inspector")
    assert user.role == "inspector" and user.active and user.password_hash == old_hash


def test_post_with_wrong_csrf_token_is_refused(app, client, auth):
    auth.login("admin")
    data = {"username": "newbie", "role": "admin", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/users/new", data={**data, "csrf_token": "forged"}).status_code == 400
    assert get_user(app, "newbie") is None
