"""Time one year's indicators at 10,000 and at 100,000 surveys (2,000 stores, ten years).

Run: .venv/bin/python bench/dashboard.py   (or `make bench`). Prints figures; asserts nothing.
With DATABASE_URL=postgresql+psycopg://… it also runs on PostgreSQL, in a throw-away schema.
Goal (issue 13): at most 100 ms at 100,000 surveys, and at most 1.5 times the time at 10,000.
Between 10,000 and 100,000 surveys the share of stores surveyed in the year grows too (each
surveyed store costs a little more to read than one not surveyed); from 100,000 to 200,000
only the history grows, which is what the store-year table makes free.
Rows are written with bulk inserts straight into the tables, and the store-year table is then
rebuilt from them (untimed): the bench measures reading.
To measure an older version of the app (one without the store-year table too), name its folder:
    git worktree add /tmp/older <commit> && .venv/bin/python bench/dashboard.py /tmp/older
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from databases import database, kinds  # noqa: E402

from app import create_app  # noqa: E402
from models import AdminUnit, EcoLabelLine, PackagingLine, Store, Survey, db  # noqa: E402
from survey.domain import figures, policy  # noqa: E402
from survey.domain.vocabularies import load_vocabularies  # noqa: E402

STORES = 2_000
YEAR = 2025
RUNS = 7
CHECKOUT = ("PE_BAG", "PAPER", "CUSTOMER_OWN", "CERT_BIO_BAG")
PACKED = ("NATURAL", "EPS_FOAM", "CLING_FILM", "PAPER")


def make_stores(rng: random.Random) -> list[int]:
    province = AdminUnit(code="B", name="Tỉnh", level="province")
    db.session.add(province)
    units = [AdminUnit(code=f"B-{n}", name=f"Xã {n}", level="commune", parent=province) for n in range(100)]
    db.session.add_all(units)
    db.session.flush()
    rows = [
        {
            "code": f"B-{n:05d}",
            "name": f"Siêu thị {n}",
            "type": rng.choice(policy.STORE_TYPES),
            "unit_id": rng.choice(units).id,
            "address": "",
            "chain": "",
            "opened_on": date(rng.randint(2015, 2029), 1, 1) if rng.random() < 0.3 else None,
        }
        for n in range(STORES)
    ]
    db.session.execute(insert(Store), rows)
    db.session.commit()
    return list(db.session.scalars(select(Store.id).order_by(Store.id)))  # in a fixed order: the data must not vary


def add_surveys(rng: random.Random, store_ids: list[int], count: int, rebuild: bool = True) -> None:
    """Add surveys spread over 2021–2030, each with checkout and store-packed lines."""
    surveys, packaging, labels = [], [], []
    start = datetime(2021, 1, 1, tzinfo=policy.LOCAL_TZ)
    for _ in range(count):
        survey_id = uuid.uuid4()
        local = start + timedelta(minutes=rng.randint(0, 10 * 365 * 24 * 60))
        visited = local.astimezone(UTC).replace(tzinfo=None)  # stored as UTC, as the sync does
        source = "inspection" if rng.random() < 0.8 else "self_report"
        surveys.append(
            {
                "id": survey_id,
                "store_id": rng.choice(store_ids),
                "visited_at": visited,
                "visited_offset_min": 420,
                "visit_year": policy.survey_year(local),
                "form_version": 1,
                "notes": "",
                "source": source,
                "review_state": rng.choice(policy.REVIEW_STATES),
                "received_at": visited + timedelta(hours=2),
                "content_hash": survey_id.hex,
            }
        )
        for zone, categories in (("checkout", CHECKOUT), ("store_packed", PACKED)):
            for category in rng.sample(categories, 2):
                packaging.append(
                    {"survey_id": survey_id, "zone": zone, "category_code": category, "count": rng.randint(1, 9)}
                )
        labels.append(
            {"survey_id": survey_id, "label_code": "VN_ECOLABEL", "product_group": "", "sku_count": rng.randint(0, 4)}
        )
    db.session.execute(insert(Survey), surveys)
    db.session.execute(insert(PackagingLine), packaging)
    db.session.execute(insert(EcoLabelLine), labels)
    try:
        from survey.domain import store_years
    except ImportError:  # an older checkout, from before the store-year table
        pass
    else:
        if rebuild:  # the national bench rebuilds once, after all its surveys
            store_years.rebuild()
    db.session.commit()


POINTS = (10_000, 100_000, 200_000)  # surveys in the database at each measurement


def time_indicators() -> tuple[list[float], dict]:
    """The times of RUNS computations of the year's indicators, and the indicators."""
    times = []
    for _ in range(RUNS):
        db.session.expire_all()
        start = time.perf_counter()
        result = figures.year_indicators(YEAR)
        times.append((time.perf_counter() - start) * 1000)
    assert result["stores_in_scope"] > 0
    return times, result


def measure(kind: str, folder: str) -> list[tuple[int, list[float], dict]]:
    rng = random.Random(889)
    found = []
    with database(kind, folder, "dashboard") as (url, options):
        config = {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options, "SECRET_KEY": "bench"}
        app = create_app(config, folder)
        with app.app_context():
            db.create_all()
            load_vocabularies()
            store_ids = make_stores(rng)
            stored = 0
            for point in POINTS:
                add_surveys(rng, store_ids, point - stored)
                stored = point
                found.append((point, *time_indicators()))
            db.engine.dispose()
    return found


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds():
            points = measure(kind, folder)
            print(f"One year's indicators ({YEAR}), {STORES:,} stores, {kind}, median of {RUNS} runs:")
            medians = {}
            for surveys, times, result in points:
                medians[surveys] = statistics.median(times)
                print(
                    f"  {surveys:>7,} surveys: {medians[surveys]:6.1f} ms (min {min(times):.1f}, max {max(times):.1f});"
                    f" {result['stores_surveyed']} stores surveyed that year"
                )
                # The figures themselves, to compare two versions of the app on the same data.
                print(
                    f"    {result['stores_compliant']} compliant, eco share {result['eco_share_avg']} %,"
                    f" {result['eco_label_skus']} eco-labelled SKUs"
                )
            growth, history = medians[100_000] / medians[10_000], medians[200_000] / medians[100_000]
            print(f"  ratio 100k/10k:  {growth:.2f}   (goal: at most 100 ms at 100,000, ratio ≤ 1.5)")
            print(f"  ratio 200k/100k: {history:.2f}   (as many stores surveyed: history alone)")


if __name__ == "__main__":
    main()
