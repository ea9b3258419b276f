"""unit and store names in one spelling: composed (NFC), trimmed, single spaces

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 19:30:00

Names were stored as each channel gave them, so an official list's "Xã  Bắc Đông Quan"
(two spaces) sorted first and never matched the same name typed right. Every channel now
stores names through survey.domain.names.tidy; this fixes the rows already there, in
Python over the rows so that SQLite and PostgreSQL get the very same result. No schema
change, and nothing to undo: the old spellings were mistakes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def tidy_names(connection) -> int:
    """Tidy every unit's and store's name (a store's search key with it); return how many rows changed."""
    from survey.domain.names import tidy
    from survey.domain.search import fold

    changed = 0
    for unit_id, name in connection.execute(sa.text('SELECT id, name FROM admin_unit')).all():
        if tidy(name) != name:
            connection.execute(sa.text('UPDATE admin_unit SET name = :name WHERE id = :id'), {'name': tidy(name), 'id': unit_id})
            changed += 1
    stores = connection.execute(sa.text('SELECT id, code, name, address FROM store')).all()
    for store_id, code, name, address in stores:
        if tidy(name) != name:
            key = fold(' '.join(part for part in (code, tidy(name), address or '') if part))[:600]  # search.store_key
            connection.execute(
                sa.text('UPDATE store SET name = :name, search_key = :key WHERE id = :id'),
                {'name': tidy(name), 'key': key, 'id': store_id},
            )
            changed += 1
    return changed


def upgrade():
    tidy_names(op.get_bind())


def downgrade():
    pass
