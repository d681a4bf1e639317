"""Quoting sale prices: load the candidate rules set-based, decide in ``domain``.

The price list used for a customer in a company is their default list there
(``CustomerPriceList``) if it is active and valid on the date, else the company's list
coded ``DEFAULT`` (same conditions), else none (list prices only). List prices are in
the company's currency; a price list in another currency cannot use them (its discount
rules do not apply and it has no list-price fallback).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from ordo.core.errors import InvalidInput, NotFound
from ordo.core.models import Company, User
from ordo.governance.access import require
from ordo.partners.models import Partner

from .domain import PriceDecision, PricingContext, PricingRule, decide_price
from .errors import NoPrice
from .models import CustomerPriceList, PriceList, PriceRule, Product, ProductCompanySettings
from .selectors import category_ancestors

CHUNK = 5000


@dataclass(frozen=True, slots=True)
class PriceQuote:
    product_id: int
    quantity: Decimal
    unit_price: Decimal
    currency: str
    rule_id: int | None
    rule_description: str
    source: str  # "rule" | "list_price"
    price_list_id: int | None


def _valid_on(price_list: PriceList | None, on_date: date) -> bool:
    return (
        price_list is not None
        and price_list.is_active
        and (price_list.valid_from is None or price_list.valid_from <= on_date)
        and (price_list.valid_to is None or on_date <= price_list.valid_to)
    )


def price_list_for(customer_id: int | None, company: Company, on_date: date) -> PriceList | None:
    """The price list a customer is quoted from in a company on a date (two queries max)."""
    if customer_id is not None:
        link = (
            CustomerPriceList.objects.select_related("price_list")
            .filter(customer_id=customer_id, company=company)
            .first()
        )
        if link is not None and _valid_on(link.price_list, on_date):
            return link.price_list
    default = PriceList.objects.filter(company=company, code="DEFAULT").first()
    return default if _valid_on(default, on_date) else None


def _as_pricing_rule(row: dict) -> PricingRule:
    return PricingRule(
        id=row["id"],
        kind=row["kind"],
        sequence=row["sequence"],
        customer_id=row["customer_id"],
        customer_group_id=row["customer_group_id"],
        product_id=row["product_id"],
        product_category_id=row["product_category_id"],
        min_quantity=row["min_quantity"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        fixed_price=row["fixed_price"],
        discount_percent=row["discount_percent"],
    )


RULE_FIELDS = [
    "id",
    "kind",
    "sequence",
    "customer_id",
    "customer_group_id",
    "product_id",
    "product_category_id",
    "min_quantity",
    "valid_from",
    "valid_to",
    "fixed_price",
    "discount_percent",
]


def price_lines(
    *,
    company: Company,
    customer_id: int | None,
    lines: list[tuple[int, Decimal]],
    on_date: date,
) -> list[PriceQuote]:
    """Price many (product id, quantity) lines for one customer in one company.

    A bounded number of queries whatever the line count (about eight, plus one per 5 000
    distinct products). Raises NoPrice (409) for the first line without any price and
    NotFound for an unknown customer or product.
    """
    return _price_lines(company, customer_id, lines, on_date, None)


def _price_lines(
    company: Company,
    customer_id: int | None,
    lines: list[tuple[int, Decimal]],
    on_date: date,
    forced_list: PriceList | None,
) -> list[PriceQuote]:
    customer_group_id = None
    if customer_id is not None:
        customer = (
            Partner.objects.filter(pk=customer_id, is_customer=True)
            .values("id", "customer_group_id")
            .first()
        )
        if customer is None:
            raise NotFound(f"Customer {customer_id} not found.", code="customer.not_found")
        customer_group_id = customer["customer_group_id"]
    price_list = forced_list or price_list_for(customer_id, company, on_date)
    product_ids = sorted({product_id for product_id, _ in lines})
    products: dict[int, tuple[str, int]] = {}
    list_prices: dict[int, Decimal] = {}
    for start in range(0, len(product_ids), CHUNK):
        chunk = product_ids[start : start + CHUNK]
        products.update(
            {
                pk: (sku, category_id)
                for pk, sku, category_id in Product.objects.filter(pk__in=chunk).values_list(
                    "id", "sku", "category_id"
                )
            }
        )
        list_prices.update(
            ProductCompanySettings.objects.filter(
                company=company, product_id__in=chunk, list_price__isnull=False
            ).values_list("product_id", "list_price")
        )
    missing = [pk for pk in product_ids if pk not in products]
    if missing:
        raise NotFound(f"Product {missing[0]} not found.", code="product.not_found")
    ancestors = category_ancestors()
    currency = price_list.currency if price_list is not None else company.currency
    use_list_price = currency == company.currency

    by_product: dict[int | None, list[PricingRule]] = defaultdict(list)
    by_category: dict[int, list[PricingRule]] = defaultdict(list)
    if price_list is not None:
        rules = PriceRule.objects.filter(price_list=price_list)
        rules = rules.filter(Q(customer__isnull=True) | Q(customer_id=customer_id))
        rules = rules.filter(
            Q(customer_group__isnull=True) | Q(customer_group_id=customer_group_id)
        )
        rules = rules.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on_date))
        rules = rules.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on_date))
        if len(product_ids) <= CHUNK:
            rules = rules.filter(Q(product__isnull=True) | Q(product_id__in=product_ids))
        for row in rules.values(*RULE_FIELDS):
            rule = _as_pricing_rule(row)
            if rule.product_id is not None:
                by_product[rule.product_id].append(rule)
            elif rule.product_category_id is not None:
                by_category[rule.product_category_id].append(rule)
            else:
                by_product[None].append(rule)

    list_label = f"{company.code}/{price_list.code}" if price_list is not None else ""
    quotes = []
    generic = by_product.get(None, [])
    for product_id, quantity in lines:
        sku, category_id = products[product_id]
        chain = ancestors.get(category_id, (category_id,))
        candidates = list(by_product.get(product_id, ()))
        for node in chain:
            candidates.extend(by_category.get(node, ()))
        candidates.extend(generic)
        context = PricingContext(
            customer_id=customer_id,
            customer_group_id=customer_group_id,
            product_id=product_id,
            product_category_ids=chain,
            quantity=quantity,
            on_date=on_date,
            base_price=list_prices.get(product_id) if use_list_price else None,
            product_label=sku,
            price_list_label=list_label,
        )
        try:
            decision: PriceDecision = decide_price(candidates, context)
        except NoPrice as exc:
            if use_list_price or price_list is None:
                raise
            raise _foreign_currency_no_price(
                sku, product_id, list_label, currency, company
            ) from exc
        quotes.append(
            PriceQuote(
                product_id=product_id,
                quantity=quantity,
                unit_price=decision.unit_price,
                currency=currency,
                rule_id=decision.rule_id,
                rule_description=decision.rule_description,
                source=decision.source,
                price_list_id=price_list.pk if price_list is not None else None,
            )
        )
    return quotes


def _foreign_currency_no_price(
    sku: str, product_id: int, list_label: str, currency: str, company: Company
) -> NoPrice:
    """NoPrice that says why: list prices are in the company's currency, so a price list in
    another currency can only price a product through its fixed-price rules."""
    return NoPrice(
        f"No price for {sku} in price list {list_label}: no fixed-price rule applies, and "
        f"this price list is in {currency} while list prices are in {company.currency}, so "
        "its discount rules and the list price cannot be used.",
        details={
            "product": product_id,
            "price_list": list_label,
            "reason": "currency_mismatch",
            "price_list_currency": currency,
            "company_currency": company.currency,
        },
    )


def quote_price(
    *,
    actor: User,
    company: Company,
    customer_id: int | None,
    product_id: int,
    quantity: Decimal,
    on_date: date,
) -> PriceQuote:
    """The unit price a customer pays for a quantity of a product in a company on a date.

    Needs catalog.product.view in the company. Raises NoPrice (409 pricing.no_price),
    InvalidInput for a negative quantity, NotFound for an unknown customer or product.
    """
    require(actor, "catalog.product.view", company)
    if quantity <= 0:
        raise InvalidInput(
            f"Quantity must be greater than zero, got {quantity}.",
            field="quantity",
            code="pricing.quantity_not_positive",
        )
    return price_lines(
        company=company, customer_id=customer_id, lines=[(product_id, quantity)], on_date=on_date
    )[0]


def check_price(
    *,
    actor: User,
    price_list: PriceList,
    customer_id: int | None,
    product_id: int,
    quantity: Decimal,
    on_date: date,
) -> PriceQuote:
    """What this price list (whoever it is assigned to) gives for a line — the price check."""
    require(actor, "catalog.product.view", price_list.company)
    if quantity <= 0:
        raise InvalidInput(
            f"Quantity must be greater than zero, got {quantity}.",
            field="quantity",
            code="pricing.quantity_not_positive",
        )
    return _price_lines(
        price_list.company, customer_id, [(product_id, quantity)], on_date, price_list
    )[0]
