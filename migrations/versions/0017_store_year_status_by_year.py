"""an index of the store-year table by year and scope

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 09:30:00

Counting a year's found products per province reads the year's rows of one scope; without this
index the database reads every year's (bench/national.py, docs/performance.md).
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_store_year_status_year_scope", "store_year_status", ["year", "scope"], unique=False)


def downgrade():
    op.drop_index("ix_store_year_status_year_scope", table_name="store_year_status")
