"""The JSON answers of the API, key for key, as closed schemas; and the payloads' own answers made exact."""

from __future__ import annotations

from survey.domain import policy, survey_fields
from survey.domain.schemas import SurveyIn
from survey.web.openapi_parts import (
    DAY,
    FIGURES,
    INTEGER,
    MOMENT,
    NUMBER,
    REVIEW_STATE,
    STRING,
    UNIT_LEVEL,
    UUID,
    closed,
    nullable,
    ref,
)

# The rule in force that judged a set of figures (indicators.rule_as_dict).
RULE = closed(
    {
        "version": INTEGER,
        "zones": {"type": "array", "items": {"type": "string", "enum": list(policy.ZONES)}},
        "min_eco_share_pct": NUMBER,
        "target_pct": INTEGER,
    }
)


def stored_as_sent(name: str) -> dict:
    """A field stored as is answers in the shape the payload's model accepts (survey_fields.STORED_AS_IS)."""
    schema = dict(SurveyIn.model_json_schema()["properties"][name])
    for key in ("title", "default"):
        schema.pop(key, None)
    return schema


ROUND = closed(
    {
        "id": INTEGER,
        "name": STRING,
        "starts_on": DAY,
        "ends_on": DAY,
        "store_types": {"type": "array", "items": STRING},
        "unit_codes": {"type": "array", "items": STRING},
        "self_reports_count": {"type": "boolean"},
        "stores": INTEGER,
    }
)
# Added to the progress answer beside the contract's keys: the round's weeks and where its pace leads.
PACE = closed(
    {
        "weeks": {
            "type": "array",
            "items": closed(
                {
                    "week": {**STRING, "description": "ISO week, as 2026-W10"},
                    "starts_on": DAY,
                    "ends_on": DAY,
                    "visited": {**INTEGER, "description": "Stores first visited in the round that week"},
                    "visited_so_far": INTEGER,
                    "even_pace": {**NUMBER, "description": "Stores an even pace would have visited by the week's end"},
                }
            ),
        },
        "projection": {"type": "string", "enum": ["done", "ended", "projected", "too_slow", "not_enough_data"]},
        "finish_on": nullable(DAY),
        "per_week_needed": nullable(NUMBER),
    }
)
ROUND_ANSWERS = {
    "RoundAnswer": closed({"round": ROUND}),
    "RoundsAnswer": closed({"rounds": {"type": "array", "items": ROUND}}),
    "AssignedAnswer": closed({"assigned": INTEGER, "unassigned": INTEGER}),
    "ProgressAnswer": closed(
        {
            "round": ROUND,
            "stores": INTEGER,
            "visited": INTEGER,
            "by_inspector": {
                "type": "array",
                "items": closed({"inspector": nullable(STRING), "stores": INTEGER, "visited": INTEGER}),
            },
            "by_unit": {
                "type": "array",
                "items": closed({"unit_code": STRING, "unit_name": STRING, "stores": INTEGER, "visited": INTEGER}),
            },
            "unvisited": {
                "type": "array",
                "items": closed({"store_code": STRING, "inspector": nullable(STRING)}),
            },
            "pace": PACE,
        }
    ),
    "AssignmentsAnswer": closed(
        {
            "assignments": {
                "type": "array",
                "items": closed(
                    {
                        "round_id": INTEGER,
                        "round_name": STRING,
                        "ends_on": DAY,
                        "store_code": STRING,
                        "visited": {"type": "boolean"},
                        "store_name": STRING,
                        "unit_name": STRING,
                        "lat": nullable(NUMBER),
                        "lon": nullable(NUMBER),
                        "state": {"type": "string", "enum": ["not_surveyed", "sent", "returned", "approved"]},
                    }
                ),
            }
        }
    ),
}

PROPOSAL_ANSWERS = {
    "ProposalAnswer": closed({"id": UUID, "status": {"type": "string", "enum": ["created", "duplicate"]}}),
    "ProposalsAnswer": closed(
        {
            "proposals": {
                "type": "array",
                "items": closed(
                    {
                        "id": UUID,
                        "name": STRING,
                        "type": {"type": "string", "enum": list(policy.STORE_TYPES)},
                        "address": STRING,
                        "unit_code": nullable(STRING),
                        "location": nullable(closed({"lat": NUMBER, "lon": NUMBER, "accuracy_m": nullable(NUMBER)})),
                        "inspector": STRING,
                        "received_at": MOMENT,
                    }
                ),
            }
        }
    ),
    "DecisionAnswer": closed(
        {
            "id": UUID,
            "status": {"type": "string", "enum": ["created", "merged", "rejected"]},
            "store_code": {**nullable(STRING), "description": "The store made or merged into; null once rejected"},
            "surveys": {**INTEGER, "description": "The proposal's surveys, now the store's (or no store's)"},
        }
    ),
}

# The JSON answers, key for key as survey/web/api.py, review.survey_as_dict and surveys.summary build them.
ANSWERS = {
    **ROUND_ANSWERS,
    **PROPOSAL_ANSWERS,
    "CsrfAnswer": closed({"csrf_token": STRING}),
    "ProductsAnswer": closed(
        {
            "products": {
                "type": "array",
                "items": closed(
                    {
                        "gtin": STRING,
                        "name": STRING,
                        "brand": STRING,
                        "label": STRING,
                        "certificate_no": STRING,
                        "valid_from": nullable(DAY),
                        "valid_to": nullable(DAY),
                    }
                ),
            }
        }
    ),
    "HealthAnswer": closed({"status": {"type": "string", "const": "ok"}}),
    "SurveySummary": closed(
        {
            "id": UUID,
            "store_code": {**nullable(STRING), "description": "null while the store found in the field waits"},
            "store_name": STRING,
            "store_proposal": nullable(UUID),
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
            "store_code": {**nullable(STRING), "description": "null while the store found in the field waits"},
            "store_proposal": nullable(UUID),
            "visited_at": MOMENT,
            **{name: stored_as_sent(name) for name in survey_fields.STORED_AS_IS},
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
            "products": {
                "type": "array",
                "items": closed(
                    {
                        "gtin": STRING,
                        "label": nullable(STRING),
                        "listed": {"type": "boolean"},
                        "certificate_valid": {**nullable({"type": "boolean"}), "description": "null when unlisted"},
                    }
                ),
            },
        }
    ),
    "PhotoAnswer": closed({"id": UUID, "status": {"type": "string", "enum": ["created", "duplicate"]}}),
    "IndicatorsAnswer": closed(
        {
            "year": INTEGER,
            "rule": RULE,
            **FIGURES,
            "by_unit": {"type": "array", "items": closed({"unit_code": STRING, "unit_name": STRING, **FIGURES})},
            "by_type": {"type": "array", "items": closed({"type": STRING, **FIGURES})},
            "by_level": {
                "description": "Only with ?level=; stores with no unit at that level come last, under null",
                "type": "array",
                "items": closed({"unit_code": nullable(STRING), "unit_name": nullable(STRING), **FIGURES}),
            },
            "by_province": {
                "description": "The Ministry's, without ?province=: each province with its own rule and figures",
                "type": "array",
                "items": closed({"province_code": STRING, "province_name": STRING, "rule": RULE, **FIGURES}),
            },
        },
        optional=("by_level", "by_province"),
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
    # …or, for a list sent whole, the lines at fault by their place in it.
    schemas["ErrorBody"]["properties"]["lines"] = {
        "type": "array",
        "minItems": 1,
        "items": closed({"index": INTEGER, "message": STRING}),
    }
