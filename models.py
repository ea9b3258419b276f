"""The database: typed SQLAlchemy 2 models and the shared `db` extension.

Timestamps are stored in UTC (naive columns hold UTC by convention, set through
`utcnow`); dates the policy reasons about (opened/closed, unit validity) are plain
calendar dates. Nothing here imports the Flask app.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

# Stable constraint names let Alembic alter tables on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The roles of a province's staff, and the Ministry's, which belongs to no province and changes
# nothing (docs/provinces.md).
PROVINCE_ROLES = ("inspector", "reviewer", "admin")
ROLES = (*PROVINCE_ROLES, "ministry")
STORE_CLASSES = ("I", "II", "III")


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a check that a column holds one of a vocabulary's codes: "role IN ('inspector', …)"."""
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime, the way it is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


class AdminUnit(db.Model):
    __tablename__ = "admin_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # The province above the unit; null for a province itself (docs/provinces.md).
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)

    parent: Mapped[AdminUnit | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    province: Mapped[AdminUnit | None] = relationship(remote_side=[id], foreign_keys=[province_id])

    def __repr__(self) -> str:
        return f"<AdminUnit {self.code}>"


class Store(db.Model):
    __tablename__ = "store"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(30), index=True)
    store_class: Mapped[str | None] = mapped_column(String(10))
    unit_id: Mapped[int] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    # The unit the store belonged to before the reform of 01/07/2025, when it existed then.
    legacy_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    chain: Mapped[str] = mapped_column(String(200), default="")
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Code, name and address folded to lower case without accents, so that "pho hien" and
    # "PHỐ HIẾN" find "Phố Hiến" alike on SQLite and PostgreSQL (survey.domain.search).
    search_key: Mapped[str] = mapped_column(String(600), default="")
    # The province above its unit, kept in step with the unit on every write (domain/provinces/rows.py).
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)

    unit: Mapped[AdminUnit] = relationship(foreign_keys=[unit_id])
    legacy_unit: Mapped[AdminUnit | None] = relationship(foreign_keys=[legacy_unit_id])
    province: Mapped[AdminUnit | None] = relationship(foreign_keys=[province_id])

    # Codes are unique whatever their capitals: "demo-001" and "DEMO-001" are one store.
    __table_args__ = (Index("uq_store_code_lower", func.lower(code), unique=True),)

    def __repr__(self) -> str:
        return f"<Store {self.code}>"


class UnitSuccessor(db.Model):
    """The official conversion of 01/07/2025: an abolished unit and a unit in force that took it over.

    An old commune split between several new ones has several rows, one of them the
    default the official conversion names for an address without a street.
    """

    __tablename__ = "unit_successor"

    id: Mapped[int] = mapped_column(primary_key=True)
    old_unit_id: Mapped[int] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    new_unit_id: Mapped[int] = mapped_column(ForeignKey("admin_unit.id"))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)

    old_unit: Mapped[AdminUnit] = relationship(foreign_keys=[old_unit_id])
    new_unit: Mapped[AdminUnit] = relationship(foreign_keys=[new_unit_id])

    __table_args__ = (UniqueConstraint("old_unit_id", "new_unit_id", name="old_new"),)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Part of every session and remember cookie of this user; raising it ends them all
    # (log-out, a new password, a new role, deactivation: see survey/domain/accounts.py).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The province whose data the user sees and changes; null for the Ministry's users.
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)

    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="role"),)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses log-in to deactivated users
        return bool(self.active)

    def get_id(self) -> str:
        """What the session and the remember cookie hold: the id and the session generation,
        plus a random mark of this log-in (set by the log-in view) so no two log-ins share a cookie."""
        mark = getattr(self, "login_mark", None)
        return f"{self.id}:{self.session_generation or 0}" + (f":{mark}" if mark else "")

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Tell whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class PackagingCategory(db.Model):
    __tablename__ = "packaging_category"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    eco: Mapped[bool] = mapped_column(Boolean)
    zones: Mapped[str] = mapped_column(String(100))  # ";"-separated, as in the CSV
    label_vi: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def zone_list(self) -> list[str]:
        return [zone for zone in self.zones.split(";") if zone]


class EcoLabelType(db.Model):
    __tablename__ = "eco_label_type"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    counted: Mapped[bool] = mapped_column(Boolean)
    label_vi: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ComplianceRule(db.Model):
    """One version of the rule for one phase; edits add a version, never overwrite."""

    __tablename__ = "compliance_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_first_year: Mapped[int] = mapped_column(Integer)
    phase_last_year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    target_pct: Mapped[int] = mapped_column(Integer)
    zones: Mapped[str] = mapped_column(String(100))  # ";"-separated
    min_eco_share_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # A province's own version; null for the national default every province starts from.
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)

    __table_args__ = (
        UniqueConstraint("province_id", "phase_first_year", "version", name="phase_version"),
        # NULLs are distinct to a unique key: the national versions need their own, or two racing saves
        # of the national rule would both store the same version.
        Index(
            "uq_compliance_rule_national_version",
            "phase_first_year",
            "version",
            unique=True,
            sqlite_where=text("province_id IS NULL"),
            postgresql_where=text("province_id IS NULL"),
        ),
    )

    @property
    def zone_list(self) -> list[str]:
        return [zone for zone in self.zones.split(";") if zone]


class Survey(db.Model):
    """One store visit; immutable once stored, except for its review state."""

    __tablename__ = "survey"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # made by the client
    # None while the survey's store is a proposal from the field not yet added to the registry
    # (or never: a rejected proposal); such a survey counts nowhere (docs/store-proposals.md).
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    store_proposal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("store_proposal.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    visited_offset_min: Mapped[int] = mapped_column(Integer, default=420)
    # Calendar year in Asia/Ho_Chi_Minh, kept so that yearly figures need no
    # database-specific time-zone functions.
    visit_year: Mapped[int] = mapped_column(Integer)
    form_version: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    skus_checked: Mapped[int | None] = mapped_column(Integer)
    # Customers watched at the checkout while counting its bags (the tally), when the phone says.
    transactions_observed: Mapped[int | None] = mapped_column(Integer)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))
    review_state: Mapped[str] = mapped_column(String(20), default="received")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The last review decision's reason and time, for the sender's list of surveys.
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A correction is a new survey that supersedes an earlier one of the same store and sender;
    # the unique key makes a second correction of the same survey fail, however it races.
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("survey.id"), unique=True)
    superseded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("survey.id"))
    # Who sent a self-report, if they chose to say: for the reviewer's eyes only, never in the API or exports.
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_phone: Mapped[str | None] = mapped_column(String(30))
    # The SHA-256 of the random id in the reporting phone's cookie (never the id): a self-report's
    # phone, for the pending cap per phone and the burst flag. Reviewers' eyes only, like the above.
    reporter_device: Mapped[str | None] = mapped_column(String(64), index=True)
    # The province of its store or store proposal, written with the survey (domain/sync_rows.py).
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)

    store: Mapped[Store | None] = relationship()
    store_proposal: Mapped[StoreProposal | None] = relationship()
    submitted_by: Mapped[User | None] = relationship()
    packaging: Mapped[list[PackagingLine]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="PackagingLine.id"
    )
    eco_labels: Mapped[list[EcoLabelLine]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="EcoLabelLine.id"
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="Photo.position"
    )
    products: Mapped[list[SurveyProduct]] = relationship(cascade="all, delete-orphan", order_by="SurveyProduct.gtin")

    __table_args__ = (
        CheckConstraint("source IN ('inspection', 'self_report')", name="source"),
        CheckConstraint(
            "review_state IN ('received', 'has_issues', 'approved', 'rejected')",
            name="review_state",
        ),
        Index("ix_survey_year_store", "visit_year", "store_id", "visited_at"),
    )


class StoreYearStatus(db.Model):
    """A store's deciding survey of a year, with its zone totals, its eco-label count and its verdict.

    Kept up to date in the same transaction as every write that changes it
    (survey/domain/store_years.py), so that the figures read one row per store however many
    surveys the years have piled up. One row per store, year and scope: "all" surveys, or one
    source alone (the dashboard's split by source). A store-year with no counted survey has no row.
    Whether the store is in scope that year (type, opening, closing) is read from the store itself.
    """

    __tablename__ = "store_year_status"

    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("survey.id"))
    # The deciding survey's own facts, copied so that reading needs no other table.
    source: Mapped[str] = mapped_column(String(20))
    review_state: Mapped[str] = mapped_column(String(20))
    visited_at: Mapped[datetime] = mapped_column(DateTime)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    # Eco units and all units per zone of policy.ZONES; null when the survey has no line in the zone.
    checkout_eco: Mapped[int | None] = mapped_column(Integer)
    checkout_total: Mapped[int | None] = mapped_column(Integer)
    store_packed_eco: Mapped[int | None] = mapped_column(Integer)
    store_packed_total: Mapped[int | None] = mapped_column(Integer)
    eco_label_skus: Mapped[int] = mapped_column(Integer)  # counted label types only
    compliant: Mapped[bool] = mapped_column(Boolean)  # by the rule in force for the year

    __table_args__ = (
        CheckConstraint("scope IN ('all', 'inspection', 'self_report')", name="scope"),
        # A year's rows of a scope, read whole when found products are counted (survey/domain/sums.py).
        Index("ix_store_year_status_year_scope", "year", "scope"),
    )


class PackagingLine(db.Model):
    __tablename__ = "packaging_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("survey.id"), index=True)
    zone: Mapped[str] = mapped_column(String(20))
    category_code: Mapped[str] = mapped_column(ForeignKey("packaging_category.code"))
    count: Mapped[int] = mapped_column(Integer)

    survey: Mapped[Survey] = relationship(back_populates="packaging")
    category: Mapped[PackagingCategory] = relationship()

    __table_args__ = (
        UniqueConstraint("survey_id", "zone", "category_code", name="survey_zone_category"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )


class EcoLabelLine(db.Model):
    __tablename__ = "eco_label_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("survey.id"), index=True)
    label_code: Mapped[str] = mapped_column(ForeignKey("eco_label_type.code"))
    product_group: Mapped[str] = mapped_column(String(200), default="")
    sku_count: Mapped[int] = mapped_column(Integer)

    survey: Mapped[Survey] = relationship(back_populates="eco_labels")
    label: Mapped[EcoLabelType] = relationship()

    __table_args__ = (CheckConstraint("sku_count >= 0", name="sku_count_not_negative"),)


class Photo(db.Model):
    """A photo a survey lists. The row comes with the survey; the picture arrives on its own
    (PUT /api/v1/photos/<id>) and is kept, re-encoded, in the photo storage (survey/domain/photos.py)."""

    __tablename__ = "photo"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # made by the phone
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("survey.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str] = mapped_column(String(120), default="")
    received_at: Mapped[datetime | None] = mapped_column(DateTime)
    # SHA-256 of the bytes as sent: the same bytes again are a harmless repeat, others a conflict.
    upload_hash: Mapped[str | None] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    stored_bytes: Mapped[int | None] = mapped_column(Integer)  # the kept picture and its thumbnail
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)  # its survey's

    survey: Mapped[Survey] = relationship(back_populates="photos")


class StoreLink(db.Model):
    """A store's secret self-report link. Only a digest of the token is stored, for look-up;
    the token itself is re-derived from the nonce with the app's secret when a QR is drawn."""

    __tablename__ = "store_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    nonce: Mapped[str] = mapped_column(String(64))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)  # its store's

    store: Mapped[Store] = relationship()


class AuditEntry(db.Model):
    """Who changed what, when, from what to what: review decisions, rule edits."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(80))
    from_value: Mapped[str] = mapped_column(String(200), default="")
    to_value: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    # The province the change was made in; null for a change of no province (the Ministry's users).
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)

    actor: Mapped[User | None] = relationship()


class ReportSettings(db.Model):
    """What an admin sets once for the yearly report: issuing body, symbol, signer, recipients (one row)."""

    __tablename__ = "report_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_body: Mapped[str] = mapped_column(String(120))  # cơ quan chủ quản: UBND TỈNH HƯNG YÊN
    issuing_body: Mapped[str] = mapped_column(String(120))  # cơ quan ban hành: SỞ CÔNG THƯƠNG
    symbol: Mapped[str] = mapped_column(String(40))  # ký hiệu: BC-SCT, after "Số: …/"
    place: Mapped[str] = mapped_column(String(60))  # địa danh: Hưng Yên
    addressee: Mapped[str] = mapped_column(String(200))  # kính gửi
    signer_authority: Mapped[str] = mapped_column(String(60))  # KT. GIÁM ĐỐC; empty when the head signs
    signer_position: Mapped[str] = mapped_column(String(120))  # PHÓ GIÁM ĐỐC
    signer_name: Mapped[str] = mapped_column(String(120))
    recipients: Mapped[str] = mapped_column(Text)  # one per line
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)  # one row each


class SurveyRound(db.Model):
    """A survey round ("đợt khảo sát"): the days in which the stores it covers should be visited.

    The stores are not listed: a round covers every store of its types, in its units or below them,
    open on some day of the round (survey/domain/rounds/coverage.py), so a store added to the
    registry later is covered too."""

    __tablename__ = "survey_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    store_types: Mapped[str] = mapped_column(String(200))  # ";"-separated store type codes
    unit_codes: Mapped[str] = mapped_column(Text, default="")  # ";"-separated; empty for every unit
    self_reports_count: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)

    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)


class RoundAssignment(db.Model):
    """Which inspector visits a store in a round: at most one per store and round."""

    __tablename__ = "round_assignment"

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), primary_key=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    store: Mapped[Store] = relationship()
    inspector: Mapped[User] = relationship()


PROPOSAL_STATUSES = ("waiting", "created", "merged", "rejected")


class StoreProposal(db.Model):
    """A store an inspector found in the field, not in the registry, proposed from the phone.

    Its surveys wait, counting nowhere, until an admin decides: a new store made from it
    ("created"), the same as a store already registered ("merged"), or no store at all
    ("rejected"). docs/store-proposals.md tells the story."""

    __tablename__ = "store_proposal"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # made by the phone
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(String(300), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # SHA-256 of the proposal as sent: the same again is a harmless repeat, other content a conflict.
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))  # the store made or merged into
    comment: Mapped[str] = mapped_column(Text, default="")  # the admin's reason, for a rejection
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)  # the inspector's

    unit: Mapped[AdminUnit | None] = relationship(foreign_keys=[unit_id])
    inspector: Mapped[User] = relationship(foreign_keys=[inspector_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    store: Mapped[Store | None] = relationship()

    __table_args__ = (CheckConstraint(one_of("status", PROPOSAL_STATUSES), name="status"),)


class Product(db.Model):
    """A certified eco-labelled product of the published list, known by its GTIN (the barcode's number).

    A product counts in a survey only while its certificate is valid on the visit day; an open end
    (no date) is taken as no limit on that side."""

    __tablename__ = "product"

    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(120), default="")
    label_code: Mapped[str] = mapped_column(ForeignKey("eco_label_type.code"))
    certificate_no: Mapped[str] = mapped_column(String(60), default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class SurveyProduct(db.Model):
    """An eco-labelled product a survey found on the shelves, read by its barcode or typed.

    Each GTIN once per survey. `label_code` is the label the inspector saw on the pack: it matters
    only while the GTIN is not on the certified list (a listed product takes the list's label)."""

    __tablename__ = "survey_product"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("survey.id"), index=True)
    gtin: Mapped[str] = mapped_column(String(14), index=True)
    label_code: Mapped[str | None] = mapped_column(ForeignKey("eco_label_type.code"))

    __table_args__ = (UniqueConstraint("survey_id", "gtin", name="survey_gtin"),)


class UncertifiedProduct(db.Model):
    """A GTIN found in a province's surveys but not on the list, that the province's admin marked "not
    certified": from then on it counts for none of that province's surveys, whatever label its pack
    showed. Each province decides its own queue (docs/provinces.md)."""

    __tablename__ = "uncertified_product"

    id: Mapped[int] = mapped_column(primary_key=True)
    gtin: Mapped[str] = mapped_column(String(14), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __table_args__ = (UniqueConstraint("province_id", "gtin", name="province_gtin"),)
