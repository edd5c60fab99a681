"""review: captions, carer comments, reels

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 07:08:49.673253
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reel',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('programme_id', sa.String(length=32), nullable=False),
    sa.Column('moment_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('detail', sa.String(length=2000), nullable=True),
    sa.Column('length_ms', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('created_by_id', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reel_programme_id'), ['programme_id'], unique=False)

    op.create_table('carer_comment',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('moment_id', sa.String(length=32), nullable=False),
    sa.Column('text', sa.String(length=2000), nullable=False),
    sa.Column('recorded_by_id', sa.String(length=32), nullable=True),
    sa.Column('said_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['moment_id'], ['moment.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('carer_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carer_comment_moment_id'), ['moment_id'], unique=False)

    with op.batch_alter_table('moment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caption', sa.String(length=200), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('moment', schema=None) as batch_op:
        batch_op.drop_column('caption')

    with op.batch_alter_table('carer_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carer_comment_moment_id'))

    op.drop_table('carer_comment')
    with op.batch_alter_table('reel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reel_programme_id'))

    op.drop_table('reel')
