"""What every page says in its head: a description, whether search engines may keep it, its icon."""

from __future__ import annotations

import io

import pytest
from PIL import Image

ROLES = ("inspector", "reviewer", "admin")


def html_pages(app, client) -> list[str]:
    """Every page without a parameter in its address that answers this user with HTML."""
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.rule.startswith(("/api/", "/static", "/login")):
            continue
        response = client.get(rule.rule)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append(rule.rule)
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_a_description_and_stays_out_of_search_engines(app, client, auth, role):
    auth.login(role)
    pages = html_pages(app, client)
    assert len(pages) >= 2
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert '<meta name="description" content="' in html, url
        assert '<meta name="robots" content="noindex, nofollow">' in html, url
        assert 'rel="icon" href="/favicon.ico"' in html, url


def test_the_log_in_page_may_be_found(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<meta name="description" content="Bao bì xanh' in html
    assert 'name="robots"' not in html


def test_the_favicon_is_an_icon_anyone_may_fetch(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/x-icon"
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]
