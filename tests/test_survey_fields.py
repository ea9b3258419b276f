"""The survey's fields are declared once (survey/domain/survey_fields.py): the payload's model, the survey
table, the survey's JSON, the export, the plain form and the content hash all follow the declaration."""

from __future__ import annotations

from sqlalchemy import select
from wtforms.fields.core import UnboundField

from models import Survey, db
from survey.domain import review, survey_fields, sync, tables
from survey.domain.schemas import SurveyIn
from survey.web.survey_form import SurveyFormBase
from tests.conftest import make_survey, sync_via_api


def test_the_payload_model_has_exactly_the_declared_fields_in_their_order():
    assert tuple(SurveyIn.model_fields) == survey_fields.NAMES


def test_a_field_stored_as_is_has_its_column_and_an_exported_one_is_stored_as_is():
    columns = set(Survey.__table__.columns.keys())
    assert set(survey_fields.STORED_AS_IS) <= columns
    assert set(survey_fields.EXPORTED) <= set(survey_fields.STORED_AS_IS)


def test_the_survey_as_stored_gives_back_every_declared_field(app, api):
    api.login("inspector")
    sent = make_survey(skus_checked=77, notes="Quầy 2")
    assert sync_via_api(api, sent)[0]["status"] == "created"
    with app.app_context():
        stored = review.survey_as_dict(db.session.scalar(select(Survey)))
    assert set(survey_fields.NAMES) <= set(stored)
    for name in survey_fields.STORED_AS_IS:
        assert stored[name] == sent.get(name, SurveyIn.model_fields[name].default), name


def test_the_export_has_a_column_for_each_exported_field(app, api):
    api.login("inspector")
    sent = make_survey(skus_checked=77, notes="Quầy 2")
    assert sync_via_api(api, sent)[0]["status"] == "created"
    with app.app_context():
        header, rows = tables.survey_table(2025)
    for name in survey_fields.EXPORTED:
        assert name in header
    expected = [sent.get(name, SurveyIn.model_fields[name].default) for name in survey_fields.EXPORTED]
    assert [rows[0][header.index(name)] for name in survey_fields.EXPORTED] == expected
    assert {77, "Quầy 2"} <= set(expected)


def test_the_plain_form_has_an_input_for_each_field_it_shows_errors_beside():
    for name in survey_fields.ON_PLAIN_FORM:
        assert isinstance(getattr(SurveyFormBase, name, None), UnboundField), name


def test_a_field_added_later_and_unused_leaves_the_hash_as_it_was():
    survey = SurveyIn.model_validate(make_survey())
    bare = sync.canonical_hash(survey)
    for name in survey_fields.ADDED_LATER:
        assert name in SurveyIn.model_fields
        field = SurveyIn.model_fields[name]
        assert survey_fields.unused(field.default), f"{name} must default to unused, or old hashes change"
    assert sync.canonical_hash(SurveyIn.model_validate({**make_survey(), "id": survey.id, "photos": []})) == bare


def test_the_phone_gets_each_typed_field_and_the_app_page_draws_its_input(client, auth):
    auth.login("inspector")
    copy = client.get("/app/vocabularies.json").get_json()["typed_fields"]
    assert [field["name"] for field in copy] == [field.name for field in survey_fields.TYPED]
    assert {field["kind"] for field in copy} == {"count", "text"}
    notes = next(field for field in copy if field["name"] == "notes")
    assert notes["max_length"] == SurveyIn.model_json_schema()["properties"]["notes"]["maxLength"]
    page = client.get("/app").get_data(as_text=True)
    for field in survey_fields.TYPED:
        assert f'id="{field.phone_input}" data-field="{field.name}" data-kind="{field.typed}"' in page
