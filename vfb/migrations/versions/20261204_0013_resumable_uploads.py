"""a recording may be a file sent in pieces: an upload that can be resumed (tus)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('recording', schema=None) as batch_op:
        batch_op.add_column(sa.Column('upload_length', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('upload_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('original_name', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('recording', schema=None) as batch_op:
        batch_op.drop_column('original_name')
        batch_op.drop_column('upload_sha256')
        batch_op.drop_column('upload_length')
