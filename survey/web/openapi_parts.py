"""The pieces openapi.json is made of: JSON types, closed objects, error answers, parameters, roles."""

from __future__ import annotations

from survey.domain import policy
from survey.domain.indicators import INDICATORS, Indicator

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
PROPOSAL_ID = {"name": "id", "in": "path", "required": True, "schema": UUID}
ROUND_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
PICTURE = {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}
LEVEL = {"name": "level", "in": "query", "required": False, "schema": UNIT_LEVEL}


def for_roles(*roles: str, more: str = "") -> dict:
    """Who may call an operation, for people (description) and for programs (x-roles)."""
    said = "Needs a session of a user with the role " + " or ".join(roles) + "."
    return {"description": f"{said} {more}".strip(), "x-roles": list(roles)}
