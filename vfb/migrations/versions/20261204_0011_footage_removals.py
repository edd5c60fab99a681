"""footage decided deleted whose files are not all gone yet

Withdrawal, retention and deleting a clip or reel write what is to go in the transaction that
decides it; the files go after, and a removal the object store could not take then is tried again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'footage_removal',
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('since', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('footage_removal')
