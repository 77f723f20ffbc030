"""hot-path indexes: referral bindings by shopper (a flash-sale batch asks which of its
buyers are bound); the outbox queue index holds only undispatched events

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_referral_bindings_shopper', 'referral_bindings',
                    ['merchant_id', 'shopper_id'])
    op.drop_index('ix_events_undispatched', table_name='events')
    op.create_index('ix_events_undispatched', 'events', ['id'],
                    postgresql_where=sa.text('NOT dispatched'),
                    sqlite_where=sa.text('NOT dispatched'))


def downgrade() -> None:
    op.drop_index('ix_events_undispatched', table_name='events')
    op.create_index('ix_events_undispatched', 'events', ['dispatched', 'id'])
    op.drop_index('ix_referral_bindings_shopper', table_name='referral_bindings')
