"""What the browser benchmarks share: the demo data in a throw-away folder, served on a free
port in a thread, Debian's Chromium, and the demo inspector's log-in.

Imports of the app happen inside the functions, so that bench/taps.py can point sys.path at an
older checkout first and measure that one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading

from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"viewport": {"width": 360, "height": 740}}


@contextlib.contextmanager
def demo_server():
    """Yield (app, base URL, the demo inspector's password) while the demo app is served."""
    from app import create_app
    from models import db
    from survey.domain import demo
    from survey.domain.vocabularies import load_vocabularies

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"}, folder)
        with app.app_context():
            db.create_all()
            load_vocabularies()
            demo.seed()
            password = demo.logins_path().read_text().split("demo-inspector")[1].split()[0]
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield app, f"http://127.0.0.1:{server.server_port}", password
        finally:
            server.shutdown()


def launch(playwright, *extra_args: str):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", *extra_args])


def log_in_inspector(page, base: str, password: str) -> None:
    """Log the demo inspector in and wait for the offline app to be ready."""
    page.goto(base + "/login")
    page.fill("#username", "demo-inspector")
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_selector("body[data-ready=true]")
