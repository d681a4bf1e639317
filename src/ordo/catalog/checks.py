"""Catalog integrity checks run by ``ordo check``: each returns a list of problems."""

from __future__ import annotations

from django.db.models import F, Q

from .models import PriceRule, Product


def product_units_share_the_stock_category() -> list[str]:
    """Every product's sale and purchase units are in its stock unit's category."""
    bad = Product.objects.filter(
        ~Q(sale_unit__category=F("stock_unit__category"))
        | ~Q(purchase_unit__category=F("stock_unit__category"))
    ).values_list("sku", flat=True)
    return [
        f"Product {sku}: sale or purchase unit outside the stock unit's category." for sku in bad
    ]


def price_rule_kind_matches_fields() -> list[str]:
    """Every price rule's kind matches its fields (fixed price xor discount in 0..100)."""
    fixed_ok = Q(kind="fixed", fixed_price__gte=0, discount_percent__isnull=True)
    discount_ok = Q(
        kind="discount",
        discount_percent__gte=0,
        discount_percent__lte=100,
        fixed_price__isnull=True,
    )
    bad = PriceRule.objects.exclude(fixed_ok | discount_ok).values_list("id", "price_list_id")
    return [
        f"Price rule {pk} of price list {list_id}: kind does not match its fields."
        for pk, list_id in bad
    ]


def product_gtins_are_unique() -> list[str]:
    """No two products share a GTIN."""
    from django.db.models import Count

    dupes = (
        Product.objects.exclude(gtin="")
        .values("gtin")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("gtin", flat=True)
    )
    return [f"GTIN {gtin} is used by more than one product." for gtin in dupes]


INTEGRITY_CHECKS = [
    product_units_share_the_stock_category,
    price_rule_kind_matches_fields,
    product_gtins_are_unique,
]
