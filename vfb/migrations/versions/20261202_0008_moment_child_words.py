"""moments: what the child might say, in the carer's words

VIPP-SD invites the carer to "speak for the child"; those words are a caption of their own,
shown beside the worker's caption in the joint review, the reel and the handout.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('moment', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('child_words', sa.String(length=200), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('moment', schema=None) as batch_op:
        batch_op.drop_column('child_words')
