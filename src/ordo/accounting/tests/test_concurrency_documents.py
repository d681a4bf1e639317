"""Competing writers of invoices, payments and reconciliations on PostgreSQL: gapless
numbers, an invoice never paid twice over, a statement line never matched twice, and no
deadlock when two payments lock the same invoices in opposite orders."""

import datetime as dt
from decimal import Decimal

import pytest

from ordo.accounting import banking, invoicing, payments
from ordo.accounting.invoicing import InvoiceLineInput
from ordo.accounting.models import Allocation, Invoice, Payment, Reconciliation
from ordo.accounting.payments import AllocationInput
from ordo.core.errors import DomainError

from .test_banking import camt053
from .test_concurrency import _run

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

D = Decimal


def _invoice(books, price="100.00"):
    return invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind="customer_invoice",
        partner_id=books.customer.pk,
        invoice_date=dt.date(2026, 3, 10),
        lines=[InvoiceLineInput("Goods", D("1"), D(price), "VAT0")],
    )


def test_parallel_invoicing_numbers_without_gap_or_duplicate(books):
    threads, per_thread = 6, 5

    def invoicer():
        for _ in range(per_thread):
            _invoice(books)

    assert _run([invoicer] * threads) == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"INV/2026-{n:05d}" for n in range(1, threads * per_thread + 1)]


def test_two_payments_racing_for_one_invoice_never_overpay_it(books):
    invoice = _invoice(books)  # 100.00 open
    outcomes: list[str] = []

    def payer():
        try:
            payments.register_payment(
                actor=books.accountant,
                company=books.company,
                direction="inbound",
                partner_id=books.customer.pk,
                amount=D("70.00"),
                payment_date=dt.date(2026, 4, 2),
                allocations=[AllocationInput(invoice.pk, D("70.00"))],
            )
            outcomes.append("paid")
        except DomainError as exc:
            outcomes.append(exc.code)

    assert _run([payer, payer]) == []
    assert sorted(outcomes) == ["accounting.allocation_exceeds_open", "paid"]
    invoice.refresh_from_db()
    assert (invoice.amount_residual, Payment.objects.count()) == (D("30.00"), 1)


def test_opposite_allocation_orders_do_not_deadlock(books):
    first, second = _invoice(books), _invoice(books)
    ids = (first.pk, second.pk)

    def payer(order):
        def work():
            payments.register_payment(
                actor=books.accountant,
                company=books.company,
                direction="inbound",
                partner_id=books.customer.pk,
                amount=D("20.00"),
                payment_date=dt.date(2026, 4, 2),
                allocations=[AllocationInput(i, D("10.00")) for i in order],
            )

        return work

    assert _run([payer(ids), payer(tuple(reversed(ids)))] * 3) == []
    for invoice in (first, second):
        invoice.refresh_from_db()
        assert invoice.amount_residual == D("40.00")
    assert Allocation.objects.count() == 12


def test_one_statement_line_reconciled_by_two_accountants_at_once(books):
    invoice = _invoice(books, "121.00")
    (statement,) = banking.import_bank_statement(
        actor=books.accountant,
        company=books.company,
        data=camt053([("121.00", invoice.number, "Acme")]),
    )
    line = statement.lines.get()
    outcomes: list[str] = []

    def reconciler():
        try:
            banking.reconcile_with_documents(
                actor=books.accountant,
                line_id=line.pk,
                allocations=[AllocationInput(invoice.pk, D("121.00"))],
            )
            outcomes.append("done")
        except DomainError as exc:
            outcomes.append(exc.code)

    assert _run([reconciler, reconciler]) == []
    assert sorted(outcomes) == ["bank.line_already_reconciled", "done"]
    assert Reconciliation.objects.count() == 1
    assert Payment.objects.count() == 1


def test_allocating_and_undoing_on_one_payment_at_once_do_not_deadlock(books):
    first, second = _invoice(books), _invoice(books)
    payment = payments.register_payment(
        actor=books.accountant,
        company=books.company,
        direction="inbound",
        partner_id=books.customer.pk,
        amount=D("150.00"),
        payment_date=dt.date(2026, 4, 2),
        allocations=[AllocationInput(first.pk, D("60.00"))],
    )
    undo = Allocation.objects.get()

    def allocator():
        payments.allocate_payment(
            actor=books.accountant,
            payment_id=payment.pk,
            allocations=[
                AllocationInput(first.pk, D("10.00")),
                AllocationInput(second.pk, D("20.00")),
            ],
        )

    def undoer():
        payments.unallocate(actor=books.accountant, allocation_id=undo.pk, reason="Wrong invoice")

    assert _run([allocator, undoer]) == []
    payment.refresh_from_db()
    first.refresh_from_db()
    assert (payment.amount_unallocated, first.amount_residual) == (D("120.00"), D("90.00"))


def test_the_same_statement_uploaded_twice_at_once_is_imported_once(books):
    from ordo.accounting.models import BankStatement

    data = camt053([("121.00", "INV/2026-00001", "Acme")])
    outcomes: list[str] = []

    def importer():
        try:
            banking.import_bank_statement(actor=books.accountant, company=books.company, data=data)
            outcomes.append("imported")
        except DomainError as exc:
            outcomes.append(exc.code)

    assert _run([importer, importer]) == []
    assert sorted(outcomes) == ["bank.duplicate_file", "imported"]
    assert BankStatement.objects.count() == 1


def test_one_supplier_e_invoice_uploaded_twice_at_once_makes_one_bill(books):
    from pathlib import Path

    from ordo.accounting import einvoicing
    from ordo.partners.models import Partner

    path = (
        Path(__file__).resolve().parents[4]
        / ".."
        / "shared"
        / "standards-samples"
        / "einvoice"
        / "en16931-ubl-tc434-example1.xml"
    )
    if not path.exists():
        pytest.skip("../shared is not beside the repository")
    Partner.objects.create(
        code="S-KOKS", name="De Koksmaat", is_supplier=True, vat_number="NL8200.98.395.B.01"
    )
    data = path.read_bytes()
    outcomes: list[str] = []

    def importer():
        try:
            einvoicing.import_bill_from_ubl(
                actor=books.accountant, company=books.company, data=data
            )
            outcomes.append("imported")
        except DomainError as exc:
            outcomes.append(exc.code)

    assert _run([importer, importer]) == []
    assert sorted(outcomes) == ["einvoice.duplicate", "imported"]
    assert Invoice.objects.filter(kind="supplier_bill").count() == 1
