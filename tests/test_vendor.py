"""The barcode decoder committed under static/vendor/ is the locked package's own files, served by the
app (never a CDN), kept out of the shell's precache and named to the service worker."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from survey.web.offline_app import VENDOR_DECODER

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "static" / VENDOR_DECODER
# Where each committed file comes from in the npm package.
FROM_PACKAGE = {
    "es/share.js": "dist/es/share.js",
    "es/reader/index.js": "dist/es/reader/index.js",
    "reader/zxing_reader.wasm": "dist/reader/zxing_reader.wasm",
    "LICENSE": "LICENSE",
}


def test_the_folder_is_named_after_the_locked_version():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/zxing-wasm"]["version"]
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["zxing-wasm"]
    assert pinned == locked, "package.json must pin the exact version the lock holds"
    assert FOLDER.name == f"zxing-wasm-{locked}"
    assert sorted(str(p.relative_to(FOLDER)) for p in FOLDER.rglob("*") if p.is_file()) == sorted(FROM_PACKAGE)


def test_the_committed_files_are_the_packages_own():
    package = ROOT / "node_modules" / "zxing-wasm"
    if not package.exists():
        if os.environ.get("CI"):
            pytest.fail("node_modules/zxing-wasm is missing: `make test` installs it (npm ci)")
        pytest.skip("node_modules not installed")
    for ours, theirs in FROM_PACKAGE.items():
        assert (FOLDER / ours).read_bytes() == (package / theirs).read_bytes(), ours


def test_the_decoder_never_comes_from_a_cdn_and_is_not_precached(client, auth):
    auth.login()
    source = client.get("/sw.js").get_data(as_text=True)
    assert f"const VENDOR = '/static/{VENDOR_DECODER}';" in source
    assert "vendor" not in source.split("const SHELL = [", 1)[1].split("];", 1)[0]
    scanner = (ROOT / "static" / "js" / "scanner.js").read_text()
    assert VENDOR_DECODER in scanner and "locateFile" in scanner


def test_the_parts_messages_come_in_each_language_and_are_precached(client, auth):
    auth.login()
    source = client.get("/sw.js").get_data(as_text=True)
    for lang in ("vi", "en"):
        assert f'"/app/more-messages.json?lang={lang}"' in source
    vi = client.get("/app/more-messages.json?lang=vi").get_json()
    en = client.get("/app/more-messages.json?lang=en").get_json()
    assert vi.keys() == en.keys() and vi
    assert [key for key in vi if vi[key] == en[key] and not isinstance(vi[key], list)] == []


def test_only_the_inspectors_app_may_compile_webassembly(client, auth):
    assert "wasm-unsafe-eval" not in client.get("/login").headers["Content-Security-Policy"]
    auth.login()
    policy = client.get("/app").headers["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in policy
    assert "'unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", "")
    assert "wasm-unsafe-eval" not in client.get("/surveys/new").headers["Content-Security-Policy"]
