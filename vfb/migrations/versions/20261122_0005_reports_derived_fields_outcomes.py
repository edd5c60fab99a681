"""reports: derived fields, outcomes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 08:06:49.512455
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('placement_breakdown',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('child_id', sa.String(length=32), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('placement_breakdown', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_breakdown_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_breakdown_occurred_on'), ['occurred_on'], unique=False)

    op.create_table('carer_score',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('child_id', sa.String(length=32), nullable=False),
    sa.Column('programme_id', sa.String(length=32), nullable=True),
    sa.Column('scale', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('timing', sa.String(length=8), nullable=False),
    sa.Column('recorded_by_id', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('carer_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carer_score_child_id'), ['child_id'], unique=False)

    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('turns_1_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('turns_2_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('turns_3_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('turns_4_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('turns_5_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('first_offered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('first_started_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('first_completed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('first_completed_met_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_child_turns_5_on'), ['turns_5_on'], unique=False)

    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_sessions', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('first_held_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('last_held_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('fidelity_verdict', sa.String(length=16), nullable=False, server_default='not_started'))
        batch_op.add_column(sa.Column('fidelity_failing', sa.String(length=400), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('fidelity_notes', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('span_deadline', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_programme_fidelity_verdict'), ['fidelity_verdict'], unique=False)

    _fill_derived_fields()


def _fill_derived_fields() -> None:
    """Birthdays, held sessions, stored verdicts and milestones for the records already there,
    computed by the same code that keeps them from now on."""
    from sqlmodel import Session, select

    from vfb.models import Child, Programme
    from vfb.programme.measure import birthdays
    from vfb.services.infra.derived import refresh

    with Session(bind=op.get_bind()) as db:
        children = db.exec(select(Child)).all()
        for child in children:
            (child.turns_1_on, child.turns_2_on, child.turns_3_on, child.turns_4_on,
             child.turns_5_on) = birthdays(child.date_of_birth)  # fmt: skip
            db.add(child)
        db.flush()
        refresh(db, set(db.exec(select(Programme.id)).all()), {c.id for c in children})
        db.flush()


def downgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_fidelity_verdict'))
        batch_op.drop_column('span_deadline')
        batch_op.drop_column('fidelity_notes')
        batch_op.drop_column('fidelity_failing')
        batch_op.drop_column('fidelity_verdict')
        batch_op.drop_column('last_held_on')
        batch_op.drop_column('first_held_on')
        batch_op.drop_column('held_sessions')

    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_turns_5_on'))
        batch_op.drop_column('first_completed_met_on')
        batch_op.drop_column('first_completed_on')
        batch_op.drop_column('first_started_on')
        batch_op.drop_column('first_offered_on')
        batch_op.drop_column('turns_5_on')
        batch_op.drop_column('turns_4_on')
        batch_op.drop_column('turns_3_on')
        batch_op.drop_column('turns_2_on')
        batch_op.drop_column('turns_1_on')

    with op.batch_alter_table('carer_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carer_score_child_id'))

    op.drop_table('carer_score')
    with op.batch_alter_table('placement_breakdown', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_breakdown_occurred_on'))
        batch_op.drop_index(batch_op.f('ix_placement_breakdown_child_id'))

    op.drop_table('placement_breakdown')
