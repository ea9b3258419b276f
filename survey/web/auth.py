"""Log-in, log-out, roles, the language switch and the home page."""

from __future__ import annotations

import secrets
import time
from functools import wraps
from urllib.parse import urlsplit

import limits
from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import HTTPException
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from models import User, db
from survey.domain import accounts
from survey.domain.provinces import places, tenancy
from survey.extensions import csrf, limiter, login_manager
from survey.i18n import LANGUAGE_COOKIE, LANGUAGES
from survey.web import lookups
from survey.web.errors import handle_http_error, json_error, wants_json
from survey.web.retry import breached_limits, retry_sentence, seconds_to_reset
from survey.web.validators import TranslatedForm

bp = Blueprint("auth", __name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
HOME_BY_ROLE = {
    "inspector": "offline_app.shell",
    "reviewer": "review_pages.queue",  # what waits for them first; the figures are one tap away
    "admin": "stores.list_stores",
    "ministry": "national.comparison",
}
# What the Ministry's users may still post: their own log-out (they change nothing else).
MINISTRY_POSTS = ("auth.logout",)


class LoginForm(TranslatedForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


def role_required(*roles: str):
    """Let only logged-in users with one of these roles through (401, then 403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                lookups.refuse_unseen(kwargs)  # another province's id is not found, whatever the role
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def safe_next(target: str | None) -> str | None:
    """Keep a ?next= target only when it stays on this site."""
    if not target:
        return None
    # A control character cannot go into a Location header; a backslash reads as "/" to browsers.
    if any(ord(char) < 32 or ord(char) == 127 or char == "\\" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/")
def home():
    """Send each user to the page of their role."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


# Failed log-ins: limits a stranger cannot turn on the owner of an account (docs/security.md).
#
# - Failures are counted per address (LOGIN_RATE_LIMIT, any account) and per account *from* an
#   address (LOGIN_ACCOUNT_LIMIT). Past either, that address is refused with a 429 that says when
#   to try again. The refusal comes before the password is checked, so the right password gets the
#   same 429 as a wrong one: a 429 tells a guesser nothing.
# - Nothing refuses an address that has not failed: the right password from it always logs in,
#   however many failures the account has had from elsewhere. A guesser locks out only themselves.
# - Against a guesser spread over many addresses, failures per account from all addresses are
#   counted too (LOGIN_ACCOUNT_SLOWDOWN). Past that number, each further *failed* attempt answers
#   a little later (SLOWDOWN_STEP more each time, SLOWDOWN_MAX at most); a successful one never
#   waits. The wait begins after the password check has failed, so it says nothing the answer
#   does not say already, and an unknown name is counted and slowed the same as a real one, so it
#   does not tell which names exist either. The wait is kept short: it holds a worker meanwhile.
#   The account passing the number is logged as a warning, for the admins to see.
# - Successful log-ins are not counted at all: a whole office behind one address logs in freely.
SLOWDOWN_STEP = 0.1  # seconds more for each failure past LOGIN_ACCOUNT_SLOWDOWN
SLOWDOWN_MAX = 1.0
COUNT_ANY = 10**6  # a window of LOGIN_ACCOUNT_SLOWDOWN that never fills: it only counts


def login_account() -> str:
    return accounts.login_key(request.form.get("username", ""))


def address_and_account() -> str:
    return f"login-failures:{get_remote_address()}:{login_account()}"


def failed(response) -> bool:
    """Only attempts that did not log the user in are counted (a 302 is a log-in)."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_LIMIT"],
    key_func=address_and_account,
    methods=["POST"],
    deduct_when=failed,
)
def login():
    """Show the log-in form and log the user in."""
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is None:
            slow_down(accounts.login_key(form.username.data))
            flash(_("Wrong username or password."), "error")
        else:
            # A CSRF token from before the log-in is not valid after it (g holds this request's copy).
            session.pop("csrf_token", None)
            g.pop("csrf_token", None)
            user.login_mark = secrets.token_urlsafe(8)
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("auth.home"))
    return render_template("login.html", form=form)


def slow_down(account: str) -> None:
    """Count a failed log-in of the account from any address; past LOGIN_ACCOUNT_SLOWDOWN, wait a little."""
    threshold = limits.parse(current_app.config["LOGIN_ACCOUNT_SLOWDOWN"])
    failures = account_failures(account, threshold)
    over = failures - threshold.amount
    if over == 1:
        current_app.logger.warning(
            "More than %d failed log-ins for the account %r from any address: later failures answer slower",
            threshold.amount,
            account,
        )
    if over > 0:
        pause(min(SLOWDOWN_STEP * over, SLOWDOWN_MAX))


def account_failures(account: str, threshold: limits.RateLimitItem) -> int:
    """This failure and the account's earlier ones within the window; 0 when they cannot be counted."""
    if not limiter.enabled:
        return 0
    counter = type(threshold)(COUNT_ANY, threshold.multiples, namespace="login-account-failures")
    try:
        # limiter.limiter is Flask-Limiter's in-memory fallback once it has found Redis out of reach.
        limiter.limiter.hit(counter, account)
        return COUNT_ANY - limiter.limiter.get_window_stats(counter, account).remaining
    except Exception:
        current_app.logger.warning("Failed log-ins could not be counted: the rate limit storage is out of reach")
        return 0


def pause(seconds: float) -> None:
    time.sleep(seconds)


@bp.errorhandler(429)
def too_many_failed_log_ins(error: HTTPException):
    """The log-in form again, with the name typed and when this address may try again."""
    if request.endpoint != "auth.login":
        return handle_http_error(error)
    flash(retry_message(), "error")
    return render_template("login.html", form=LoginForm()), 429


def retry_message() -> str:
    """Why the address is refused, and when it may try again."""
    wait = retry_sentence(seconds_to_reset(breached_limits()), unknown=_("Please try again later."))
    return " ".join((_("Too many failed log-ins from your address."), wait))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out everywhere: every session and remember cookie of this user ends (a copy too).

    The form carries a CSRF token so no other site can do it. That token ends here too, and
    the log-in page it leads to drops the app pages the service worker cached, which name the
    user and hold the token (`static/js/logged-out.js`); the phone's unsent surveys stay."""
    accounts.end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login", logged_out=1))


@bp.route("/lang/<code>")
def set_language(code: str):
    """Remember the chosen language in a cookie and go back."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or url_for("auth.home"))
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return accounts.session_user(user_id)


@login_manager.unauthorized_handler
def unauthorized():
    """Answer 401 JSON for the API; send people to the log-in page."""
    if wants_json():
        return json_error(401)
    flash(_("Please log in first."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def protect_unsafe_requests():
    """Check log-in (API only), the Ministry's read-only access, then CSRF on every request that changes state."""
    if request.method in SAFE_METHODS:
        return None
    if wants_json() and not current_user.is_authenticated:
        return json_error(401)
    if current_user.is_authenticated and current_user.role == "ministry" and request.endpoint not in MINISTRY_POSTS:
        abort(403)  # decided here once, for every form and API operation there is or will be
    csrf.protect()
    return None


def scope_to_province():
    """Let the request see only the logged-in user's province (the Ministry's users, and anyone not
    logged in, see every province: a self-report link may be any province's). docs/provinces.md."""
    if current_user.is_authenticated:
        tenancy.enter(places.scope_of(current_user.role, current_user.province_id))
    else:
        tenancy.enter(None)


def leave_province(_error=None):
    tenancy.leave()


# Pages load only their own scripts and styles; nothing may frame them.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# The inspector's app compiles the barcode decoder (WebAssembly served by the app itself): that page
# alone may compile WebAssembly. JavaScript's eval stays forbidden there as everywhere.
APP_CONTENT_SECURITY_POLICY = SECURITY_HEADERS["Content-Security-Policy"] + "; script-src 'self' 'wasm-unsafe-eval'"


def add_security_headers(response):
    """Add the headers that keep pages from being framed, sniffed, fed foreign scripts or kept in caches."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SERVED_OVER_HTTPS"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if is_private(request.path):
        # What a user sees once logged in stays out of shared and browser caches.
        response.headers["Cache-Control"] = "no-store"
    return response


# Public paths: the app's static files, the health check, the API description. (The log-in
# page is not: it carries a CSRF token tied to the visitor's session.)
PUBLIC_PREFIXES = ("/static/", "/icons/", "/favicon.ico", "/healthz", "/api/v1/openapi.json", "/manifest.webmanifest")


def is_private(path: str) -> bool:
    """Pages and answers that may carry a user's data; the service worker script is kept fresh too."""
    return not path.startswith(PUBLIC_PREFIXES)


def init_app(app: Flask) -> None:
    """Wire the log-in manager, the CSRF hook and the security headers."""
    login_manager.session_protection = "basic"
    app.before_request(scope_to_province)
    app.before_request(protect_unsafe_requests)
    app.teardown_request(leave_province)
    app.after_request(add_security_headers)
