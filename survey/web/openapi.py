"""An OpenAPI 3.1 description of the JSON API, built from the pydantic payloads.

It is exact, and tests/test_schemathesis.py holds the app to it: every status an operation can
answer is listed, every JSON answer has a closed schema (no key left out, none unknown), and each
operation says who may call it. /healthz and this document need no session ("security": []); every
other operation needs the session cookie (or the remember cookie) of a user in one of the roles its
x-roles lists (and its description names), and a POST or PUT also the CSRF token in X-CSRFToken.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pydantic.json_schema import models_json_schema

from models import PROVINCE_ROLES, ROLES
from survey.domain.proposals.payloads import DecisionIn, ProposalIn
from survey.domain.rounds.payloads import AssignmentsIn, RoundIn
from survey.domain.schemas import ErrorAnswer, ReviewIn, StoresAnswer, SyncAnswer, SyncBatch
from survey.web.openapi_answers import ANSWERS, exact_payload_answers
from survey.web.openapi_parts import (
    CSRF_HEADER,
    DAY,
    FIGURES,
    INTEGER,
    LEVEL,
    MOMENT,
    NUMBER,
    PHOTO_ID,
    PICTURE,
    PROPOSAL_ID,
    PUBLIC,
    ROUND_ID,
    STRING,
    SURVEY_ID,
    error_responses,
    figure_schema,
    for_roles,
    json_body,
    nullable,
    ok,
)

# What callers and tests read from here besides the document.
__all__ = ["FIGURES", "INTEGER", "NUMBER", "Operation", "PATHS", "document", "figure_schema", "nullable"]


@dataclass(frozen=True)
class Operation:
    """One operation of the API, as data: document() turns it into OpenAPI."""

    summary: str
    roles: tuple[str, ...] | None  # who may call it; None: anyone, with no session
    answer: str | None = None  # the schema of its 200 answer
    errors: tuple[int, ...] = ()  # every other status it may answer (400 is added to all)
    more: str = ""  # what the description adds to who may call it
    parameters: tuple[dict, ...] = ()
    body: str | dict | None = None  # a schema's name for a JSON body, or the body's own content
    answers: tuple[tuple[str, dict], ...] = ()  # answers other than "200 with `answer`"

    def described(self) -> dict:
        """The operation in OpenAPI terms."""
        who = (
            {"description": "Public: needs no session.", "security": PUBLIC}
            if self.roles is None
            else for_roles(*self.roles, more=self.more)
        )
        described = {"summary": self.summary, **who}
        if self.parameters:
            described["parameters"] = list(self.parameters)
        if self.body is not None:
            content = json_body(self.body) if isinstance(self.body, str) else {"content": self.body}
            described["requestBody"] = {"required": True, **content}
        answers = dict(self.answers) or {"200": ok(self.answer)}
        # Any address holding a NUL is refused before a route runs (web.refuse_nul_in_address): 400.
        described["responses"] = {**error_responses(400), **answers, **error_responses(*self.errors)}
        return described


def query(name: str, schema: dict, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema}


STAFF = ("reviewer", "admin")
PICTURE_BODY = {
    kind: {"schema": {"type": "string", "format": "binary"}} for kind in ("image/jpeg", "image/png", "image/webp")
}
PATHS = {
    "/api/v1/csrf": {"get": Operation("A fresh CSRF token", ROLES, "CsrfAnswer", (401,))},
    "/api/v1/stores": {"get": Operation("Stores for the offline registry", PROVINCE_ROLES, "StoresAnswer", (401,))},
    "/api/v1/products": {
        "get": Operation(
            "The certified eco-labelled products, for the phone's offline copy",
            PROVINCE_ROLES,
            "ProductsAnswer",
            (401,),
        )
    },
    "/api/v1/surveys": {
        "post": Operation(
            "Sync a batch of at most 200 surveys; one result per survey, in order",
            ("inspector",),
            "SyncAnswer",
            (400, 401, 403, 413, 429),
            more="At most 120 batches a minute per inspector (429).",
            parameters=(CSRF_HEADER,),
            body="SyncBatch",
        ),
        "get": Operation(
            "Surveys newest first with their review (an inspector's own; ?mine=1 for staff), paged",
            PROVINCE_ROLES,
            "SurveyPage",
            (400, 401),
            parameters=(
                query("mine", {"type": "string", "enum": ["1", "true"]}),
                query("since", MOMENT),
                query("cursor", STRING),
                query("limit", {"type": "integer", "minimum": 1, "description": "At most 200 are given"}),
            ),
        ),
    },
    "/api/v1/photos/{id}": {
        "put": Operation(
            "The picture of a photo one of the sender's surveys lists (at most 5 MB); once per id",
            ("inspector",),
            errors=(400, 401, 403, 404, 409, 413, 415),
            parameters=(PHOTO_ID, CSRF_HEADER),
            body=PICTURE_BODY,
            answers=(
                ("201", ok("PhotoAnswer", "Stored")),
                ("200", ok("PhotoAnswer", "The same picture again: nothing changed")),
            ),
        ),
        "get": Operation(
            "The kept JPEG (at most 1600 px, no metadata), or its thumbnail with ?size=thumb",
            PROVINCE_ROLES,
            errors=(401, 403, 404),
            more="An inspector sees only the photos of their own surveys.",
            parameters=(PHOTO_ID, query("size", {"type": "string", "enum": ["thumb"]})),
            answers=(("200", {"description": "OK", "content": PICTURE}),),
        ),
    },
    "/api/v1/surveys/{id}": {
        "get": Operation(
            "A survey as stored, with source and review_state",
            PROVINCE_ROLES,
            "StoredSurvey",
            (401, 403, 404),
            more="An inspector sees only their own surveys.",
            parameters=(SURVEY_ID,),
        )
    },
    "/api/v1/surveys/{id}/review": {
        "post": Operation(
            "Set the review state of a survey; has_issues and rejected need a comment",
            STAFF,
            "StoredSurvey",
            (400, 401, 403, 404, 413),
            parameters=(SURVEY_ID, CSRF_HEADER),
            body="ReviewIn",
        )
    },
    "/api/v1/indicators": {
        "get": Operation(
            "The indicators of a year (docs/policy.md); the Ministry's, the nation's with each province's "
            "(docs/provinces.md)",
            (*STAFF, "ministry"),
            "IndicatorsAnswer",
            (400, 401, 403, 404),
            parameters=(
                query("year", {"type": "integer", "minimum": 1900, "maximum": 2200}, required=True),
                query("unit", STRING),
                LEVEL,
                query("province", STRING),
            ),
        )
    },
    "/api/v1/units": {
        "get": Operation(
            "Administrative units, before and after the reform of 01/07/2025",
            STAFF,
            "UnitsAnswer",
            (400, 401, 403),
            parameters=(LEVEL, query("valid_on", DAY)),
        )
    },
    "/api/v1/rounds": {
        "post": Operation(
            "Make a survey round; it covers the stores of its types and units open on one of its days",
            STAFF,
            errors=(401, 403),
            parameters=(CSRF_HEADER,),
            body="RoundIn",
            answers=(("201", ok("RoundAnswer", "Made")),),
        ),
        "get": Operation("Every round, the newest first", STAFF, "RoundsAnswer", (401, 403)),
    },
    "/api/v1/rounds/{id}/assignments": {
        "put": Operation(
            "Give stores of the round to inspectors, or take them back with null: all lines or none",
            STAFF,
            "AssignedAnswer",
            (401, 403, 404),
            more="A refusal names each line at fault in error.lines.",
            parameters=(ROUND_ID, CSRF_HEADER),
            body="AssignmentsIn",
        )
    },
    "/api/v1/rounds/{id}/progress": {
        "get": Operation(
            "The round's stores visited, by inspector and by unit, and those left",
            STAFF,
            "ProgressAnswer",
            (401, 403, 404),
            parameters=(ROUND_ID,),
        )
    },
    "/api/v1/assignments": {
        "get": Operation(
            "The inspector's stores in the rounds in progress today",
            ("inspector",),
            "AssignmentsAnswer",
            (401, 403),
            parameters=(query("mine", {"type": "string", "enum": ["1"]}),),
        )
    },
    "/api/v1/store-proposals": {
        "post": Operation(
            "Propose a store found in the field; once per id (docs/store-proposals.md)",
            ("inspector",),
            errors=(400, 401, 403, 409, 413, 429),
            more="The same id again: 200 duplicate; with other content, 409 conflict. At most 120 a minute (429).",
            parameters=(CSRF_HEADER,),
            body="ProposalIn",
            answers=(
                ("201", ok("ProposalAnswer", "Stored")),
                ("200", ok("ProposalAnswer", "The same proposal again: nothing changed")),
            ),
        ),
        "get": Operation("The store proposals waiting for a decision", ("admin",), "ProposalsAnswer", (401, 403)),
    },
    "/api/v1/store-proposals/{id}/decision": {
        "post": Operation(
            "Decide a store proposal: a new store (create), a registered one (merge), or none (reject)",
            ("admin",),
            "DecisionAnswer",
            (400, 401, 403, 404, 409, 413, 429),
            more="A proposal decided before answers 409 conflict; a merge into a closed store 400.",
            parameters=(PROPOSAL_ID, CSRF_HEADER),
            body="DecisionIn",
        )
    },
    "/api/v1/openapi.json": {"get": Operation("This document", None, "OpenAPIDocument")},
    "/healthz": {"get": Operation("Liveness: ok once the database answers", None, "HealthAnswer")},
}


@cache
def document() -> dict:
    """Return the OpenAPI document (built once)."""
    _, schema = models_json_schema(
        [
            (model, "validation")
            for model in (
                SyncBatch,
                SyncAnswer,
                ReviewIn,
                StoresAnswer,
                ErrorAnswer,
                RoundIn,
                AssignmentsIn,
                ProposalIn,
                DecisionIn,
            )
        ],
        ref_template="#/components/schemas/{model}",
    )
    schemas = schema.get("$defs", {})
    exact_payload_answers(schemas)
    schemas.update(ANSWERS)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Bao bì xanh API", "version": "1"},
        "paths": {path: {method: op.described() for method, op in ops.items()} for path, ops in PATHS.items()},
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "remember": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "remember_token",
                    "description": "Set at log-in with 'remember me'; opens a new session when the old one ended",
                },
            },
        },
        # Either cookie will do; operations that need neither say so with an empty list.
        "security": [{"session": []}, {"remember": []}],
    }
