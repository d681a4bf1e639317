"""Pure pricing decisions and GTIN/unit checks (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordo.catalog.domain import (
    PricingContext,
    PricingRule,
    clean_gtin,
    convert,
    decide_price,
)
from ordo.catalog.errors import NoPrice
from ordo.core.errors import InvalidInput, UnitCategoryMismatch
from ordo.core.quantities import UnitSpec

DAY = date(2026, 11, 26)


def context(**overrides) -> PricingContext:
    values = dict(
        customer_id=1,
        customer_group_id=7,
        product_id=100,
        product_category_ids=(20, 10),
        quantity=Decimal(1),
        on_date=DAY,
        base_price=Decimal("10.0000"),
        product_label="WIDGET-RED",
        price_list_label="ORDO-BE/RETAIL",
    )
    values.update(overrides)
    return PricingContext(**values)


def fixed(rule_id, price, **kw) -> PricingRule:
    return PricingRule(id=rule_id, kind="fixed", fixed_price=Decimal(price), **kw)


def test_no_rule_falls_back_to_the_list_price():
    decision = decide_price([], context())
    assert (decision.unit_price, decision.rule_id, decision.source) == (
        Decimal("10.0000"),
        None,
        "list_price",
    )


def test_no_rule_and_no_list_price_is_a_409_naming_product_and_price_list():
    with pytest.raises(NoPrice) as caught:
        decide_price([], context(base_price=None))
    assert caught.value.status == 409
    assert caught.value.code == "pricing.no_price"
    assert caught.value.message == (
        "No price for WIDGET-RED in price list ORDO-BE/RETAIL: "
        "no price rule applies and it has no list price."
    )


def test_customer_rule_beats_group_rule_beats_anyone():
    rules = [
        fixed(1, "9", product_id=100),
        fixed(2, "8", product_id=100, customer_group_id=7),
        fixed(3, "7", product_id=100, customer_id=1),
    ]
    assert decide_price(rules, context()).rule_id == 3
    assert decide_price(rules[:2], context()).rule_id == 2
    assert decide_price(rules, context(customer_id=2, customer_group_id=None)).rule_id == 1


def test_product_rule_beats_own_category_beats_parent_category_beats_any_product():
    rules = [
        fixed(1, "9"),
        fixed(2, "8", product_category_id=10),
        fixed(3, "7", product_category_id=20),
        fixed(4, "6", product_id=100),
    ]
    assert decide_price(rules, context()).rule_id == 4
    assert decide_price(rules[:3], context()).rule_id == 3
    assert decide_price(rules[:2], context()).rule_id == 2
    assert decide_price(rules[:1], context()).rule_id == 1
    # A rule of another category never matches.
    assert decide_price([fixed(5, "1", product_category_id=99)], context()).source == "list_price"


def test_highest_quantity_break_reached_then_lowest_sequence():
    rules = [
        fixed(1, "9.50", min_quantity=Decimal(10)),
        fixed(2, "9.00", min_quantity=Decimal(100)),
        fixed(3, "9.40", min_quantity=Decimal(10), sequence=5),
    ]
    assert decide_price(rules, context(quantity=Decimal(5))).source == "list_price"
    assert decide_price(rules, context(quantity=Decimal(10))).rule_id == 3
    assert decide_price(rules, context(quantity=Decimal(100))).unit_price == Decimal("9.0000")


def test_rule_outside_its_dates_does_not_apply():
    rules = [
        fixed(1, "5", valid_from=date(2026, 12, 1)),
        fixed(2, "6", valid_to=date(2026, 11, 25)),
    ]
    assert decide_price(rules, context()).source == "list_price"
    assert decide_price(rules, context(on_date=date(2026, 12, 1))).rule_id == 1


def test_discount_applies_to_the_list_price_rounded_half_up_to_four_places():
    rule = PricingRule(id=1, kind="discount", discount_percent=Decimal("33.335"))
    decision = decide_price([rule], context(base_price=Decimal("9.99")))
    # 9.99 × 0.66665 = 6.6598335 → 6.6598
    assert decision.unit_price == Decimal("6.6598")
    assert decision.rule_description == "Rule 1: 33.335% off list price"


def test_discount_without_list_price_cannot_apply():
    rules = [
        PricingRule(id=1, kind="discount", discount_percent=Decimal(5), product_id=100),
        fixed(2, "12"),
    ]
    decision = decide_price(rules, context(base_price=None))
    assert (decision.rule_id, decision.unit_price) == (2, Decimal("12.0000"))


def test_gtin_checks():
    assert clean_gtin("4006381333931") == "4006381333931"
    assert clean_gtin("  ") == ""
    with pytest.raises(InvalidInput) as caught:
        clean_gtin("4006381333932")
    assert caught.value.code == "gtin.invalid"
    assert caught.value.message == (
        "4006381333932 is not a valid GTIN (The number's checksum or check digit is invalid)."
    )
    assert caught.value.details == {"field": "gtin", "value": "4006381333932"}


def test_unit_conversion_inside_a_category_and_refused_across():
    pce = UnitSpec("PCE", "COUNT", Decimal(1), Decimal(1))
    box = UnitSpec("BOX12", "COUNT", Decimal(12), Decimal(1))
    kg = UnitSpec("KG", "WEIGHT", Decimal(1), Decimal("0.001"))
    assert convert(Decimal(3), box, pce) == Decimal(36)
    with pytest.raises(UnitCategoryMismatch) as caught:
        convert(Decimal(1), kg, pce)
    assert (caught.value.status, caught.value.code) == (422, "unit.category_mismatch")


# --- properties ------------------------------------------------------------------------

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000), places=4)
quantities = st.decimals(min_value=Decimal(0), max_value=Decimal(10000), places=3)


@st.composite
def break_rules(draw):
    """Quantity-break rules of one specificity whose prices never rise with the break."""
    breaks = sorted(draw(st.lists(quantities, min_size=1, max_size=8, unique=True)))
    steps = sorted(draw(st.lists(prices, min_size=len(breaks), max_size=len(breaks))), reverse=True)
    specificity = draw(st.sampled_from(["product", "category", "any"]))
    target = {"product": {"product_id": 100}, "category": {"product_category_id": 20}, "any": {}}
    return [
        fixed(
            i + 1,
            str(price),
            min_quantity=brk,
            sequence=draw(st.integers(1, 5)),
            **target[specificity],
        )
        for i, (brk, price) in enumerate(zip(breaks, steps, strict=True))
    ]


@settings(max_examples=200, deadline=None)
@given(break_rules(), quantities, quantities)
def test_a_higher_quantity_never_gets_a_higher_unit_price(rules, q1, q2):
    low, high = sorted([q1, q2])
    base = Decimal(100000)  # above every break price: the list price never undercuts a rule
    price_low = decide_price(rules, context(quantity=low, base_price=base)).unit_price
    price_high = decide_price(rules, context(quantity=high, base_price=base)).unit_price
    assert price_high <= price_low


rule_strategy = st.builds(
    PricingRule,
    id=st.integers(1, 10**6),
    kind=st.sampled_from(["fixed", "discount"]),
    sequence=st.integers(0, 100),
    customer_id=st.sampled_from([None, 1, 2]),
    customer_group_id=st.sampled_from([None, 7, 8]),
    product_id=st.sampled_from([None, 100, 101]),
    product_category_id=st.sampled_from([None, 10, 20, 30]),
    min_quantity=quantities,
    fixed_price=prices,
    discount_percent=st.decimals(min_value=0, max_value=100, places=3),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(rule_strategy, max_size=10, unique_by=lambda r: r.id),
    quantities,
    st.one_of(st.none(), prices),
)
def test_the_decision_is_one_candidate_price_never_above_base_for_discounts_and_has_4_places(
    rules, quantity, base
):
    ctx = context(quantity=quantity, base_price=base)
    try:
        decision = decide_price(rules, ctx)
    except NoPrice:
        assert base is None
        return
    assert decision.unit_price.as_tuple().exponent == -4
    if decision.source == "list_price":
        assert decision.unit_price == base
        return
    rule = next(r for r in rules if r.id == decision.rule_id)
    assert rule.min_quantity <= quantity
    if rule.kind == "fixed":
        assert decision.unit_price == rule.fixed_price.quantize(Decimal("0.0001"))
    else:
        assert Decimal(0) <= decision.unit_price <= base
