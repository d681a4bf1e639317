"""Pure calculations of the partners app: payment-term installment schedules.

No ORM, no I/O: services and other apps (accounting, when it posts an invoice) pass the
term's lines in and get the due dates and amounts back.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class InstallmentRule:
    """One line of a payment term: ``percent`` of the total, due ``days`` after the
    invoice date, then moved to the end of that month if ``is_end_of_month``."""

    percent: Decimal
    days: int = 0
    is_end_of_month: bool = False


class Installment(NamedTuple):
    due_date: datetime.date
    amount: Decimal


def end_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def installment_due_date(invoice_date: datetime.date, rule: InstallmentRule) -> datetime.date:
    """Invoice date plus the rule's days, then to the month's last day if end-of-month."""
    due = invoice_date + datetime.timedelta(days=rule.days)
    return end_of_month(due) if rule.is_end_of_month else due


def percent_range_problems(percents: Sequence[Decimal]) -> list[tuple[int, str]]:
    """(index, reason) for each installment percent outside (0, 100]; empty when all fit."""
    problems: list[tuple[int, str]] = []
    for index, percent in enumerate(percents):
        if not isinstance(percent, Decimal):
            raise TypeError("installment percents must be Decimal")
        if percent <= 0 or percent > HUNDRED:
            problems.append(
                (
                    index,
                    f"Installment {index + 1} has {percent} %: it must be above 0 and at most 100 %.",
                )
            )
    return problems


def percent_sum_problem(percents: Sequence[Decimal]) -> str | None:
    """Why these percents do not sum to exactly 100 (None when they do).

    No tolerance: 33.33 + 33.33 + 33.33 is refused; make one of them 33.34.
    """
    if not percents:
        return "A payment term needs at least one installment."
    total = sum(percents, Decimal(0))
    if total != HUNDRED:
        return f"The installment percents sum to {_plain(total)} %, not 100 %."
    return None


def _plain(value: Decimal) -> str:
    """12.5000 -> '12.5', 90 -> '90' (no exponent)."""
    text = f"{value.normalize():f}"
    return text


def installment_schedule(
    rules: Iterable[InstallmentRule],
    *,
    invoice_date: datetime.date,
    total_amount: Decimal,
    minor_units: int,
) -> list[Installment]:
    """Split ``total_amount`` over the rules, in their order.

    The total is rounded to the currency's minor units (half up); each installment is
    its percent of that total rounded the same way, and the last installment takes the
    rounding difference so the installments always sum to the rounded total.
    Raises ValueError if the percents do not make a valid term.
    """
    rules = list(rules)
    if not isinstance(total_amount, Decimal):
        raise TypeError("total_amount must be a Decimal")
    percents = [rule.percent for rule in rules]
    problems = [reason for _, reason in percent_range_problems(percents)]
    if (sum_problem := percent_sum_problem(percents)) is not None:
        problems.append(sum_problem)
    if problems:
        raise ValueError(" ".join(problems))
    exponent = Decimal(1).scaleb(-minor_units)
    total = total_amount.quantize(exponent, rounding=ROUND_HALF_UP)
    schedule: list[Installment] = []
    allocated = Decimal(0).quantize(exponent)
    for index, rule in enumerate(rules):
        if index == len(rules) - 1:
            amount = total - allocated
        else:
            amount = (total * rule.percent / HUNDRED).quantize(exponent, rounding=ROUND_HALF_UP)
            allocated += amount
        schedule.append(Installment(installment_due_date(invoice_date, rule), amount))
    return schedule
