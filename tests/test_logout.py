"""Log-out: the CSRF token of the session ends with it, and the log-in page it leads to
loads the script that drops the app pages the service worker cached."""

from __future__ import annotations

from tests.conftest import PASSWORDS, csrf_from


def test_log_out_leads_to_the_page_that_forgets_the_cached_app(client, auth):
    auth.login("inspector")
    token = csrf_from(client.get("/app").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login?logged_out=1"
    assert "js/logged-out.js" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "js/logged-out.js" not in client.get("/login").get_data(as_text=True)  # not on every visit


def test_the_csrf_token_from_before_log_out_is_refused_after_it(client, auth):
    auth.login("inspector")
    token = csrf_from(client.get("/app").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    data = {"username": "inspector", "password": PASSWORDS["inspector"], "csrf_token": token}
    assert client.post("/login", data=data).status_code == 400  # the CSRF check refuses it
    assert client.get("/app").status_code == 302  # still logged out
    data["csrf_token"] = csrf_from(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data=data).status_code == 302
