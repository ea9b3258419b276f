"""The site's own address, for links that leave the browser: QR codes, posters, spreadsheet cells.

Such a link must never follow the Host header a stranger sends. It comes from PUBLIC_BASE_URL;
without it, from the request only when Flask checks the host against TRUSTED_HOSTS, or on this
machine's own loopback address while developing (`make run`). Anything else is refused with a
page that says which setting is missing (docs: README, "Deploying").
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import ServiceUnavailable

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class PublicAddressUnset(ServiceUnavailable):
    description = "Set PUBLIC_BASE_URL (or TRUSTED_HOSTS) so that printed links carry the site's real address."


def public_base_url() -> str:
    """The address to print, ending in "/"."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/") + "/"
    if current_app.config.get("TRUSTED_HOSTS"):
        return request.url_root  # request.host was checked against TRUSTED_HOSTS
    if request.host.rsplit(":", 1)[0] in LOOPBACK_HOSTS or request.host in LOOPBACK_HOSTS:
        return request.url_root
    raise PublicAddressUnset()


def absolute(path: str) -> str:
    """An absolute link to a path of this site."""
    return public_base_url().rstrip("/") + path
