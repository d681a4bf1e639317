"""Pricing 100 000 order lines for one customer: set-based reads, pure decision per line."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from bench.common import measured, peak_rss_mib, setup_reference_data

PRODUCTS = 2_000


def _catalog(admin, company):
    from ordo.catalog import services as catalog
    from ordo.catalog.models import PriceList, Product, ProductCompanySettings
    from ordo.partners import services as partners
    from ordo.partners.models import Partner

    if not Product.objects.filter(sku__startswith="PB-").exists():
        rows = [
            {
                "sku": f"PB-{n:05d}",
                "name": f"Priced item {n}",
                "category": "BENCH",
                "stock_unit": "PCE",
            }
            for n in range(PRODUCTS)
        ]
        catalog.import_products(actor=admin, rows=rows)
    products = list(Product.objects.filter(sku__startswith="PB-").order_by("sku"))
    if not ProductCompanySettings.objects.filter(
        company=company, product__sku__startswith="PB-"
    ).exists():
        from django.db import transaction

        with transaction.atomic():
            for n, product in enumerate(products):
                catalog.set_product_company_settings(
                    actor=admin,
                    product_id=product.pk,
                    company=company,
                    list_price=Decimal(10) + Decimal(n % 50) / 10,
                    standard_cost=Decimal(6),
                )
    customer = Partner.objects.filter(code="BENCH-CUSTOMER").first() or partners.create_partner(
        actor=admin,
        data=partners.PartnerInput(code="BENCH-CUSTOMER", name="Bench customer", is_customer=True),
    )
    price_list = PriceList.objects.filter(company=company, code="BENCH").first()
    if price_list is None:
        price_list = catalog.create_price_list(
            actor=admin,
            company=company,
            data=catalog.PriceListInput(code="BENCH", name="Bench prices", currency="EUR"),
        )
        # A realistic mix: a list-wide discount, quantity breaks on a fifth of the range,
        # customer-specific fixed prices on a tenth.
        rows = []
        for n, product in enumerate(products):
            if n % 5 == 0:
                rows += [
                    {
                        "price_list": "BENCH",
                        "company": company.code,
                        "product": product.sku,
                        "min_quantity": q,
                        "discount_percent": d,
                    }
                    for q, d in (("10", "5"), ("100", "12"))
                ]
            if n % 10 == 0:
                rows.append(
                    {
                        "price_list": "BENCH",
                        "company": company.code,
                        "product": product.sku,
                        "customer": customer.code,
                        "fixed_price": "9.75",
                    }
                )
        catalog.import_prices(actor=admin, rows=rows)
        catalog.add_price_rule(
            actor=admin,
            price_list_id=price_list.pk,
            data=catalog.PriceRuleInput(kind="discount", discount_percent=Decimal(2), sequence=90),
        )
        catalog.set_customer_price_list(
            actor=admin, customer_id=customer.pk, company=company, price_list_id=price_list.pk
        )
    return products, customer


def run(*, lines: int) -> dict:
    from ordo.catalog.pricing import price_lines

    company, admin = setup_reference_data()
    products, customer = _catalog(admin, company)
    rng = random.Random(42)
    order = [
        (
            products[rng.randrange(len(products))].pk,
            Decimal(rng.choice([1, 2, 5, 12, 24, 60, 120, 480])),
        )
        for _ in range(lines)
    ]
    result: dict = {"lines": lines, "products": len(products)}
    price_lines(
        company=company,
        customer_id=customer.pk,
        lines=order[:100],
        on_date=datetime.date(2026, 11, 26),
    )
    with measured(result):
        quotes = price_lines(
            company=company,
            customer_id=customer.pk,
            lines=order,
            on_date=datetime.date(2026, 11, 26),
        )
    assert len(quotes) == lines
    result["lines_per_second"] = round(lines / result["seconds"])
    result["by_source"] = {
        s: sum(1 for q in quotes if q.source == s) for s in ("rule", "list_price")
    }
    result["peak_rss_mib"] = peak_rss_mib()
    return result
