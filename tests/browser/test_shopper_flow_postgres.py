"""The shopper flow again, with the server on PostgreSQL."""

from __future__ import annotations

from tests.browser.test_shopper_flow import (
    test_two_shoppers_fill_a_group_and_both_see_it_complete_live as flow,
)

BACKEND = "postgres"


def test_two_shoppers_fill_a_group_on_postgres(people, site):
    flow(people, site)
