"""Bad input on every catalog endpoint: refused with a stable code, nothing written."""

from __future__ import annotations

from tests.api.badinput import Case, body_cases, check_all

SKU = {"code": "NEW-1", "title": "Tin", "list_price_minor": 100}


def test_create_product(h):
    good = {"title": "Tea", "skus": [SKU]}
    cases = body_cases("POST", "/v1/products", "merchant", good, [
        {}, {"title": 5}, {"title": ""}, {"title": "x" * 201}, {"title": "Tea", "skus": "x"},
        {"title": "Tea", "skus": [SKU | {"list_price_minor": -1}]},
        {"title": "Tea", "skus": [SKU | {"list_price_minor": 10**13}]},
        {"title": "Tea", "skus": [SKU | {"list_price_minor": "a hundred"}]},
        {"title": "Tea", "skus": [SKU | {"list_price_minor": 1.5}]},
        {"title": "Tea", "skus": [SKU | {"list_price_minor": "100"}]},
        {"title": "Tea", "skus": [SKU | {"code": "has space"}]},
        {"title": "Tea", "skus": [{"code": "A"}]},
        {"title": "Tea", "skus": [SKU] * 101},
    ])
    check_all(h, [*cases,
        Case("POST", "/v1/products", "anon", 401, "missing_credentials", json=good),
        Case("POST", "/v1/products", "shopper", 401, "invalid_api_key", json=good),
    ])


def test_add_sku(h):
    path = "/v1/products/{product}/skus"
    cases = body_cases("POST", path, "merchant", SKU, [
        {}, {"code": "A", "title": "t"}, SKU | {"list_price_minor": -5},
        SKU | {"list_price_minor": 10**30}, SKU | {"title": None},
    ])
    check_all(h, [*cases,
        Case("POST", "/v1/products/prod_missing/skus", "merchant", 404, "product_not_found",
             json=SKU),
        Case("POST", "/v1/products/{x_product}/skus", "merchant", 404, "product_not_found",
             json=SKU),
    ])


def test_receive_stock(h):
    path = "/v1/skus/{sku}/stock/receive"
    cases = body_cases("POST", path, "merchant", {"quantity": 5}, [
        {}, {"quantity": 0}, {"quantity": -5}, {"quantity": 1_000_001}, {"quantity": 10**20},
        {"quantity": "five"}, {"quantity": None}, {"quantity": 5, "note": "x" * 201},
        {"quantity": "5"}, {"quantity": 5.0}, {"quantity": True},
    ])
    check_all(h, [*cases,
        Case("POST", "/v1/skus/sku_missing/stock/receive", "merchant", 404, "sku_not_found",
             json={"quantity": 5}),
        Case("POST", "/v1/skus/{x_sku}/stock/receive", "merchant", 404, "sku_not_found",
             json={"quantity": 5}),
        Case("POST", path, "merchant", 404, "location_not_found",
             json={"quantity": 5, "location_id": "loc_missing"}),
    ])
