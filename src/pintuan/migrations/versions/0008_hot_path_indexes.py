"""hot-path indexes: referral bindings by shopper (a flash-sale batch asks which of its
buyers are bound); the outbox queue index holds only undispatched events

On PostgreSQL both are built CONCURRENTLY (the events table is written by every order and
may be large: a plain build would stop order writes until it ends).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

QUEUE = sa.text('NOT dispatched')


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        op.create_index('ix_referral_bindings_shopper', 'referral_bindings',
                        ['merchant_id', 'shopper_id'])
        op.create_index('ix_events_queue', 'events', ['id'], sqlite_where=QUEUE)
        op.drop_index('ix_events_undispatched', table_name='events')
        return
    with op.get_context().autocommit_block():
        op.create_index('ix_referral_bindings_shopper', 'referral_bindings',
                        ['merchant_id', 'shopper_id'], postgresql_concurrently=True)
        op.create_index('ix_events_queue', 'events', ['id'], postgresql_where=QUEUE,
                        postgresql_concurrently=True)
        op.drop_index('ix_events_undispatched', table_name='events',
                      postgresql_concurrently=True)


def downgrade() -> None:
    op.create_index('ix_events_undispatched', 'events', ['dispatched', 'id'])
    op.drop_index('ix_events_queue', table_name='events')
    op.drop_index('ix_referral_bindings_shopper', table_name='referral_bindings')
