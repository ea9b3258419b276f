"""Log-out in real Chromium: no page the service worker cached still names the inspector or
holds their CSRF token, whichever page they log out from; unsent surveys stay on the phone."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from models import User, db
from tests.browser.conftest import fill_survey, ready, save, unsent, wait_for_rows

# A name no file of the app contains, so that finding it in a cached body means a page named the user.
USERNAME = "kiemtra_hoa_binh"
PASSWORD = "mat-khau-kiem-tra-1"

# Every entry of every cache of the origin, with its body as text.
CACHED = """async () => {
  const entries = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      entries.push({url: request.url, body: await (await cache.match(request)).text()});
    }
  }
  return entries;
}"""


def add_inspector(app) -> None:
    with app.app_context():
        user = User(username=USERNAME, role="inspector", active=True)
        user.password_hash = generate_password_hash(PASSWORD)
        db.session.add(user)
        db.session.commit()


def log_in_to_app(page, base: str) -> str:
    """Log in, wait for the app and its service worker; answer the page's CSRF token."""
    page.goto(base + "/login")
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#submit")
    page.wait_for_url("**/app")
    ready(page)
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return page.get_attribute("meta[name=csrf-token]", "content")


def naming(page, token: str) -> list[str]:
    """The cached URLs whose body names the inspector or holds their CSRF token."""
    return [entry["url"] for entry in page.evaluate(CACHED) if USERNAME in entry["body"] or token in entry["body"]]


@pytest.mark.parametrize("where", ["app", "plain form"])
def test_log_out_leaves_no_cached_page_naming_the_inspector(browser, live_server, app, where):
    add_inspector(app)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    token = log_in_to_app(page, live_server)
    cached = naming(page, token)
    assert {url.removeprefix(live_server) for url in cached} == {"/app", "/app?lang=vi", "/app?lang=en"}
    context.set_offline(True)
    fill_survey(page, "S-001", 2)
    save(page)  # unsent work that the log-out must leave alone
    context.set_offline(False)

    page.on("dialog", lambda dialog: dialog.accept())  # "1 survey not sent: log out anyway?"
    if where == "plain form":
        page.goto(live_server + "/surveys/new")  # a page with none of the app's code
        logout_button = "form.inline button"
    else:
        logout_button = "#logout-form button"
    with page.expect_navigation():
        page.click(logout_button)
    assert "/login" in page.url
    page.wait_for_selector("html[data-app-forgotten=true]")
    assert naming(page, token) == []
    assert page.evaluate("caches.match('/static/js/app.js').then((r) => r !== undefined)")  # the shell's files stay

    page.goto(live_server + "/app")  # online: the log-in page, never a cached app page
    assert "/login" in page.url and page.locator("#username").count() == 1
    log_in_to_app(page, live_server)
    assert wait_for_rows(app, 1, page=page) == 1  # IndexedDB was never cleared: the survey went at log-in
    # The phone drops it from its outbox once the server's answer is in, a moment after the row.
    page.wait_for_function("() => document.querySelector('#outbox-count').textContent === '0'")
    context.set_offline(True)
    page.reload()  # the app page is cached again at the next log-in, and opens offline
    ready(page)
    assert page.get_attribute("meta[name=app-user]", "content") == USERNAME
    assert unsent(page) == 0
    context.close()
