"""Pure approval-policy evaluation: no ORM, no I/O.

The calling service computes the metric values of its document (discount %, amount,
credit exposure, adjustment value) and hands them in with the company's active policies;
this module only decides which policies hold the document and says why, in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# metric code → (label in a sentence, unit suffix); the codes are ApprovalMetric's values.
METRIC_WORDING: dict[str, tuple[str, str]] = {
    "discount_percent": ("Discount", "%"),
    "amount": ("Amount", ""),
    "credit_exposure": ("Credit exposure", ""),
    "adjustment_value": ("Adjustment value", ""),
}

OPERATORS = ("gt", "gte")


@dataclass(frozen=True, slots=True)
class PolicySpec:
    """One active approval policy as the engine needs it."""

    policy_id: int
    name: str
    metric: str
    operator: str  # "gt" (strictly above) or "gte" (at or above)
    threshold: Decimal
    approver_role_code: str
    approver_role_name: str = ""


@dataclass(frozen=True, slots=True)
class Hold:
    """A policy that holds the document, the role that must approve it, and why."""

    policy_id: int
    approver_role_code: str
    reason_text: str


def format_decimal(value: Decimal) -> str:
    """``Decimal("15.0000")`` → ``"15"``, ``Decimal("1250.50")`` → ``"1250.5"``; never exponent form."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def is_exceeded(value: Decimal, operator: str, threshold: Decimal) -> bool:
    if operator == "gt":
        return value > threshold
    if operator == "gte":
        return value >= threshold
    raise ValueError(f"unknown approval operator {operator!r}")


def hold_reason(policy: PolicySpec, value: Decimal) -> str:
    """'Discount 15% exceeds the 10% limit of policy 'Big discounts' (approver: Manager)'."""
    label, unit = METRIC_WORDING.get(
        policy.metric, (policy.metric.replace("_", " ").capitalize(), "")
    )
    verb = "exceeds" if value > policy.threshold else "reaches"
    approver = policy.approver_role_name or policy.approver_role_code
    return (
        f"{label} {format_decimal(value)}{unit} {verb} the {format_decimal(policy.threshold)}{unit} "
        f"limit of policy '{policy.name}' (approver: {approver})"
    )


def evaluate_policies(policies: list[PolicySpec], metrics: dict[str, Decimal]) -> list[Hold]:
    """The holds the document triggers, in the order the policies are given.

    A metric a policy needs but the caller did not supply is a programming error in the
    calling service (ValueError), never a silent pass.
    """
    holds: list[Hold] = []
    for policy in policies:
        if policy.metric not in metrics:
            raise ValueError(
                f"approval policy {policy.policy_id} ({policy.name}) needs the metric "
                f"{policy.metric!r}, which the caller did not supply (got: {sorted(metrics)})"
            )
        value = metrics[policy.metric]
        if not isinstance(value, Decimal):
            raise TypeError(
                f"metric {policy.metric!r} must be a Decimal, got {type(value).__name__}"
            )
        if is_exceeded(value, policy.operator, policy.threshold):
            holds.append(
                Hold(policy.policy_id, policy.approver_role_code, hold_reason(policy, value))
            )
    return holds
