"""Time the Ministry's national comparison and one province's dashboard figures (issue 23).

Run: .venv/bin/python bench/national.py [SURVEYS]   Prints figures; asserts nothing.
With DATABASE_URL=postgresql+psycopg://… it also runs on PostgreSQL, in a throw-away schema.
The national point: 34 provinces of 300 stores in scope each (10,200 stores) and SURVEYS surveys
(1,000,000 by default) over 2021–2030. The one-province point, in the same run: one province of
300 stores alone, with a 34th of the surveys. Goals: the national comparison (the page's figures) at
most 200 ms, one province's figures at most 100 ms, each given as a ratio against the one-province
point; the API's answer, with the nation's breakdowns by unit and type, is timed too.
Rows are written with bulk inserts and the store-year table is rebuilt from them (untimed).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import add_surveys  # noqa: E402
from databases import database, kinds  # noqa: E402

from app import create_app  # noqa: E402
from models import AdminUnit, Store, Survey, db  # noqa: E402
from survey.domain import figures, planner_statistics, policy, store_years  # noqa: E402
from survey.domain.provinces import national, tenancy  # noqa: E402
from survey.domain.vocabularies import load_vocabularies  # noqa: E402

PROVINCES, STORES, YEAR, RUNS = 34, 300, 2025, 7
SURVEYS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
CHUNK = 50_000


def make_provinces(rng: random.Random, count: int) -> dict[int, list[int]]:
    """`count` provinces of STORES stores in scope each, in 20 communes; their store ids by province."""
    found = {}
    for p in range(count):
        province = AdminUnit(code=f"P{p:02d}", name=f"Tỉnh {p:02d}", level="province")
        db.session.add(province)
        units = [AdminUnit(code=f"P{p:02d}-{n}", name=f"Xã {n}", level="commune", parent=province) for n in range(20)]
        db.session.add_all(units)
        db.session.flush()
        rows = [
            {
                "code": f"P{p:02d}-{n:04d}",
                "name": f"Siêu thị {p}-{n}",
                "type": rng.choice(policy.IN_SCOPE_TYPES),
                "unit_id": rng.choice(units).id,
                "province_id": province.id,  # a bulk insert passes no flush listener
                "address": "",
                "chain": "",
            }
            for n in range(STORES)
        ]
        db.session.execute(insert(Store), rows)
        found[province.id] = list(
            db.session.scalars(select(Store.id).where(Store.province_id == province.id).order_by(Store.id))
        )
    db.session.commit()
    return found


def fill(rng: random.Random, stores: dict[int, list[int]], surveys: int) -> None:
    """Surveys spread evenly over the stores, each in its store's province; the store-year table built."""
    all_ids = [store for ids in stores.values() for store in ids]
    province_of = {store: province for province, ids in stores.items() for store in ids}
    for start in range(0, surveys, CHUNK):
        add_surveys(rng, all_ids, min(CHUNK, surveys - start), rebuild=False)
    db.session.execute(
        Survey.__table__.update().values(
            province_id=select(Store.province_id).where(Store.id == Survey.store_id).scalar_subquery()
        )
    )
    store_years.rebuild()
    db.session.commit()
    planner_statistics.gather()  # as a running database has them (init-db, PostgreSQL's autovacuum)
    assert len(province_of) == len(all_ids)


def timed(work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(RUNS):
        db.session.expire_all()
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def one_province(stores: dict[int, list[int]]):
    first = next(iter(stores))

    def work():
        with tenancy.scoped_to(first):
            return figures.year_indicators(YEAR)

    return work


def measure(kind: str, folder: str) -> dict[str, float]:
    rng = random.Random(889)
    found = {}
    for name, count, surveys in (("alone", 1, SURVEYS // PROVINCES), ("national", PROVINCES, SURVEYS)):
        with database(kind, folder, f"national_{name}") as (url, options):
            config = {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options, "SECRET_KEY": "bench"}
            app = create_app(config, folder)
            with app.app_context():
                db.create_all()
                load_vocabularies()
                stores = make_provinces(rng, count)
                started = time.perf_counter()
                fill(rng, stores, surveys)
                print(f"  ({kind}, {name}: {surveys:,} surveys written in {time.perf_counter() - started:.0f} s)")
                found[f"{name} province"], result = timed(one_province(stores))
                if name == "national":
                    page = lambda: national.national_indicators(YEAR, breakdowns=False)  # noqa: E731
                    found["national comparison"], nation = timed(page)
                    assert len(nation["by_province"]) == PROVINCES and nation["stores_in_scope"] > 0
                    found["national API"], _ = timed(lambda: national.national_indicators(YEAR))
                assert result["stores_in_scope"] == STORES
                db.engine.dispose()
    return found


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds():
            found = measure(kind, folder)
            base = found["alone province"]
            print(f"{kind}, {YEAR}, median of {RUNS} runs; {PROVINCES} × {STORES} stores, {SURVEYS:,} surveys:")
            print(f"  one province alone ({STORES} stores, {SURVEYS // PROVINCES:,} surveys): {base:6.1f} ms")
            for label, goal in (("national province", 100), ("national comparison", 200), ("national API", 200)):
                value = found[label]
                print(f"  {label:<21} {value:6.1f} ms  ratio {value / base:5.2f}  (goal: at most {goal} ms)")


if __name__ == "__main__":
    main()
