"""The JSON a store proposal and an admin's decision arrive as (POST /api/v1/store-proposals, …/decision)."""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from survey.domain import policy
from survey.domain.registry import MAX_LENGTHS
from survey.domain.schemas import MAX_NOTES, Location, Payload, UuidText, clean_text

ACTIONS = ("create", "merge", "reject")


class ProposalIn(Payload):
    """A store an inspector found in the field, as the phone sends it."""

    id: UuidText  # made on the phone, the idempotency key as a survey's id is
    name: clean_text(MAX_LENGTHS["name"], min_length=1)
    type: Literal[policy.STORE_TYPES]
    address: clean_text(MAX_LENGTHS["address"]) = ""
    unit_code: clean_text(40, min_length=1) | None = None
    location: Location | None = None


def content_hash(proposal: ProposalIn) -> str:
    """The proposal's meaning hashed: its id in lower case, its texts composed and trimmed (the payload's
    own checks), keys sorted; the same proposal sent again hashes the same."""
    text = json.dumps(proposal.model_dump(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class DecisionIn(Payload):
    """An admin's decision: a new store (`code`, `unit_code`), the same as a registered store
    (`store_code`), or no store (`comment`). What each action needs is checked by decisions.decide."""

    action: Literal[ACTIONS]
    code: clean_text(MAX_LENGTHS["code"], min_length=1) | None = None
    unit_code: clean_text(40, min_length=1) | None = None
    store_code: clean_text(MAX_LENGTHS["code"], min_length=1) | None = None
    comment: clean_text(MAX_NOTES) = ""
