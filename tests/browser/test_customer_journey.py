"""The sales rep keeps a customer in the browser: a wrong VAT number is caught, fixed, saved."""

import pytest

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_sales_rep_creates_a_customer_after_fixing_an_invalid_vat_number(
    page, personas, screenshot
):
    # 1. The sales rep signs in and opens Customers from the menu.
    log_in(page, "sales_rep", "ordo-test-pw")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    page.get_by_role("link", name="New customer").click()

    # 2. They type the customer with a VAT number whose check digits are wrong.
    page.fill("input[name=code]", "BRUGGE-BIKES")
    page.fill("input[name=name]", "Brugge Bikes BV")
    page.fill("input[name=vat_number]", "BE0123456789")
    page.fill("input[name=email]", "orders@bruggebikes.example")
    page.fill("input[name=street]", "Steenstraat 12")
    page.fill("input[name=postal_code]", "8000")
    page.fill("input[name=city]", "Brugge")
    page.fill("input[name=country]", "BE")
    page.get_by_role("button", name="Save").click()

    # 3. The form comes back with the message under the VAT field; nothing else is lost.
    error = page.locator(".has-error .error[data-field=vat_number]")
    error.wait_for()
    assert error.inner_text().startswith("BE0123456789 is not a valid VAT number")
    assert page.input_value("input[name=name]") == "Brugge Bikes BV"
    assert page.input_value("input[name=city]") == "Brugge"
    screenshot("customer-invalid-vat")

    # 4. They correct it and save: the customer's page opens.
    page.fill("input[name=vat_number]", "BE 0460.976.365")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/partners/customers/*/")
    assert page.get_by_role("heading", level=1).inner_text().find("Brugge Bikes BV") >= 0
    assert "BE0460976365" in page.content()
    screenshot("customer-saved")

    # 5. The customer is in the list when they search for it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    page.fill("input[name=q]", "brugge")
    page.keyboard.press("Enter")
    page.wait_for_url("**/partners/customers/?q=brugge*")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1
    assert "BRUGGE-BIKES" in rows.first.inner_text()
    assert "Brugge Bikes BV" in rows.first.inner_text()
    screenshot("customer-list-search")
