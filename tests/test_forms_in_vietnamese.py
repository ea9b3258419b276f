"""Every form, sent bad input in the Vietnamese interface, answers in Vietnamese: WTForms' own messages included.

Each case posts empty, malformed and out-of-range values with no language cookie (Vietnamese is the default) and
reads every error text on the page, the `<p class="error">` under the fields and the flashes. None may hold one of
WTForms' or Flask-WTF's English messages, nor a run of plain ASCII words, which is what an English sentence
looks like among Vietnamese ones. Each invalid field must also be marked for screen readers and described by its
error, and the page must load the script that focuses the first of them.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select
from wtforms.i18n import messages_path

from models import User, db
from survey.domain.schemas import MAX_COUNT, MAX_NOTES
from tests.conftest import csrf_from, form_fields, post_form, staff_token, store_form

# Flask-WTF's own file and CSRF messages, which are not in WTForms' catalogue.
FLASK_WTF_PHRASES = {
    "File does not have an approved extension",
    "File must be",
    "The CSRF token",
    "The CSRF session token",
    "The referrer",
}
# Four plain ASCII words in a row ("Not a valid choice.", "This field is required."): Vietnamese words
# nearly all carry a diacritic, so no Vietnamese message of ours has such a run (checked below).
ASCII_WORD = re.compile(r"[A-Za-z]+[.,:;!?]?")
ENGLISH_RUN = 4
ERROR_TEXT = re.compile(r'<p class="(?:error|flash flash-\w+)"[^>]*>(.*?)</p>', re.S)
FOCUS_SCRIPT = "js/focus-error.js"


def wtforms_phrases() -> set[str]:
    """WTForms' messages, cut at their placeholders into the pieces that would show on a page."""
    with open(Path(messages_path()) / "wtforms.pot", "rb") as handle:
        catalogue = read_po(handle)
    phrases = set()
    for message in catalogue:
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            for piece in re.split(r"%\(\w+\)[sd]|'", msgid or ""):
                if len(piece := piece.strip(" .,:")) >= 6:
                    phrases.add(piece)
    return phrases


ENGLISH_PHRASES = wtforms_phrases() | FLASK_WTF_PHRASES


def english_run(text: str) -> str | None:
    """The first run of ENGLISH_RUN plain ASCII words in `text`, if any."""
    run: list[str] = []
    for token in text.split():
        run = [*run, token] if ASCII_WORD.fullmatch(token) else []
        if len(run) >= ENGLISH_RUN:
            return " ".join(run)
    return None


def english_in(text: str) -> str | None:
    """What in `text` reads as English: one of the libraries' phrases, or a run of ASCII words."""
    return next((phrase for phrase in ENGLISH_PHRASES if phrase in text), None) or english_run(text)


def error_texts(page: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in ERROR_TEXT.findall(page)]


def tag_with_id(page: str, element_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea|ul)\b[^>]*\bid="{re.escape(element_id)}"[^>]*>', page)
    assert match, f"no field with id {element_id}"
    return match.group(0)


def assert_vietnamese(page: str, invalid: list[str]) -> None:
    """The page's errors are Vietnamese; each invalid field is marked and described by its error."""
    texts = error_texts(page)
    assert texts, "no error on the page"
    english = {text: found for text in texts if (found := english_in(text))}
    assert not english, f"English in the Vietnamese interface: {english}"
    for field_id in invalid:
        tag = tag_with_id(page, field_id)
        assert 'aria-invalid="true"' in tag, f"{field_id} is not marked invalid: {tag}"
        described = re.search(r'aria-describedby="([^"]+)"', tag)
        assert described, f"{field_id} is not described by its error: {tag}"
        errors = [ref for ref in described.group(1).split() if f'<p class="error" id="{ref}"' in page]
        assert errors, f"{field_id}'s aria-describedby points at no error"
    if invalid:
        assert FOCUS_SCRIPT in page


# --- the cases: who posts what to which page ------------------------------------------------------

STORE = store_form(legacy_unit_code="")
BAD_COUNTS = {
    "pk__checkout__PE_BAG": "12e3",
    "pk__checkout__PAPER": "-5",
    "pk__checkout__SELF_CLAIMED_BAG": "1.5",
    "pk__checkout__CERT_BIO_BAG": " 3 ",
    "pk__checkout__REUSABLE_BAG": str(MAX_COUNT + 1),
    "pk__store_packed__NATURAL": "mười",
    "el__VN_ECOLABEL": "x",
    "skus_checked": "1,5",
}


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


CASES = {
    "login empty": (None, "/login", {"username": "", "password": ""}, ["username", "password"]),
    "login too long": (None, "/login", {"username": "x" * 81, "password": "y" * 201}, ["username", "password"]),
    "new store, empty and malformed": (
        "admin",
        "/stores/new",
        {
            **STORE,
            "code": "",
            "name": "",
            "type": "shop",
            "store_class": "IV",
            "unit_code": "",
            "opened_on": "02/01/2020",
            "closed_on": "hôm qua",
            "lat": "abc",
            "lon": "200",
            "address": "a" * 301,
            "chain": "c" * 201,
        },
        "code name type store_class unit_code opened_on closed_on lat lon address chain".split(),
    ),
    "new store, unknown choices and a bad code": (
        "admin",
        "/stores/new",
        {**STORE, "code": "N 001", "name": "n" * 201, "unit_code": "NOPE", "legacy_unit_code": "NOPE", "lat": "nan"},
        ["code", "name", "unit_code", "legacy_unit_code", "lat"],
    ),
    "edit store": (
        "admin",
        "/stores/S-001/edit",
        {**STORE, "name": "", "type": "shop", "unit_code": "NOPE", "opened_on": "2020-13-45", "lat": "91", "lon": "x"},
        ["name", "type", "unit_code", "opened_on", "lat", "lon"],
    ),
    "edit store, closed before opened": (
        "admin",
        "/stores/S-001/edit",
        {**STORE, "opened_on": "2020-01-02", "closed_on": "2019-12-31", "lat": "", "lon": "106"},
        ["closed_on", "lat"],
    ),
    "new user": (
        "admin",
        "/users/new",
        {"username": "", "role": "superuser", "password": "", "confirm": "x"},
        ["username", "role", "password", "confirm"],
    ),
    "new user, bad name and short password": (
        "admin",
        "/users/new",
        {"username": "hai từ", "role": "inspector", "password": "short", "confirm": "short"},
        ["username", "password"],
    ),
    "edit user": (
        "admin",
        "/users/{reviewer}/edit",
        {"role": "superuser", "active": "y", "password": "short", "confirm": "other"},
        ["role", "password", "confirm"],
    ),
    "new rule version, letters": (
        "admin",
        "/rules/2021/new",
        {"target_pct": "abc", "zones": "nowhere", "min_eco_share_pct": "x", "note": ""},
        ["target_pct", "zones", "min_eco_share_pct", "note"],
    ),
    "new rule version, out of range": (
        "admin",
        "/rules/2021/new",
        {"target_pct": "150", "min_eco_share_pct": "-1", "note": "n" * 501},
        ["target_pct", "zones", "min_eco_share_pct", "note"],
    ),
    "inspector's survey": (
        "inspector",
        "/surveys/new",
        {"store_code": "NOPE", "visited_at": "hôm qua", "notes": "n" * (MAX_NOTES + 1), **BAD_COUNTS},
        ["store_code", "visited_at", "notes", *BAD_COUNTS],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_form_errors_are_vietnamese(app, client, auth, case):
    username, url, data, invalid = CASES[case]
    if username:
        auth.login(username)
    url = url.format(reviewer=user_id(app, "reviewer"))
    response = post_form(client, url, data)
    assert response.status_code == 200
    assert_vietnamese(response.get_data(as_text=True), invalid)


def test_self_report_errors_are_vietnamese(app, client):
    token = staff_token(app)
    data = form_fields(client.get(f"/r/{token}").get_data(as_text=True))
    data.update({"visited_at": "", "notes": "n" * (MAX_NOTES + 1), **BAD_COUNTS})
    response = client.post(f"/r/{token}", data=data)
    assert response.status_code == 200
    assert_vietnamese(response.get_data(as_text=True), ["visited_at", "notes", *BAD_COUNTS])


@pytest.mark.parametrize("closed_on", ["", "31/12/2025", "hôm qua"])
def test_closing_a_store_with_a_bad_date_says_so_in_vietnamese(client, auth, closed_on):
    auth.login("admin")
    token = csrf_from(client.get("/stores/S-001/edit").get_data(as_text=True))
    response = client.post(
        "/stores/S-001/close", data={"closed_on": closed_on, "csrf_token": token}, follow_redirects=True
    )
    assert response.status_code == 200
    assert_vietnamese(response.get_data(as_text=True), [])


@pytest.mark.parametrize("upload", [None, (b"code,name\n", "stores.txt")])
def test_import_of_a_wrong_file_is_refused_in_vietnamese(client, auth, upload):
    auth.login("admin")
    data = {} if upload is None else {"file": (io.BytesIO(upload[0]), upload[1])}
    response = post_form(client, "/stores/import", data)
    assert response.status_code == 200
    assert_vietnamese(response.get_data(as_text=True), ["file"])


# --- counts: plain digits only, each error naming its field -----------------------------------


def survey_page(client, auth) -> dict[str, str]:
    auth.login("inspector")
    data = form_fields(client.get("/surveys/new").get_data(as_text=True))
    return {**data, "store_code": "S-001"}


@pytest.mark.parametrize("typed", ["12e3", "-5", "1.5", " 3 ", "+3", "1_000", "３", "٣", str(MAX_COUNT + 1)])
def test_counts_take_plain_digits_only(client, auth, typed):
    data = {**survey_page(client, auth), "pk__checkout__PE_BAG": typed}
    page = client.post("/surveys/new", data=data).get_data(as_text=True)
    assert f"Túi ni lông khó phân hủy (túi PE thông thường): Nhập số nguyên từ 0 đến {MAX_COUNT}." in error_texts(page)
    assert_vietnamese(page, ["pk__checkout__PE_BAG"])


def test_a_count_of_plain_digits_is_stored(client, auth):
    data = {**survey_page(client, auth), "pk__checkout__PE_BAG": "12", "pk__checkout__PAPER": "", "skus_checked": "7"}
    response = client.post("/surveys/new", data=data)
    assert response.status_code == 302


def test_count_inputs_ask_for_digits(client, auth):
    auth.login("inspector")
    page = client.get("/surveys/new").get_data(as_text=True)
    inputs = re.findall(r'<input[^>]*name="(?:pk|el)__[^"]*"[^>]*>', page)
    assert inputs
    for tag in inputs:
        assert 'inputmode="numeric"' in tag and 'pattern="[0-9]*"' in tag and 'type="text"' in tag, tag
    assert FOCUS_SCRIPT not in page and "aria-invalid" not in page


def test_an_error_names_its_field(client):
    page = post_form(client, "/login", {"username": "", "password": "secret"}).get_data(as_text=True)
    assert "Tên đăng nhập: Trường này là bắt buộc." in error_texts(page)
    assert 'aria-invalid="true"' not in tag_with_id(page, "password")


def test_english_interface_keeps_english_messages(client, auth):
    client.set_cookie("lang", "en")
    auth.login("admin")
    page = post_form(client, "/rules/2021/new", {"target_pct": "abc", "min_eco_share_pct": "1", "note": ""})
    texts = error_texts(page.get_data(as_text=True))
    assert "Target: share of stores (%): Enter a whole number." in texts
    assert "Reason for the change: This field is required." in texts


def test_no_vietnamese_message_of_ours_looks_english():
    """The check above must not fire on our own Vietnamese: no translation holds a run of ASCII words."""
    path = Path(__file__).resolve().parent.parent / "survey" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as handle:
        catalogue = read_po(handle)
    strings = [s for m in catalogue if m.id for s in (m.string if isinstance(m.string, tuple) else (m.string,))]
    looks_english = {string: run for string in strings if (run := english_run(string))}
    assert not looks_english
