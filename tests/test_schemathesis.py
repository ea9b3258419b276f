"""Schemathesis against /api/v1/openapi.json (issue 12): no 5xx, and every answer as the document says.

Each operation of the document is a test of its own, run as each role (none, inspector, reviewer) on
a fresh app that already holds surveys and photos of two inspectors, so that known ids answer 200 and
403 too, not only 404. Schemathesis loads the document as the app serves it, makes requests from it,
valid ones and invalid ones, and checks each answer: no server error, a documented status, the
documented content type, and a body that matches its schema (the document's answer schemas are
closed, so a key left out or added is a failure).

Examples are bounded per operation and role (EXAMPLES; FUZZ_SCALE=10 runs ten times as many, for a
deeper look by hand). In CI (CI set) the runs are derandomized, and no example database is written.
"""

from __future__ import annotations

import io
import os
import tempfile
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from PIL import Image
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from survey.web.openapi import document
from tests.conftest import AuthActions, JsonClient, make_survey, sync_via_api

# Hypothesis keeps caches (Unicode tables, constants) even with database=None: outside the repository.
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "bao-bi-xanh-hypothesis"))

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = [(path, method.upper()) for path, item in document()["paths"].items() for method in item]
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
EXAMPLES = {"anonymous": 20 * SCALE, "inspector": 80 * SCALE, "reviewer": 80 * SCALE}
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def seed(app) -> dict[str, list[str]]:
    """Ids that answer something else than 404: surveys and photos of two inspectors.

    Each survey lists three photos: one that has arrived, one only ever sent made-up bytes (415), and
    one a real picture is sent to during the run (201, then 200). The second inspector's ids answer
    403 to the first.
    """
    known: dict[str, list[str]] = {"survey": [], "photo": [], "picture": []}
    for username in ("inspector", "inspector2"):
        phone = app.test_client()
        sender = JsonClient(phone, AuthActions(phone)).login(username)
        arrived, awaited, spare = (str(uuid.uuid4()) for _ in range(3))
        photos = [{"id": arrived, "caption": "Quầy thu ngân"}, {"id": awaited}, {"id": spare}]
        survey = make_survey(id=str(uuid.uuid4()), photos=photos)
        assert sync_via_api(sender, survey)[0]["status"] == "created"
        assert sender.put(f"/api/v1/photos/{arrived}", jpeg()).status_code == 201
        known["survey"].append(survey["id"])
        known["photo"] += [arrived, awaited, spare]
        known["picture"] += [arrived, spare]
    return known


def logged_in(app, client, auth, role: str, path: str, method: str) -> dict:
    """What a request of this role carries that schemathesis must not make up: the session cookie, the CSRF token."""
    if role == "anonymous":
        return {}  # schemathesis then makes up a session cookie: a forged one must answer 401 as well
    token = JsonClient(client, auth).login(role).token
    fixed: dict = {"cookies": {"session": client.get_cookie("session").value}}
    if any(p["name"] == "X-CSRFToken" for p in document()["paths"][path][method.lower()].get("parameters", [])):
        fixed["headers"] = {"X-CSRFToken": token}
    return fixed


def fuzz_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


@pytest.mark.parametrize("role", sorted(EXAMPLES))
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_the_api_answers_as_its_openapi_document_says(app, client, auth, role, path, method):
    app.config["SYNC_RATE_LIMIT"] = "100000 per minute"  # the limit is tested elsewhere; here it would hide the rest
    known = seed(app)
    fixed = logged_in(app, client, auth, role, path, method)
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]
    strategies = [operation.as_strategy(mode, **fixed) for mode in MODES]
    if "{id}" in path:
        for known_id in known["photo" if "photos" in path else "survey"]:
            strategies += [operation.as_strategy(mode, path_parameters={"id": known_id}, **fixed) for mode in MODES]
    if method == "PUT":
        # A real picture as well, so that 201 (stored) and 200 (the same again) answer besides the refusals.
        strategies += [
            operation.as_strategy(path_parameters={"id": known_id}, body=jpeg(), media_type="image/jpeg", **fixed)
            for known_id in known["picture"]
        ]

    @fuzz_settings(EXAMPLES[role])
    @given(case=st.one_of(strategies))
    def run(case):
        case.call_and_validate(session=client, checks=CHECKS)

    run()


def unknown_id(operation: dict) -> str:
    """An id no row has, of the type the operation's {id} is: a number (a round) or a UUID."""
    (kind,) = [p["schema"].get("type") for p in operation.get("parameters", []) if p["name"] == "id"] or ["string"]
    return "2147483000" if kind == "integer" else str(uuid.uuid4())


def test_the_document_says_who_needs_a_session_and_which_roles(app, client, auth):
    """security [] means public; otherwise no session answers 401, and a role not in x-roles 403, others not."""
    spec = document()
    assert spec["security"], "a session is needed unless an operation says otherwise"
    clients = {"anonymous": (client, None)}
    for role in ("inspector", "reviewer", "admin"):
        own = app.test_client()
        clients[role] = (own, JsonClient(own, AuthActions(own)).login(role).token)
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            url = path.replace("{id}", unknown_id(operation))  # a role let through answers 404, not 403
            public = operation.get("security") == []
            assert public or set(operation["x-roles"]) <= {"inspector", "reviewer", "admin", "ministry"}
            for role, (who, token) in clients.items():
                response = who.open(
                    url,
                    method=method.upper(),
                    query_string={"year": 2025} if "indicators" in path else None,
                    headers={"X-CSRFToken": token} if token else {},
                    json={} if method in ("post", "put") else None,
                )
                assert response.status_code < 500
                assert str(response.status_code) in operation["responses"], (role, method, path, response.status_code)
                if public:
                    assert response.status_code == 200, (role, path)
                elif role == "anonymous":
                    assert response.status_code == 401, (method, path)
                elif role in operation["x-roles"]:
                    assert response.status_code != 403, (role, method, path)
                elif "{id}" in path:
                    # A row the user cannot see is not found before the role is refused, so that
                    # another province's id answers 404 whatever the role (docs/provinces.md).
                    assert response.status_code == 404, (role, method, path, response.status_code)
                else:
                    assert response.status_code == 403, (role, method, path, response.status_code)


def test_a_since_at_the_edge_of_the_calendar_is_refused(app, client, auth):
    since = "0001-01-01T00:00:00+14:00"  # in UTC a day before year 1; 9999-12-31T23:59:59-14:00 likewise after 9999
    fixed = logged_in(app, client, auth, "inspector", "/api/v1/surveys", "GET")
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)["/api/v1/surveys"]["GET"]
    case = operation.Case(query={"since": since}, **fixed)
    response = case.call_and_validate(session=client, checks=CHECKS)
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_since"
