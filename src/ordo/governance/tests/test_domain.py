from decimal import Decimal

import pytest

from ordo.governance.domain import Hold, PolicySpec, evaluate_policies, format_decimal

BIG_DISCOUNTS = PolicySpec(
    policy_id=1,
    name="Big discounts",
    metric="discount_percent",
    operator="gt",
    threshold=Decimal("10.0000"),
    approver_role_code="manager",
    approver_role_name="Manager",
)
BIG_ORDERS = PolicySpec(
    policy_id=2,
    name="Big orders",
    metric="amount",
    operator="gte",
    threshold=Decimal("5000.0000"),
    approver_role_code="credit_controller",
    approver_role_name="Credit controller",
)


def test_a_discount_above_the_limit_is_held_with_a_reason_in_words():
    holds = evaluate_policies([BIG_DISCOUNTS], {"discount_percent": Decimal("15")})

    assert holds == [
        Hold(
            1,
            "manager",
            "Discount 15% exceeds the 10% limit of policy 'Big discounts' (approver: Manager)",
        )
    ]


def test_a_discount_at_the_limit_passes_a_strictly_greater_policy():
    assert evaluate_policies([BIG_DISCOUNTS], {"discount_percent": Decimal("10.00")}) == []


def test_an_amount_at_the_limit_is_held_by_an_at_or_above_policy():
    holds = evaluate_policies([BIG_ORDERS], {"amount": Decimal("5000.00")})

    assert [h.reason_text for h in holds] == [
        "Amount 5000 reaches the 5000 limit of policy 'Big orders' (approver: Credit controller)"
    ]


def test_every_policy_that_holds_gives_its_own_hold_in_order():
    holds = evaluate_policies(
        [BIG_DISCOUNTS, BIG_ORDERS],
        {"discount_percent": Decimal("12.5"), "amount": Decimal("7200.50")},
    )

    assert [(h.policy_id, h.approver_role_code) for h in holds] == [
        (1, "manager"),
        (2, "credit_controller"),
    ]
    assert holds[1].reason_text.startswith("Amount 7200.5 exceeds the 5000 limit")


def test_no_policies_means_no_holds():
    assert evaluate_policies([], {}) == []


def test_a_metric_the_caller_did_not_supply_is_a_programming_error():
    with pytest.raises(ValueError, match="needs the metric 'discount_percent'"):
        evaluate_policies([BIG_DISCOUNTS], {"amount": Decimal("1")})


def test_a_float_metric_is_refused():
    with pytest.raises(TypeError):
        evaluate_policies([BIG_DISCOUNTS], {"discount_percent": 15.0})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("15.0000"), "15"),
        (Decimal("1E+3"), "1000"),
        (Decimal("0.0000"), "0"),
        (Decimal("1250.50"), "1250.5"),
    ],
)
def test_decimals_are_written_without_trailing_zeros_or_exponents(value, text):
    assert format_decimal(value) == text
