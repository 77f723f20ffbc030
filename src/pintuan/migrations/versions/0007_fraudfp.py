"""phone numbers and payer fingerprints

Shoppers get an optional phone (E.164, one account per number and store, by a unique index); merchants a phone
region that numbers without a country code are read in ('CN' for existing merchants, as for
new ones); payments the keyed hash of the instrument that paid. Creators' phones, stored as
bare digits before, are rewritten in E.164 where they read as a valid number (as a
mainland number first, else with their country code, since a mainland mobile such as 13012345678
also reads as +1 301...); others are left as they were.

Revision ID: 0007
Revises: 0006
"""
import phonenumbers
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _e164(digits: str) -> str | None:
    for text, region in ((digits, 'CN'), ('+' + digits, None)):
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def _creator_phones() -> None:
    conn = op.get_bind()
    creators = sa.table('creators', sa.column('id', sa.String), sa.column('phone', sa.String))
    rows = conn.execute(sa.select(creators.c.id, creators.c.phone)
                        .where(creators.c.phone.is_not(None))).all()
    for row_id, phone in rows:
        e164 = _e164(phone)
        if e164 is not None and e164 != phone:
            conn.execute(creators.update().where(creators.c.id == row_id).values(phone=e164))


def upgrade() -> None:
    # Added columns and indexes only: SQLite alters the tables in place, so populated tables
    # (referenced by foreign keys) are never rebuilt.
    op.add_column('merchants', sa.Column('phone_region', sa.String(length=2), nullable=True))
    op.execute("UPDATE merchants SET phone_region = 'CN'")
    op.add_column('shoppers', sa.Column('phone', sa.String(length=16), nullable=True))
    op.create_index('ix_shoppers_phone', 'shoppers', ['merchant_id', 'phone'], unique=True)
    op.add_column('payments', sa.Column('payer_fingerprint', sa.String(length=64),
                                        nullable=True))
    op.create_index('ix_payments_payer', 'payments', ['merchant_id', 'payer_fingerprint'],
                    unique=False)
    _creator_phones()


def downgrade() -> None:
    op.drop_index('ix_payments_payer', table_name='payments')
    op.drop_index('ix_shoppers_phone', table_name='shoppers')
    for table, column in (('payments', 'payer_fingerprint'), ('shoppers', 'phone'),
                          ('merchants', 'phone_region')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
