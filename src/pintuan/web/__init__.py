"""Storefront and merchant console: server-rendered pages over the same services as the API."""
