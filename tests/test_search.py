"""Search finds what people type: without accents, in capitals with accents, codes in any case.

Run on SQLite and (in CI) on PostgreSQL: `.ci/run` passes this file to the PostgreSQL run.
"""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from models import AdminUnit, Store, db
from survey.domain import search
from tests.conftest import add_store, visit

CHECKOUT = [{"zone": "checkout", "category": "PAPER", "count": 10}]


@pytest.fixture
def named(app):
    with app.app_context():
        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "HY-PH"))
        add_store("PH-01", unit, name="Siêu thị Phố Hiến")
        add_store("DN-02", unit, name="Trung tâm thương mại Đông Ninh")
        # Typed on another keyboard: the same letters, decomposed.
        add_store("KC-03", unit, name=unicodedata.normalize("NFD", "Siêu thị Khoái Châu"))
        db.session.commit()
        visit("PH-01", "2025-05-01T10:00:00+07:00", CHECKOUT)
        visit("DN-02", "2025-05-01T10:00:00+07:00", CHECKOUT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phố Hiến", "pho hien"),
        ("PHỐ HIẾN", "pho hien"),
        ("Đông Ninh", "dong ninh"),
        (unicodedata.normalize("NFD", "Khoái Châu"), "khoai chau"),
        ("", ""),
    ],
)
def test_fold(text, expected):
    assert search.fold(text) == expected


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("pho hien", {"PH-01"}),
        ("PHỐ HIẾN", {"PH-01"}),
        ("phố hiến", {"PH-01"}),
        ("dong ninh", {"DN-02"}),
        ("ĐÔNG", {"DN-02"}),
        ("khoai chau", {"KC-03"}),
        ("ph-01", {"PH-01"}),
        ("sieu thi", {"PH-01", "KC-03"}),
        ("sieu hien", {"PH-01"}),  # every word, in any order
        ("100%", set()),
    ],
)
def test_the_store_registry_finds_what_people_type(app, client, auth, named, query, codes):
    auth.login("admin")
    html = client.get("/stores", query_string={"q": query}).get_data(as_text=True)
    found = {code for code in ("PH-01", "DN-02", "KC-03") if f'href="/stores/{code}/edit"' in html}
    assert found == codes


def test_the_search_key_follows_an_edit(app, named):
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "DN-02"))
        store.name = "Siêu thị Vân Đình"
        db.session.commit()
        assert db.session.scalars(select(Store.code).where(search.store_condition("van dinh"))).all() == ["DN-02"]
        assert db.session.scalars(select(Store.code).where(search.store_condition("dong ninh"))).all() == []


@pytest.mark.parametrize("query", ["pho hien", "PHỐ HIẾN", "ph-01"])
def test_the_review_queue_filters_stores_the_same_way(app, client, auth, named, query):
    auth.login("reviewer")
    html = client.get("/review", query_string={"source": "inspection", "state": "all", "store": query}).get_data(
        as_text=True
    )
    assert "Siêu thị Phố Hiến" in html and "Đông Ninh" not in html
