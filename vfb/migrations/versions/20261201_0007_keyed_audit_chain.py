"""the keyed audit chain: each row names the key that signed it

Rows written before this revision keep an empty key_id: they were chained by plain SHA-256 and
are checked by that rule, but only before the first keyed row (the key file, or VFB_AUDIT_KEY's
first entry, and every anchor record where they end). No row is rewritten: the table stays
append-only, its triggers untouched (SQLite's ADD COLUMN keeps them).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('audit_event', sa.Column('key_id', sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column('audit_event', 'key_id')
