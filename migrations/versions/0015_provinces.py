"""provinces on one deployment: the province of every user and every scoped row, the ministry role

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 05:40:00

Each scoped table gains a nullable `province_id` (docs/provinces.md); `init-db` then fills it
(survey/domain/provinces/moving.py): from the unit tree where it can, and with the one province
of a deployment that holds exactly one. A rule version becomes unique per province, and the
role check admits `ministry`. On SQLite the tables are copied in batch mode.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SCOPED = (
    "admin_unit",
    "audit_entry",
    "compliance_rule",
    "photo",
    "report_settings",
    "store",
    "store_link",
    "store_proposal",
    "survey",
    "survey_round",
    "user_account",
)
OLD_ROLES = "role IN ('inspector', 'reviewer', 'admin')"
NEW_ROLES = "role IN ('inspector', 'reviewer', 'admin', 'ministry')"


def upgrade():
    for table in SCOPED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("province_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_province_id"), ["province_id"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_province_id_admin_unit"), "admin_unit", ["province_id"], ["id"]
            )
    restore_code_index()
    with op.batch_alter_table("compliance_rule", schema=None) as batch_op:
        batch_op.drop_constraint("phase_version", type_="unique")
        batch_op.create_unique_constraint("phase_version", ["province_id", "phase_first_year", "version"])
        # NULLs are distinct to a unique key: the national versions (no province) get their own.
        batch_op.create_index(
            "uq_compliance_rule_national_version",
            ["phase_first_year", "version"],
            unique=True,
            sqlite_where=sa.text("province_id IS NULL"),
            postgresql_where=sa.text("province_id IS NULL"),
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_account_role"), NEW_ROLES)


def downgrade():
    ministry = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM user_account WHERE role = 'ministry'")).scalar()
    if ministry:
        raise RuntimeError(f"{ministry} users have the ministry role, which the old schema cannot hold")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_account_role"), OLD_ROLES)
    with op.batch_alter_table("compliance_rule", schema=None) as batch_op:
        batch_op.drop_index("uq_compliance_rule_national_version")
        batch_op.drop_constraint("phase_version", type_="unique")
        batch_op.create_unique_constraint("phase_version", ["phase_first_year", "version"])
    for table in reversed(SCOPED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_province_id_admin_unit"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_province_id"))
            batch_op.drop_column("province_id")
    restore_code_index()


def restore_code_index():
    """SQLite's batch copy of the store table loses the index on lower(code), which it cannot reflect."""
    if op.get_bind().dialect.name == "sqlite":
        op.create_index("uq_store_code_lower", "store", [sa.text("lower(code)")], unique=True)
