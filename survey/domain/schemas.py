"""The JSON API's payloads, checked by pydantic; their JSON Schema feeds openapi.json.

Counts are strict JSON integers: "12", 12.0 and true are refused, never coerced.
Only the shape is checked here; whether the store or a category exists is checked
against the database in `survey.domain.sync`.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import datetime, timedelta
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from survey.domain import policy

MAX_COUNT = 100_000
MAX_BATCH = 200
MAX_NOTES = 2000
MAX_PHOTOS = 10  # per survey from the phone; a store manager's self-report takes fewer (photos.SELF_REPORT_PHOTOS)
MAX_CAPTION = 120
MAX_PRODUCTS = 500  # eco-labelled products read in one survey
MAX_TRANSACTIONS = 500  # customers watched at the checkout
FORM_VERSIONS = (1,)  # every form version the server ever issued stays accepted

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
FUTURE_TOLERANCE = timedelta(days=1)  # a phone's clock may run a little ahead
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]


# Characters no keyboard types: C0 controls but tab and line breaks, DEL and the C1 controls.
# PostgreSQL refuses NUL, and a spreadsheet file cannot hold the C0 ones.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(value: str) -> bool:
    """The one rule for every entry (form, import, API): no control characters but tab and line breaks."""
    return CONTROL_CHARACTERS.search(value) is not None


def refuse_control_characters(value: str) -> str:
    """Keep text free of control characters other than tab and line breaks."""
    if has_control_characters(value):
        raise ValueError("control characters")
    return value


def composed(value: object) -> object:
    """Text in its composed form (Unicode NFC), the one rule of every channel (payloads and page forms).

    "ệ" may arrive as one letter or as "e" and two combining accents (a pasted text, some keyboards):
    kept composed, the same words are stored, searched, compared, hashed and counted alike.
    Anything but a string is left for the type check to refuse.
    """
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def clean_text(max_length: int, min_length: int | None = None):
    """The type of every text field: a JSON string (never a number), composed (NFC) before its lengths are
    counted, within them, trimmed by the payload, and free of control characters (PostgreSQL refuses NUL;
    no keyboard types the others)."""
    limits = Field(strict=True, min_length=min_length, max_length=max_length)
    return Annotated[str, limits, BeforeValidator(composed), AfterValidator(refuse_control_characters)]


def canonical_uuid(value: str) -> str:
    """Accept any UUID spelling and keep its canonical lower-case form."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValueError("not a UUID") from None


# An id the phone made: any spelling of a UUID, kept in its canonical form.
UuidText = Annotated[str, Field(strict=True, json_schema_extra={"format": "uuid"}), AfterValidator(canonical_uuid)]


# The allowed values come from the policy, so a new zone or state is written once.
Zone = Literal[policy.ZONES]
ReviewState = Literal[policy.REVIEW_STATES]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PackagingCount(Payload):
    zone: Zone
    category: clean_text(40, min_length=1)
    count: Count


class EcoLabelCount(Payload):
    label: clean_text(40, min_length=1)
    product_group: clean_text(200) = ""
    sku_count: Count


class Location(Payload):
    lat: Annotated[float, Field(strict=True, ge=-90, le=90)]
    lon: Annotated[float, Field(strict=True, ge=-180, le=180)]
    accuracy_m: Annotated[float | None, Field(strict=True, ge=0, le=100_000)] = None


class PhotoRef(Payload):
    """A photo the survey lists; its bytes follow on their own (PUT /api/v1/photos/<id>)."""

    id: UuidText
    caption: clean_text(MAX_CAPTION) = ""


class ProductRef(Payload):
    """An eco-labelled product found in the store, by its barcode's number; the label its pack showed
    matters only when the GTIN is not on the certified list. Digits and check digit: `sync`."""

    gtin: Annotated[str, Field(strict=True, min_length=1, max_length=20)]
    label: clean_text(40, min_length=1) | None = None


class SurveyIn(Payload):
    """One store visit as the phone sends it."""

    # openapi.json says what place_errors checks: a store code or a store proposal, never both.
    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["store_code"]}, {"required": ["store_proposal"]}]}
    )

    id: UuidText
    # Exactly one of the two (place_errors): a store of the registry, or a store found in the field
    # that the same inspector proposed (docs/store-proposals.md).
    store_code: clean_text(40, min_length=1) | None = None
    store_proposal: UuidText | None = None
    visited_at: Annotated[str, Field(strict=True, json_schema_extra={"format": "date-time"})]
    form_version: Annotated[int, Field(strict=True)]
    packaging: Annotated[list[PackagingCount], Field(min_length=1, max_length=200)]
    eco_labels: Annotated[list[EcoLabelCount], Field(max_length=200)] = []
    skus_checked: Count | None = None
    notes: clean_text(MAX_NOTES) = ""
    location: Location | None = None
    photos: Annotated[list[PhotoRef], Field(max_length=MAX_PHOTOS)] = []
    # The id of an earlier survey of the same store, by the same sender, that this one corrects.
    supersedes: UuidText | None = None
    # Products read by barcode; when given, the eco-label counts are derived from them (products.counting).
    products: Annotated[list[ProductRef], Field(max_length=MAX_PRODUCTS)] | None = None
    transactions_observed: Annotated[int, Field(strict=True, ge=1, le=MAX_TRANSACTIONS)] | None = None

    @field_validator("visited_at")
    @classmethod
    def visited_at_has_offset(cls, value: str) -> str:
        """Require ISO 8601 with a UTC offset, so the local day is never guessed."""
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("not an ISO 8601 date-time") from None
        if moment.tzinfo is None:
            raise ValueError("missing UTC offset")
        # Years near 1 or 9999 overflow on conversion to UTC; nothing real lies outside these.
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise ValueError("visit date out of range")
        return value

    @field_validator("form_version")
    @classmethod
    def known_form_version(cls, value: int) -> int:
        """Accept only form versions the server has issued."""
        if value not in FORM_VERSIONS:
            raise ValueError("unknown form version")
        return value

    @property
    def visited_moment(self) -> datetime:
        return datetime.fromisoformat(self.visited_at)


def place_errors(survey: SurveyIn) -> dict[str, str]:
    """A survey names its store by its code or by the id of a proposal from the field: one of the two."""
    if survey.store_code is not None and survey.store_proposal is not None:
        return {"store_proposal": _("Give either a store code or a store proposal, not both.")}
    if survey.store_code is None and survey.store_proposal is None:
        return {"store_code": _("Choose a store, or propose the store you found.")}
    return {}


class SyncBatch(BaseModel):
    """The body of POST /api/v1/surveys; each survey is checked on its own."""

    surveys: Annotated[list[SurveyIn], Field(max_length=MAX_BATCH)]


class SyncResult(BaseModel):
    id: str | None
    status: Literal["created", "duplicate", "conflict", "invalid"]
    errors: dict[str, str] | None = None


class SyncAnswer(BaseModel):
    results: list[SyncResult]


class ReviewIn(Payload):
    state: ReviewState
    comment: clean_text(MAX_NOTES) = ""


class StoreOut(BaseModel):
    code: str
    name: str
    type: str
    class_: str | None = Field(None, alias="class")
    unit_code: str
    unit_name: str
    address: str
    lat: float | None
    lon: float | None


class StoresAnswer(BaseModel):
    stores: list[StoreOut]


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorAnswer(BaseModel):
    error: ErrorBody
