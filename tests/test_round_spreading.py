"""Sharing a round's stores out evenly (rounds.spreading): whole units where they fit, a unit cut only
when it alone is larger than a fair share, and what an inspector already holds counted."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from models import Store, SurveyRound, User, db
from survey.domain.rounds import planning, spreading
from survey.domain.rounds.payloads import AssignmentLine
from tests.conftest import CHECKOUT_ALL_ECO, add_store, add_unit, visit


def units_of(**sizes: int) -> dict[str, list[str]]:
    """Units named by keyword, each with that many stores coded UNIT-n."""
    return {unit: [f"{unit}-{n:03d}" for n in range(size)] for unit, size in sizes.items()}


def loads(plan: dict[str, str]) -> Counter:
    return Counter(plan.values())


def inspectors_of_unit(plan: dict[str, str], unit: str) -> set[str]:
    return {inspector for code, inspector in plan.items() if code.startswith(f"{unit}-")}


def test_units_that_fit_stay_whole_and_the_work_is_even():
    units = units_of(A=5, B=4, C=3, D=2)  # 14 stores, two inspectors: 7 each is possible with whole units
    plan = spreading.spread(units, ["lan", "minh"])
    assert loads(plan) == {"lan": 7, "minh": 7}
    for unit in units:
        assert len(inspectors_of_unit(plan, unit)) == 1, unit


def test_a_unit_larger_than_the_fair_share_is_cut_and_only_that_one():
    units = units_of(BIG=10, SMALL=2)  # fair share 6: BIG is cut, SMALL stays whole
    plan = spreading.spread(units, ["lan", "minh"])
    assert loads(plan) == {"lan": 6, "minh": 6}
    assert inspectors_of_unit(plan, "BIG") == {"lan", "minh"}
    assert len(inspectors_of_unit(plan, "SMALL")) == 1
    # Cut in store-code order: the first six codes go together.
    assert {plan[f"BIG-{n:03d}"] for n in range(6)} == {"lan"}


def test_a_unit_of_exactly_the_fair_share_stays_whole():
    # Fair share ceil(9 / 2) = 5: A (5) to lan, B (4) to minh. A unit of the fair share's size stays whole.
    plan = spreading.spread(units_of(A=5, B=4), ["lan", "minh"])
    assert inspectors_of_unit(plan, "A") == {"lan"} and inspectors_of_unit(plan, "B") == {"minh"}


def test_what_an_inspector_already_holds_counts_as_load():
    plan = spreading.spread(units_of(A=3), ["lan", "minh"], loads={"lan": 5})
    assert set(plan.values()) == {"minh"}


def test_every_store_is_given_once_and_the_loads_differ_little():
    rng = random.Random(7)
    units = units_of(**{f"U{n}": rng.randint(1, 40) for n in range(30)})
    names = [f"i{n}" for n in range(7)]
    plan = spreading.spread(units, names)
    assert sorted(plan) == sorted(code for codes in units.values() for code in codes)
    share = spreading.fair_share([len(codes) for codes in units.values()], dict.fromkeys(names, 0))
    assert max(loads(plan).values()) <= share + max(len(codes) for codes in units.values() if len(codes) <= share)
    assert sum(len(inspectors_of_unit(plan, unit)) > 1 for unit in units) <= sum(
        len(codes) > share for codes in units.values()
    )


def test_the_same_input_gives_the_same_plan():
    units = units_of(A=4, B=4, C=4)
    assert spreading.spread(units, ["x", "y"]) == spreading.spread(dict(reversed(units.items())), ["x", "y"])


def test_no_inspector_is_refused():
    with pytest.raises(ValueError):
        spreading.spread(units_of(A=1), [])


# --- on a round ----------------------------------------------------------------------------


@pytest.fixture
def a_round(app):
    """A round over two communes of 4 and 2 supermarkets, with one store visited and one given to inspector2."""
    with app.app_context():
        province = db.session.scalar(select(Store).where(Store.code == "S-001")).unit.parent
        east, west = add_unit("E", "Xã Đông", "commune", province), add_unit("W", "Xã Tây", "commune", province)
        for n in range(4):
            add_store(f"E-{n}", east)
        for n in range(2):
            add_store(f"W-{n}", west)
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        round_ = SurveyRound(
            name="Đợt", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), store_types="supermarket",
            unit_codes="E;W", created_by_id=admin.id,
        )  # fmt: skip
        db.session.add(round_)
        db.session.commit()
        visit("E-0", "2026-02-01T10:00:00+07:00", CHECKOUT_ALL_ECO)
        planning.assign(round_, [AssignmentLine(store_code="W-1", inspector="inspector2")], admin)
        db.session.commit()
        yield round_.id


def test_spreading_a_round_leaves_visited_and_given_stores_alone(app, a_round):
    with app.app_context():
        round_ = db.session.get(SurveyRound, a_round)
        lines = spreading.spread_lines(round_, ["inspector", "inspector2"], also_assigned=False)
        plan = {line.store_code: line.inspector for line in lines}
        assert sorted(plan) == ["E-1", "E-2", "E-3", "W-0"]  # not E-0 (visited), not W-1 (given)
        # inspector2 already holds W-1: the fair share is 3, E's three stay together with the one who has none.
        assert {plan[code] for code in ("E-1", "E-2", "E-3")} == {"inspector"}
        assert plan["W-0"] == "inspector2"


def test_spreading_everything_moves_given_stores_but_never_visited_ones(app, a_round):
    with app.app_context():
        round_ = db.session.get(SurveyRound, a_round)
        lines = spreading.spread_lines(round_, ["inspector"], also_assigned=True)
        assert sorted(line.store_code for line in lines) == ["E-1", "E-2", "E-3", "W-0", "W-1"]


def test_a_units_lines_take_its_stores_left_to_visit(app, a_round):
    with app.app_context():
        round_ = db.session.get(SurveyRound, a_round)
        assert [line.store_code for line in spreading.unit_lines(round_, "E", "inspector")] == ["E-1", "E-2", "E-3"]
        assert len(spreading.unit_lines(round_, "HY", "inspector")) == 5  # the province: both communes
        assert spreading.unit_lines(round_, "NOWHERE", "inspector") == []
