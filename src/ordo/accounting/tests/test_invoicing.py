"""Invoices, bills and credit notes: drafting, posting, currencies, credit notes."""

import datetime as dt
from decimal import Decimal

import pytest

from ordo.accounting import invoicing, services
from ordo.accounting.invoicing import CreditLineInput, InvoiceLineInput, OriginRef
from ordo.accounting.models import Invoice, InvoiceState, JournalEntry, Period
from ordo.core.errors import DomainError
from ordo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

D = Decimal
MARCH_10 = dt.date(2026, 3, 10)


def _error(call):
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value


def _lines(*specs):
    """(description, qty, price, tax) tuples → line inputs."""
    return [InvoiceLineInput(desc, D(qty), D(price), tax) for desc, qty, price, tax in specs]


def _draft(books, lines=None, **kwargs):
    args = {
        "actor": books.accountant,
        "company": books.company,
        "kind": "customer_invoice",
        "partner_id": books.customer.pk,
        "invoice_date": MARCH_10,
        "lines": lines
        or _lines(("Pallet wrap", "3", "10.01", "VAT21"), ("Tape", "10", "2.50", "VAT6")),
        "currency": "EUR",
    } | kwargs
    return invoicing.create_invoice(**args)


def _entry_lines(invoice):
    entry = JournalEntry.objects.get(pk=invoice.entry_id)
    return sorted(
        (line.account.code, line.debit, line.credit, line.amount_currency)
        for line in entry.lines.select_related("account")
    )


def test_a_draft_computes_lines_breakdown_and_totals(books):
    invoice = _draft(books)
    assert invoice.state == "draft" and invoice.number == ""
    assert [(line.net_amount, line.tax_amount) for line in invoice.lines.all()] == [
        (D("30.03"), D("6.31")),
        (D("25.00"), D("1.50")),
    ]
    assert sorted((t.vat_category, t.rate, t.base, t.amount) for t in invoice.tax_lines.all()) == [
        ("S", D("6.0000"), D("25.00"), D("1.50")),
        ("S", D("21.0000"), D("30.03"), D("6.31")),
    ]
    assert (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total) == (
        D("55.03"),
        D("7.81"),
        D("62.84"),
    )
    assert invoice.payment_term == books.term  # the customer's term in ORDO-BE
    assert AuditEntry.objects.filter(action="accounting.invoice.created").count() == 1


def test_posting_numbers_posts_and_schedules_installments(books):
    invoice = invoicing.post_invoice(actor=books.accountant, invoice_id=_draft(books).pk)
    assert (invoice.state, invoice.number) == ("posted", "INV/2026-00001")
    assert invoice.amount_residual == D("62.84")
    assert [(i.due_date, i.amount) for i in invoice.installments.all()] == [
        (dt.date(2026, 4, 9), D("31.42")),
        (dt.date(2026, 5, 9), D("31.42")),
    ]
    assert invoice.due_date == dt.date(2026, 5, 9)
    assert _entry_lines(invoice) == [  # one tax line per tax, the revenue per account
        ("4000", D("62.84"), D("0"), None),
        ("4500", D("0"), D("1.50"), None),
        ("4500", D("0"), D("6.31"), None),
        ("7000", D("0"), D("55.03"), None),
    ]
    entry = invoice.entry
    assert (entry.number, entry.reference, entry.state) == (
        "SAL/2026-00001",
        invoice.number,
        "posted",
    )
    second = invoicing.post_invoice(actor=books.accountant, invoice_id=_draft(books).pk)
    assert second.number == "INV/2026-00002"


def test_every_bad_line_is_reported_at_once(books):
    error = _error(
        lambda: _draft(
            books,
            lines=[
                InvoiceLineInput("Wrap", D("0"), D("1"), "VAT21"),
                InvoiceLineInput("Wrap", D("1"), D("1"), "VAT21-P"),
                InvoiceLineInput("", D("1"), D("1.00001"), "NOPE"),
            ],
        )
    )
    assert (error.status, error.code) == (422, "validation.errors")
    messages = [e["message"] for e in error.details["errors"]]
    assert messages == [
        "Line 1: quantity 0 must be above zero (credit with a credit note instead).",
        "Line 2: tax VAT21-P is a purchase tax; this document needs a sale tax.",
        "Line 3: give a description.",
        "Line 3: unit price 1.00001 has more than 4 decimals.",
        "Line 3: tax NOPE not found in ORDO-BE.",
    ]
    assert not Invoice.objects.exists()


def test_a_supplier_cannot_be_invoiced_as_a_customer(books):
    error = _error(lambda: _draft(books, partner_id=books.supplier.pk))
    assert (error.status, error.code) == (422, "accounting.partner_not_customer")
    assert error.message == "S-FAB Fabrika GmbH is not a customer."


def test_posting_into_a_hard_locked_period_is_refused_and_writes_nothing(books):
    invoice = _draft(books)
    march = Period.objects.get(company=books.company, name="2026-03")
    services.set_period_state(
        actor=books.accountant, period_id=march.pk, state="hard_locked", reason="VAT filed"
    )
    error = _error(lambda: invoicing.post_invoice(actor=books.accountant, invoice_id=invoice.pk))
    assert (error.status, error.code) == (409, "accounting.period_locked")
    assert error.message == (
        "Period 2026-03 of ORDO-BE is hard-locked: nothing can be posted into it."
    )
    invoice.refresh_from_db()
    assert (invoice.state, invoice.number, invoice.entry_id) == ("draft", "", None)
    assert not JournalEntry.objects.exists()
    # No number was burnt: the next posting in an open period still gets 00001.
    invoicing.update_invoice(
        actor=books.accountant, invoice_id=invoice.pk, invoice_date=dt.date(2026, 4, 2)
    )
    assert invoicing.post_invoice(actor=books.accountant, invoice_id=invoice.pk).number == (
        "INV/2026-00001"
    )


def test_only_a_draft_is_cancelled_and_a_posted_one_is_not_changed(books):
    draft = _draft(books)
    cancelled = invoicing.cancel_invoice(
        actor=books.accountant, invoice_id=draft.pk, reason="Duplicate"
    )
    assert cancelled.state == "cancelled"
    posted = invoicing.post_invoice(actor=books.accountant, invoice_id=_draft(books).pk)
    error = _error(
        lambda: invoicing.cancel_invoice(actor=books.accountant, invoice_id=posted.pk, reason="x")
    )
    assert (error.status, error.code) == (409, "accounting.invoice_not_draft")
    assert error.message == (
        "INV/2026-00001 is posted: only a draft can be cancelled; credit a posted document "
        "with a credit note."
    )
    error = _error(
        lambda: invoicing.update_invoice(actor=books.accountant, invoice_id=posted.pk, note="x")
    )
    assert (error.status, error.code) == (409, "accounting.invoice_not_draft")


def test_a_foreign_currency_invoice_posts_at_its_dates_rate(books):
    invoice = _draft(
        books,
        currency="USD",
        lines=_lines(("Freight", "1", "333.33", "VAT21"), ("Handling", "1", "333.33", "VAT21")),
    )
    invoice = invoicing.post_invoice(actor=books.accountant, invoice_id=invoice.pk)
    assert invoice.exchange_rate == D("0.9")  # the rate of 1 March applies on 10 March
    assert (invoice.amount_total, invoice.amount_total_company) == (D("806.66"), D("725.99"))
    # 666.66 × 0.9 = 599.99, 139.99 (hmm: 140.00 tax) × 0.9 = 126.00; 725.99 − 725.99 = 0
    assert _entry_lines(invoice) == [
        ("4000", D("725.99"), D("0"), D("806.66")),
        ("4500", D("0"), D("126.00"), D("-140.00")),
        ("7000", D("0"), D("599.99"), D("-666.66")),
    ]


def test_conversion_cents_go_to_the_rounding_account(books):
    services.add_exchange_rate(
        actor=books.accountant,
        company=books.company,
        currency="GBP",
        rate_date=dt.date(2026, 3, 1),
        rate="1.15",
    )
    invoice = _draft(
        books,
        currency="GBP",
        lines=_lines(("A", "1", "0.10", "VAT0"), ("B", "1", "0.10", "EXPORT")),
        note="",
    )
    lines = [
        InvoiceLineInput("A", D("1"), D("0.10"), "VAT0", account_code="7000"),
        InvoiceLineInput("B", D("1"), D("0.10"), "VAT0", account_code="7020"),
    ]
    invoicing.update_invoice(actor=books.accountant, invoice_id=invoice.pk, lines=lines)
    invoice = invoicing.post_invoice(actor=books.accountant, invoice_id=invoice.pk)
    # 0.20 × 1.15 = 0.23 on the receivable; 0.10 × 1.15 = 0.115 → 0.12 twice = 0.24.
    assert _entry_lines(invoice) == [
        ("4000", D("0.23"), D("0"), D("0.20")),
        ("6560", D("0.01"), D("0"), D("0.00")),
        ("7000", D("0"), D("0.12"), D("-0.10")),
        ("7020", D("0"), D("0.12"), D("-0.10")),
    ]


def test_a_missing_rate_is_a_conflict_naming_currency_and_date(books):
    invoice = _draft(books, currency="CHF")
    error = _error(lambda: invoicing.post_invoice(actor=books.accountant, invoice_id=invoice.pk))
    assert (error.status, error.code) == (409, "accounting.no_exchange_rate")
    assert error.message == "No EUR rate for CHF on or before 2026-03-10 in ORDO-BE."


def test_a_supplier_bill_credits_the_payable_and_debits_recoverable_vat(books):
    bill = invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind="supplier_bill",
        partner_id=books.supplier.pk,
        invoice_date=MARCH_10,
        partner_reference="F-2026-118",
        lines=[
            InvoiceLineInput(
                "Stretch film",
                D("40"),
                D("12.50"),
                "VAT21-P",
                origin=OriginRef("purchasing.order_line", 7),
            )
        ],
        origin=OriginRef("purchasing.order", 3, "PO/2026-00003"),
    )
    assert (bill.number, bill.state, bill.amount_total) == (
        "BILL/2026-00001",
        "posted",
        D("605.00"),
    )
    assert (bill.origin_kind, bill.origin_id, bill.origin_label) == (
        "purchasing.order",
        3,
        "PO/2026-00003",
    )
    assert bill.lines.get().origin_kind == "purchasing.order_line"
    assert _entry_lines(bill) == [
        ("4100", D("105.00"), D("0"), None),
        ("4400", D("0"), D("605.00"), None),
        ("6000", D("500.00"), D("0"), None),
    ]
    assert bill.entry.journal.code == "PUR"


def test_a_full_credit_note_settles_the_invoice(books):
    invoice = invoicing.post_invoice(actor=books.accountant, invoice_id=_draft(books).pk)
    credit = invoicing.create_credit_note(
        actor=books.accountant,
        invoice_id=invoice.pk,
        reason="Goods returned",
        credit_date=dt.date(2026, 3, 20),
    )
    invoice.refresh_from_db()
    assert (credit.number, credit.kind, credit.state) == (
        "CRN/2026-00001",
        "customer_credit_note",
        "paid",
    )
    assert (credit.amount_total, credit.amount_residual) == (D("62.84"), D("0.00"))
    assert (invoice.state, invoice.amount_residual) == ("paid", D("0.00"))
    assert _entry_lines(credit) == [
        ("4000", D("0"), D("62.84"), None),
        ("4500", D("1.50"), D("0"), None),
        ("4500", D("6.31"), D("0"), None),
        ("7000", D("55.03"), D("0"), None),
    ]


def test_a_partial_credit_note_cannot_exceed_what_is_left(books):
    invoice = invoicing.post_invoice(actor=books.accountant, invoice_id=_draft(books).pk)
    tape = invoice.lines.get(description="Tape")
    credit = invoicing.create_credit_note(
        actor=books.accountant,
        invoice_id=invoice.pk,
        reason="4 rolls damaged",
        lines=[CreditLineInput(tape.pk, D("4"))],
        credit_date=dt.date(2026, 3, 20),
    )
    assert (credit.amount_untaxed, credit.amount_tax, credit.amount_total) == (
        D("10.00"),
        D("0.60"),
        D("10.60"),
    )
    invoice.refresh_from_db()
    assert (invoice.state, invoice.amount_residual) == ("partially_paid", D("52.24"))
    error = _error(
        lambda: invoicing.create_credit_note(
            actor=books.accountant,
            invoice_id=invoice.pk,
            reason="more",
            lines=[CreditLineInput(tape.pk, D("7"))],
        )
    )
    assert (error.status, error.code) == (422, "accounting.credit_quantity_exceeds")
    assert error.message == "Line 1: 7 of “Tape” cannot be credited: 6 of 10 is left to credit."


def test_a_tax_used_by_a_posted_document_keeps_its_rate(books):
    invoicing.post_invoice(actor=books.accountant, invoice_id=_draft(books).pk)
    tax = books.company.taxes.get(code="VAT21")
    error = _error(
        lambda: services.update_tax(actor=books.accountant, tax_id=tax.pk, changes={"rate": "20"})
    )
    assert (error.status, error.code) == (409, "accounting.tax_in_use")
    assert error.message == (
        "Tax VAT21 is used by posted documents (e.g. INV/2026-00001): its rate cannot "
        "change. Create a new tax and deactivate this one."
    )
    renamed = services.update_tax(
        actor=books.accountant, tax_id=tax.pk, changes={"name": "VAT 21 % standard"}
    )
    assert renamed.name == "VAT 21 % standard"


def test_a_sales_rep_sees_but_does_not_write_invoices(books, personas):
    error = _error(lambda: _draft(books, actor=personas["sales_rep"]))
    assert (error.status, error.code) == (403, "permission.denied")
    draft = _draft(books)
    error = _error(lambda: invoicing.post_invoice(actor=personas["sales_rep"], invoice_id=draft.pk))
    assert error.status == 403


def test_invoice_of_another_company_is_not_found(books, company_nl, make_user):
    draft = _draft(books)
    outsider = make_user("accountant", company_nl)
    error = _error(lambda: invoicing.post_invoice(actor=outsider, invoice_id=draft.pk))
    assert (error.status, error.code) == (404, "accounting.invoice_not_found")
    assert Invoice.objects.get(pk=draft.pk).state == InvoiceState.DRAFT


def test_posting_applies_the_tax_rate_of_the_day_not_the_drafts(books):
    draft = _draft(
        books, lines=_lines(("Wrap", "1", "100.00", "VAT21"), ("Tape", "1", "10.00", "VAT6"))
    )
    tax = books.company.taxes.get(code="VAT21")
    services.update_tax(actor=books.accountant, tax_id=tax.pk, changes={"rate": "20"})
    invoice = invoicing.post_invoice(actor=books.accountant, invoice_id=draft.pk)
    assert [(line.tax_rate, line.tax_amount) for line in invoice.lines.order_by("sequence")] == [
        (D("20.0000"), D("20.00")),
        (D("6.0000"), D("0.60")),
    ]
    assert (invoice.amount_tax, invoice.amount_total) == (D("20.60"), D("130.60"))


def test_a_bad_partner_and_bad_lines_are_reported_together(books):
    error = _error(
        lambda: _draft(
            books,
            partner_id=books.supplier.pk,
            lines=[
                InvoiceLineInput("Wrap", D("0"), D("1"), "VAT21"),
                InvoiceLineInput("Tape", D("1"), D("1"), "NOPE"),
            ],
        )
    )
    assert (error.status, error.code) == (422, "validation.errors")
    assert [(e["field"], e["code"]) for e in error.details["errors"]] == [
        ("partner", "accounting.partner_not_customer"),
        ("lines.0.quantity", "accounting.invoice_line_quantity"),
        ("lines.1.tax", "accounting.tax_not_found"),
    ]
    assert not Invoice.objects.exists()
