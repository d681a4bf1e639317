"""Payments, allocations, open credit, realised exchange differences and undo."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from ordo.accounting import invoicing, payments
from ordo.accounting.invoicing import InvoiceLineInput
from ordo.accounting.models import Allocation, JournalLine, Payment
from ordo.accounting.payments import AllocationInput
from ordo.core.errors import DomainError
from ordo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

D = Decimal


def _error(call):
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value


def _invoice(books, price="100.00", currency="EUR", day=dt.date(2026, 3, 10), tax="VAT21"):
    return invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind="customer_invoice",
        partner_id=books.customer.pk,
        invoice_date=day,
        currency=currency,
        lines=[InvoiceLineInput("Goods", D("1"), D(price), tax)],
    )


def _receive(books, amount, allocations=(), currency="EUR", day=dt.date(2026, 4, 2)):
    return payments.register_payment(
        actor=books.accountant,
        company=books.company,
        direction="inbound",
        partner_id=books.customer.pk,
        amount=D(amount),
        payment_date=day,
        currency=currency,
        allocations=list(allocations),
    )


def _balance(company, code):
    totals = JournalLine.objects.filter(
        entry__company=company, entry__state="posted", account__code=code
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["debit"] or 0) - (totals["credit"] or 0)


def test_a_payment_settles_an_invoice_partly_then_fully_with_an_open_credit(books):
    invoice = _invoice(books)  # 121.00
    first = _receive(books, "100.00", [AllocationInput(invoice.pk, D("100.00"))])
    invoice.refresh_from_db()
    assert (first.number, first.amount_unallocated) == ("RCPT/2026-00001", D("0.00"))
    assert (invoice.state, invoice.amount_residual) == ("partially_paid", D("21.00"))
    second = _receive(books, "50.00", [AllocationInput(invoice.pk, D("21.00"))])
    invoice.refresh_from_db()
    assert (invoice.state, invoice.amount_residual) == ("paid", D("0.00"))
    assert second.amount_unallocated == D("29.00")  # kept as the customer's open credit
    # Receivable: 121 invoiced − 150 received = −29, the open credit.
    assert _balance(books.company, "4000") == D("-29.00")
    assert _balance(books.company, "5500") == D("150.00")


def test_allocating_above_the_open_amount_names_invoice_and_open_amount(books):
    invoice = _invoice(books)
    error = _error(lambda: _receive(books, "200.00", [AllocationInput(invoice.pk, D("130.00"))]))
    assert (error.status, error.code) == (422, "accounting.allocation_exceeds_open")
    assert error.message == (
        "Allocation 1: 130.00 EUR is more than the 121.00 EUR open on INV/2026-00001."
    )
    assert error.details["open_amount"] == "121.00"
    # Nothing half-written: no payment, no entry, the invoice untouched.
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert (invoice.state, invoice.amount_residual) == ("posted", D("121.00"))
    assert _balance(books.company, "5500") == 0


def test_allocations_cannot_exceed_the_payment(books):
    one, two = _invoice(books), _invoice(books, price="50.00")
    error = _error(
        lambda: _receive(
            books, "100.00", [AllocationInput(one.pk, D("80.00")), AllocationInput(two.pk, D("30"))]
        )
    )
    assert (error.status, error.code) == (422, "accounting.allocation_exceeds_payment")
    assert error.message == (
        "The allocations total 110.00 EUR, more than the 100.00 EUR of RCPT/2026-00001 still "
        "unallocated."
    )


def test_a_payment_settles_only_its_side(books):
    bill = invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind="supplier_bill",
        partner_id=books.supplier.pk,
        invoice_date=dt.date(2026, 3, 10),
        lines=[InvoiceLineInput("Film", D("1"), D("10"), "VAT21-P")],
    )
    error = _error(lambda: _receive(books, "12.10", [AllocationInput(bill.pk, D("12.10"))]))
    assert (error.status, error.code) == (422, "accounting.allocation_mismatch")
    assert error.message == (
        "Allocation 1: BILL/2026-00001 is a supplier bill; this payment settles customer invoices."
    )
    paid = payments.register_payment(
        actor=books.accountant,
        company=books.company,
        direction="outbound",
        partner_id=books.supplier.pk,
        amount=D("12.10"),
        payment_date=dt.date(2026, 3, 31),
        allocations=[AllocationInput(bill.pk, D("12.10"))],
    )
    bill.refresh_from_db()
    assert (paid.number, bill.state) == ("PAY/2026-00001", "paid")
    assert _balance(books.company, "4400") == 0


def test_a_usd_invoice_paid_at_a_better_rate_posts_an_exchange_gain(books):
    invoice = _invoice(books, price="1000.00", currency="USD", tax="EXPORT")  # 0.90 → 900.00
    assert invoice.amount_total_company == D("900.00")
    payment = _receive(books, "1000.00", [AllocationInput(invoice.pk, D("1000.00"))], "USD")
    assert payment.amount_company == D("950.00")  # 0.95 on 2 April
    allocation = Allocation.objects.get()
    assert allocation.fx_difference == D("50.00")
    fx_lines = sorted(
        (line.account.code, line.debit, line.credit) for line in allocation.fx_entry.lines.all()
    )
    assert fx_lines == [("4000", D("50.00"), D("0")), ("7550", D("0"), D("50.00"))]
    assert _balance(books.company, "4000") == 0
    assert _balance(books.company, "7550") == D("-50.00")


def test_undoing_an_allocation_reopens_the_invoice_and_reverses_the_gain(books):
    invoice = _invoice(books, price="1000.00", currency="USD", tax="EXPORT")
    payment = _receive(books, "1000.00", [AllocationInput(invoice.pk, D("400.00"))], "USD")
    allocation = Allocation.objects.get()
    assert allocation.fx_difference == D("20.00")  # 400 × (0.95 − 0.90)
    payments.unallocate(
        actor=books.accountant, allocation_id=allocation.pk, reason="Wrong customer"
    )
    invoice.refresh_from_db()
    payment.refresh_from_db()
    allocation.refresh_from_db()
    assert (invoice.state, invoice.amount_residual) == ("posted", D("1000.00"))
    assert payment.amount_unallocated == D("1000.00")
    assert allocation.undone_reason == "Wrong customer" and allocation.undone_at is not None
    assert _balance(books.company, "7550") == 0
    # The receivable now holds the invoice (900.00) less the unallocated payment (950.00).
    assert _balance(books.company, "4000") == D("-50.00")
    audit = AuditEntry.objects.get(action="accounting.allocation.undone")
    assert audit.reason == "Wrong customer"
    error = _error(
        lambda: payments.unallocate(
            actor=books.accountant, allocation_id=allocation.pk, reason="again"
        )
    )
    assert (error.status, error.code) == (409, "accounting.allocation_undone")


def test_cancelling_a_payment_reverses_it_and_reopens_its_invoices(books):
    invoice = _invoice(books)
    payment = _receive(books, "121.00", [AllocationInput(invoice.pk, D("121.00"))])
    payments.cancel_payment(actor=books.accountant, payment_id=payment.pk, reason="Bounced")
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (payment.state, invoice.state, invoice.amount_residual) == (
        "cancelled",
        "posted",
        D("121.00"),
    )
    assert payment.entry.reversals.get().state == "posted"
    assert _balance(books.company, "5500") == 0
    assert _balance(books.company, "4000") == D("121.00")


def test_payment_amount_rules(books):
    error = _error(lambda: _receive(books, "0"))
    assert (error.code, error.message) == (
        "accounting.amount_not_positive",
        "The payment amount must be above zero, got 0.",
    )
    error = _error(lambda: _receive(books, "1.001"))
    assert error.message == "The payment amount 1.001 has more than 2 decimals for EUR."


def test_only_the_accountant_registers_payments(books, personas):
    error = _error(
        lambda: payments.register_payment(
            actor=personas["sales_rep"],
            company=books.company,
            direction="inbound",
            partner_id=books.customer.pk,
            amount=D("1"),
            payment_date=dt.date(2026, 4, 2),
        )
    )
    assert error.status == 403


def test_a_usd_bill_paid_at_a_worse_rate_posts_an_exchange_loss(books):
    bill = invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind="supplier_bill",
        partner_id=books.supplier.pk,
        invoice_date=dt.date(2026, 3, 10),
        currency="USD",
        lines=[InvoiceLineInput("Imported film", D("1"), D("1000.00"), "VAT0-P")],
    )
    payments.register_payment(
        actor=books.accountant,
        company=books.company,
        direction="outbound",
        partner_id=books.supplier.pk,
        amount=D("1000.00"),
        payment_date=dt.date(2026, 4, 2),
        currency="USD",
        allocations=[AllocationInput(bill.pk, D("1000.00"))],
    )
    fx_lines = sorted(
        (line.account.code, line.debit, line.credit)
        for line in Allocation.objects.get().fx_entry.lines.all()
    )
    assert fx_lines == [("4400", D("0"), D("50.00")), ("6550", D("50.00"), D("0"))]
    assert _balance(books.company, "4400") == 0


def test_the_control_accounts_tie_to_open_documents_and_a_stray_entry_is_named(books):
    from ordo.accounting import checks, services
    from ordo.accounting.services import LineInput

    usd = _invoice(books, price="1000.00", currency="USD", tax="EXPORT")
    eur = _invoice(books)
    _receive(books, "1000.00", [AllocationInput(usd.pk, D("400.00"))], "USD")
    _receive(books, "150.00", [AllocationInput(eur.pk, D("121.00"))])
    invoicing.create_credit_note(
        actor=books.accountant, invoice_id=usd.pk, reason="Damaged", credit_date=dt.date(2026, 4, 5)
    )
    assert checks.control_accounts_match_open_items() == []
    services.post_entry_now(
        actor=books.accountant,
        company=books.company,
        journal_code="MISC",
        entry_date=dt.date(2026, 4, 30),
        lines=[
            LineInput(account_code="4000", debit=D("10.00")),
            LineInput(account_code="7400", credit=D("10.00")),
        ],
    )
    assert checks.control_accounts_match_open_items() == [
        # Open: a 380.00 credit note, 570.00 + 29.00 of payments unallocated.
        "The receivable accounts of ORDO-BE hold -969.00 but the open documents less "
        "unallocated payments come to -979.00 (difference 10.00)."
    ]
