"""KOC and KOL programs: creators, referral links and codes, attribution, commissions.

Pure rules live in ``model.py`` (creators, tiers, programs), ``attribution.py`` (who gets the
credit for an order) and ``ledger.py`` (what a commission is worth); ``store.py`` holds the
tables and SQL; ``service.py``, ``referrals.py`` and ``commissions.py`` are the use cases.
"""
