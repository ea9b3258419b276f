"""Demo data, clearly named as demo: units, stores, users with fresh passwords, surveys.

Seeding is idempotent: units and stores are upserted, demo users get new random
passwords, and surveys have fixed UUIDs, so a second run adds nothing twice.
"""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from models import AdminUnit, Product, Store, User, db
from survey.domain import official_units, policy, sync
from survey.domain.products import gtin
from survey.domain.provinces import places

DEMO_USERS = (("demo-inspector", "inspector"), ("demo-reviewer", "reviewer"), ("demo-admin", "admin"))
DEMO_NAMESPACE = uuid.UUID("6f1c1f9e-6a59-4c36-9d0f-5d0a4f0b2d11")

# The province's real units: each store sits in a commune in force and, when it was open
# before 01/07/2025, in the old commune it belonged to then (official codes, see docs/units.md).
DEMO_PROVINCE = "33"
# code, name, type, class, unit in force, unit before the reform, opened, closed
DEMO_STORES = (
    ("DEMO-001", "[Demo] Siêu thị Phố Hiến", "supermarket", "II", "11953", "L-11953", date(2019, 5, 1), None),
    ("DEMO-002", "[Demo] Trung tâm thương mại Mỹ Hào", "commercial_centre", "III", "12103", "L-12103",
     date(2021, 3, 15), None),
    ("DEMO-003", "[Demo] Siêu thị Văn Giang", "supermarket", "III", "12019", "L-12019", None, date(2024, 12, 31)),
    ("DEMO-004", "[Demo] Cửa hàng tiện lợi Như Quỳnh", "convenience_store", None, "11986", "L-11986", None, None),
    ("DEMO-005", "[Demo] Siêu thị Yên Mỹ", "supermarket", "I", "12052", "L-12052", date(2018, 1, 10), None),
    ("DEMO-006", "[Demo] Siêu thị Khoái Châu", "supermarket", None, "12205", "L-12205", date(2020, 8, 1), None),
    ("DEMO-007", "[Demo] Trung tâm thương mại Sơn Nam", "commercial_centre", "II", "11983", None,
     date(2025, 9, 1), None),
    ("DEMO-008", "[Demo] Siêu thị Lương Bằng", "supermarket", "III", "12280", "L-12280", date(2017, 4, 2), None),
    ("DEMO-009", "[Demo] Siêu thị Tiên Lữ", "supermarket", None, "12337", "L-12337", date(2022, 6, 1), None),
    ("DEMO-010", "[Demo] Chợ Ân Thi", "market", None, "12142", "L-12142", None, None),
    ("DEMO-011", "[Demo] Siêu thị Hồng Châu", "supermarket", "II", "11980", "L-11968", date(2023, 2, 1), None),
    ("DEMO-012", "[Demo] Siêu thị Tân Hưng", "supermarket", "III", "11977", "L-12385", date(2024, 11, 20), None),
    ("DEMO-013", "[Demo] Trung tâm thương mại Thái Bình", "commercial_centre", "I", "12452", "L-12452",
     date(2019, 10, 1), None),
)  # fmt: skip


# Certified products, named as demo; their GTINs get a real check digit. The 2026 demo surveys list
# products read by barcode (and one unlisted product), so the products pages and figures have data.
DEMO_PRODUCTS = (
    ("893600000001", "[Demo] Túi giấy kraft", "Giấy Xanh", "VN_ECOLABEL", date(2024, 3, 1), date(2027, 2, 28)),
    ("893600000002", "[Demo] Túi ni lông tự hủy", "Bao Bì Việt", "ECO_BAG_CERT", date(2023, 1, 1), date(2025, 12, 31)),
    ("893600000003", "[Demo] Nước rửa chén sinh học", "Sạch Tự Nhiên", "VN_ECOLABEL", date(2025, 5, 1), None),
    ("893600000004", "[Demo] Hộp bã mía", "Mía Xanh", "VN_ECOLABEL", date(2024, 9, 1), date(2027, 8, 31)),
)
DEMO_UNLISTED = "893600000009"


def demo_gtin(body: str) -> str:
    return body + str(gtin.check_digit(body))


def logins_path() -> Path:
    return Path(current_app.instance_path) / "demo-logins.txt"


def seed() -> None:
    """Load the demo units, stores, users and surveys."""
    official_units.load_official(DEMO_PROVINCE)
    seed_stores()
    seed_products()
    users = seed_users()
    seed_surveys(users["demo-inspector"])


def seed_stores() -> None:
    """Upsert the demo stores."""
    units = {unit.code: unit for unit in db.session.scalars(select(AdminUnit))}
    for code, name, kind, klass, unit_code, legacy_code, opened, closed in DEMO_STORES:
        store = db.session.scalar(select(Store).where(Store.code == code)) or Store(code=code)
        store.name, store.type, store.store_class, store.unit = name, kind, klass, units[unit_code]
        store.legacy_unit = units[legacy_code] if legacy_code else None
        store.address, store.opened_on, store.closed_on = f"Địa chỉ mẫu, {units[unit_code].name}", opened, closed
        db.session.add(store)
    db.session.commit()


def seed_products() -> None:
    """The demo's certified-product list, upserted by GTIN."""
    for body, name, brand, label, valid_from, valid_to in DEMO_PRODUCTS:
        product = db.session.get(Product, demo_gtin(body)) or Product(gtin=demo_gtin(body))
        product.name, product.brand, product.label_code = name, brand, label
        product.certificate_no, product.valid_from, product.valid_to = f"[Demo] {body[-4:]}", valid_from, valid_to
        db.session.add(product)
    db.session.commit()


def demo_products(rng: random.Random) -> list[dict]:
    """A few listed products read by barcode, and now and then one the list does not hold."""
    chosen = [{"gtin": demo_gtin(row[0])} for row in rng.sample(DEMO_PRODUCTS, rng.randint(1, len(DEMO_PRODUCTS)))]
    if rng.random() < 0.3:
        chosen.append({"gtin": demo_gtin(DEMO_UNLISTED), "label": "ECO_BAG_CERT"})
    return chosen


def seed_users() -> dict[str, User]:
    """Create the demo users with new random passwords and note them in instance/."""
    users, lines = {}, []
    province = places.by_code(DEMO_PROVINCE)  # the demo's staff work in the demo's province
    for username, role in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.username == username)) or User(username=username)
        password = secrets.token_urlsafe(9)
        user.role, user.active = role, True
        user.province_id = province.id if province is not None else None
        user.set_password(password)
        db.session.add(user)
        users[username] = user
        lines.append(f"{role:<10} {username:<16} {password}")
    db.session.commit()
    path = logins_path()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return users


def demo_packaging(rng: random.Random, year: int, good: bool) -> list[dict]:
    """Counts that look like a real visit: better stores and later years use fewer PE bags."""
    pe_bags = 0 if good else rng.randint(1, 12)
    checkout = [
        {"zone": "checkout", "category": "PE_BAG", "count": pe_bags},
        {"zone": "checkout", "category": "PAPER", "count": rng.randint(4, 14)},
        {"zone": "checkout", "category": "CUSTOMER_OWN", "count": rng.randint(2, 10)},
        {"zone": "checkout", "category": "CERT_BIO_BAG", "count": rng.randint(0, 8)},
    ]
    packed = [
        {"zone": "store_packed", "category": "NATURAL", "count": rng.randint(2, 10)},
        {"zone": "store_packed", "category": "PAPER", "count": rng.randint(2, 8)},
        {"zone": "store_packed", "category": "EPS_FOAM", "count": 0 if good and year >= 2026 else rng.randint(0, 5)},
        {"zone": "store_packed", "category": "CLING_FILM", "count": 0 if good and year >= 2026 else rng.randint(0, 4)},
    ]
    return [line for line in checkout + packed if line["count"] or line["category"] == "PE_BAG"]


def seed_surveys(inspector: User) -> None:
    """One or two visits a year per demo store, through the same path as the phone's."""
    rng = random.Random(889)
    payloads = []
    for code, _name, _kind, _klass, _unit, _legacy, opened, closed in DEMO_STORES:
        for year in range(2021, 2027):
            first_day = max(date(year, 1, 1), opened or date(year, 1, 1))
            last_day = min(date(year, 11, 30), closed or date(year, 12, 31), date.today() - timedelta(days=1))
            if first_day > last_day or rng.random() < 0.15:
                continue  # some stores go unsurveyed in some years, as in the field
            good = rng.random() < 0.35 + 0.1 * (year - 2021)
            day = first_day + timedelta(days=rng.randint(0, (last_day - first_day).days))
            visited = datetime(day.year, day.month, day.day, rng.randint(8, 17), 15, tzinfo=policy.LOCAL_TZ)
            payloads.append(
                {
                    "id": str(uuid.uuid5(DEMO_NAMESPACE, f"{code}-{year}")),
                    "store_code": code,
                    "visited_at": visited.isoformat(),
                    "form_version": 1,
                    "packaging": demo_packaging(rng, year, good),
                    "skus_checked": 120,
                    "notes": "[Demo] Phiếu mẫu",
                    **demo_labels(rng, year),
                }
            )
    sync.store_batch(payloads, "inspection", inspector)
    seed_self_reports(rng)


def demo_labels(rng: random.Random, year: int) -> dict:
    """Typed eco-label counts before 2026; from 2026, products read by barcode and customers watched."""
    if year < 2026:
        return {
            "eco_labels": [{"label": "VN_ECOLABEL", "product_group": "chất tẩy rửa", "sku_count": rng.randint(0, 6)}]
        }
    return {"eco_labels": [], "products": demo_products(rng), "transactions_observed": rng.randint(20, 40)}


def seed_self_reports(rng: random.Random) -> None:
    """A few store managers' reports waiting in the reviewers' queue."""
    yesterday = policy.local_now().replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=1)
    for code in ("DEMO-001", "DEMO-006", "DEMO-011"):
        sync.store_survey(
            {
                "id": str(uuid.uuid5(DEMO_NAMESPACE, f"{code}-self-report")),
                "store_code": code,
                "visited_at": yesterday.isoformat(),
                "form_version": 1,
                "packaging": demo_packaging(rng, yesterday.year, rng.random() < 0.5),
                "notes": "[Demo] Cửa hàng tự báo cáo",
            },
            "self_report",
            None,
        )


def print_logins() -> None:
    """Print the demo log-ins kept in instance/."""
    path = logins_path()
    if not path.exists():
        click.echo("Chưa có tài khoản mẫu: chạy `flask --app app seed-demo`. / No demo log-ins yet.")
        return
    click.echo("Tài khoản mẫu / Demo log-ins (vai trò / role, tên / username, mật khẩu / password):")
    click.echo(path.read_text(encoding="utf-8").rstrip())
