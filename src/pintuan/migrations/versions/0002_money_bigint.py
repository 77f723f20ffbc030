"""money and stock counters as 64-bit integers

Prices may reach 10**12 minor units and order totals price x quantity, past a 32-bit
INTEGER on PostgreSQL ("integer out of range"); stock counters are running totals.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

COLUMNS = {
    'deals': ['list_price_minor', 'group_price_minor', 'leader_price_minor'],
    'money_entries': ['amount_minor'],
    'order_lines': ['list_price_minor', 'unit_price_minor', 'total_minor'],
    'orders': ['total_minor', 'captured_minor', 'refunded_minor'],
    'payments': ['amount_minor', 'refunded_minor'],
    'refunds': ['amount_minor'],
    'sandbox_payments': ['amount_minor'],
    'sandbox_refunds': ['amount_minor'],
    'skus': ['list_price_minor'],
    'stock_levels': ['received', 'available', 'reserved', 'sold', 'returned'],
}
NULLABLE = {('deals', 'leader_price_minor')}


def _retype(old: sa.types.TypeEngine[int], new: sa.types.TypeEngine[int]) -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=old, type_=new,
                                      existing_nullable=(table, column) in NULLABLE)


def upgrade() -> None:
    _retype(sa.INTEGER(), sa.BigInteger())


def downgrade() -> None:
    _retype(sa.BigInteger(), sa.INTEGER())
