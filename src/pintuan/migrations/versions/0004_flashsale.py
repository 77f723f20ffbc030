"""flash sales: events, slots, items, per-shopper usage, flash orders, refusal counters; SKU price history

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('flash_usage',
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('shopper_id', sa.String(length=40), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.CheckConstraint('units >= 0', name=op.f('ck_flash_usage_nonneg')),
    sa.PrimaryKeyConstraint('scope', 'shopper_id', name=op.f('pk_flash_usage'))
    )
    op.create_table('flash_events',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('price_rule_days', sa.Integer(), nullable=False),
    sa.Column('per_order_limit', sa.Integer(), nullable=False),
    sa.Column('per_slot_limit', sa.Integer(), nullable=False),
    sa.Column('per_event_limit', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_flash_events_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flash_events'))
    )
    with op.batch_alter_table('flash_events', schema=None) as batch_op:
        batch_op.create_index('ix_flash_events_merchant', ['merchant_id', 'id'], unique=False)

    op.create_table('flash_slots',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['flash_events.id'], name=op.f('fk_flash_slots_event_id_flash_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flash_slots'))
    )
    with op.batch_alter_table('flash_slots', schema=None) as batch_op:
        batch_op.create_index('ix_flash_slots_event', ['event_id', 'starts_at'], unique=False)

    op.create_table('sku_prices',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('sku_id', sa.String(length=40), nullable=False),
    sa.Column('price_minor', sa.BigInteger(), nullable=False),
    sa.Column('effective_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_sku_prices_sku_id_skus')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sku_prices'))
    )
    with op.batch_alter_table('sku_prices', schema=None) as batch_op:
        batch_op.create_index('ix_sku_prices_sku', ['sku_id', 'effective_at'], unique=False)

    op.create_table('flash_items',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('sku_id', sa.String(length=40), nullable=False),
    sa.Column('stock_level_id', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('list_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('prior_lowest_minor', sa.BigInteger(), nullable=False),
    sa.Column('sale_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('last_grant', sa.Integer(), nullable=False),
    sa.Column('ended', sa.Boolean(), nullable=False),
    sa.CheckConstraint('taken >= 0 AND taken <= quota', name=op.f('ck_flash_items_quota')),
    sa.ForeignKeyConstraint(['event_id'], ['flash_events.id'], name=op.f('fk_flash_items_event_id_flash_events')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_flash_items_sku_id_skus')),
    sa.ForeignKeyConstraint(['stock_level_id'], ['stock_levels.id'], name=op.f('fk_flash_items_stock_level_id_stock_levels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flash_items'))
    )
    with op.batch_alter_table('flash_items', schema=None) as batch_op:
        batch_op.create_index('ix_flash_items_event', ['event_id'], unique=False)

    op.create_table('flash_orders',
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('item_id', sa.String(length=40), nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=False),
    sa.Column('slot_id', sa.String(length=40), nullable=False),
    sa.Column('shopper_id', sa.String(length=40), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['flash_items.id'], name=op.f('fk_flash_orders_item_id_flash_items')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_flash_orders_order_id_orders')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_flash_orders'))
    )
    with op.batch_alter_table('flash_orders', schema=None) as batch_op:
        batch_op.create_index('ix_flash_orders_item', ['item_id', 'created_at'], unique=False)

    op.create_table('flash_rejections',
    sa.Column('item_id', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['flash_items.id'], name=op.f('fk_flash_rejections_item_id_flash_items')),
    sa.PrimaryKeyConstraint('item_id', 'reason', name=op.f('pk_flash_rejections'))
    )




def downgrade() -> None:
    op.drop_table('flash_rejections')

    with op.batch_alter_table('flash_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_flash_orders_item')

    op.drop_table('flash_orders')
    with op.batch_alter_table('flash_items', schema=None) as batch_op:
        batch_op.drop_index('ix_flash_items_event')

    op.drop_table('flash_items')
    with op.batch_alter_table('sku_prices', schema=None) as batch_op:
        batch_op.drop_index('ix_sku_prices_sku')

    op.drop_table('sku_prices')
    with op.batch_alter_table('flash_slots', schema=None) as batch_op:
        batch_op.drop_index('ix_flash_slots_event')

    op.drop_table('flash_slots')
    with op.batch_alter_table('flash_events', schema=None) as batch_op:
        batch_op.drop_index('ix_flash_events_merchant')

    op.drop_table('flash_events')
    op.drop_table('flash_usage')

