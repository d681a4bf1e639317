"""The accountant reconciles the April bank statement in the browser, and registers a
payment by hand after an over-allocation is caught."""

import datetime as dt
from decimal import Decimal

import pytest

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

D = Decimal


@pytest.fixture
def april(personas, company_be):
    """ORDO-BE with its books, a customer with two open invoices (121.00 and 50.00)."""
    from ordo.accounting import invoicing, services
    from ordo.accounting.invoicing import InvoiceLineInput
    from ordo.partners.models import Partner

    accountant = personas["accountant"]
    services.install_chart(actor=accountant, company=company_be)
    services.create_fiscal_year(
        actor=accountant,
        company=company_be,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    services.install_default_taxes(actor=accountant, company=company_be)
    customer = Partner.objects.create(code="C-ACME", name="Acme Retail BV", is_customer=True)
    invoices = [
        invoicing.create_and_post_invoice(
            actor=accountant,
            company=company_be,
            kind="customer_invoice",
            partner_id=customer.pk,
            invoice_date=dt.date(2026, 3, day),
            lines=[InvoiceLineInput("Goods", D("1"), D(price), "VAT0")],
        )
        for day, price in ((10, "121.00"), (12, "50.00"))
    ]
    return customer, invoices


def _row(page, sequence: int):
    return page.locator(f".wb-row[data-line='{sequence}']")


def test_accountant_reconciles_a_statement_and_undoes_one_line(page, april, tmp_path, screenshot):
    from ordo.accounting.models import BankStatementLine
    from ordo.accounting.tests.test_banking import camt053

    _, invoices = april
    statement_file = tmp_path / "april.xml"
    statement_file.write_bytes(
        camt053(
            [
                ("121.00", "Payment INV/2026-00001 thank you", "ACME RETAIL B.V."),
                ("50.00", "March goods", "Acme Retail BV"),
                ("-2.50", "Account fee March", "Our bank"),
            ]
        )
    )

    # 1. The accountant opens Bank statements and uploads the bank's camt.053 file.
    log_in(page, "accountant", "ordo-test-pw")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Bank statements").click()
    screenshot("money-statement-list-empty")
    page.set_input_files("input[name=file]", str(statement_file))
    page.get_by_role("button", name="Import").click()

    # 2. The workbench opens with two suggestions and their explanations.
    page.wait_for_url("**/accounting/bank/*/")
    assert "Statement STMT-2026-04-01 imported into BNK1: 3 lines." in page.inner_text(".messages")
    assert page.get_by_test_id("lines-open").inner_text() == "3 of 3 lines"
    first = _row(page, 1).get_by_test_id("suggestion")
    assert "Reference 'INV/2026-00001' found in the payment text" in first.inner_text()
    assert "Counterparty 'Acme Retail BV'" in _row(page, 2).inner_text()
    assert "No suggestion: match it by hand." in _row(page, 3).inner_text()
    screenshot("money-workbench-before")

    # 3. They tick the first suggestion and accept it.
    first.get_by_role("checkbox").check()
    page.get_by_role("button", name="Accept selected").click()
    page.locator(".msg", has_text="1 line reconciled.").wait_for()
    assert "Reconciled" in _row(page, 1).inner_text()
    assert "Payment RCPT/2026-00001: INV/2026-00001 121.00 EUR" in _row(page, 1).inner_text()

    # 4. The bank fee has no suggestion: they match it to 6510 by hand.
    fee = _row(page, 3)
    fee.get_by_text("Match by hand").click()
    # No partner has documents to pay: the panel opens on "An account".
    fee.get_by_label("Account").select_option("6510")
    fee.get_by_label("Label").fill("Bank fee March")
    screenshot("money-workbench-match-by-hand")
    fee.get_by_role("button", name="Book on this account").click()
    page.locator(".msg", has_text="Line 3 reconciled: Booked on 6510 Bank charges.").wait_for()
    assert "Booked on 6510 Bank charges." in _row(page, 3).inner_text()

    # 5. The last suggestion is accepted with "Accept all": every line is reconciled.
    page.get_by_role("button", name="Accept all").click()
    page.locator(".msg", has_text="1 line reconciled.").wait_for()
    assert page.get_by_test_id("lines-open").inner_text() == "0 of 3 lines"
    assert set(BankStatementLine.objects.values_list("state", flat=True)) == {"reconciled"}
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.state == "paid"
    screenshot("money-workbench-after")

    # 6. The first line was a mistake: they undo it, giving a reason.
    row = _row(page, 1)
    row.get_by_text("Undo", exact=True).click()
    row.get_by_label("Reason for undoing line 1").fill("Customer asked for a refund")
    row.get_by_role("button", name="Undo reconciliation").click()
    page.locator(".msg", has_text="Line 1 is open again (Customer asked for a refund).").wait_for()
    assert page.get_by_test_id("lines-open").inner_text() == "1 of 3 lines"
    assert "To reconcile" in _row(page, 1).inner_text()
    invoices[0].refresh_from_db()
    assert invoices[0].state == "posted"
    screenshot("money-workbench-undone")

    page.get_by_role("link", name="All statements").click()
    page.wait_for_url("**/accounting/bank/")
    assert "1 / 3" in page.get_by_test_id("statement-list").inner_text()
    screenshot("money-statement-list")


def test_accountant_registers_a_payment_after_fixing_an_over_allocation(page, april, screenshot):
    from ordo.accounting.models import Payment

    # 1. The accountant opens Payments and registers a payment from Acme.
    log_in(page, "accountant", "ordo-test-pw")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Payments").click()
    page.get_by_role("link", name="Register payment").click()
    page.get_by_label("Partner").select_option(label="C-ACME · Acme Retail BV")

    # 2. Choosing the partner loads the open invoices.
    rows = page.locator(".money-allocations tbody tr")
    rows.first.wait_for()
    assert rows.count() == 2
    page.get_by_label("Date").fill("2026-03-20")
    page.get_by_label("Amount").fill("171.00")
    page.get_by_label("Allocate to INV/2026-00001").fill("130.00")
    page.get_by_label("Allocate to INV/2026-00002").fill("41.00")
    page.get_by_role("button", name="Register payment").click()

    # 3. The form comes back with the problem next to the first invoice; nothing is saved.
    error = page.locator("tr[data-document='INV/2026-00001'] .error")
    error.wait_for()
    assert error.inner_text() == (
        "Allocation 1: 130.00 EUR is more than the 121.00 EUR open on INV/2026-00001."
    )
    assert page.input_value("input[name=amount]") == "171.00"
    assert Payment.objects.count() == 0
    screenshot("money-payment-form-error")

    # 4. "Allocate in order" fills the amounts oldest first; the payment is registered.
    page.get_by_role("button", name="Allocate in order").click()
    assert page.get_by_label("Allocate to INV/2026-00001").input_value() == "121.00"
    assert page.get_by_label("Allocate to INV/2026-00002").input_value() == "50.00"
    page.get_by_role("button", name="Register payment").click()
    page.wait_for_url("**/accounting/payments/*/")
    assert "Payment RCPT/2026-00001 of 171.00 EUR registered; 171.00 EUR allocated." in (
        page.inner_text(".messages")
    )
    assert page.get_by_test_id("payment-unallocated").inner_text() == "0.00 EUR"
    assert page.get_by_test_id("allocation-list").locator("tbody tr").count() == 2
    screenshot("money-payment-detail")
