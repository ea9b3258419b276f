"""What the phone downloads comes gzipped to a browser that accepts it, and is the same once
unpacked; pages that hold a CSRF token beside text a visitor chose never are (BREACH)."""

from __future__ import annotations

import gzip

import pytest

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def fetch(client, url: str, headers: dict | None = None):
    """Get a response and close it (a static file's is open until then)."""
    with client.get(url, headers=headers or {}) as response:
        response.get_data()
        return response


@pytest.mark.parametrize("url", ["/static/js/app.js", "/static/css/app.css", "/sw.js"])
def test_static_files_and_the_worker_come_gzipped_and_unpack_to_the_same_bytes(client, url):
    plain = fetch(client, url)
    packed = fetch(client, url, GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers  # a browser that did not ask gets the file as it is
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    assert int(packed.headers["Content-Length"]) == len(packed.data)


def test_a_gzipped_file_is_still_revalidated_with_304(client):
    first = fetch(client, "/static/js/app.js", GZIP)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')  # another encoding of the same content: a weak validator
    again = fetch(client, "/static/js/app.js", {**GZIP, "If-None-Match": etag})
    assert again.status_code == 304 and not again.data


def test_the_inspectors_page_and_lists_come_gzipped(client, auth):
    auth.login()
    for url in ["/app", "/app/vocabularies.json", "/api/v1/stores", "/api/v1/products"]:
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        packed = response.headers.get("Content-Encoding") == "gzip"
        body = gzip.decompress(response.data) if packed else response.data
        assert packed == (len(body) >= 1024), url  # under a kilobyte, packing saves no round trip
    page = gzip.decompress(client.get("/app", headers=GZIP).data).decode()
    assert page.startswith("<!doctype html>") and 'name="csrf-token"' in page


def test_pages_with_forms_and_the_csrf_token_are_never_compressed(client, auth):
    assert "Content-Encoding" not in client.get("/login", headers=GZIP).headers
    auth.login("admin")
    for url in ["/stores?q=" + "a" * 2000, "/review", "/dashboard", "/api/v1/csrf"]:
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response.headers, url


def test_a_range_request_gets_its_range_unpacked(client):
    whole = fetch(client, "/static/js/app.js").data
    part = fetch(client, "/static/js/app.js", {**GZIP, "Range": "bytes=0-99"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert part.data == whole[:100]
