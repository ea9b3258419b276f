"""What the phone downloads, sent gzipped to a browser that accepts it.

On a slow mobile network the inspector's first visit is mostly bytes: the app's page, its modules,
the vocabularies and the store list shrink to about a third. Only responses that hold no secret a
page could be made to guess are compressed: a compressed size can leak a secret (a CSRF token)
sitting beside text an attacker chose (the BREACH attack), so pages with forms, the CSRF endpoint
and every page but the app's own are sent as they are. The app's page holds its CSRF token, but
nothing in it is chosen by anyone but the server. A proxy in front may compress as well: it leaves
a response already encoded alone.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

# Static files; the app's page, worker, manifest and vocabularies; the lists the phone fetches.
COMPRESSED_ENDPOINTS = frozenset(
    {
        "static",
        "offline_app.shell",
        "offline_app.service_worker",
        "offline_app.manifest",
        "offline_app.vocabularies",
        "offline_app.more_messages",
        "api.stores",
        "api.list_surveys",
        "products_api.list_products",
        "rounds_api.my_assignments",
    }
)
TEXT_TYPES = frozenset(
    {"text/html", "text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml"}
)
MIN_BYTES = 1024  # below one packet compression saves no round trip
LEVEL = 6  # zlib's default: most of the saving for a fraction of level 9's time


def compress(response: Response) -> Response:
    """Gzip a text response of a listed endpoint when the browser accepts gzip."""
    if (
        request.endpoint not in COMPRESSED_ENDPOINTS
        or request.method != "GET"
        or response.status_code != 200
        or "Content-Encoding" in response.headers
        or response.mimetype not in TEXT_TYPES
        or not request.accept_encodings["gzip"]
    ):
        return response
    source = response.response
    response.direct_passthrough = False  # a static file is read here, once, and closed at once
    body = response.get_data()
    if hasattr(source, "close"):
        source.close()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    # The same content in another encoding: a weak validator, so that a revalidation still gets 304.
    etag, _weak = response.get_etag()
    if etag:
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
