"""Pure catalog decisions: which price applies, unit conversion. No ORM, no I/O.

Rule selection (``decide_price``): among the rules valid on the date, whose minimum
quantity is reached and which match the customer and the product, the most specific
wins — first by partner (customer > customer group > anyone), then by product
(product > its own category > an ancestor category > any product) — then the highest
minimum quantity reached (the quantity break), then the lowest sequence, then the
oldest rule. A discount rule needs a list price; without one it cannot apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumValidationError

from ordo.core.money import quantize_price
from ordo.core.quantities import UnitSpec, convert_quantity

from .errors import InvalidGtin, NoPrice

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class PricingRule:
    id: int
    kind: str  # "fixed" | "discount"
    sequence: int = 10
    customer_id: int | None = None
    customer_group_id: int | None = None
    product_id: int | None = None
    product_category_id: int | None = None
    min_quantity: Decimal = Decimal(0)
    valid_from: date | None = None
    valid_to: date | None = None
    fixed_price: Decimal | None = None
    discount_percent: Decimal | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class PricingContext:
    customer_id: int | None
    customer_group_id: int | None
    product_id: int
    product_category_ids: tuple[int, ...]  # the product's category first, then its ancestors
    quantity: Decimal
    on_date: date
    base_price: Decimal | None  # the list price in the price list's currency, if any
    product_label: str = ""
    price_list_label: str = ""


@dataclass(frozen=True, slots=True)
class PriceDecision:
    unit_price: Decimal
    rule_id: int | None
    rule_description: str
    source: str  # "rule" | "list_price"


def describe_rule(rule: PricingRule) -> str:
    """A one-line human description ("10.0000 fixed from 10", "5% off list price")."""
    if rule.description:
        return rule.description
    if rule.kind == "fixed":
        what = f"fixed price {rule.fixed_price}"
    else:
        what = f"{(rule.discount_percent or Decimal(0)).normalize():f}% off list price"
    if rule.min_quantity:
        what += f" from quantity {rule.min_quantity.normalize():f}"
    return f"Rule {rule.id}: {what}"


def rule_matches(rule: PricingRule, context: PricingContext) -> bool:
    """The rule is valid on the date, its break is reached and it matches who and what."""
    if rule.valid_from is not None and context.on_date < rule.valid_from:
        return False
    if rule.valid_to is not None and context.on_date > rule.valid_to:
        return False
    if rule.min_quantity > context.quantity:
        return False
    if rule.customer_id is not None and rule.customer_id != context.customer_id:
        return False
    if rule.customer_group_id is not None and rule.customer_group_id != context.customer_group_id:
        return False
    if rule.product_id is not None and rule.product_id != context.product_id:
        return False
    if (
        rule.product_category_id is not None
        and rule.product_category_id not in context.product_category_ids
    ):
        return False
    return not (rule.kind == "discount" and context.base_price is None)


def _specificity(rule: PricingRule, context: PricingContext) -> tuple[int, int]:
    if rule.customer_id is not None:
        partner = 2
    elif rule.customer_group_id is not None:
        partner = 1
    else:
        partner = 0
    depth = len(context.product_category_ids)
    if rule.product_id is not None:
        product = depth + 1
    elif rule.product_category_id is not None:
        # The product's own category beats its parent, which beats the grandparent…
        product = depth - context.product_category_ids.index(rule.product_category_id)
    else:
        product = 0
    return partner, product


def rule_price(rule: PricingRule, base_price: Decimal | None) -> Decimal:
    """The unit price a rule gives, rounded to four places half up."""
    if rule.kind == "fixed":
        assert rule.fixed_price is not None
        return quantize_price(rule.fixed_price)
    assert rule.discount_percent is not None and base_price is not None
    return quantize_price(base_price * (HUNDRED - rule.discount_percent) / HUNDRED)


def select_rule(rules: Iterable[PricingRule], context: PricingContext) -> PricingRule | None:
    """The applicable rule that wins, or None."""
    best: PricingRule | None = None
    best_key: tuple | None = None
    for rule in rules:
        if not rule_matches(rule, context):
            continue
        key = (*_specificity(rule, context), rule.min_quantity, -rule.sequence, -rule.id)
        if best_key is None or key > best_key:
            best, best_key = rule, key
    return best


def decide_price(rules: Iterable[PricingRule], context: PricingContext) -> PriceDecision:
    """The unit price for one line: the winning rule's, else the list price.

    Raises NoPrice (409) when no rule applies and there is no list price.
    """
    rule = select_rule(rules, context)
    if rule is not None:
        return PriceDecision(
            unit_price=rule_price(rule, context.base_price),
            rule_id=rule.id,
            rule_description=describe_rule(rule),
            source="rule",
        )
    if context.base_price is not None:
        return PriceDecision(
            unit_price=quantize_price(context.base_price),
            rule_id=None,
            rule_description="",
            source="list_price",
        )
    product = context.product_label or f"product {context.product_id}"
    where = f" in price list {context.price_list_label}" if context.price_list_label else ""
    raise NoPrice(
        f"No price for {product}{where}: no price rule applies and it has no list price.",
        details={"product": context.product_id, "price_list": context.price_list_label or None},
    )


def clean_gtin(value: str, *, field: str = "gtin") -> str:
    """A GTIN-8/12/13/14 with a valid check digit, or "" for blank; else InvalidGtin (422)."""
    text = (value or "").strip().replace(" ", "")
    if not text:
        return ""
    try:
        return ean.validate(text)
    except StdnumValidationError as exc:
        raise InvalidGtin(
            f"{text} is not a valid GTIN ({exc.message.rstrip('.')}).",
            field=field,
            details={"value": text},
        ) from None


def convert(value: Decimal, source: UnitSpec, target: UnitSpec) -> Decimal:
    """Convert a quantity between units of one category (422 unit.category_mismatch if not)."""
    return convert_quantity(value, source, target)
