"""Errors the catalog raises (codes are part of the API contract)."""

from __future__ import annotations

from ordo.core.errors import Conflict, DuplicateRecord, InvalidInput, NotFound


class NoPrice(Conflict):
    """No rule applies and the product has no list price in that company."""

    code = "pricing.no_price"


class InvalidGtin(InvalidInput):
    code = "gtin.invalid"


class UnknownUnit(InvalidInput):
    code = "unit.unknown"


class DuplicateSku(DuplicateRecord):
    code = "product.duplicate_sku"


class DuplicateGtin(DuplicateRecord):
    code = "product.duplicate_gtin"


class ProductNotFound(NotFound):
    code = "product.not_found"


class PriceListNotFound(NotFound):
    code = "price_list.not_found"
