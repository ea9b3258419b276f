"""An OpenAPI 3.1 description of the JSON API, built from the pydantic payloads.

It is exact, and tests/test_schemathesis.py holds the app to it: every status an operation can
answer is listed, every JSON answer has a closed schema (no key left out, none unknown), and each
operation says who may call it. /healthz and this document need no session ("security": []); every
other operation needs the session cookie (or the remember cookie) of a user in one of the roles its
x-roles lists (and its description names), and a POST or PUT also the CSRF token in X-CSRFToken.
"""

from __future__ import annotations

from functools import cache

from pydantic.json_schema import models_json_schema

from models import ROLES
from survey.domain import policy
from survey.domain.indicators import INDICATORS, Indicator
from survey.domain.schemas import ErrorAnswer, ReviewIn, StoresAnswer, SyncAnswer, SyncBatch

PUBLIC: list = []  # security of an operation anyone may call


def error_responses(*statuses: int) -> dict:
    """Reference the shared error body for each status."""
    return {
        str(status): {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorAnswer"}}},
        }
        for status, description in {
            400: "Bad JSON, bad input, or a missing or stale CSRF token (code csrf)",
            401: "Not logged in",
            403: "Wrong role",
            404: "Not found",
            409: "Conflict: the id already holds something else",
            413: "Too large",
            415: "Not an image (code not_an_image)",
            429: "Too many requests",
        }.items()
        if status in statuses
    }


def closed(properties: dict, optional: tuple[str, ...] = ()) -> dict:
    """An object with exactly these keys: all required but the optional ones, no other."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
UUID = {"type": "string", "format": "uuid"}
MOMENT = {"type": "string", "format": "date-time"}
DAY = {"type": "string", "format": "date"}
REVIEW_STATE = {"type": "string", "enum": list(policy.REVIEW_STATES)}
UNIT_LEVEL = {"type": "string", "enum": list(policy.UNIT_LEVELS)}


def figure_schema(indicator: Indicator) -> dict:
    """An indicator's JSON type, from its kind in the registry."""
    if indicator.kind == "flag":
        schema = {"type": "boolean"}
    else:
        schema = INTEGER if indicator.kind == "count" or indicator.whole else NUMBER
    return nullable(schema) if indicator.nullable else schema


# The figures of docs/policy.md, as indicators.summarise gives them: every indicator of the registry.
FIGURES = {indicator.key: figure_schema(indicator) for indicator in INDICATORS}

# The JSON answers, key for key as survey/web/api.py, review.survey_as_dict and surveys.summary build them.
ANSWERS = {
    "CsrfAnswer": closed({"csrf_token": STRING}),
    "HealthAnswer": closed({"status": {"type": "string", "const": "ok"}}),
    "SurveySummary": closed(
        {
            "id": UUID,
            "store_code": STRING,
            "store_name": STRING,
            "visited_at": MOMENT,
            "received_at": MOMENT,
            "review_state": REVIEW_STATE,
            "review_comment": STRING,
            "reviewed_at": nullable(MOMENT),
            "supersedes": nullable(UUID),
            "superseded_by": nullable(UUID),
        }
    ),
    "SurveyPage": closed(
        {
            "surveys": {"type": "array", "items": ref("SurveySummary")},
            "next": {**nullable(STRING), "description": "The cursor of the next page; null on the last"},
        }
    ),
    "StoredSurvey": closed(
        {
            "id": UUID,
            "store_code": STRING,
            "visited_at": MOMENT,
            "form_version": INTEGER,
            "packaging": {
                "type": "array",
                "items": closed(
                    {"zone": {"type": "string", "enum": list(policy.ZONES)}, "category": STRING, "count": INTEGER}
                ),
            },
            "eco_labels": {
                "type": "array",
                "items": closed({"label": STRING, "product_group": STRING, "sku_count": INTEGER}),
            },
            "skus_checked": nullable(INTEGER),
            "notes": STRING,
            "location": nullable(closed({"lat": NUMBER, "lon": NUMBER, "accuracy_m": nullable(NUMBER)})),
            "source": {"type": "string", "enum": ["inspection", "self_report"]},
            "review_state": REVIEW_STATE,
            "submitted_by": nullable(STRING),
            "received_at": MOMENT,
            "review_comment": STRING,
            "reviewed_at": nullable(MOMENT),
            "supersedes": nullable(UUID),
            "superseded_by": nullable(UUID),
            "photos": {
                "type": "array",
                "items": closed({"id": UUID, "caption": STRING, "received": {"type": "boolean"}}),
            },
            "distance_m": {**nullable(INTEGER), "description": "Metres from the store's registered place"},
        }
    ),
    "PhotoAnswer": closed({"id": UUID, "status": {"type": "string", "enum": ["created", "duplicate"]}}),
    "IndicatorsAnswer": closed(
        {
            "year": INTEGER,
            "rule": closed(
                {
                    "version": INTEGER,
                    "zones": {"type": "array", "items": {"type": "string", "enum": list(policy.ZONES)}},
                    "min_eco_share_pct": NUMBER,
                    "target_pct": INTEGER,
                }
            ),
            **FIGURES,
            "by_unit": {"type": "array", "items": closed({"unit_code": STRING, "unit_name": STRING, **FIGURES})},
            "by_type": {"type": "array", "items": closed({"type": STRING, **FIGURES})},
            "by_level": {
                "description": "Only with ?level=; stores with no unit at that level come last, under null",
                "type": "array",
                "items": closed({"unit_code": nullable(STRING), "unit_name": nullable(STRING), **FIGURES}),
            },
        },
        optional=("by_level",),
    ),
    "UnitsAnswer": closed(
        {
            "units": {
                "type": "array",
                "items": closed(
                    {
                        "code": STRING,
                        "name": STRING,
                        "level": UNIT_LEVEL,
                        "parent_code": nullable(STRING),
                        "valid_from": nullable(DAY),
                        "valid_to": nullable(DAY),
                    }
                ),
            }
        }
    ),
    "OpenAPIDocument": {
        "type": "object",
        "required": ["openapi", "info", "paths"],
        "properties": {"openapi": {"type": "string", "pattern": "^3\\.1\\."}},
    },
}


def exact_payload_answers(schemas: dict) -> None:
    """Close the answers generated from pydantic: their keys are all sent, and no others."""
    for name in ("SyncAnswer", "SyncResult", "StoresAnswer", "StoreOut", "ErrorAnswer", "ErrorBody"):
        schemas[name]["additionalProperties"] = False
    # A result always says its id (null when the survey had none); an invalid or conflicting one says why.
    result = schemas["SyncResult"]
    result["required"] = ["id", "status"]
    result["properties"]["errors"] = {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "Field path (packaging.0.count) → message in the user's language",
    }
    result["allOf"] = [
        {
            "if": {"properties": {"status": {"enum": ["invalid", "conflict"]}}},
            "then": {"required": ["errors"], "properties": {"errors": {"minProperties": 1}}},
            "else": {"not": {"required": ["errors"]}},
        }
    ]
    # api.store_as_dict also gives the opening and closing days, and always every key.
    store = schemas["StoreOut"]
    store["properties"].update(opened_on=nullable(DAY), closed_on=nullable(DAY))
    store["required"] = list(store["properties"])
    # A refusal names the fields at fault when there are some.
    schemas["ErrorBody"]["properties"]["fields"] = {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "minProperties": 1,
    }


def json_body(name: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def ok(name: str | None, description: str = "OK") -> dict:
    answer: dict = {"description": description}
    if name:
        answer.update(json_body(name))
    return answer


CSRF_HEADER = {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}
SURVEY_ID = {"name": "id", "in": "path", "required": True, "schema": UUID}
PHOTO_ID = {"name": "id", "in": "path", "required": True, "schema": UUID}
PICTURE = {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}
LEVEL = {"name": "level", "in": "query", "required": False, "schema": UNIT_LEVEL}


def for_roles(*roles: str, more: str = "") -> dict:
    """Who may call an operation, for people (description) and for programs (x-roles)."""
    said = "Needs a session of a user with the role " + " or ".join(roles) + "."
    return {"description": f"{said} {more}".strip(), "x-roles": list(roles)}


@cache
def document() -> dict:
    """Return the OpenAPI document (built once)."""
    _, schema = models_json_schema(
        [(model, "validation") for model in (SyncBatch, SyncAnswer, ReviewIn, StoresAnswer, ErrorAnswer)],
        ref_template="#/components/schemas/{model}",
    )
    schemas = schema.get("$defs", {})
    exact_payload_answers(schemas)
    schemas.update(ANSWERS)
    paths = {
        "/api/v1/csrf": {
            "get": {
                "summary": "A fresh CSRF token",
                **for_roles(*ROLES),
                "responses": {"200": ok("CsrfAnswer"), **error_responses(401)},
            }
        },
        "/api/v1/stores": {
            "get": {
                "summary": "Stores for the offline registry",
                **for_roles(*ROLES),
                "responses": {"200": ok("StoresAnswer"), **error_responses(401)},
            }
        },
        "/api/v1/surveys": {
            "post": {
                "summary": "Sync a batch of at most 200 surveys; one result per survey, in order",
                **for_roles("inspector", more="At most 120 batches a minute per inspector (429)."),
                "parameters": [CSRF_HEADER],
                "requestBody": {"required": True, **json_body("SyncBatch")},
                "responses": {"200": ok("SyncAnswer"), **error_responses(400, 401, 403, 413, 429)},
            },
            "get": {
                "summary": "Surveys newest first with their review (an inspector's own; ?mine=1 for staff), paged",
                **for_roles(*ROLES),
                "parameters": [
                    {"name": name, "in": "query", "required": False, "schema": schema}
                    for name, schema in (
                        ("mine", {"type": "string", "enum": ["1", "true"]}),
                        ("since", MOMENT),
                        ("cursor", STRING),
                        ("limit", {"type": "integer", "minimum": 1, "description": "At most 200 are given"}),
                    )
                ],
                "responses": {"200": ok("SurveyPage"), **error_responses(400, 401)},
            },
        },
        "/api/v1/photos/{id}": {
            "put": {
                "summary": "The picture of a photo one of the sender's surveys lists (at most 5 MB); once per id",
                **for_roles("inspector"),
                "parameters": [PHOTO_ID, CSRF_HEADER],
                "requestBody": {
                    "required": True,
                    "content": {
                        kind: {"schema": {"type": "string", "format": "binary"}}
                        for kind in ("image/jpeg", "image/png", "image/webp")
                    },
                },
                "responses": {
                    "201": ok("PhotoAnswer", "Stored"),
                    "200": ok("PhotoAnswer", "The same picture again: nothing changed"),
                    **error_responses(400, 401, 403, 404, 409, 413, 415),
                },
            },
            "get": {
                "summary": "The kept JPEG (at most 1600 px, no metadata), or its thumbnail with ?size=thumb",
                **for_roles(*ROLES, more="An inspector sees only the photos of their own surveys."),
                "parameters": [
                    PHOTO_ID,
                    {"name": "size", "in": "query", "required": False, "schema": {"type": "string", "enum": ["thumb"]}},
                ],
                "responses": {"200": {"description": "OK", "content": PICTURE}, **error_responses(401, 403, 404)},
            },
        },
        "/api/v1/surveys/{id}": {
            "get": {
                "summary": "A survey as stored, with source and review_state",
                **for_roles(*ROLES, more="An inspector sees only their own surveys."),
                "parameters": [SURVEY_ID],
                "responses": {"200": ok("StoredSurvey"), **error_responses(401, 403, 404)},
            }
        },
        "/api/v1/surveys/{id}/review": {
            "post": {
                "summary": "Set the review state of a survey; has_issues and rejected need a comment",
                **for_roles("reviewer", "admin"),
                "parameters": [SURVEY_ID, CSRF_HEADER],
                "requestBody": {"required": True, **json_body("ReviewIn")},
                "responses": {"200": ok("StoredSurvey"), **error_responses(400, 401, 403, 404, 413)},
            }
        },
        "/api/v1/indicators": {
            "get": {
                "summary": "The indicators of a year (docs/policy.md)",
                **for_roles("reviewer", "admin"),
                "parameters": [
                    {
                        "name": "year",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1900, "maximum": 2200},
                    },
                    {"name": "unit", "in": "query", "required": False, "schema": STRING},
                    LEVEL,
                ],
                "responses": {"200": ok("IndicatorsAnswer"), **error_responses(400, 401, 403, 404)},
            }
        },
        "/api/v1/units": {
            "get": {
                "summary": "Administrative units, before and after the reform of 01/07/2025",
                **for_roles("reviewer", "admin"),
                "parameters": [LEVEL, {"name": "valid_on", "in": "query", "required": False, "schema": DAY}],
                "responses": {"200": ok("UnitsAnswer"), **error_responses(400, 401, 403)},
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document",
                "description": "Public: needs no session.",
                "security": PUBLIC,
                "responses": {"200": ok("OpenAPIDocument")},
            }
        },
        "/healthz": {
            "get": {
                "summary": "Liveness: ok once the database answers",
                "description": "Public: needs no session.",
                "security": PUBLIC,
                "responses": {"200": ok("HealthAnswer")},
            }
        },
    }
    for operations in paths.values():
        for operation in operations.values():
            # Any address holding a NUL is refused before a route runs (web.refuse_nul_in_address).
            operation["responses"] = {**error_responses(400), **operation["responses"]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Bao bì xanh API", "version": "1"},
        "paths": paths,
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
