"""The accountant's pages for payments, bank statements and the reconciliation workbench."""

import datetime as dt
import html
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum

from ordo.accounting import banking, invoicing, payments, services
from ordo.accounting.invoicing import InvoiceLineInput
from ordo.accounting.models import (
    BankStatement,
    BankStatementLine,
    Invoice,
    JournalEntry,
    JournalLine,
    Payment,
    Reconciliation,
)
from ordo.accounting.payments import AllocationInput
from ordo.partners.models import Partner

from .test_banking import camt053

pytestmark = pytest.mark.django_db

D = Decimal
SHARED = Path(__file__).resolve().parents[4] / ".." / "shared"
OCA_CAMT = SHARED / "standards-samples" / "bank" / "oca-test-camt053.xml"

PAYMENTS = "/accounting/payments/"
BANK = "/accounting/bank/"


def _text(response) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    body = re.sub(r"</?a\b[^>]*>", "", body)  # a link is read as its text
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _invoice(books, price, day=dt.date(2026, 3, 10)):
    return invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind="customer_invoice",
        partner_id=books.customer.pk,
        invoice_date=day,
        lines=[InvoiceLineInput("Goods", D("1"), D(price), "VAT0")],
    )


def _payment_post(books, invoice=None, amount="121.00", allocated=None, **extra):
    data = {
        "direction": "inbound",
        "side": "customer",
        "partner": str(books.customer.pk),
        "payment_date": "2026-03-20",
        "amount": amount,
        "currency": "EUR",
        "journal": "BNK1",
        "reference": "Wire 2026-03-20",
    }
    if invoice is not None:
        data["doc"] = [str(invoice.pk)]
        data[f"alloc-{invoice.pk}"] = allocated if allocated is not None else amount
    return data | extra


def _receive(books, invoice, amount="121.00"):
    return payments.register_payment(
        actor=books.accountant,
        company=books.company,
        direction="inbound",
        partner_id=books.customer.pk,
        amount=D(amount),
        payment_date=dt.date(2026, 3, 20),
        allocations=[AllocationInput(invoice.pk, D(amount))],
    )


def _balance(company, code):
    totals = JournalLine.objects.filter(
        entry__company=company, entry__state="posted", account__code=code
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["debit"] or 0) - (totals["credit"] or 0)


# --------------------------------------------------------------------------- payments


def test_a_payment_allocated_in_the_form_shows_its_allocation_on_its_page(books, client_for):
    invoice = _invoice(books, "121.00")
    client = client_for(books.accountant)

    response = client.post(f"{PAYMENTS}new/", _payment_post(books, invoice))

    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{PAYMENTS}{payment.pk}/"
    page = client.get(response.url)
    text = _text(page)
    assert "Payment RCPT/2026-00001 of 121.00 EUR registered; 121.00 EUR allocated." in text
    assert "Payment RCPT/2026-00001 Allocated" in text
    assert "Partner C-ACME · Acme Retail BV" in text
    assert "Amount 121.00 EUR Allocated 121.00 EUR Unallocated 0.00 EUR" in text
    assert f"Entry {payment.entry.number}" in text
    assert payment.entry.number.startswith("BNK1/")
    assert "INV/2026-00001 2026-03-20 121.00 EUR — accountant Active Undo" in text
    invoice.refresh_from_db()
    assert (invoice.state, invoice.amount_residual) == ("paid", D("0.00"))
    # Nothing left to allocate: no "Allocate more" form.
    assert "Allocate more" not in text


def test_an_over_allocation_is_shown_next_to_its_document_and_nothing_is_saved(books, client_for):
    invoice = _invoice(books, "121.00")
    entries = JournalEntry.objects.count()
    client = client_for(books.accountant)

    response = client.post(f"{PAYMENTS}new/", _payment_post(books, invoice, amount="130.00"))

    assert response.status_code == 422
    row = re.search(
        r'<tr class="has-error" data-document="INV/2026-00001">(.*?)</tr>',
        response.content.decode(),
        re.S,
    )
    assert row is not None
    assert (
        "Allocation 1: 130.00 EUR is more than the 121.00 EUR open on INV/2026-00001."
        in html.unescape(row[1])
    )
    assert 'value="130.00"' in row[1]  # what was typed stays
    assert (Payment.objects.count(), JournalEntry.objects.count()) == (0, entries)
    invoice.refresh_from_db()
    assert invoice.amount_residual == D("121.00")


def test_an_allocation_that_is_not_a_number_and_a_missing_partner_are_inline(books, client_for):
    invoice = _invoice(books, "121.00")
    client = client_for(books.accountant)

    response = client.post(
        f"{PAYMENTS}new/", _payment_post(books, invoice, allocated="12,1O", amount="12x")
    )
    assert response.status_code == 422
    assert "The amount must be a number such as 121.00, got “12x”." in _text(response)

    response = client.post(f"{PAYMENTS}new/", _payment_post(books, invoice, allocated="12,1O"))
    assert response.status_code == 422
    assert "Allocation 1: “12,1O” is not an amount (write it like 121.00)." in _text(response)

    response = client.post(f"{PAYMENTS}new/", _payment_post(books, partner=""))
    assert response.status_code == 422
    assert '<div class="error" role="alert" data-field="partner">This field is required.' in (
        response.content.decode()
    )
    assert not Payment.objects.exists()


def test_the_form_preselects_an_invoice_with_its_open_amount(books, client_for):
    invoice = _invoice(books, "121.00")
    response = client_for(books.accountant).get(f"{PAYMENTS}new/?invoice={invoice.pk}")
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<option value="{books.customer.pk}" selected>C-ACME · Acme Retail BV</option>' in (
        content
    )
    assert f'name="alloc-{invoice.pk}" value="121.00"' in content
    assert 'name="amount" value="121.00"' in content


def test_the_open_documents_of_a_partner_load_by_side(books, client_for):
    _invoice(books, "121.00")
    _invoice(books, "50.00", day=dt.date(2026, 3, 12))
    client = client_for(books.accountant)
    url = f"{PAYMENTS}open-documents/"

    response = client.get(
        url, {"direction": "inbound", "side": "customer", "partner": books.customer.pk}
    )
    text = _text(response)
    assert "INV/2026-00001 Customer invoice 2026-03-10" in text
    assert "INV/2026-00002 Customer invoice 2026-03-12" in text
    assert "2 open documents 171.00 EUR" in text

    response = client.get(
        url, {"direction": "outbound", "side": "supplier", "partner": books.customer.pk}
    )
    assert "No open documents of this partner on this side." in _text(response)
    assert "Choose a partner to see their open documents." in _text(client.get(url))


def test_a_payment_is_allocated_more_then_undone_with_a_reason(books, client_for):
    invoice = _invoice(books, "121.00")
    payment = payments.register_payment(
        actor=books.accountant,
        company=books.company,
        direction="inbound",
        partner_id=books.customer.pk,
        amount=D("200.00"),
        payment_date=dt.date(2026, 3, 20),
    )
    client = client_for(books.accountant)
    detail = f"{PAYMENTS}{payment.pk}/"
    assert "200.00 EUR of this payment is not allocated yet." in _text(client.get(detail))

    response = client.post(
        f"{detail}allocate/", {"doc": [invoice.pk], f"alloc-{invoice.pk}": "121.00"}
    )
    assert response.status_code == 302
    page = _text(client.get(detail))
    assert "121.00 EUR of RCPT/2026-00001 allocated." in page
    assert "Unallocated 79.00 EUR" in page
    allocation = payment.allocations.get()

    undo = f"{detail}allocations/{allocation.pk}/undo/"
    response = client.post(undo, {"reason": " "})
    assert response.status_code == 422
    assert "Give a reason for undoing the allocation." in _text(response)
    assert payment.allocations.get().undone_at is None

    response = client.post(undo, {"reason": "Paid the wrong invoice"})
    assert response.status_code == 302
    page = _text(client.get(detail))
    assert "Allocation of 121.00 EUR to INV/2026-00001 undone." in page
    assert "Undone" in page and "Paid the wrong invoice" in page
    invoice.refresh_from_db()
    assert (invoice.state, invoice.amount_residual) == ("posted", D("121.00"))


def test_a_payment_is_cancelled_with_a_reason(books, client_for):
    invoice = _invoice(books, "121.00")
    payment = _receive(books, invoice)
    client = client_for(books.accountant)
    cancel = f"{PAYMENTS}{payment.pk}/cancel/"

    response = client.post(cancel, {"cancel-reason": ""})
    assert response.status_code == 422
    assert "Give a reason for the cancellation." in _text(response)

    response = client.post(cancel, {"cancel-reason": "Registered twice"})
    assert response.status_code == 302
    page = _text(client.get(f"{PAYMENTS}{payment.pk}/"))
    assert "Payment RCPT/2026-00001 cancelled." in page
    assert "Payment RCPT/2026-00001 Cancelled" in page
    assert "Payment RCPT/2026-00001 cancelled: Registered twice" in page
    invoice.refresh_from_db()
    assert invoice.state == "posted"


def test_the_payment_list_filters(books, client_for):
    invoice = _invoice(books, "121.00")
    _receive(books, invoice)
    payments.register_payment(
        actor=books.accountant,
        company=books.company,
        direction="outbound",
        partner_id=books.supplier.pk,
        amount=D("40.00"),
        payment_date=dt.date(2026, 3, 21),
    )
    client = client_for(books.accountant)
    text = _text(client.get(PAYMENTS))
    assert "PAY/2026-00001 2026-03-21 Fabrika GmbH Paid out 40.00 EUR 40.00 EUR Open credit" in (
        text
    )
    assert "RCPT/2026-00001 2026-03-20 Acme Retail BV Received 121.00 EUR — Allocated" in text
    assert "Register payment" in text
    text = _text(client.get(PAYMENTS, {"open": "on"}))
    assert "PAY/2026-00001" in text and "RCPT/2026-00001" not in text
    text = _text(client.get(PAYMENTS, {"direction": "inbound", "q": "acme"}))
    assert "RCPT/2026-00001" in text and "PAY/2026-00001" not in text
    assert "No payments match these filters." in _text(client.get(PAYMENTS, {"q": "nobody"}))


def test_a_manager_reads_payments_but_registers_none(books, personas, client_for):
    client = client_for(personas["manager"])
    response = client.get(PAYMENTS)
    assert response.status_code == 200
    assert "Register payment" not in _text(response)
    assert client.get(f"{PAYMENTS}new/").status_code == 403


# --------------------------------------------------------------------------- statements


@pytest.fixture
def april(books, client_for):
    """Two open invoices (121.00, 50.00) and a statement paying both plus a bank fee,
    uploaded through the page."""
    first, second = _invoice(books, "121.00"), _invoice(books, "50.00")
    client = client_for(books.accountant)
    upload = SimpleUploadedFile(
        "april.xml",
        camt053(
            [
                ("121.00", "Payment INV/2026-00001 thank you", "ACME RETAIL B.V."),
                ("50.00", "March goods", "Acme Retail BV"),
                ("-2.50", "Account fee March", "Our bank"),
            ]
        ),
    )
    response = client.post(f"{BANK}import/", {"file": upload, "journal": "BNK1"})
    statement = BankStatement.objects.get()
    assert response.status_code == 302
    assert response.url == f"{BANK}{statement.pk}/"
    return SimpleNamespace(
        books=books,
        client=client,
        statement=statement,
        first=first,
        second=second,
        landing=client.get(response.url),  # the workbench, with the import message
    )


def _line(statement, sequence):
    return statement.lines.get(sequence=sequence)


def test_an_uploaded_statement_opens_the_workbench_with_its_suggestions(april):
    client = april.client
    response = april.landing
    assert response.status_code == 200
    text = _text(response)
    assert "Statement STMT-2026-04-01 imported into BNK1: 3 lines." in text
    assert "To reconcile 3 of 3 lines" in text
    assert "2 suggestions" in text
    assert (
        "Reference and amount Reference 'INV/2026-00001' found in the payment text and the "
        "amount 121.00 equals its open amount. INV/2026-00001 · Acme Retail BV · 121.00 EUR"
    ) in text
    assert "Partner and amount" in text and "INV/2026-00002 · Acme Retail BV · 50.00 EUR" in text
    assert "Account fee March" in text and "No suggestion: match it by hand." in text
    assert text.count("Match by hand") == 3

    listing = _text(client.get(BANK))
    assert (
        "BNK1 STMT-2026-04-01 camt053 BE71096123456769 2026-03-31 2026-04-09 "
        "1000.00 EUR 1168.50 EUR 3 / 3"
    ) in listing


def test_the_same_file_twice_is_refused_on_the_upload_form(april):
    client = april.client
    statement = april.statement
    upload = SimpleUploadedFile(
        "again.xml",
        camt053(
            [
                ("121.00", "Payment INV/2026-00001 thank you", "ACME RETAIL B.V."),
                ("50.00", "March goods", "Acme Retail BV"),
                ("-2.50", "Account fee March", "Our bank"),
            ]
        ),
    )
    response = client.post(f"{BANK}import/", {"file": upload, "journal": "BNK1"})
    assert response.status_code == 409
    today = statement.imported_at.strftime("%Y-%m-%d")
    assert f"This file was already imported on {today} (statement STMT-2026-04-01)." in _text(
        response
    )
    assert BankStatement.objects.count() == 1


def test_a_file_that_does_not_parse_is_refused_with_its_line(books, client_for):
    client = client_for(books.accountant)
    upload = SimpleUploadedFile("broken.xml", camt053([])[:-40])
    response = client.post(f"{BANK}import/", {"file": upload, "journal": "BNK1"})
    assert response.status_code == 422
    assert re.search(r'data-field="file">[^<]*line \d+', response.content.decode())
    assert not BankStatement.objects.exists()
    response = client.post(f"{BANK}import/", {"journal": "BNK1"})
    assert response.status_code == 422
    assert "This field is required." in _text(response)


def test_the_oca_sample_shows_that_it_does_not_add_up(books, client_for):
    if not OCA_CAMT.exists():
        pytest.skip("../shared is not beside the repository")
    client = client_for(books.accountant)
    upload = SimpleUploadedFile("oca-test-camt053.xml", OCA_CAMT.read_bytes())
    response = client.post(f"{BANK}import/", {"file": upload, "journal": "BNK1"})
    assert response.status_code == 422
    assert (
        '<div class="error" role="alert" data-field="file">Statement 1234Test/1 does not add '
        "up: opening 15568.27 + movements -12.99 = 15555.28, but the closing balance is "
        "15121.12 (difference -434.16 EUR).</div>"
    ) in response.content.decode()
    assert not BankStatement.objects.exists()


def test_accept_all_reconciles_the_suggested_lines_and_pays_the_invoices(april):
    client = april.client
    statement = april.statement
    first = april.first
    second = april.second
    response = client.post(f"{BANK}{statement.pk}/accept/", {"mode": "all"})
    assert response.status_code == 302
    page = client.get(response.url)
    text = _text(page)
    assert _messages(page) == ["2 lines reconciled."]
    assert "To reconcile 1 of 3 lines" in text
    assert "Reference and amount Reference 'INV/2026-00001' found" in text
    assert "Payment RCPT/2026-00001: INV/2026-00001 121.00 EUR" in text
    assert "Payment RCPT/2026-00002: INV/2026-00002 50.00 EUR" in text
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("paid", "paid")
    assert list(statement.lines.order_by("sequence").values_list("state", flat=True)) == [
        "reconciled",
        "reconciled",
        "open",
    ]


def test_accept_selected_takes_only_the_ticked_lines(april):
    client = april.client
    statement = april.statement
    first = april.first
    second = april.second
    response = client.post(
        f"{BANK}{statement.pk}/accept/", {"mode": "selected", "line": [_line(statement, 2).pk]}
    )
    assert _messages(client.get(response.url)) == ["1 line reconciled."]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("posted", "paid")

    response = client.post(f"{BANK}{statement.pk}/accept/", {"mode": "selected"})
    assert _messages(client.get(response.url)) == ["Tick at least one suggestion to accept."]

    fee = _line(statement, 3)
    response = client.post(f"{BANK}{statement.pk}/accept/", {"mode": "selected", "line": fee.pk})
    assert _messages(client.get(response.url)) == ["Line 3: No suggestion for this line any more."]


def test_the_bank_fee_is_matched_to_6510_by_hand_and_undone(april):
    books = april.books
    client = april.client
    statement = april.statement
    fee = _line(statement, 3)
    match = f"{BANK}lines/{fee.pk}/match/"

    panel = client.get(match, HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    assert panel.templates[0].name == "accounting/money/_match_panel.html"
    text = _text(panel)
    assert "Open documents" in text and "A payment registered before" in text
    assert "No posted payment of 2.50 EUR paid through BNK1 waits for a statement line." in text
    assert '<option value="6510">6510 · Bank charges</option>' in panel.content.decode()
    assert '<option value="5500">' not in panel.content.decode()

    response = client.post(match, {"kind": "account", f"m{fee.pk}-account": ""})
    assert response.status_code == 422
    assert "This field is required." in _text(response)

    response = client.post(
        match,
        {"kind": "account", f"m{fee.pk}-account": "6510", f"m{fee.pk}-label": "Bank fee March"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{BANK}{statement.pk}/"
    page = client.get(f"{BANK}{statement.pk}/")
    text = _text(page)
    assert "Line 3 reconciled: Booked on 6510 Bank charges." in text
    assert "Account Booked on 6510 Bank charges. Entry BNK1/" in text
    assert _balance(books.company, "6510") == D("2.50")

    reconciliation = Reconciliation.objects.get()
    undo = f"{BANK}reconciliations/{reconciliation.pk}/undo/"
    response = client.post(undo, {"reason": ""})
    assert response.status_code == 422
    assert "Give a reason for undoing the reconciliation." in _text(response)

    response = client.post(undo, {"reason": "Fee was refunded"})
    assert response.status_code == 302
    text = _text(client.get(response.url))
    assert "Line 3 is open again (Fee was refunded)." in text
    assert "To reconcile 3 of 3 lines" in text
    assert _balance(books.company, "6510") == 0
    reconciliation.refresh_from_db()
    assert reconciliation.undone_reason == "Fee was refunded"


def test_a_line_is_matched_to_documents_by_hand_and_errors_stay_in_the_panel(april):
    books = april.books
    client = april.client
    statement = april.statement
    first = april.first
    second = april.second
    line = _line(statement, 2)  # 50.00 in
    match = f"{BANK}lines/{line.pk}/match/"
    prefix = f"m{line.pk}-"

    panel = client.get(
        match, {"panel": "documents", f"{prefix}partner": books.customer.pk}, HTTP_HX_REQUEST="true"
    )
    text = _text(panel)
    assert "C-ACME · Acme Retail BV (2 open)" in text
    assert "INV/2026-00001 Customer invoice" in text and "INV/2026-00002" in text

    data = {
        "kind": "documents",
        f"{prefix}partner": books.customer.pk,
        f"{prefix}doc": [first.pk, second.pk],
        f"{prefix}alloc-{second.pk}": "60.00",
    }
    response = client.post(match, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Allocation 1: 60.00 EUR is more than the 50.00 EUR open on INV/2026-00002." in (
        _text(response)
    )
    assert not Payment.objects.exists()

    data[f"{prefix}alloc-{second.pk}"] = ""
    data[f"{prefix}alloc-{first.pk}"] = "50.00"
    response = client.post(match, data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.state, first.amount_residual) == ("partially_paid", D("71.00"))
    assert "Line 2 reconciled: Matched by hand to INV/2026-00001." in _text(
        client.get(response.url)
    )


def test_a_line_is_matched_to_a_payment_registered_before(april):
    books = april.books
    client = april.client
    statement = april.statement
    second = april.second
    payment = _receive(books, second, "50.00")
    payment.journal.refresh_from_db()
    line = _line(statement, 2)
    match = f"{BANK}lines/{line.pk}/match/"
    panel = _text(client.get(match, {"panel": "payment"}, HTTP_HX_REQUEST="true"))
    assert "RCPT/2026-00001 · Acme Retail BV · 2026-03-20" in panel
    response = client.post(match, {"kind": "payment", f"m{line.pk}-payment": payment.pk})
    assert response.status_code == 302
    assert Reconciliation.objects.get().payment == payment
    # Already reconciled: the panel says so.
    assert "Line 2 is already reconciled." in _text(client.get(match, HTTP_HX_REQUEST="true"))


# --------------------------------------------------------------------------- who sees what


def test_a_manager_may_not_open_the_workbench(april, personas, client_for):
    statement = april.statement
    client = client_for(personas["manager"])
    assert client.get(f"{BANK}{statement.pk}/").status_code == 403
    assert client.get(BANK).status_code == 403
    assert client.post(f"{BANK}{statement.pk}/accept/", {"mode": "all"}).status_code == 403
    fee = _line(statement, 3)
    assert client.get(f"{BANK}lines/{fee.pk}/match/").status_code == 403
    assert not Reconciliation.objects.exists()


@pytest.fixture
def other_company(company_nl, make_user):
    """ORDO-NL with its own books, a payment and a statement (its accountant only)."""
    accountant = make_user("accountant", company_nl, username="accountant-nl")
    services.install_chart(actor=accountant, company=company_nl)
    services.create_fiscal_year(
        actor=accountant,
        company=company_nl,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    partner = Partner.objects.create(code="C-NL", name="Dutch Buyer BV", is_customer=True)
    payment = payments.register_payment(
        actor=accountant,
        company=company_nl,
        direction="inbound",
        partner_id=partner.pk,
        amount=D("10.00"),
        payment_date=dt.date(2026, 3, 20),
    )
    (statement,) = banking.import_bank_statement(
        actor=accountant,
        company=company_nl,
        data=camt053([("-1.00", "Fee", "Bank")], statement_id="NL-1"),
        filename="nl.xml",
    )
    line = statement.lines.get()
    reconciliation = banking.reconcile_with_account(
        actor=accountant, line_id=line.pk, account_code="6510"
    )
    return payment, statement, line, reconciliation


def test_another_companys_payment_and_statement_answer_404(books, other_company, client_for):
    payment, statement, line, reconciliation = other_company
    client = client_for(books.accountant)
    assert client.get(f"{PAYMENTS}{payment.pk}/").status_code == 404
    assert client.post(f"{PAYMENTS}{payment.pk}/cancel/", {"cancel-reason": "x"}).status_code == (
        404
    )
    assert client.get(f"{BANK}{statement.pk}/").status_code == 404
    assert client.post(f"{BANK}{statement.pk}/accept/", {"mode": "all"}).status_code == 404
    assert client.get(f"{BANK}lines/{line.pk}/match/").status_code == 404
    response = client.post(f"{BANK}reconciliations/{reconciliation.pk}/undo/", {"reason": "x"})
    assert response.status_code == 404
    assert "NL-1" not in _text(client.get(BANK))
    assert "RCPT/2026-00001" not in _text(client.get(PAYMENTS))
    assert Payment.objects.get(pk=payment.pk).state == "posted"
    assert BankStatementLine.objects.get(pk=line.pk).state == "reconciled"
    assert Invoice.objects.count() == 0
