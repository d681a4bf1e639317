"""Pure ledger arithmetic: balance per currency and monthly periods (no ORM, no I/O)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class BalanceLine:
    """The amounts of one line as the balance check sees them (company currency)."""

    currency: str
    debit: Decimal
    credit: Decimal


def entry_totals(lines: Iterable[BalanceLine]) -> dict[str, tuple[Decimal, Decimal]]:
    """Sum of debits and credits per currency."""
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for line in lines:
        debit, credit = totals.get(line.currency, (Decimal(0), Decimal(0)))
        totals[line.currency] = (debit + line.debit, credit + line.credit)
    return totals


def entry_imbalances(lines: Iterable[BalanceLine]) -> dict[str, Decimal]:
    """Debit minus credit per currency, only where it is not zero (empty = balanced)."""
    return {
        currency: debit - credit
        for currency, (debit, credit) in entry_totals(lines).items()
        if debit != credit
    }


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def monthly_periods(start_date: dt.date, end_date: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Cut ``start_date..end_date`` into calendar months named ``YYYY-MM``.

    The first and last periods are shortened when the year does not start or end on a
    month boundary. An end before the start gives no periods.
    """
    periods = []
    current = start_date
    while current <= end_date:
        last = min(_month_end(current), end_date)
        periods.append((f"{current.year:04d}-{current.month:02d}", current, last))
        current = last + dt.timedelta(days=1)
    return periods
