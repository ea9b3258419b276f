"""One place for errors: JSON under /api/, a page everywhere else."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, SecurityError

from models import db

# Codes a program can rely on; messages are for people and may be translated.
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_requests",
    500: "server_error",
}


def default_messages() -> dict[int, str]:
    """Say what each status means, in the user's language."""
    return {
        400: _("The request could not be understood."),
        401: _("Please log in first."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The upload is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on the server. Nothing you sent was lost; please try again."),
    }


def wants_json() -> bool:
    """Tell whether this request belongs to the JSON API (the health check answers JSON too)."""
    return request.path.startswith("/api/") or request.path == "/healthz"


def json_error(
    status: int,
    code: str | None = None,
    message: str | None = None,
    fields: dict[str, str] | None = None,
    lines: list[dict] | None = None,
) -> Response:
    """Build the API's error body with the given status, naming the fields, or the lines of a list, at fault."""
    body: dict = {
        "error": {
            "code": code or ERROR_CODES.get(status, "error"),
            "message": message or default_messages().get(status, ""),
        }
    }
    if fields:
        body["error"]["fields"] = fields
    if lines:
        body["error"]["lines"] = lines
    response = jsonify(body)
    response.status_code = status
    return response


def handle_http_error(error: HTTPException):
    """Answer an HTTP error as JSON for the API, as a page otherwise."""
    status = error.code or 500
    if isinstance(error, SecurityError):
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page either.
        return Response("Unknown host.\n", status, mimetype="text/plain")
    if isinstance(error, CSRFError):
        message = _("Your session has expired or the form is stale. Reload the page and try again.")
        if wants_json():
            return json_error(400, "csrf", message)
        return render_template("error.html", status=400, message=message), 400
    if wants_json():
        response = json_error(status)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response
    response = error.get_response()
    page = render_template("error.html", status=status, message=default_messages().get(status, error.description))
    response.set_data(page)
    response.mimetype = "text/html"
    return response


def handle_unexpected_error(error: Exception):
    """Log an unexpected error and answer 500 without leaking details."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    from flask import current_app

    current_app.logger.exception("Unhandled error", exc_info=error)
    # A failed transaction would make the error page's own queries (the user, the menu) fail too.
    db.session.rollback()
    return handle_http_error(InternalServerError())


class SafeJSONProvider(DefaultJSONProvider):
    """Reads JSON like Flask does, but a body nested too deep for the parser is bad JSON, not a crash."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def init_app(app: Flask) -> None:
    """Register the handlers and the JSON reader that never crashes on deep nesting."""
    app.json = SafeJSONProvider(app)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
