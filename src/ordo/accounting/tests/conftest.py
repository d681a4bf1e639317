"""Ledger fixtures: ORDO-BE with the template chart and fiscal year 2026 (monthly periods)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ordo.accounting import services
from ordo.accounting.services import LineInput

MARCH_15 = dt.date(2026, 3, 15)


def sale_lines(amount: str = "100.00", other: str | None = None) -> list[LineInput]:
    """Debit receivable 4000, credit revenue 7000 (``other`` makes it unbalanced)."""
    return [
        LineInput(account_code="4000", debit=Decimal(amount)),
        LineInput(account_code="7000", credit=Decimal(other or amount)),
    ]


@pytest.fixture
def ledger(company_be, personas):
    """ORDO-BE with its chart, journals and fiscal year 2026 (returns the accountant)."""
    accountant = personas["accountant"]
    services.install_chart(actor=accountant, company=company_be)
    services.create_fiscal_year(
        actor=accountant,
        company=company_be,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    return accountant


@pytest.fixture
def draft(ledger, company_be):
    """make a draft sales entry of 100.00 on 15 March 2026 (or unbalanced with ``other``)."""

    def make(amount="100.00", other=None, day=MARCH_15, journal="SAL"):
        return services.create_journal_entry(
            actor=ledger,
            company=company_be,
            journal_code=journal,
            entry_date=day,
            lines=sale_lines(amount, other),
            label="Invoice 1",
        )

    return make
