"""a clip's playable copy may be WebM: a browser's VP8 or VP9 recording copied as it is

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('clip', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('playable_ext', sa.String(length=8), nullable=False, server_default='.mp4')
        )


def downgrade() -> None:
    with op.batch_alter_table('clip', schema=None) as batch_op:
        batch_op.drop_column('playable_ext')
