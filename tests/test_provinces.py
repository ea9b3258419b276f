"""Provinces on one deployment: the data model, `create-user`, `init-db`, the Ministry (docs/provinces.md)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AdminUnit, AuditEntry, Photo, Store, StoreLink, StoreProposal, Survey, SurveyRound, User, db
from tests.provinces_world import make_world


@pytest.fixture
def world(app):
    return make_world(app)


def test_every_row_of_both_provinces_has_its_province(app, world):
    with app.app_context():
        provinces = {
            unit.code: unit.id for unit in db.session.scalars(select(AdminUnit).where(AdminUnit.level == "province"))
        }
        for model in (Store, Survey, Photo, StoreLink, StoreProposal, SurveyRound):
            rows = list(db.session.scalars(select(model)))
            assert rows and all(row.province_id in provinces.values() for row in rows), model
        assert {row.province_id for row in db.session.scalars(select(Survey))} == set(provinces.values())
        entries = list(db.session.scalars(select(AuditEntry)))
        assert entries and all(entry.province_id in provinces.values() for entry in entries)
        users = {user.username: user.province_id for user in db.session.scalars(select(User))}
        assert users["bd-admin"] == provinces["BD"] and users["hy-inspector"] == provinces["HY"]
