"""Province A's users never reach province B's rows (issue 23, "Bad input and isolation").

Over a database where both provinces have stores, surveys, photos, links, rounds, store proposals
and audit entries, each role of A requests every route of the URL map that names a row, with B's
ids: each answer must be 404, as for an id that does not exist, whatever the role may do there. Every page
and export of A without ids is read for B's names and codes. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import re
import uuid

import pytest

from tests.provinces_world import B_STORE_CODE, B_STORE_NAME, B_UNIT_NAME, ROLES, Province, log_in, make_world

# Route parameters that name a row, and the value of each for province B and for no row at all.
ROW_PARAMETERS = ("code", "survey_id", "photo_id", "proposal_id", "round_id", "token", "user_id")
# Parameters that name no row: filled with a value every route takes.
OTHER_VALUES = {"action": "revoke", "kind": "stores", "year": "2025", "fmt": "csv"}
NOT_ROWS = {"auth.set_language", "static", "offline_app.icon"}  # their <code>/<name> are no row


def b_values(b: Province, admin_of_b: int) -> dict[str, str]:
    return {
        "code": b.store_code,
        "survey_id": b.survey_id,
        "photo_id": b.photo_id,
        "proposal_id": b.proposal_id,
        "round_id": str(b.round_id),
        "token": b.token,
        "user_id": str(admin_of_b),
    }


def routes_with_rows(app):
    """(endpoint, rule, methods) of every route that names a row."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_ROWS or not set(rule.arguments) & set(ROW_PARAMETERS):
            continue
        yield rule.endpoint, rule, sorted(rule.methods - {"HEAD", "OPTIONS"})


def url_of(rule, values: dict[str, str]) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = values.get(name, OTHER_VALUES.get(name))
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
    return re.sub(r"\(max=\d+\)", "", path)


def ask(api, method: str, url: str):
    if method == "GET":
        return api.client.get(url)
    headers = {"X-CSRFToken": api.token}
    if method == "PUT":
        return api.client.put(url, data=b"{}", content_type="application/json", headers=headers)
    return api.client.open(url, method=method, json={}, headers=headers, data=None)


@pytest.fixture
def world(app):
    return make_world(app)


@pytest.mark.parametrize("role", ROLES)
def test_b_ids_answer_as_ids_that_do_not_exist(app, world, role):
    a, b = world["HY"], world["BD"]
    api = log_in(app, a.username(role))
    values = b_values(b, b.user_ids["admin"])
    wrong = []
    for endpoint, rule, methods in routes_with_rows(app):
        for method in methods:
            theirs = ask(api, method, url_of(rule, values)).status_code
            if theirs != 404:
                wrong.append(f"{method} {rule.rule} ({endpoint}): {theirs}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_export_of_a_holds_a_name_or_code_of_b(app, world, role):
    a = world["HY"]
    api = log_in(app, a.username(role))
    leaks = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_ROWS or rule.endpoint == "auth.logout":
            continue
        if set(rule.arguments) - set(OTHER_VALUES) - set(ROW_PARAMETERS):
            continue
        own = {**b_values(a, a.user_ids["admin"])}
        for kind in ("stores", "surveys", "indicators") if "kind" in rule.arguments else (None,):
            for fmt in ("csv", "xlsx") if "fmt" in rule.arguments else (None,):
                url = url_of(rule, {**own, **({"kind": kind} if kind else {}), **({"fmt": fmt} if fmt else {})})
                response = api.client.get(url)
                body = response.get_data()
                if fmt == "xlsx":
                    body = xlsx_text(body)
                text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
                for secret in (B_STORE_NAME, B_STORE_CODE, B_UNIT_NAME, "bd-inspector", "Tỉnh Bình Định Thử"):
                    if secret in text:
                        leaks.append(f"{url}: {secret}")
    assert not leaks, "\n".join(leaks)


def xlsx_text(data: bytes) -> str:
    """Every string of a workbook, to search for names."""
    import io

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
    except Exception:
        return data.decode("utf-8", "replace")
    return "\n".join(
        str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )


def test_the_world_is_seen_by_its_own_users(app, world):
    """The test above would pass on an app that answers 404 to everything: A's own ids answer."""
    a = world["HY"]
    reviewer = log_in(app, a.username("reviewer"))
    assert reviewer.get(f"/api/v1/surveys/{a.survey_id}").status_code == 200
    assert reviewer.get(f"/api/v1/photos/{a.photo_id}").status_code == 200
    assert reviewer.get(f"/api/v1/rounds/{a.round_id}/progress").status_code == 200
    assert reviewer.client.get(f"/stores/{a.store_code}/link").status_code == 200
    assert reviewer.client.get(f"/r/{a.token}").status_code == 200
    admin = log_in(app, a.username("admin"))
    assert admin.client.get(f"/proposals/{a.proposal_id}").status_code == 200
    assert uuid.UUID(a.survey_id)


def import_stores(api, content: str):
    import io

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    from tests.conftest import csrf_from

    fields = {
        "file": FileStorage(io.BytesIO(content.encode()), "stores.csv", content_type="text/csv"),
        "csrf_token": csrf_from(api.client.get("/stores/import?lang=en").get_data(as_text=True)),
    }
    boundary, body = encode_multipart(fields)
    return api.client.post(
        "/stores/import?lang=en", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


HEADER = "code,name,type,class,unit_code,address,chain,opened_on,closed_on,lat,lon\n"


@pytest.mark.parametrize(
    "line, problem",
    [
        ("N-900,Siêu thị Mới,supermarket,,BD-QN,,,,,,", 'Unknown administrative unit "BD-QN"'),
        (f"{B_STORE_CODE},Siêu thị Mới,supermarket,,HY-PH,,,,,,", f'"{B_STORE_CODE}" belongs to another province'),
    ],
)
def test_importing_into_another_province_names_the_line_and_imports_nothing(app, world, line, problem):
    from sqlalchemy import func, select

    from models import Store, db

    admin = log_in(app, world["HY"].username("admin"))
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Store))
    content = HEADER + "N-901,Siêu thị Một,supermarket,,HY-PH,,,,,,\n" + line + "\n"
    page = import_stores(admin, content).get_data(as_text=True).replace("&#34;", '"')
    assert re.search(rf'<td class="num">3</td><td>[^<]*{re.escape(problem)}', page), page
    assert "Nothing was imported" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Store)) == before
