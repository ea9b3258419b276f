"""Placing many of a round's stores at once: a unit's to one inspector, or all spread evenly over
several, each unit kept with one inspector where it can.

`spread` is the rule, over plain data: units by size, the largest first, each to the inspector with
the least work so far (what they already hold counts). A unit goes whole, even past the fair
share, unless it alone is larger than the fair share: then it is cut, in store-code order, into
pieces that fill the least loaded inspectors up to it. `spread_lines` applies it to a round: the
stores not yet visited (only those with no active inspector, or all of them), each to an
inspector, as lines for planning.assign, which checks and audits them like any other.
`unit_lines` gives one inspector the stores not yet visited of a unit and of the units below it.

Stores already visited keep their inspector either way: the figures by inspector stay the visits made.
"""

from __future__ import annotations

import math
from collections import defaultdict

from sqlalchemy import or_, select

from models import Store, SurveyRound, db
from survey.domain.rounds import coverage, progress
from survey.domain.rounds.payloads import AssignmentLine


def fair_share(sizes: list[int], loads: dict[str, int]) -> int:
    """The most stores any inspector should end with if the work were cut perfectly even."""
    return math.ceil((sum(sizes) + sum(loads.values())) / len(loads))


def least_loaded(loads: dict[str, int], order: dict[str, int]) -> str:
    """The inspector with the least work; on a tie, the one named first."""
    return min(loads, key=lambda name: (loads[name], order[name]))


def spread(units: dict[str, list[str]], inspectors: list[str], loads: dict[str, int] | None = None) -> dict[str, str]:
    """Each store (of `units`: unit key -> store codes) given to one of `inspectors`, who may already
    hold `loads` stores each. Deterministic: the same input gives the same plan."""
    if not inspectors:
        raise ValueError("no inspector to spread the stores over")
    order = {name: index for index, name in enumerate(dict.fromkeys(inspectors))}
    work = {name: (loads or {}).get(name, 0) for name in order}
    share = fair_share([len(codes) for codes in units.values()], work)
    plan: dict[str, str] = {}
    for key in sorted(units, key=lambda key: (-len(units[key]), key)):
        codes = sorted(units[key])
        if len(codes) <= share:
            chosen = least_loaded(work, order)
            plan |= dict.fromkeys(codes, chosen)
            work[chosen] += len(codes)
            continue
        while codes:  # larger than anyone's share: fill the least loaded up to it, piece by piece
            chosen = least_loaded(work, order)
            piece = max(share - work[chosen], 1)
            plan |= dict.fromkeys(codes[:piece], chosen)
            work[chosen] += len(codes[:piece])
            codes = codes[piece:]
    return plan


def spread_lines(round_: SurveyRound, inspectors: list[str], also_assigned: bool) -> list[AssignmentLine]:
    """The round's stores not yet visited, spread over the inspectors named (by username) as lines to
    assign. Only the stores with no active inspector, unless `also_assigned`: then every store not yet
    visited is spread again. The stores an inspector keeps count as their load."""
    rows = progress.covered_rows(round_)
    visited = progress.visited_store_ids(round_, {row.id for row in rows})
    units: dict[str, list[str]] = defaultdict(list)
    loads: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.id not in visited and (also_assigned or row.username is None):
            units[row.unit_code].append(row.code)
        elif row.id not in visited and row.username in inspectors:
            loads[row.username] += 1
    plan = spread(units, inspectors, loads)
    return [AssignmentLine(store_code=code, inspector=inspector) for code, inspector in sorted(plan.items())]


def unit_lines(round_: SurveyRound, unit_code: str, inspector: str | None) -> list[AssignmentLine]:
    """The stores of the unit and the units below it (by their unit or their unit before the reform)
    that the round covers and that were not yet visited, each as a line giving it to `inspector`."""
    unit_ids = coverage.unit_ids_of([unit_code])
    query = select(Store.id, Store.code).where(
        coverage.covered_condition(round_), or_(Store.unit_id.in_(unit_ids), Store.legacy_unit_id.in_(unit_ids))
    )
    stores = dict(db.session.execute(query).all())
    visited = progress.visited_store_ids(round_, set(stores))
    codes = sorted(code for store_id, code in stores.items() if store_id not in visited)
    return [AssignmentLine(store_code=code, inspector=inspector) for code in codes]
