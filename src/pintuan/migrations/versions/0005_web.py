"""web: staff accounts and sessions, deal page views, pay-for-me links

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_accounts',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_staff_accounts_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_accounts_email'))
    )
    with op.batch_alter_table('staff_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_accounts_merchant_id'), ['merchant_id'], unique=False)

    op.create_table('staff_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_staff_sessions_staff_id_staff_accounts')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_staff_sessions'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_staff_id'), ['staff_id'], unique=False)

    op.create_table('pay_links',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('token_sealed', sa.String(length=500), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('shopper_id', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_pay_links_order_id_orders')),
    sa.ForeignKeyConstraint(['shopper_id'], ['shoppers.id'], name=op.f('fk_pay_links_shopper_id_shoppers')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_pay_links')),
    sa.UniqueConstraint('order_id', name=op.f('uq_pay_links_order_id'))
    )
    op.create_table('deal_views',
    sa.Column('deal_id', sa.String(length=40), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('views', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_deal_views_deal_id_deals')),
    sa.PrimaryKeyConstraint('deal_id', 'day', name=op.f('pk_deal_views'))
    )
    with op.batch_alter_table('deal_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_views_merchant_id'), ['merchant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deal_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_views_merchant_id'))

    op.drop_table('deal_views')
    op.drop_table('pay_links')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_staff_id'))

    op.drop_table('staff_sessions')
    with op.batch_alter_table('staff_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_accounts_merchant_id'))

    op.drop_table('staff_accounts')
