"""Self-referral through the instrument that paid (``self_referral_payment``).

An order credited to creator C is flagged when one of its succeeded payments was made with an
instrument that C, as a shopper (the account linked to C's creator profile), used to pay
another of C's own orders at the same merchant. Instruments are compared by payer
fingerprint: a keyed hash of the provider's id for the card or wallet (payments.service).

It is checked from both sides: when a referred order's first payment opens its commission
(the instrument paid C's own orders before), and when C pays one of their own orders (the
instrument paid orders credited to C before: those are flagged, and their commissions held
unless already paid out; a paid one keeps the flag for the merchant to see). It sees only:

- instruments seen in this installation's succeeded payments: a card C uses on referred
  orders and never on their own is not known to be theirs;
- creators linked to a shopper account that has paid here: a creator who never bought as
  themselves at this merchant has no known instruments;
- payments from providers that report the payer (the sandbox does);
- the instrument as the provider names it: one person's two cards, or one card in two
  wallets, look like different instruments; a shared family card looks like the same one.

A flagged commission is held like any other fraud flag until the merchant releases or voids
it.
"""

from __future__ import annotations

from pintuan.core.tx import Tx
from pintuan.creators import store
from pintuan.creators.store import AttributionRow
from pintuan.orders import store as orders
from pintuan.payments import store as payments

SELF_REFERRAL_PAYMENT = "self_referral_payment"


def payment_flags(tx: Tx, attribution: AttributionRow) -> list[str]:
    """The flags the order's payments add to its attribution; empty when none."""
    creator = store.creator(tx, attribution.merchant_id, attribution.creator_id)
    if creator is None or creator.shopper_id is None:
        return []
    used = payments.paid_own_order_with(
        tx, attribution.merchant_id, shopper_id=creator.shopper_id,
        fingerprints=payments.payer_fingerprints(tx, attribution.order_id),
        except_order=attribution.order_id)
    return [SELF_REFERRAL_PAYMENT] if used else []


def credited_orders_paid_like(tx: Tx, order_id: str) -> list[AttributionRow]:
    """Looking back from a paid order whose shopper is a creator: the other orders credited
    to that creator and paid with the same instrument, not flagged for it yet."""
    order = orders.get(tx, order_id)
    creator = store.creator_of_shopper(tx, order.merchant_id, order.shopper_id) if order else None
    if creator is None:
        return []
    found = store.credited_orders_paid_with(tx, creator,
                                            payments.payer_fingerprints(tx, order_id),
                                            except_order=order_id)
    return [a for a in found if SELF_REFERRAL_PAYMENT not in a.flags]
