"""Property-based test of the staff pages' addresses: no page number, id, year or date answers 5xx.

An admin (who may open every staff page) asks for the GET pages that read a number or a day from
the query string or the path, with values a hand-edited address or a crawler might hold: huge and
negative numbers, digits of other scripts, days at the edges of the calendar, and junk. Each answer
is below 500; the cases of the security review are in tests/test_no_500.py.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_fuzz_sync import fuzz_settings

edge_numbers = st.sampled_from(
    ["99999999999999999999", "-99999999999999999999", "-1", "0", str(2**31), str(2**63), "1" + "0" * 5000]
)
numbers = st.one_of(edge_numbers, st.integers(-(10**30), 10**30).map(str), st.integers(-3, 3000).map(str))
other_digits = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=6)  # "²", "٢", "２"
days = st.one_of(
    st.sampled_from(["0001-01-01", "9999-12-31", "1899-12-31", "2200-12-31", "2201-01-01", "2025-02-29", "20250101"]),
    st.dates().map(lambda day: day.isoformat()),  # 0001-01-01 to 9999-12-31
)
junk = st.one_of(
    st.text(st.characters(exclude_characters="\x00"), max_size=20),  # NUL: a 400 before any route
    st.sampled_from(["", " ", "-", "1e3", "0x10", "1_000", "+1", " 7 ", "NaN", "phase-2021", "phase-99999999999"]),
)
# What each argument is meant to hold draws mostly odd values of its kind; any argument may get junk.
KINDS = {
    "page": st.one_of(edge_numbers, numbers, other_digits, junk),
    "year": st.one_of(edge_numbers, numbers, other_digits, junk),
    "limit": st.one_of(edge_numbers, numbers, other_digits, junk),
    "from": st.one_of(days, numbers, other_digits, junk),  # a day on /review, a year on /report
    "to": st.one_of(days, numbers, other_digits, junk),
    "since": st.one_of(days, junk),
}
any_value = st.one_of(numbers, other_digits, days, junk)

# The staff GET pages and the query arguments each reads (anything else they ignore).
QUERY_PAGES = {
    "/review": ("page", "from", "to", "source", "state", "unit", "store"),
    "/audit": ("page",),
    "/stores": ("page", "q", "unit", "type"),
    "/dashboard": ("year", "level"),
    "/dashboard/stores": ("year", "level", "status", "unit", "unassigned", "type"),
    "/indicators": ("year", "unit"),
    "/report": ("year", "period", "from", "to", "level"),
    "/api/v1/indicators": ("year", "unit", "level"),
    "/api/v1/surveys": ("since", "cursor", "limit", "mine"),
}
# Pages with a number (or a year) in the path; "{}" takes the value, quoted.
PATH_PAGES = ("/users/{}/edit", "/users/{}/deactivate", "/rules/{}/new", "/exports/surveys/{}.csv", "/review/{}")

paths = st.tuples(st.sampled_from(PATH_PAGES), st.one_of(numbers, other_digits, st.integers(0, 10).map(str)))


@pytest.mark.parametrize("page", sorted(QUERY_PAGES))
def test_numbers_years_and_days_in_a_staff_pages_query_never_answer_5xx(table, client, auth, page):
    auth.login("admin")
    # Each argument the page reads is sent or not, independently: every one gets its share of odd values.
    arguments = st.fixed_dictionaries({}, optional={name: KINDS.get(name, any_value) for name in QUERY_PAGES[page]})

    @fuzz_settings(15)
    @given(args=arguments)
    def run(args):
        response = client.get(f"{page}?{urlencode(args)}")
        assert response.status_code < 500, (page, args, response.status_code)

    run()


def test_numbers_in_a_staff_pages_path_never_answer_5xx(table, client, auth):
    auth.login("admin")

    @fuzz_settings(50)
    @given(path=paths)
    def run(path):
        template, value = path
        url = template.format(quote(value, safe=""))
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)

    run()
