"""The inspector's installable app: its shell page, manifest, icons, service worker, vocabularies.

Everything the phone needs to work with no network is served from here and
precached by /sw.js. The asset version is a hash of the shell's files, so any
change to them makes a new service worker, which the page offers to activate.
"""

from __future__ import annotations

import base64
import hashlib
import io
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, url_for
from PIL import Image, ImageDraw

from survey.domain import survey_fields, vocabularies
from survey.domain.schemas import MAX_COUNT, MAX_NOTES
from survey.i18n import LANGUAGES
from survey.labels import UNLIKELY_VALUE_MESSAGES
from survey.web import phone_messages
from survey.web.auth import APP_CONTENT_SECURITY_POLICY, role_required

bp = Blueprint("offline_app", __name__)

# What the first screen needs (the store picker), preloaded at once.
SHELL_SCRIPTS = (
    "idb.js",
    "rules.js",
    "registry.js",
    "store-view.js",
    "select-count.js",
    "mine.js",
    "app.js",
)
# Precached, not preloaded (the shell's budget and the start's time): each is imported when first
# needed. Sending (outbox, photos) and the sent surveys' list load just after the first paint; the form
# with the first form opened; the outbox's page when it opens, the photo part with the first form,
# the list of assignments when "Việc của tôi" opens, the proposal of a store found in the field when
# it is first asked for (and its sending when the outbox holds one).
LAZY_SCRIPTS = (
    "form.js",
    "location.js",
    "outbox.js",
    "photos.js",
    "mine-view.js",
    "more-messages.js",
    "outbox-view.js",
    "photo-view.js",
    "in-store.js",
    "tally.js",
    "products-view.js",
    "scanner.js",
    "day-plan.js",
    "my-list.js",
    "proposal-view.js",
    "proposals.js",
)
LAZY_STYLES = ("in-store.css",)
# The barcode decoder's folder (static/vendor/README.md): neither precached nor preloaded; the
# service worker keeps it in a cache of its own once fetched.
VENDOR_DECODER = "vendor/zxing-wasm-3.1.8/"
ICONS = {"icon-192": (192, False), "icon-512": (512, False), "maskable-512": (512, True)}
THEME_COLOUR = "#1b6b3a"


def asset_version(app: Flask) -> str:
    """Hash the shell's files so that the service worker changes whenever they do."""
    digest = hashlib.sha256()
    root = Path(app.root_path)
    for path in sorted((root / "static").rglob("*")) + [root / "templates" / "offline_app.html"]:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


# The shell's own styles, written into its page: the first paint waits for no other file (one round
# trip less on a slow network). The page and the files weigh the same against the shell's budget.
SHELL_STYLES = ("app.css", "offline.css")


@cache
def shell_styles(root: str) -> str:
    return "\n".join((Path(root) / "static" / "css" / name).read_text(encoding="utf-8") for name in SHELL_STYLES)


# The page's first script (static/js/boot.js), written into the page too: it opens the phone's
# database while the modules load, so it must not wait for a file. The policy allows that one text
# by its hash, never inline scripts at large.
@cache
def boot_script(root: str) -> tuple[str, str]:
    """Return the boot script's text and the Content-Security-Policy source that allows it."""
    text = (Path(root) / "static" / "js" / "boot.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return text, f"'sha256-{digest}'"


def shell_urls() -> list[str]:
    """The URLs the service worker precaches: the app works offline with only these."""
    scripts = [url_for("static", filename=f"js/{name}") for name in SHELL_SCRIPTS + LAZY_SCRIPTS]
    icons = [url_for("offline_app.icon", name=name) for name in ICONS]
    # The page in each language, so that the language switch works with no network too.
    pages = [url_for("offline_app.shell", lang=code) for code in LANGUAGES]
    messages = [url_for("offline_app.more_messages", lang=code) for code in LANGUAGES]
    return [
        url_for("offline_app.shell"),
        *pages,
        *(url_for("static", filename=f"css/{name}") for name in LAZY_STYLES),
        url_for("offline_app.vocabularies"),
        *messages,
        url_for("offline_app.manifest"),
        *scripts,
        *icons,
        url_for("offline_app.favicon"),
    ]


@bp.route("/app")
@role_required("inspector")
def shell():
    """Serve the inspector's app shell."""
    boot, boot_hash = boot_script(current_app.root_path)
    page = render_template(
        "offline_app.html",
        version=current_app.config["ASSET_VERSION"],
        max_count=MAX_COUNT,
        max_notes=MAX_NOTES,
        typed_fields=survey_fields.TYPED,
        unlikely=UNLIKELY_VALUE_MESSAGES,
        scripts=[name for name in SHELL_SCRIPTS if name != "app.js"],
        styles=shell_styles(current_app.root_path),
        boot=boot,
    )
    return page, {"Content-Security-Policy": f"{APP_CONTENT_SECURITY_POLICY} {boot_hash}"}


@bp.route("/sw.js")
def service_worker():
    """Serve the service worker from the root so that it controls every page; never cached."""
    source = (Path(current_app.root_path) / "static" / "sw.js").read_text(encoding="utf-8")
    source = source.replace("__VERSION__", current_app.config["ASSET_VERSION"])
    source = source.replace("__VENDOR__", url_for("static", filename=VENDOR_DECODER))
    source = source.replace("__SHELL_URLS__", ",".join(f'"{url}"' for url in shell_urls()))
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    """Describe the installable app, in Vietnamese."""
    body = {
        "name": "Bao bì xanh – Kiểm tra bao bì thân thiện môi trường",
        "short_name": "Bao bì xanh",
        "description": "Ghi phiếu kiểm tra bao bì tại siêu thị, trung tâm thương mại, kể cả khi không có mạng.",
        "lang": "vi",
        "start_url": url_for("offline_app.shell"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {
                "src": url_for("offline_app.icon", name=name),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "maskable" if maskable else "any",
            }
            for name, (size, maskable) in ICONS.items()
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@cache
def icon_png(size: int, maskable: bool) -> bytes:
    """Draw the app icon with Pillow: a white shopping bag with a leaf on green."""
    scale = size / 512
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, size, size), fill=THEME_COLOUR)  # full bleed: the launcher crops it
    else:
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=int(96 * scale), fill=THEME_COLOUR)
    inset = 0.1 if maskable else 0  # keep the drawing inside the maskable safe zone

    def box(x0, y0, x1, y1):
        shrink = lambda v: (inset * 256 + v * (1 - 2 * inset)) * scale  # noqa: E731
        return tuple(round(shrink(v)) for v in (x0, y0, x1, y1))

    draw.arc(box(196, 92, 316, 212), start=180, end=360, fill="white", width=max(2, round(22 * scale)))
    draw.rounded_rectangle(box(136, 152, 376, 420), radius=round(24 * scale), fill="white")
    draw.ellipse(box(200, 222, 312, 360), fill=THEME_COLOUR)
    draw.line(box(256, 236, 256, 370), fill="white", width=max(2, round(10 * scale)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@cache
def favicon_ico() -> bytes:
    """The icon browsers ask for at /favicon.ico whatever a page says, in the sizes a tab shows."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(icon_png(64, False))).save(buffer, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return buffer.getvalue()


@bp.route("/favicon.ico")
def favicon():
    response = Response(favicon_ico(), mimetype="image/x-icon")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/icons/<name>.png")
def icon(name: str):
    """Serve one of the app icons."""
    if name not in ICONS:
        abort(404)
    size, maskable = ICONS[name]
    response = Response(icon_png(size, maskable), mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/app/vocabularies.json", endpoint="vocabularies")
def vocabularies_json():
    """Give the phone the categories, label types, rules in force and limits it checks against."""
    response = jsonify(vocabularies.phone_copy())
    # A new rule version must reach the phone at its next online start, not a day later.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/app/more-messages.json", endpoint="more_messages")
def more_messages_json():
    """The messages of the phone's parts loaded on demand, in the language asked (?lang=)."""
    response = jsonify(phone_messages.on_demand())
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    """Compute the asset version once at start-up."""
    app.config.setdefault("ASSET_VERSION", asset_version(app))
