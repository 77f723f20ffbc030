"""creators

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payout_audit',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('batch_id', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('payout_id', sa.String(length=40), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('actor', sa.String(length=60), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_audit')),
    sa.UniqueConstraint('batch_id', 'seq', name=op.f('uq_payout_audit_batch_id_seq'))
    )
    op.create_table('referral_bindings',
    sa.Column('program_id', sa.String(length=40), nullable=False),
    sa.Column('shopper_id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('bound_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('program_id', 'shopper_id', name=op.f('pk_referral_bindings'))
    )
    op.create_table('creator_programs',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('open_enrolment', sa.Boolean(), nullable=False),
    sa.Column('attribution_model', sa.String(length=16), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('bind_once', sa.Boolean(), nullable=False),
    sa.Column('precedence', sa.String(length=20), nullable=False),
    sa.Column('koc_max_followers', sa.Integer(), nullable=False),
    sa.Column('holding_days', sa.Integer(), nullable=False),
    sa.Column('flood_clicks_per_hour', sa.Integer(), nullable=False),
    sa.Column('return_rate_cap_bps', sa.Integer(), nullable=False),
    sa.Column('override_bps', sa.JSON(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_creator_programs_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creator_programs'))
    )
    with op.batch_alter_table('creator_programs', schema=None) as batch_op:
        batch_op.create_index('ix_creator_programs_merchant', ['merchant_id', 'id'], unique=False)

    op.create_table('payout_batches',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('cutoff', sa.DateTime(timezone=True), nullable=False),
    sa.Column('minimum_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_payout_batches_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_batches'))
    )
    with op.batch_alter_table('payout_batches', schema=None) as batch_op:
        batch_op.create_index('ix_payout_batches_merchant', ['merchant_id', 'id'], unique=False)

    op.create_table('creators',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('shopper_id', sa.String(length=40), nullable=True),
    sa.Column('recruited_by', sa.String(length=40), nullable=True),
    sa.Column('segments', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_creators_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['recruited_by'], ['creators.id'], name=op.f('fk_creators_recruited_by_creators')),
    sa.ForeignKeyConstraint(['shopper_id'], ['shoppers.id'], name=op.f('fk_creators_shopper_id_shoppers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creators')),
    sa.UniqueConstraint('merchant_id', 'shopper_id', name=op.f('uq_creators_merchant_id_shopper_id'))
    )
    with op.batch_alter_table('creators', schema=None) as batch_op:
        batch_op.create_index('ix_creators_merchant', ['merchant_id', 'id'], unique=False)

    op.create_table('audience_reports',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('bought_share_bps', sa.Integer(), nullable=False),
    sa.Column('mass_follower_share_bps', sa.Integer(), nullable=False),
    sa.Column('followers', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=8), nullable=False),
    sa.Column('engagement_bps', sa.BigInteger(), nullable=True),
    sa.Column('tier_median_engagement_bps', sa.BigInteger(), nullable=True),
    sa.Column('growth_spike_days', sa.JSON(), nullable=False),
    sa.Column('model_version', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_audience_reports_creator_id_creators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audience_reports'))
    )
    with op.batch_alter_table('audience_reports', schema=None) as batch_op:
        batch_op.create_index('ix_audience_reports_creator', ['creator_id', 'id'], unique=False)
        batch_op.create_index('ix_audience_reports_tier', ['merchant_id', 'tier', 'id'], unique=False)

    op.create_table('bonus_contracts',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('program_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settles_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tiers', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('gmv_minor', sa.BigInteger(), nullable=True),
    sa.Column('bonus_minor', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_bonus_contracts_creator_id_creators')),
    sa.ForeignKeyConstraint(['program_id'], ['creator_programs.id'], name=op.f('fk_bonus_contracts_program_id_creator_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bonus_contracts'))
    )
    with op.batch_alter_table('bonus_contracts', schema=None) as batch_op:
        batch_op.create_index('ix_bonus_contracts_program', ['program_id', 'id'], unique=False)

    op.create_table('commissions',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('program_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=True),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.String(length=40), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('parts', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('seen_captured', sa.BigInteger(), nullable=False),
    sa.Column('seen_refunded', sa.BigInteger(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payable_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payout_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_commissions_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commissions')),
    sa.UniqueConstraint('contract_id', name=op.f('uq_commissions_contract_id')),
    sa.UniqueConstraint('order_id', 'depth', name=op.f('uq_commissions_order_id_depth'))
    )
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.create_index('ix_commissions_creator', ['creator_id', 'id'], unique=False)
        batch_op.create_index('ix_commissions_merchant', ['merchant_id', 'state', 'id'], unique=False)

    op.create_table('creator_handles',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('handle', sa.String(length=100), nullable=False),
    sa.Column('followers', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_creator_handles_creator_id_creators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creator_handles')),
    sa.UniqueConstraint('creator_id', 'platform', name=op.f('uq_creator_handles_creator_id_platform'))
    )
    with op.batch_alter_table('creator_handles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_creator_handles_creator_id'), ['creator_id'], unique=False)

    op.create_table('order_attributions',
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('program_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('click_id', sa.String(length=40), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_order_attributions_creator_id_creators')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_attributions_order_id_orders')),
    sa.ForeignKeyConstraint(['program_id'], ['creator_programs.id'], name=op.f('fk_order_attributions_program_id_creator_programs')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_order_attributions'))
    )
    with op.batch_alter_table('order_attributions', schema=None) as batch_op:
        batch_op.create_index('ix_order_attributions_creator', ['creator_id', 'order_id'], unique=False)

    op.create_table('payouts',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('batch_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('commissions', sa.Integer(), nullable=False),
    sa.Column('failure_reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['payout_batches.id'], name=op.f('fk_payouts_batch_id_payout_batches')),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_payouts_creator_id_creators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payouts'))
    )
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payouts_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_payouts_creator', ['creator_id', 'id'], unique=False)

    op.create_table('program_members',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('program_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('enrolment', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_program_members_creator_id_creators')),
    sa.ForeignKeyConstraint(['program_id'], ['creator_programs.id'], name=op.f('fk_program_members_program_id_creator_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program_members')),
    sa.UniqueConstraint('program_id', 'creator_id', name=op.f('uq_program_members_program_id_creator_id'))
    )
    with op.batch_alter_table('program_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_program_members_creator_id'), ['creator_id'], unique=False)

    op.create_table('rate_cards',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('program_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=True),
    sa.Column('product_id', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('bps', sa.Integer(), nullable=False),
    sa.Column('fixed_minor', sa.BigInteger(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_rate_cards_creator_id_creators')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_rate_cards_product_id_products')),
    sa.ForeignKeyConstraint(['program_id'], ['creator_programs.id'], name=op.f('fk_rate_cards_program_id_creator_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_cards'))
    )
    with op.batch_alter_table('rate_cards', schema=None) as batch_op:
        batch_op.create_index('ix_rate_cards_program', ['program_id', 'active'], unique=False)

    op.create_table('referral_codes',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('program_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_referral_codes_creator_id_creators')),
    sa.ForeignKeyConstraint(['program_id'], ['creator_programs.id'], name=op.f('fk_referral_codes_program_id_creator_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_codes')),
    sa.UniqueConstraint('merchant_id', 'code', name=op.f('uq_referral_codes_merchant_id_code'))
    )
    with op.batch_alter_table('referral_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_codes_creator_id'), ['creator_id'], unique=False)

    op.create_table('referral_links',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('program_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('destination', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_referral_links_creator_id_creators')),
    sa.ForeignKeyConstraint(['program_id'], ['creator_programs.id'], name=op.f('fk_referral_links_program_id_creator_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_links')),
    sa.UniqueConstraint('token', name=op.f('uq_referral_links_token'))
    )
    with op.batch_alter_table('referral_links', schema=None) as batch_op:
        batch_op.create_index('ix_referral_links_creator', ['creator_id', 'id'], unique=False)

    op.create_table('commission_entries',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('commission_id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('captured_minor', sa.BigInteger(), nullable=False),
    sa.Column('refunded_minor', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_commission_entries_commission_id_commissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_entries')),
    sa.UniqueConstraint('commission_id', 'seq', name=op.f('uq_commission_entries_commission_id_seq'))
    )
    with op.batch_alter_table('commission_entries', schema=None) as batch_op:
        batch_op.create_index('ix_commission_entries_creator', ['creator_id', 'id'], unique=False)

    op.create_table('referral_clicks',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('merchant_id', sa.String(length=40), nullable=False),
    sa.Column('link_id', sa.String(length=40), nullable=False),
    sa.Column('program_id', sa.String(length=40), nullable=False),
    sa.Column('creator_id', sa.String(length=40), nullable=False),
    sa.Column('visitor', sa.String(length=64), nullable=False),
    sa.Column('shopper_id', sa.String(length=40), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('referrer', sa.String(length=500), nullable=True),
    sa.Column('device_class', sa.String(length=12), nullable=False),
    sa.Column('ip_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['referral_links.id'], name=op.f('fk_referral_clicks_link_id_referral_links')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_clicks'))
    )
    with op.batch_alter_table('referral_clicks', schema=None) as batch_op:
        batch_op.create_index('ix_referral_clicks_creator', ['creator_id', 'id'], unique=False)
        batch_op.create_index('ix_referral_clicks_link', ['link_id', 'at'], unique=False)
        batch_op.create_index('ix_referral_clicks_shopper', ['merchant_id', 'shopper_id'], unique=False)
        batch_op.create_index('ix_referral_clicks_visitor', ['merchant_id', 'visitor'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('referral_clicks', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_clicks_visitor')
        batch_op.drop_index('ix_referral_clicks_shopper')
        batch_op.drop_index('ix_referral_clicks_link')
        batch_op.drop_index('ix_referral_clicks_creator')

    op.drop_table('referral_clicks')
    with op.batch_alter_table('commission_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_commission_entries_creator')

    op.drop_table('commission_entries')
    with op.batch_alter_table('referral_links', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_links_creator')

    op.drop_table('referral_links')
    with op.batch_alter_table('referral_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_codes_creator_id'))

    op.drop_table('referral_codes')
    with op.batch_alter_table('rate_cards', schema=None) as batch_op:
        batch_op.drop_index('ix_rate_cards_program')

    op.drop_table('rate_cards')
    with op.batch_alter_table('program_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_program_members_creator_id'))

    op.drop_table('program_members')
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_index('ix_payouts_creator')
        batch_op.drop_index(batch_op.f('ix_payouts_batch_id'))

    op.drop_table('payouts')
    with op.batch_alter_table('order_attributions', schema=None) as batch_op:
        batch_op.drop_index('ix_order_attributions_creator')

    op.drop_table('order_attributions')
    with op.batch_alter_table('creator_handles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_creator_handles_creator_id'))

    op.drop_table('creator_handles')
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.drop_index('ix_commissions_merchant')
        batch_op.drop_index('ix_commissions_creator')

    op.drop_table('commissions')
    with op.batch_alter_table('bonus_contracts', schema=None) as batch_op:
        batch_op.drop_index('ix_bonus_contracts_program')

    op.drop_table('bonus_contracts')
    with op.batch_alter_table('audience_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_audience_reports_tier')
        batch_op.drop_index('ix_audience_reports_creator')

    op.drop_table('audience_reports')
    with op.batch_alter_table('creators', schema=None) as batch_op:
        batch_op.drop_index('ix_creators_merchant')

    op.drop_table('creators')
    with op.batch_alter_table('payout_batches', schema=None) as batch_op:
        batch_op.drop_index('ix_payout_batches_merchant')

    op.drop_table('payout_batches')
    with op.batch_alter_table('creator_programs', schema=None) as batch_op:
        batch_op.drop_index('ix_creator_programs_merchant')

    op.drop_table('creator_programs')
    op.drop_table('referral_bindings')
    op.drop_table('payout_audit')
