"""Property-based test of the staff pages' addresses: no page number, id, year or date answers 5xx.

An admin (who may open every staff page) asks for the GET pages that read a number or a day from
the query string or the path, with values a hand-edited address or a crawler might hold: huge and
negative numbers, digits of other scripts, days at the edges of the calendar, and junk. Each answer
is below 500; the cases of the security review are in tests/test_no_500.py.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from hypothesis import given
from hypothesis import strategies as st

from tests.test_fuzz_sync import fuzz_settings

numbers = st.one_of(
    st.integers(-(10**30), 10**30),
    st.integers(-3, 3000),
    st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**20]),
).map(str)
other_digits = st.text(st.characters(categories=["Nd"]), min_size=1, max_size=6)  # "²" is No; "٢" and "２" are Nd
days = st.one_of(
    st.dates().map(lambda day: day.isoformat()),  # 0001-01-01 to 9999-12-31
    st.sampled_from(["0001-01-01", "9999-12-31", "1899-12-31", "2200-12-31", "2201-01-01", "2025-02-29", "20250101"]),
)
junk = st.one_of(
    st.text(st.characters(exclude_characters="\x00"), max_size=20),  # NUL: a 400 before any route
    st.sampled_from(["", " ", "-", "1e3", "0x10", "1_000", "+1", " 7 ", "NaN", "phase-2021", "phase-99999999999"]),
)
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

queries = st.sampled_from(sorted(QUERY_PAGES)).flatmap(
    lambda page: st.tuples(
        st.just(page),
        st.dictionaries(st.sampled_from(QUERY_PAGES[page]), any_value, max_size=len(QUERY_PAGES[page])),
    )
)
paths = st.tuples(st.sampled_from(PATH_PAGES), st.one_of(numbers, other_digits, st.integers(0, 10).map(str)))


def test_numbers_years_and_days_in_any_staff_address_never_answer_5xx(table, client, auth):
    auth.login("admin")

    @fuzz_settings(120)
    @given(query=queries)
    def run_queries(query):
        page, args = query
        response = client.get(f"{page}?{urlencode(args)}")
        assert response.status_code < 500, (page, args, response.status_code)

    @fuzz_settings(60)
    @given(path=paths)
    def run_paths(path):
        template, value = path
        url = template.format(quote(value, safe=""))
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)

    run_queries()
    run_paths()
