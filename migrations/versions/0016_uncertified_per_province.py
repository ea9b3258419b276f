"""each province decides its own unlisted products: "not certified" marks gain a province

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 09:00:00

A mark was one per GTIN for the whole deployment; it becomes one per province and GTIN (each
province's admin decides its own queue, docs/provinces.md). The table is small (an admin's
decisions), so it is read, made again with its new key and written back: every mark goes to each
province whose surveys found the GTIN, which is where it applied before; a mark no survey with a
province holds keeps no province, and `init-db` gives it the deployment's one province, as it does
every other row.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

FOUND_IN = sa.text(
    "SELECT DISTINCT survey.province_id FROM survey_product JOIN survey ON survey.id = survey_product.survey_id"
    " WHERE survey_product.gtin = :gtin AND survey.province_id IS NOT NULL"
)


def upgrade():
    bind = op.get_bind()
    marks = bind.execute(sa.text("SELECT gtin, decided_at, decided_by_id FROM uncertified_product")).all()
    rows = []
    for gtin, decided_at, decided_by_id in marks:
        provinces = bind.execute(FOUND_IN, {"gtin": gtin}).scalars().all() or [None]
        for province_id in provinces:
            rows.append({"gtin": gtin, "province_id": province_id, "decided_at": decided_at, "by": decided_by_id})
    op.drop_table("uncertified_product")
    op.create_table(
        "uncertified_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_uncertified_product_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["province_id"], ["admin_unit.id"], name=op.f("fk_uncertified_product_province_id_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uncertified_product")),
        sa.UniqueConstraint("province_id", "gtin", name="province_gtin"),
    )
    op.create_index(op.f("ix_uncertified_product_gtin"), "uncertified_product", ["gtin"], unique=False)
    op.create_index(op.f("ix_uncertified_product_province_id"), "uncertified_product", ["province_id"], unique=False)
    insert_marks(bind, rows)


def insert_marks(bind, rows):
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO uncertified_product (gtin, province_id, decided_at, decided_by_id)"
                " VALUES (:gtin, :province_id, :decided_at, :by)"
            ),
            rows,
        )


def downgrade():
    bind = op.get_bind()
    marks = bind.execute(
        sa.text("SELECT gtin, MIN(decided_at), MIN(decided_by_id) FROM uncertified_product GROUP BY gtin")
    ).all()
    op.drop_index(op.f("ix_uncertified_product_province_id"), table_name="uncertified_product")
    op.drop_index(op.f("ix_uncertified_product_gtin"), table_name="uncertified_product")
    op.drop_table("uncertified_product")
    op.create_table(
        "uncertified_product",
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_uncertified_product_decided_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("gtin", name=op.f("pk_uncertified_product")),
    )
    if marks:  # a mark of any province applied to every province before
        bind.execute(
            sa.text("INSERT INTO uncertified_product (gtin, decided_at, decided_by_id) VALUES (:g, :d, :b)"),
            [{"g": gtin, "d": decided_at, "b": by} for gtin, decided_at, by in marks],
        )
