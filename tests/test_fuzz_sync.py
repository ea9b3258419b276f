"""Property-based tests of the sync body (issue 12): whatever a phone sends, POST /api/v1/surveys never answers 5xx.

Each test builds one app and runs its examples against it through an inner @given, so the fixtures are
made once and nothing is hidden by a fresh database: a ledger of the surveys answered "created" is kept
across the examples, a repeat must find its survey there, and the database must end up holding exactly
those surveys. Examples are bounded so the whole file takes well under a minute (FUZZ_SCALE=10 runs ten
times as many); in CI (CI set) the runs are derandomized, and no example database is written.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
import uuid
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import select

from models import Survey, db
from survey.domain.schemas import MAX_BATCH, MAX_COUNT, MAX_NOTES
from tests.conftest import make_survey

# Hypothesis keeps caches (Unicode tables, constants) even with database=None: outside the repository.
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "bao-bi-xanh-hypothesis"))


def fuzz_settings(max_examples: int) -> settings:
    """Bounded, quiet and, in CI, the same run every time. FUZZ_SCALE=10 runs ten times as many, for a look by hand."""
    return settings(
        max_examples=max_examples * int(os.environ.get("FUZZ_SCALE", "1")),
        deadline=None,
        database=None,
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
        print_blob=False,
    )


# --- values a phone, a proxy or an attacker might send ----------------------------------------------------

ODD_STRINGS = [
    "",
    " ",
    "\t\n",
    "\x00",
    "a\x00b",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x9f",
    "\u2028\u2029",
    "\ufeff",
    "\u200b",
    "\u202e",
    "\ufffd",
    "\uffff",
    "e\u0301" * 40,
    "😀",
    "𝕏" * 50,
    "Cửa hàng",
    "null",
    "NaN",
    "-0",
    "1e309",
    "0x10",
    "١٢",
    "S-001",
    " S-001 ",
    "s-001",
    "PAPER",
    "paper",
    "VN_ECOLABEL",
    "checkout",
    "approved",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "'; DROP TABLE survey; --",
    "../../etc/passwd",
    "%s%n%x",
    "{{7*7}}",
    "00000000-0000-0000-0000-000000000000",
    "00000000-0000-4000-8000-00000000000G",
    "{12345678-1234-5678-1234-567812345678}",
    "urn:uuid:12345678-1234-5678-1234-567812345678",
    "12345678123456781234567812345678",
    "2025-06-14T09:30:00+07:00",
    "2025-06-14T09:30:00",
    "2025-06-14",
    "2025-06-14T09:30:00Z",
    "2025-06-14T09:30:00+23:59",
    "2025-06-14T09:30:00-23:59",
    "2025-02-30T09:30:00+07:00",
    "2025-06-14T24:00:00+07:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "1999-12-31T23:59:59+07:00",
    "2100-12-31T23:59:59-12:00",
    "2101-01-01T00:00:00+00:00",
    "2025-06-14T09:30:00.123456789+07:00",
    "+2025-06-14T09:30:00+07:00",
]
EDGE_NUMBERS = [
    0,
    -1,
    1,
    MAX_COUNT,
    MAX_COUNT + 1,
    2**31,
    -(2**31) - 1,
    2**63,
    -(2**63) - 1,
    2**64,
    10**100,
    -(10**400),
    0.5,
    -0.0,
    1e308,
    -1e308,
    5e-324,
    float("nan"),
    float("inf"),
    float("-inf"),
    90.0000001,
    -180.0000001,
    100_000.5,
    True,
    False,
]

text_values = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8"), max_size=30),  # control characters too, never a lone surrogate
    st.sampled_from(ODD_STRINGS),
    # Past every length limit, but quick to make.
    st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=3), st.integers(30, MAX_NOTES + 50)),
)
scalar_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and ±Infinity too: Python's JSON reader takes them
    st.sampled_from(EDGE_NUMBERS),
    text_values,
)
json_values = st.recursive(
    scalar_values,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(ODD_STRINGS)), children, max_size=4),
    ),
    max_leaves=12,
)
RAW = "\x00RAW\x00"  # stands for a value that only JSON text can hold; see raw_json
# JSON text no Python value dumps to: nesting deeper than the parser's stack, lone surrogates,
# numbers past a float or past Python's 4,300-digit limit for int.
raw_json = st.one_of(
    st.integers(1, 20_000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(1, 20_000).map(lambda depth: '{"a":' * depth + "0" + "}" * depth),
    st.sampled_from(
        [
            '"\\ud800"',
            '"a\\udfffb"',
            '"\\udc00\\ud800"',
            '"\\u0000"',
            "1e999",
            "-1e999",
            "1e-999",
            "9" * 5000,
            "-" + "9" * 400,
        ]
    ),
)


def all_paths(value, path=()):
    """Every place in a JSON document, as a path of keys and indices, the root first."""
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from all_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from all_paths(child, (*path, index))


def replace_at(document, path, new):
    if not path:
        return new
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = new
    return document


@st.composite
def mutated(draw, base, max_mutations=4):
    """A valid body with wrong values at random places: replaced, removed, added, wrapped, nested deep."""
    document = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(0, max_mutations))):
        path = draw(st.sampled_from(list(all_paths(document))))
        kind = draw(st.sampled_from(["replace", "replace", "edge", "delete", "extra", "wrap", "raw", "duplicate"]))
        target = document
        for part in path:
            target = target[part]
        if kind == "replace":
            document = replace_at(document, path, draw(json_values))
        elif kind == "edge":
            document = replace_at(document, path, draw(st.one_of(st.sampled_from(EDGE_NUMBERS), text_values)))
        elif kind == "delete" and path:
            parent = document
            for part in path[:-1]:
                parent = parent[part]
            del parent[path[-1]]
        elif kind == "extra" and isinstance(target, dict):
            target[draw(st.one_of(st.text(max_size=12), st.sampled_from(ODD_STRINGS)))] = draw(json_values)
        elif kind == "extra" and isinstance(target, list):
            target.append(draw(json_values))
        elif kind == "wrap":
            document = replace_at(document, path, draw(st.sampled_from([[target], {"value": target}])))
        elif kind == "raw" and path:
            document = replace_at(document, path, RAW)
        elif kind == "duplicate" and isinstance(target, list) and target:
            target.extend(json.loads(json.dumps(target)) * draw(st.integers(1, 3)))
    return document


def encode(document, raw: str) -> str:
    """The body as text, any RAW marker replaced by the raw JSON text."""
    text = json.dumps(document, ensure_ascii=False)  # NaN and Infinity are written as Python's reader takes them
    return text.replace(json.dumps(RAW), raw)


def decode(text: str):
    """Read the body back as the server should; RAW when this process cannot (too deep, too many digits)."""
    try:
        return json.loads(text)
    except (RecursionError, ValueError):
        return RAW


SERIAL = itertools.count()
PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000"


def fresh_id() -> uuid.UUID:
    """An id no earlier example of this process used: a replayed example must not turn into a repeat."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"fuzz-{next(SERIAL)}")


SPELLINGS = {
    "canonical": str,
    "upper": lambda u: str(u).upper(),
    "braces": lambda u: f"{{{u}}}",
    "urn": lambda u: u.urn,
    "hex": lambda u: u.hex,
}


# --- what every answer must say ---------------------------------------------------------------------------


def is_str_map(value) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    )


def check_error(response) -> dict:
    """A refusal carries {"error": {"code": str, "message": str}}."""
    body = response.get_json()
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), response.get_data(as_text=True)
    assert isinstance(body["error"].get("code"), str) and body["error"]["code"]
    assert isinstance(body["error"].get("message"), str)
    if "fields" in body["error"]:
        assert is_str_map(body["error"]["fields"])
    return body["error"]


def canonical_id(value) -> str | None:
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) else None
    except ValueError:
        return None


class Ledger:
    """What the server said it created, across all examples of a test."""

    def __init__(self):
        self.created: set[str] = set()
        self.counts: dict[str, int] = {}

    def check(self, sent, response, deep=False) -> list[dict]:
        """Check one answer to POST /api/v1/surveys against the body sent; return its results.

        `deep`: the body nests deep enough that the server, its stack already deeper than the test's, may
        fail to read what the test could."""
        assert response.status_code < 500, response.get_data(as_text=True)
        assert response.status_code in (200, 400, 413), (response.status_code, response.get_data(as_text=True))
        if response.status_code != 200:
            code = check_error(response)["code"]
            self.counts[code] = self.counts.get(code, 0) + 1
            surveys = sent.get("surveys") if isinstance(sent, dict) else None
            if response.status_code == 413:
                assert isinstance(surveys, list) and len(surveys) > MAX_BATCH
            elif code == "bad_request":
                assert not isinstance(surveys, list)
            else:
                assert code == "bad_json" and (sent is None or deep), (code, sent)
            return []
        assert isinstance(sent, dict) and isinstance(sent.get("surveys"), list)
        results = response.get_json()["results"]
        assert len(results) == len(sent["surveys"])
        for item, result in zip(sent["surveys"], results, strict=True):
            status = result["status"]
            self.counts[status] = self.counts.get(status, 0) + 1
            assert status in ("created", "duplicate", "conflict", "invalid"), result
            assert result["id"] is None or isinstance(result["id"], str)
            if status == "invalid":
                assert is_str_map(result.get("errors")), result
                continue
            # Only a survey that passed validation is stored or matched, under its canonical id.
            assert result["id"] == canonical_id(item["id"]), (item, result)
            if status == "created":
                assert result["id"] not in self.created, f"{result['id']} was created twice"
                self.created.add(result["id"])
            else:
                assert result["id"] in self.created, f"{status} for a survey never created: {result}"
                if status == "conflict":
                    assert is_str_map(result.get("errors")), result
        return results

    def matches_database(self, app):
        with app.app_context():
            stored = {str(key) for key in db.session.scalars(select(Survey.id))}
        assert stored == self.created


def fast_sync(app):
    """Lift the per-inspector sync limit for this app: hundreds of batches go in a minute here."""
    app.config["SYNC_RATE_LIMIT"] = "100000 per minute"


# --- the properties ---------------------------------------------------------------------------------------

VALID_PACKAGING = [
    ("checkout", "PE_BAG"),
    ("checkout", "PAPER"),
    ("checkout", "REUSABLE_BAG"),
    ("checkout", "CUSTOMER_OWN"),
    ("store_packed", "NATURAL"),
    ("store_packed", "EPS_FOAM"),
    ("store_packed", "CLING_FILM"),
]


@st.composite
def valid_surveys(draw):
    """Surveys the server must create, in the many spellings a phone may use; the id is PLACEHOLDER_ID."""
    lines = draw(st.lists(st.sampled_from(VALID_PACKAGING[1:]), unique=True, max_size=4))
    packaging = [{"zone": "checkout", "category": "PE_BAG", "count": draw(st.integers(1, MAX_COUNT))}]
    packaging += [{"zone": z, "category": c, "count": draw(st.integers(0, MAX_COUNT))} for z, c in lines]
    day = draw(st.dates(min_value=date(2001, 1, 1), max_value=date(2025, 12, 31)))
    offset = draw(st.sampled_from(["+07:00", "Z", "+00:00", "-05:30", "+14:00", "-12:00"]))
    survey = make_survey(
        id=PLACEHOLDER_ID,
        store_code=draw(st.sampled_from(["S-001", "S-002", "S-003"])),
        visited_at=f"{day.isoformat()}T{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}:00{offset}",
        packaging=draw(st.permutations(packaging)),
        notes=draw(st.text(st.characters(exclude_categories=["Cc", "Cs"]) | st.sampled_from("\t\n\r"), max_size=200)),
        skus_checked=draw(st.one_of(st.none(), st.integers(0, MAX_COUNT))),
        location=draw(
            st.one_of(
                st.none(),
                st.fixed_dictionaries(
                    {"lat": st.floats(-90, 90), "lon": st.floats(-180, 180)},
                    optional={"accuracy_m": st.one_of(st.none(), st.floats(0, 100_000))},
                ),
            )
        ),
    )
    if draw(st.booleans()):
        del survey["eco_labels"]
    return survey


def test_valid_surveys_are_created_once_then_duplicates_and_an_other_body_is_a_conflict(app, api):
    fast_sync(app)
    api.login("inspector")
    ledger = Ledger()

    @fuzz_settings(150)
    @given(
        batch=st.lists(valid_surveys(), min_size=1, max_size=3),
        first=st.sampled_from(sorted(SPELLINGS)),
        second=st.sampled_from(sorted(SPELLINGS)),
    )
    def run(batch, first, second):
        ids = [fresh_id() for _ in batch]
        sent = [{**survey, "id": SPELLINGS[first](key)} for survey, key in zip(batch, ids, strict=True)]
        answer = ledger.check({"surveys": sent}, api.post("/api/v1/surveys", json={"surveys": sent}))
        assert [r["status"] for r in answer] == ["created"] * len(batch), answer
        # The same surveys again, their ids spelled another way, keys in another order: duplicates.
        again = [dict(reversed({**s, "id": SPELLINGS[second](key)}.items())) for s, key in zip(batch, ids, strict=True)]
        answer = ledger.check({"surveys": again}, api.post("/api/v1/surveys", json={"surveys": again}))
        assert [r["status"] for r in answer] == ["duplicate"] * len(batch), answer
        changed = [{**s, "notes": s["notes"] + " (sửa)"} for s in sent]
        answer = ledger.check({"surveys": changed}, api.post("/api/v1/surveys", json={"surveys": changed}))
        assert [r["status"] for r in answer] == ["conflict"] * len(batch), answer

    run()
    ledger.matches_database(app)
    assert ledger.counts["created"] >= 60


def test_surveys_with_wrong_values_at_random_places_never_break_the_sync(app, api):
    fast_sync(app)
    api.login("inspector")
    ledger = Ledger()

    @fuzz_settings(1000)
    @given(
        batch=st.lists(mutated(make_survey(id=PLACEHOLDER_ID)), min_size=1, max_size=3),
        raw=raw_json,
        resend=st.booleans(),
    )
    def run(batch, raw, resend):
        for survey in batch:
            # A fresh id in each survey whose id was left alone, so that one example does not make the next a repeat.
            if isinstance(survey, dict) and survey.get("id") == PLACEHOLDER_ID:
                survey["id"] = str(fresh_id())
        text = encode({"surveys": batch}, raw)
        response = api.client.post(
            "/api/v1/surveys", data=text, content_type="application/json", headers={"X-CSRFToken": api.token}
        )
        sent = decode(text)
        if sent is RAW:
            # More than this process can read back either: bad_json, or only invalid surveys.
            assert response.status_code < 500, response.get_data(as_text=True)
            if response.status_code != 200:
                assert check_error(response)["code"] == "bad_json"
            for result in response.get_json().get("results", []):
                assert result["status"] == "invalid" and is_str_map(result["errors"])
            return
        results = ledger.check(sent, response, deep=raw[:1] in "[{" and len(raw) > 1000)
        created = [s for s, r in zip(sent["surveys"], results, strict=False) if r["status"] == "created"]
        if resend and created:
            repeat = api.post("/api/v1/surveys", json={"surveys": created})
            assert [r["status"] for r in ledger.check({"surveys": created}, repeat)] == ["duplicate"] * len(created)

    run()
    ledger.matches_database(app)
    assert ledger.counts.get("invalid", 0) > 100 and ledger.counts.get("created", 0) > 5


def test_any_json_document_or_bytes_as_the_sync_body_is_refused_cleanly(app, api):
    fast_sync(app)
    api.login("inspector")
    ledger = Ledger()
    bodies = st.one_of(
        json_values.map(lambda value: ("json", value)),
        st.fixed_dictionaries({"surveys": st.lists(json_values, max_size=5)}).map(lambda value: ("json", value)),
        st.dictionaries(st.sampled_from(["surveys", "survey", "Surveys", ""]), json_values, min_size=1).map(
            lambda value: ("json", value)
        ),
        st.binary(max_size=200).map(lambda raw: ("raw", raw)),
        st.text(max_size=200).map(lambda raw: ("raw", raw.encode())),
        st.integers(MAX_BATCH + 1, MAX_BATCH + 3).map(lambda n: ("json", {"surveys": [{}] * n})),
    )

    @fuzz_settings(500)
    @given(
        body=bodies,
        content_type=st.sampled_from(
            ["application/json", "application/json; charset=utf-8", "application/vnd.api+json", "text/plain", ""]
        ),
    )
    def run(body, content_type):
        kind, value = body
        raw = json.dumps(value).encode() if kind == "json" else value
        response = api.client.post(
            "/api/v1/surveys", data=raw, content_type=content_type, headers={"X-CSRFToken": api.token}
        )
        assert response.status_code < 500, response.get_data(as_text=True)
        if kind == "json" and content_type.startswith("application/"):
            ledger.check(value, response)
        else:
            assert response.status_code in (200, 400, 413), response.get_data(as_text=True)
            if response.status_code != 200:
                check_error(response)
            else:
                for result in response.get_json()["results"]:
                    assert result["status"] == "invalid" and is_str_map(result["errors"])

    run()
    ledger.matches_database(app)
