"""The accountant invoices in the browser: a draft with two lines (one mistyped, then
fixed), posted as INV/2026-00001, its PDF opened, then partly credited."""

import datetime as dt

import pytest

from ordo.accounting import services
from ordo.partners.models import Partner

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ledger_2026(company_be, personas):
    """ORDO-BE with its chart, fiscal year 2026, the default taxes and a customer."""
    accountant = personas["accountant"]
    services.install_chart(actor=accountant, company=company_be)
    services.create_fiscal_year(
        actor=accountant,
        company=company_be,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    services.install_default_taxes(actor=accountant, company=company_be)
    return Partner.objects.create(
        code="C-ACME", name="Acme Retail BV", is_customer=True, vat_number="NL004495445B01"
    )


def test_the_accountant_invoices_posts_opens_the_pdf_and_credits(page, ledger_2026, screenshot):
    # 1. The accountant signs in and opens Invoices from the menu: none yet.
    log_in(page, "accountant", "ordo-test-pw")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invoices").click()
    page.wait_for_url("**/accounting/invoices/")
    assert "No invoices yet." in page.locator("table.list tbody").inner_text()
    page.get_by_role("link", name="New invoice").click()

    # 2. Two lines, the second with quantity 0 by mistake: the error comes back on its row.
    page.select_option("select[name=partner]", label="C-ACME · Acme Retail BV")
    page.fill("input[name=invoice_date]", "2026-03-10")
    page.fill("input[name=partner_reference]", "PO-4471")
    page.fill("input[name=line0_description]", "Pallet wrap")
    page.fill("input[name=line0_quantity]", "3")
    page.fill("input[name=line0_unit_price]", "10.01")
    page.fill("input[name=line1_description]", "Tape")
    page.fill("input[name=line1_quantity]", "0")
    page.fill("input[name=line1_unit_price]", "2.50")
    page.select_option("select[name=line1_tax]", "VAT6")
    page.get_by_role("button", name="Save as draft").click()
    error = page.locator(".error[data-field=line1_quantity]")
    error.wait_for()
    assert error.inner_text() == (
        "Quantity 0 must be above zero (credit with a credit note instead)."
    )
    assert page.input_value("input[name=line0_description]") == "Pallet wrap"
    screenshot("invoice-form-error")

    # 3. Fixed and saved: the draft shows its exact totals.
    page.fill("input[name=line1_quantity]", "10")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url("**/accounting/invoices/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Draft invoice"
    assert page.get_by_test_id("total").inner_text() == "62.84 EUR"

    # 4. Posted: it gets its number.
    page.get_by_role("button", name="Post").click()
    page.get_by_role("heading", name="Invoice INV/2026-00001").wait_for()
    assert page.locator("[data-state]").first.inner_text() == "Posted"
    assert page.get_by_test_id("open").inner_text() == "62.84 EUR"
    invoice_url = page.url

    # 5. The PDF link answers a PDF.
    href = page.get_by_role("link", name="PDF").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # 6. One roll of pallet wrap comes back: a credit note for 1 of the 3.
    page.get_by_role("link", name="Credit note").click()
    page.wait_for_url("**/credit/")
    quantities = page.locator("table.doc-credit input")
    assert [quantities.nth(i).input_value() for i in range(quantities.count())] == ["3", "10"]
    quantities.nth(0).fill("1")
    quantities.nth(1).fill("")
    page.fill("input[name=reason]", "One roll damaged in transport")
    page.fill("input[name=credit_date]", "2026-03-20")
    screenshot("invoice-credit-note-form")
    page.get_by_role("button", name="Create credit note").click()
    page.get_by_role("heading", name="Credit note CRN/2026-00001").wait_for()
    assert page.get_by_test_id("total").inner_text() == "12.11 EUR"

    # 7. Back on the invoice: the credit note is set against it, 50.73 still open.
    page.goto(invoice_url)
    assert page.get_by_test_id("open").inner_text() == "50.73 EUR"
    assert page.locator("[data-state]").first.inner_text() == "Partially paid"
    allocation = page.locator("#allocations tbody tr").first.inner_text()
    assert "CRN/2026-00001" in allocation and "12.11 EUR" in allocation
    screenshot("invoice-detail-posted")

    # 8. The list shows both documents with their open amounts.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invoices").click()
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 2
    assert rows.nth(1).inner_text().startswith("INV/2026-00001")
    screenshot("invoice-list")
