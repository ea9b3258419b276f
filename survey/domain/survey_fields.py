"""The fields of a survey as the phone and the forms send it, declared once.

`schemas.SurveyIn` checks their shape; this list says what each channel does with them, so that a
new field is declared here and the channels that iterate it follow (docs/recipes.md):

- the content hash leaves a field added after the first form version out when it is unused, so a
  survey stored before it existed still hashes the same (`sync.canonical_hash`);
- a field stored as is has a column of the same name in the survey table, written by
  `sync_rows.survey_row`, read back by `review.survey_as_dict`, and, when exported, a column of
  the survey export (`tables.survey_columns`), headed by its name in the CSV file and by its
  label in the Excel workbook;
- a field with an input of its own on the plain form shows the server's message beside it
  (`survey_form.attach_errors`);
- a field typed into an input of its own on the phone (`typed`: a count or a text) reaches the phone
  through /app/vocabularies.json (`vocabularies.phone_copy`): the app's page draws its input,
  and `form.js` and `rules.js` keep, send, reload and check it by iterating that list.

`tests/test_survey_fields.py` holds the model, the table, the JSON, the export and the form to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from survey.domain.indicators import N_


@dataclass(frozen=True)
class SurveyField:
    name: str
    shape: Literal["scalar", "list", "object"]
    stored_as_is: bool = False  # a survey column of the same name holds the value unchanged
    exported: bool = False  # a column of its own in the survey export (stored-as-is fields only)
    added_later: bool = False  # left out of the content hash when unused (None or empty)
    on_plain_form: bool = False  # an input of its own on the plain form
    typed: Literal["count", "text"] | None = None  # typed into an input of its own on the phone
    phone_input: str = ""  # that input's element id on the app's page
    label: str = ""  # its name for people, a message id: the input's label, the Excel export's header
    counted: bool = False  # a whole number, written as one in the Excel export even with no input of its own


FIELDS = (
    SurveyField("id", "scalar"),
    SurveyField("store_code", "scalar", on_plain_form=True),
    SurveyField("store_proposal", "scalar", added_later=True),  # instead of store_code: a store found in the field
    SurveyField("visited_at", "scalar", on_plain_form=True),
    SurveyField("form_version", "scalar", stored_as_is=True),
    SurveyField("packaging", "list"),
    SurveyField("eco_labels", "list"),
    SurveyField(
        "skus_checked",
        "scalar",
        stored_as_is=True,
        exported=True,
        on_plain_form=True,
        typed="count",
        phone_input="f-skus",
        label=N_("SKUs checked for eco-labels"),
    ),
    SurveyField(
        "notes",
        "scalar",
        stored_as_is=True,
        exported=True,
        on_plain_form=True,
        typed="text",
        phone_input="f-notes",
        label=N_("Notes"),
    ),
    SurveyField("location", "object"),
    SurveyField("photos", "list", added_later=True),
    SurveyField("supersedes", "scalar", added_later=True),
    SurveyField("products", "list", added_later=True),
    SurveyField(
        "transactions_observed",
        "scalar",
        stored_as_is=True,
        exported=True,
        added_later=True,
        on_plain_form=True,
        label=N_("Customers watched at the checkout"),
        counted=True,
    ),
)
NAMES = tuple(field.name for field in FIELDS)
STORED_AS_IS = tuple(field.name for field in FIELDS if field.stored_as_is)
EXPORTED = tuple(field.name for field in FIELDS if field.exported)
ADDED_LATER = tuple(field.name for field in FIELDS if field.added_later)
ON_PLAIN_FORM = tuple(field.name for field in FIELDS if field.on_plain_form)
TYPED = tuple(field for field in FIELDS if field.typed)


def unused(value: object) -> bool:
    """A value a field added later takes when the sender did not use it."""
    return value is None or value == [] or value == ""
