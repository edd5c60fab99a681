"""teams and workers as carers see them: a share link's page names who sent it

A team's name for carers (`display_name`, e.g. "Riverside Family Support") and its contact line,
and a user's full name, so a carer's link reads as coming from people they know.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('display_name', sa.String(length=80), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('contact', sa.String(length=120), nullable=False, server_default='')
        )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('full_name', sa.String(length=80), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('full_name')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('contact')
        batch_op.drop_column('display_name')
