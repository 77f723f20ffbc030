"""an order's detail rows (its lines, its flash-sale entry) carry no foreign keys

They are written only with their order, in the same statement, and reference rows that are
never deleted (the order, the SKU, its stock level, the sale's item), read in the same
transaction. PostgreSQL checks a foreign key with one query per row and key: five per flash
order, a fifth of the database's work for a batch of orders. The references stay checked
by ``pintuan check`` (run by the concurrency tests after every race).

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

KEYS = {
    'order_lines': [('order_id', 'orders'), ('sku_id', 'skus'),
                    ('stock_level_id', 'stock_levels')],
    'flash_orders': [('item_id', 'flash_items'), ('order_id', 'orders')],
}


def upgrade() -> None:
    for table, keys in KEYS.items():
        with op.batch_alter_table(table) as batch_op:
            for column, parent in keys:
                batch_op.drop_constraint(f'fk_{table}_{column}_{parent}', type_='foreignkey')


def downgrade() -> None:
    for table, keys in KEYS.items():
        with op.batch_alter_table(table) as batch_op:
            for column, parent in keys:
                batch_op.create_foreign_key(f'fk_{table}_{column}_{parent}', parent,
                                            [column], ['id'])
