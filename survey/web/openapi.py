"""An OpenAPI 3.1 description of the JSON API, built from the pydantic payloads."""

from __future__ import annotations

from functools import cache

from pydantic.json_schema import models_json_schema

from survey.domain.schemas import ErrorAnswer, ReviewIn, StoresAnswer, SyncAnswer, SyncBatch


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


def json_body(name: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def ok(name: str | None, description: str = "OK") -> dict:
    answer: dict = {"description": description}
    if name:
        answer.update(json_body(name))
    return answer


CSRF_HEADER = {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}
SURVEY_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
PHOTO_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
PICTURE = {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}
PLAIN_OBJECT = {"application/json": {"schema": {"type": "object"}}}
LEVEL = {
    "name": "level",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["province", "district", "commune"]},
}


@cache
def document() -> dict:
    """Return the OpenAPI document (built once)."""
    _, schema = models_json_schema(
        [(model, "validation") for model in (SyncBatch, SyncAnswer, ReviewIn, StoresAnswer, ErrorAnswer)],
        ref_template="#/components/schemas/{model}",
    )
    paths = {
        "/api/v1/csrf": {
            "get": {
                "summary": "A fresh CSRF token",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"csrf_token": {"type": "string"}}}
                            }
                        },
                    },
                    **error_responses(401),
                },
            }
        },
        "/api/v1/stores": {
            "get": {
                "summary": "Stores for the offline registry",
                "responses": {"200": ok("StoresAnswer"), **error_responses(401, 403)},
            }
        },
        "/api/v1/surveys": {
            "post": {
                "summary": "Sync a batch of at most 200 surveys; one result per survey, in order",
                "parameters": [CSRF_HEADER],
                "requestBody": {"required": True, **json_body("SyncBatch")},
                "responses": {"200": ok("SyncAnswer"), **error_responses(400, 401, 403, 413, 429)},
            },
            "get": {
                "summary": "Surveys newest first with their review (an inspector's own; ?mine=1 for staff), paged",
                "parameters": [
                    {"name": name, "in": "query", "required": False, "schema": schema}
                    for name, schema in (
                        ("mine", {"type": "string", "enum": ["1", "true"]}),
                        ("since", {"type": "string", "format": "date-time"}),
                        ("cursor", {"type": "string"}),
                        ("limit", {"type": "integer", "minimum": 1}),
                    )
                ],
                "responses": {"200": {"description": "OK", "content": PLAIN_OBJECT}, **error_responses(400, 401)},
            },
        },
        "/api/v1/photos/{id}": {
            "put": {
                "summary": "The picture of a photo one of the sender's surveys lists (at most 5 MB); once per id",
                "parameters": [PHOTO_ID, CSRF_HEADER],
                "requestBody": {
                    "required": True,
                    "content": {
                        kind: {"schema": {"type": "string", "format": "binary"}}
                        for kind in ("image/jpeg", "image/png", "image/webp")
                    },
                },
                "responses": {
                    "201": {"description": "Stored", "content": PLAIN_OBJECT},
                    "200": {"description": "The same picture again: nothing changed", "content": PLAIN_OBJECT},
                    **error_responses(400, 401, 403, 404, 409, 413, 415),
                },
            },
            "get": {
                "summary": "The kept JPEG (at most 1600 px, no metadata), or its thumbnail with ?size=thumb",
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
                "parameters": [SURVEY_ID],
                "responses": {"200": {"description": "OK", "content": PLAIN_OBJECT}, **error_responses(401, 403, 404)},
            }
        },
        "/api/v1/surveys/{id}/review": {
            "post": {
                "summary": "Set the review state of a survey",
                "parameters": [SURVEY_ID, CSRF_HEADER],
                "requestBody": {"required": True, **json_body("ReviewIn")},
                "responses": {
                    "200": {"description": "OK", "content": PLAIN_OBJECT},
                    **error_responses(400, 401, 403, 404),
                },
            }
        },
        "/api/v1/indicators": {
            "get": {
                "summary": "The indicators of a year (docs/policy.md)",
                "parameters": [
                    {"name": "year", "in": "query", "required": True, "schema": {"type": "integer"}},
                    {"name": "unit", "in": "query", "required": False, "schema": {"type": "string"}},
                    LEVEL,
                ],
                "responses": {
                    "200": {"description": "OK", "content": PLAIN_OBJECT},
                    **error_responses(400, 401, 403, 404),
                },
            }
        },
        "/api/v1/units": {
            "get": {
                "summary": "Administrative units, before and after the reform of 01/07/2025",
                "parameters": [
                    LEVEL,
                    {
                        "name": "valid_on",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "format": "date"},
                    },
                ],
                "responses": {
                    "200": {"description": "OK", "content": PLAIN_OBJECT},
                    **error_responses(400, 401, 403),
                },
            }
        },
        "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OK"}}}},
        "/healthz": {
            "get": {"summary": "Liveness: ok once the database answers", "responses": {"200": {"description": "OK"}}}
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Bao bì xanh API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schema.get("$defs", {}),
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
        },
        "security": [{"session": []}],
    }
