"""Unlikely values are asked about, never refused: the rule, the inspector's form, the self-report form."""

from __future__ import annotations

import re

import pytest

from survey.domain import policy
from tests.conftest import form_fields, staff_token
from tests.test_self_report_form import page_of, send, surveys, value_of

MANY_BAGS = f"Hơn {policy.PLAUSIBLE_CHECKOUT_UNITS} túi được đếm ở quầy thu ngân"
LABELS_OVER = "Số SKU có nhãn sinh thái nhiều hơn số SKU đã kiểm tra"
FEW_CUSTOMERS = f"Quan sát dưới {policy.FEW_CUSTOMERS} khách tại quầy thu ngân"
ASKED = 'id="unlikely"'


@pytest.mark.parametrize(
    ("checkout", "labelled", "checked", "expected"),
    [
        (200, 0, None, ()),
        (201, 0, None, ("many_bags",)),
        (30, 5, 5, ()),
        (30, 6, 5, ("labels_over_checked",)),
        (30, 6, None, ()),  # no SKUs checked given: nothing to compare with
        (900, 3, 0, ("many_bags", "labels_over_checked")),
    ],
)
def test_unlikely_values(checkout, labelled, checked, expected):
    assert policy.unlikely_values(checkout, labelled, checked) == expected


@pytest.mark.parametrize(
    ("customers", "expected"),
    [(None, ()), (1, ("few_customers",)), (policy.FEW_CUSTOMERS - 1, ("few_customers",)), (policy.FEW_CUSTOMERS, ())],
)
def test_a_checkout_watched_over_few_customers_is_asked_about(customers, expected):
    assert policy.unlikely_values(30, 0, None, customers) == expected


def inspector_form(client, auth, **changes) -> dict[str, str]:
    auth.login("inspector")
    data = form_fields(client.get("/surveys/new").get_data(as_text=True))
    return {**data, "store_code": "S-001", "pk__checkout__PAPER": "12", **changes}


def test_inspector_form_asks_then_saves_many_bags_once_confirmed(client, auth, app):
    data = inspector_form(client, auth, pk__checkout__PE_BAG="250")
    asked = client.post("/surveys/new", data=data)
    page = page_of(asked)
    assert asked.status_code == 200 and ASKED in page and MANY_BAGS in page
    assert LABELS_OVER not in page
    assert surveys(app) == 0  # asking stores nothing
    assert value_of(page, "pk__checkout__PE_BAG") == "250"  # what was typed stays

    confirmed = client.post("/surveys/new", data={**form_fields(page), "store_code": "S-001", "confirm_unlikely": "y"})
    assert confirmed.status_code == 302
    assert surveys(app) == 1


def test_a_tick_does_not_confirm_a_value_it_was_not_shown_with(client, auth, app):
    page = page_of(client.post("/surveys/new", data=inspector_form(client, auth, pk__checkout__PE_BAG="250")))
    # The inspector ticks the box, but also types more labelled SKUs than SKUs checked.
    changed = {
        **form_fields(page),
        "store_code": "S-001",
        "confirm_unlikely": "y",
        "el__VN_ECOLABEL": "9",
        "skus_checked": "4",
    }
    again = client.post("/surveys/new", data=changed)
    assert again.status_code == 200 and LABELS_OVER in page_of(again) and MANY_BAGS in page_of(again)
    assert surveys(app) == 0
    confirmed = client.post(
        "/surveys/new", data={**form_fields(page_of(again)), "store_code": "S-001", "confirm_unlikely": "y"}
    )
    assert confirmed.status_code == 302
    assert surveys(app) == 1


def test_likely_values_save_at_once(client, auth, app):
    page = page_of(client.post("/surveys/new", data=inspector_form(client, auth, pk__checkout__PE_BAG="20")))
    assert ASKED not in page
    assert surveys(app) == 1


def test_self_report_asks_about_more_labelled_skus_than_checked(client, app):
    token = staff_token(app)
    asked = send(client, token, el__VN_ECOLABEL="8", skus_checked="5", reporter_name="Lê Văn An")
    page = page_of(asked)
    assert asked.status_code == 200 and LABELS_OVER in page and MANY_BAGS not in page
    assert surveys(app) == 0
    assert value_of(page, "reporter_name") == "Lê Văn An"
    sent = client.post(f"/r/{token}", data={**form_fields(page), "confirm_unlikely": "y"})
    assert sent.status_code == 302 and surveys(app) == 1


def stored_customers(app) -> list[int | None]:
    from sqlalchemy import select

    from models import Survey, db

    with app.app_context():
        return list(db.session.scalars(select(Survey.transactions_observed)))


def test_the_inspectors_form_records_the_customers_watched_and_asks_about_few(client, auth, app):
    asked = client.post("/surveys/new", data=inspector_form(client, auth, transactions_observed="4"))
    page = page_of(asked)
    assert asked.status_code == 200 and ASKED in page and FEW_CUSTOMERS in page
    assert value_of(page, "transactions_observed") == "4" and surveys(app) == 0
    confirmed = client.post("/surveys/new", data={**form_fields(page), "store_code": "S-001", "confirm_unlikely": "y"})
    assert confirmed.status_code == 302 and stored_customers(app) == [4]


@pytest.mark.parametrize("typed", ["0", "501", "3,5", "-2"])
def test_customers_watched_out_of_range_are_refused_at_the_field(client, auth, app, typed):
    refused = client.post("/surveys/new", data=inspector_form(client, auth, transactions_observed=typed))
    page = page_of(refused)
    assert refused.status_code == 200 and surveys(app) == 0
    assert "Nhập số nguyên từ 1 đến 500." in page
    [field] = re.findall(r'<input[^>]*id="transactions_observed"[^>]*>', page)
    assert 'aria-invalid="true"' in field


def test_customers_watched_may_be_left_blank(client, auth, app):
    saved = client.post("/surveys/new", data=inspector_form(client, auth, transactions_observed=""))
    assert saved.status_code == 302 and stored_customers(app) == [None]


def test_the_store_manager_may_say_how_many_customers_were_watched(client, app):
    sent = send(client, staff_token(app), transactions_observed="30", reporter_name="Lê Văn An")
    assert sent.status_code == 302 and stored_customers(app) == [30]
