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


@pytest.fixture
def books(ledger, company_be):
    """ORDO-BE with chart, fiscal year 2026, the default taxes and USD rates; returns a
    namespace with the accountant, a customer (30 days end of month, 2 installments) and
    a supplier."""
    from types import SimpleNamespace

    from ordo.core.models import Company
    from ordo.partners.models import (
        Address,
        Partner,
        PartnerCompanySettings,
        PaymentTerm,
        PaymentTermLine,
    )

    services.install_default_taxes(actor=ledger, company=company_be)
    term = PaymentTerm.objects.create(code="HALF-30-60", name="50 % at 30, 50 % at 60 days")
    PaymentTermLine.objects.create(payment_term=term, sequence=1, percent=50, days=30)
    PaymentTermLine.objects.create(payment_term=term, sequence=2, percent=50, days=60)
    customer = Partner.objects.create(
        code="C-ACME",
        name="Acme Retail BV",
        is_customer=True,
        vat_number="NL004495445B01",
        endpoint_id="NL004495445B01",
        endpoint_scheme="9944",
        email="ap@acme.example",
    )
    Address.objects.create(
        partner=customer,
        kind="invoice",
        street="Keizersgracht 100",
        postal_code="1015 AA",
        city="Amsterdam",
        country="NL",
        is_default=True,
    )
    Company.objects.filter(pk=company_be.pk).update(iban="BE71096123456769")
    company_be.refresh_from_db()
    PartnerCompanySettings.objects.create(
        partner=customer, company=company_be, customer_payment_term=term
    )
    supplier = Partner.objects.create(code="S-FAB", name="Fabrika GmbH", is_supplier=True)
    services.add_exchange_rate(
        actor=ledger, company=company_be, currency="USD", rate_date=dt.date(2026, 3, 1), rate="0.9"
    )
    services.add_exchange_rate(
        actor=ledger, company=company_be, currency="USD", rate_date=dt.date(2026, 4, 1), rate="0.95"
    )
    return SimpleNamespace(
        accountant=ledger, company=company_be, customer=customer, supplier=supplier, term=term
    )
