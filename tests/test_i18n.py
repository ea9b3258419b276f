"""Both catalogues are complete, pages speak Vietnamese by default, and local formats hold."""

from __future__ import annotations

import ast
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from survey.i18n import local_date, local_datetime, local_number

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "survey" / "translations"
METHODS = [("**/.venv/**", "ignore"), ("**/tests/**", "ignore"), ("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def extracted_messages() -> set[str]:
    """Every msgid the code and templates use, as `make extract-messages` finds them."""
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return {message for message in found if message}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_catalogue_translates_every_message(language):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    translated = {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in catalogue
        if m.id and "fuzzy" not in m.flags and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(extracted_messages() - translated)
    assert not missing, f"{language} catalogue lacks {len(missing)} messages, e.g. {missing[:5]}"


def messages_in_python_calls() -> dict[str, str]:
    """Every literal `_("…")` in the app's Python, read by the parser itself (inside f-strings too)."""
    found = {}
    for path in [ROOT / "app.py", *sorted((ROOT / "survey").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "_l", "N_", "gettext", "lazy_gettext"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_extraction_finds_every_message_the_code_asks_for():
    """pybabel skips a call written inside an f-string; such a message would show untranslated."""
    extracted = extracted_messages()
    unseen = {message: where for message, where in messages_in_python_calls().items() if message not in extracted}
    assert not unseen, f"not extracted (move the call out of the f-string): {unseen}"


def test_pages_are_vietnamese_by_default_and_english_on_request(client):
    vietnamese = client.get("/login").get_data(as_text=True)
    assert 'lang="vi"' in vietnamese and "Đăng nhập" in vietnamese
    client.get("/lang/en")
    english = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in english and "Log in" in english


def test_api_errors_are_translated_too(client):
    body = client.get("/api/v1/stores").get_json()
    assert body["error"]["code"] == "unauthorized"
    assert body["error"]["message"] == "Vui lòng đăng nhập trước."


def test_local_formats(app):
    with app.test_request_context("/"):
        assert local_date(date(2025, 6, 14)) == "14/06/2025"
        # Stored UTC 02:30 is 09:30 in Hưng Yên.
        assert local_datetime(datetime(2025, 6, 14, 2, 30)) == "09:30 14/06/2025"
        assert local_number(80.25) == "80,2" or local_number(80.3) == "80,3"
        assert local_number(1234567) == "1.234.567"
        assert local_number(None) == "–"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_whole_numbers_are_grouped_exactly_as_babel_groups_them(app, language):
    """local_number's own grouping of whole numbers (faster than Babel's) writes what Babel writes."""
    from flask_babel import format_decimal

    values = [0, 7, -7, 999, 1000, -1000, 12345, 999999, 1000000, -1234567, 10**15]
    with app.test_request_context(f"/?lang={language}"):
        for value in values:
            assert local_number(value) == format_decimal(value, format="#,##0"), value
