"""The store-year table (issue 13): kept on write, it always equals the table rebuilt from the surveys.

The property test drives the real domain functions, the ones the pages, the API and the phone
reach, with random sequences of synced batches, self-reports, reviews, corrections, stores opened
and closed, and new rule versions. After every sequence the maintained table must be exactly what
`store_years.computed_rows` works out from the surveys alone, and the figures read from it must
be those of the pure policy over every survey.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from models import ComplianceRule, Store, StoreYearStatus, Survey, User, db
from survey.domain import (
    figures,
    indicators,
    policy,
    registry,
    review,
    rule_versions,
    rulebook,
    store_years,
    sync,
    vocabularies,
)
from tests.conftest import add_store, seed_table
from tests.test_fuzz_sync import fuzz_settings

STORES = ("S-001", "S-002", "S-010", "S-011")
YEARS = (2025, 2026)
COUNTS = st.integers(min_value=0, max_value=6)


def user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def survey_payload(store: str, visited: datetime, counts: tuple[int, int, int, int], labels: int) -> dict:
    pe_bags, paper, foam, natural = counts
    packaging = [
        {"zone": "checkout", "category": "PE_BAG", "count": pe_bags},
        {"zone": "checkout", "category": "PAPER", "count": paper + 1},  # never an empty checkout
        {"zone": "store_packed", "category": "EPS_FOAM", "count": foam},
        {"zone": "store_packed", "category": "NATURAL", "count": natural},
    ]
    return {
        "id": str(uuid.uuid4()),
        "store_code": store,
        "visited_at": visited.isoformat(),
        "form_version": 1,
        "packaging": [line for line in packaging if line["count"] or line["zone"] == "checkout"],
        "eco_labels": [{"label": "VN_ECOLABEL", "sku_count": labels}, {"label": "SELF_DECLARED", "sku_count": 2}],
    }


# Visits on a few days only, so that ties of visit time (decided by receipt, then id) happen.
visits = st.builds(
    lambda year, day, hour: datetime(year, 1, 1, 3, tzinfo=UTC) + timedelta(days=day * 90, hours=hour),
    st.sampled_from(YEARS),
    st.integers(min_value=0, max_value=3),
    st.sampled_from((0, 0, 5)),
)
new_surveys = st.tuples(st.sampled_from(STORES), visits, st.tuples(COUNTS, COUNTS, COUNTS, COUNTS), COUNTS)
steps = st.one_of(
    st.tuples(st.just("sync"), st.lists(new_surveys, min_size=1, max_size=4)),
    st.tuples(st.just("self_report"), new_surveys),
    st.tuples(st.just("review"), st.integers(min_value=0), st.sampled_from(policy.REVIEW_STATES)),
    st.tuples(st.just("correct"), st.integers(min_value=0), new_surveys),
    st.tuples(st.just("resend"), st.integers(min_value=0)),
    st.tuples(
        st.just("store_dates"),
        st.sampled_from(STORES),
        st.one_of(st.none(), st.dates(date(2024, 6, 1), date(2026, 12, 31))),
        st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2026, 12, 31))),
    ),
    st.tuples(
        st.just("rule"),
        st.sampled_from(policy.PHASES),
        st.sampled_from(((), ("checkout",), ("checkout", "store_packed"))),
        st.sampled_from((Decimal(50), Decimal(75), Decimal(100))),
    ),
)


class World:
    """The surveys sent so far, and the steps that change them through the domain functions."""

    def __init__(self):
        self.sent: list[dict] = []

    def apply(self, step: tuple) -> None:
        kind = step[0]
        if kind == "sync":
            payloads = [survey_payload(*new) for new in step[1]]
            results = sync.store_batch(payloads, "inspection", user("inspector"))
            self.keep(payloads, results)
        elif kind == "self_report":
            payload = survey_payload(*step[1])
            self.keep([payload], [sync.store_survey(payload, "self_report", None)])
        elif kind == "review" and self.sent:
            survey = db.session.get(Survey, uuid.UUID(self.sent[step[1] % len(self.sent)]["id"]))
            comment = "Cần xem lại" if policy.reason_missing(step[2], "") else ""
            review.set_state(survey, step[2], comment, user("reviewer"))
        elif kind == "correct" and self.sent:
            earlier = self.sent[step[1] % len(self.sent)]
            store, visited, counts, labels = step[2]
            correction = survey_payload(earlier["store_code"], visited, counts, labels) | {"supersedes": earlier["id"]}
            self.keep([correction], [sync.store_survey(correction, "inspection", user("inspector"))])
        elif kind == "resend" and self.sent:
            again = self.sent[step[1] % len(self.sent)]
            assert sync.store_batch([again], "inspection", user("inspector"))[0]["status"] in ("duplicate", "conflict")
        elif kind == "store_dates":
            store = db.session.scalar(select(Store).where(Store.code == step[1]))
            opened, closed = step[2], step[3]
            if opened and closed and closed < opened:
                opened, closed = closed, opened
            registry.update_store(store, {"opened_on": opened, "closed_on": closed}, user("admin"))
        elif kind == "rule":
            phase, zones, minimum = step[1:]
            rule_versions.save_version(phase, phase.target_pct, list(zones), minimum, "thử", user("admin"))

    def keep(self, payloads: list[dict], results: list[dict]) -> None:
        for payload, result in zip(payloads, results, strict=True):
            if result["status"] == "created":
                self.sent.append(payload)


def assert_table_equals_rebuild() -> None:
    db.session.expire_all()
    assert store_years.stored_rows() == store_years.computed_rows()


def pure_policy_figures(year: int) -> dict:
    """The year's figures worked out by the pure policy from every survey, not from the table."""
    facts = store_years.survey_facts()
    surveys_by_store: dict[int, list[policy.SurveyFacts]] = {}
    for (store_id, _year), surveys in facts.items():
        surveys_by_store.setdefault(store_id, []).extend(surveys)
    with_totals = store_years.with_totals(survey for surveys in surveys_by_store.values() for survey in surveys)
    stores = [
        policy.StoreFacts(
            store.code,
            store.type,
            store.unit.code,
            store.opened_on,
            store.closed_on,
            [with_totals[s.id] for s in surveys_by_store.get(store.id, [])],
            store.legacy_unit.code if store.legacy_unit else None,
        )
        for store in db.session.scalars(select(Store))
    ]
    return indicators.indicators(stores, year, rulebook.rule_for_year(year))


def test_the_maintained_table_equals_the_rebuilt_one_after_any_sequence_of_writes(app):
    with app.app_context():
        units = {store.code: store.unit for store in db.session.scalars(select(Store))}
        add_store("S-010", units["S-001"], "supermarket")
        add_store("S-011", units["S-002"], "commercial_centre", opened_on=date(2025, 8, 1))
        db.session.commit()
        world = World()

        @given(st.lists(steps, min_size=1, max_size=8))
        @fuzz_settings(40)
        def sequence_of_writes(sequence):
            for step in sequence:
                world.apply(step)
            assert_table_equals_rebuild()
            for year in YEARS:
                stored = figures.year_indicators(year)
                expected = pure_policy_figures(year)
                assert {key: stored[key] for key in expected if key != "by_unit"} == {
                    key: value for key, value in expected.items() if key != "by_unit"
                }

        sequence_of_writes()
        assert len(world.sent) > 20  # the sequences really did write
        assert db.session.scalar(select(StoreYearStatus.store_id).limit(1)) is not None


def test_a_rule_version_rejudges_only_its_phase_years(app, table):
    with app.app_context():
        compliant_before = figures.year_indicators(2025)["stores_compliant"]
        before = {(row["store_id"], row["year"], row["scope"]): row for row in store_years.stored_rows()}
        assert {year for _, year, _ in before} >= {2025}
        phase = policy.phase_for_year(2025)
        # Only checkout is judged before 2026; judging store-packed too at 100% fails S-007's foam.
        rule_versions.save_version(phase, 85, ["checkout", "store_packed"], Decimal(100), "chặt hơn", user("admin"))
        after = {(row["store_id"], row["year"], row["scope"]): row for row in store_years.stored_rows()}
        changed = {key for key in before if before[key]["compliant"] != after[key]["compliant"]}
        assert changed and {year for _, year, _ in changed} <= set(range(2021, 2026))
        assert_table_equals_rebuild()
        assert figures.year_indicators(2025)["stores_compliant"] < compliant_before


def test_a_vocabulary_flag_that_changes_rebuilds_the_table(app, table, monkeypatch):
    """PAPER stops being eco-friendly: every stored zone total that counted it changes at once."""
    with app.app_context():
        compliant_before = figures.year_indicators(2025)["stores_compliant"]
        real_read = vocabularies.read_csv

        def paper_not_eco(name):
            rows = real_read(name)
            for row in rows:
                if row.get("code") == "PAPER":
                    row["eco"] = "0"
            return rows

        monkeypatch.setattr(vocabularies, "read_csv", paper_not_eco)
        vocabularies.load_vocabularies()
        assert_table_equals_rebuild()
        assert figures.year_indicators(2025)["stores_compliant"] < compliant_before


def test_the_rebuild_command_fills_the_table_of_a_database_upgraded_from_before_it(app, runner):
    with app.app_context():
        seed_table()
        expected = store_years.stored_rows()
        assert expected
        db.session.query(StoreYearStatus).delete()
        db.session.commit()
        assert store_years.needs_building()
    result = runner.invoke(args=["rebuild-store-years"])
    assert result.exit_code == 0 and f"{len(expected)} rows; {len(expected)} rows corrected" in result.output
    with app.app_context():
        assert store_years.stored_rows() == expected
        assert not store_years.needs_building()
        assert db.session.scalar(select(ComplianceRule.id).limit(1)) is not None


def test_a_status_row_gives_back_the_facts_it_was_made_from():
    """Every zone of the policy has its two columns, and facts_of reads back what status_row wrote."""
    table_columns = set(StoreYearStatus.__table__.c.keys())
    for zone in policy.ZONES:
        assert {f"{zone}_eco", f"{zone}_total"} <= table_columns
    when = datetime(2025, 5, 1, 3, tzinfo=UTC)
    for zones in (
        {},
        {"checkout": policy.ZoneCount(3, 7)},
        {z: policy.ZoneCount(n, 2 * n + 1) for n, z in enumerate(policy.ZONES)},
    ):
        facts = policy.SurveyFacts(str(uuid.uuid4()), "inspection", "approved", when, when, zones, 4)
        row = store_years.status_row(1, 2025, "all", facts, True)
        assert store_years.facts_of(tuple(row[name] for name in store_years.FACT_COLUMN_NAMES)) == facts
