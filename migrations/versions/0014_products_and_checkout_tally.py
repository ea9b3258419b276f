"""certified products, the products a survey found, the customers watched at the checkout

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 02:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "product",
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("brand", sa.String(length=120), nullable=False),
        sa.Column("label_code", sa.String(length=40), nullable=False),
        sa.Column("certificate_no", sa.String(length=60), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["label_code"], ["eco_label_type.code"], name=op.f("fk_product_label_code_eco_label_type")),
        sa.PrimaryKeyConstraint("gtin", name=op.f("pk_product")),
    )
    op.create_table(
        "survey_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("label_code", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["label_code"], ["eco_label_type.code"], name=op.f("fk_survey_product_label_code_eco_label_type")
        ),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], name=op.f("fk_survey_product_survey_id_survey")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_product")),
        sa.UniqueConstraint("survey_id", "gtin", name="survey_gtin"),
    )
    op.create_index(op.f("ix_survey_product_gtin"), "survey_product", ["gtin"], unique=False)
    op.create_index(op.f("ix_survey_product_survey_id"), "survey_product", ["survey_id"], unique=False)
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
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transactions_observed", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_column("transactions_observed")
    op.drop_table("uncertified_product")
    op.drop_index(op.f("ix_survey_product_survey_id"), table_name="survey_product")
    op.drop_index(op.f("ix_survey_product_gtin"), table_name="survey_product")
    op.drop_table("survey_product")
    op.drop_table("product")
