"""The inspector's app page: its first script written into the page and allowed by its hash alone,
and the modules it preloads (the first screen's) apart from those loaded later (precached)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from survey.web.offline_app import LAZY_SCRIPTS, SHELL_SCRIPTS

ROOT = Path(__file__).resolve().parent.parent


def test_the_app_page_runs_its_own_first_script_and_no_other_inline_one(client, auth):
    auth.login()
    response = client.get("/app")
    page = response.get_data(as_text=True)
    inline = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert inline == [(ROOT / "static" / "js" / "boot.js").read_text(encoding="utf-8")]
    allowed = "'sha256-" + base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode() + "'"
    policy = response.headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'", "'wasm-unsafe-eval'", allowed]


def test_the_page_preloads_the_first_screens_modules_and_the_worker_keeps_every_module(client, auth):
    auth.login()
    page = client.get("/app").get_data(as_text=True)
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/js/([\w-]+\.js)">', page)
    assert sorted(preloaded) == sorted(name for name in SHELL_SCRIPTS if name != "app.js")
    assert not set(preloaded) & set(LAZY_SCRIPTS)
    worker = client.get("/sw.js").get_data(as_text=True)
    for name in SHELL_SCRIPTS + LAZY_SCRIPTS:
        assert f'"/static/js/{name}"' in worker
    # Every module of the app is one or the other: a new one cannot be forgotten by the worker.
    modules = {path.name for path in (ROOT / "static" / "js").glob("*.js")}
    pages_own = {"boot.js", "focus-error.js", "logged-out.js", "print.js"}
    assert modules - pages_own == set(SHELL_SCRIPTS) | set(LAZY_SCRIPTS)
