"""Partner pages: inline errors with 422, redirect after save, search, hidden buttons."""

import pytest
from django.urls import reverse

from ordo.partners.models import Partner, PartnerCompanySettings

pytestmark = pytest.mark.django_db

FORM = {
    "code": "ACME-TRADING",
    "name": "Acme Trading",
    "vat_number": "BE0000000000",
    "email": "orders@acme.example",
    "street": "Meir 1",
    "postal_code": "2000",
    "city": "Antwerp",
    "country": "BE",
    "customer_group": "",
    "currency": "EUR",
}


def test_create_form_has_the_expected_fields(personas, client_for):
    response = client_for(personas["sales_rep"]).get(reverse("partners:customer_create"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in FORM:
        assert f'name="{name}"' in html
    assert ">Save</button>" in html


def test_invalid_vat_shows_inline_error_then_fix_and_save_redirects(personas, client_for):
    client = client_for(personas["sales_rep"])
    url = reverse("partners:customer_create")
    response = client.post(url, FORM)
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        'data-field="vat_number">BE0000000000 is not a valid VAT number '
        "(the number has an invalid format).</div>"
    ) in html
    assert not Partner.objects.exists()

    response = client.post(url, FORM | {"vat_number": "BE0403019261"})
    partner = Partner.objects.get(code="ACME-TRADING")
    assert response.status_code == 302
    assert response.url == reverse("partners:customer_detail", args=[partner.pk])
    assert partner.vat_number == "BE0403019261"
    assert [a.city for a in partner.addresses.all()] == ["Antwerp"]
    page = client.get(response.url)
    assert "Customer ACME-TRADING created." in page.content.decode()
    assert "Meir 1" in page.content.decode()


def test_duplicate_code_is_shown_with_409(personas, client_for):
    client = client_for(personas["sales_rep"])
    client.post(reverse("partners:customer_create"), FORM | {"vat_number": ""})
    response = client.post(reverse("partners:customer_create"), FORM | {"vat_number": ""})
    assert response.status_code == 409
    assert "A partner with code ACME-TRADING already exists: Acme Trading." in (
        response.content.decode()
    )


def test_list_search_finds_the_customer(personas, client_for):
    client = client_for(personas["sales_rep"])
    client.post(reverse("partners:customer_create"), FORM | {"vat_number": "BE0403019261"})
    client.post(
        reverse("partners:customer_create"),
        FORM | {"code": "GLOBEX", "name": "Globex", "vat_number": ""},
    )
    url = reverse("partners:customer_list")
    response = client.get(url, {"q": "acme"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="list"' in html and 'name="q"' in html
    assert ">ACME-TRADING</a></td>" in html and "<td>Acme Trading</td>" in html
    assert ">GLOBEX</a>" not in html
    assert ">GLOBEX</a>" in client.get(url).content.decode()
    # by VAT number, typed the way it is printed
    assert ">ACME-TRADING</a>" in client.get(url, {"q": "0403.019.261"}).content.decode()
    # a customer is not a supplier
    assert ">ACME-TRADING</a>" not in client.get(reverse("partners:supplier_list")).content.decode()


def test_buttons_hidden_without_permission_and_service_refuses(personas, client_for):
    client = client_for(personas["warehouse_operator"])
    html = client.get(reverse("partners:customer_list")).content.decode()
    assert "New customer" not in html
    response = client.post(reverse("partners:customer_create"), FORM | {"vat_number": ""})
    assert response.status_code == 403
    assert not Partner.objects.exists()


def test_edit_keeps_role_and_saves(personas, client_for):
    client = client_for(personas["sales_rep"])
    client.post(reverse("partners:customer_create"), FORM | {"vat_number": ""})
    partner = Partner.objects.get()
    url = reverse("partners:customer_edit", args=[partner.pk])
    assert 'value="Acme Trading"' in client.get(url).content.decode()
    response = client.post(
        url, FORM | {"vat_number": "", "name": "Acme Trading NV", "city": "Ghent"}
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.name == "Acme Trading NV"
    assert [a.city for a in partner.addresses.all()] == ["Ghent"]
    # the supplier page does not show a customer
    assert client.get(reverse("partners:supplier_detail", args=[partner.pk])).status_code == 404


def test_company_settings_form_for_credit_controller(personas, client_for, company_nl):
    client_for(personas["sales_rep"]).post(
        reverse("partners:customer_create"), FORM | {"vat_number": ""}
    )
    partner = Partner.objects.get()
    client = client_for(personas["credit_controller"])
    detail = reverse("partners:customer_detail", args=[partner.pk])
    html = client.get(detail).content.decode()
    assert "Save settings for ORDO-BE" in html
    assert "ORDO-NL" not in html
    assert "Save settings for" not in client_for(personas["sales_rep"]).get(detail).content.decode()

    url = reverse("partners:customer_company_settings", args=[partner.pk, "ORDO-BE"])
    response = client.post(url, {"ORDO-BE-credit_limit_amount": "-5"})
    assert response.status_code == 422
    assert "credit_limit_amount must not be negative, got -5." in response.content.decode()
    response = client.post(url, {"ORDO-BE-credit_limit_amount": "2500.50"})
    assert response.status_code == 302
    assert str(PartnerCompanySettings.objects.get().credit_limit_amount) == "2500.50"
    other = reverse("partners:customer_company_settings", args=[partner.pk, "ORDO-NL"])
    assert client.post(other, {"ORDO-NL-credit_limit_amount": "1"}).status_code == 404


def test_payment_term_create_page(personas, client_for):
    client = client_for(personas["accountant"])
    url = reverse("partners:payment_term_create")
    data = {"code": "30-70", "name": "30/70", "line0_percent": "30", "line1_percent": "60",
            "line1_days": "30", "line1_end_of_month": "on"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 422
    assert (
        "Payment term 30-70 cannot be saved: the installment percents sum to 90 %, not 100 %."
        in response.content.decode()
    )
    response = client.post(url, data | {"line1_percent": "70"})
    assert response.status_code == 302
    html = client.get(reverse("partners:payment_term_list")).content.decode()
    assert "30 % at 0 days; 70 % at 30 days end of month" in html
    assert (
        "New payment term"
        not in client_for(personas["sales_rep"])
        .get(reverse("partners:payment_term_list"))
        .content.decode()
    )


def test_buyer_creates_a_supplier_with_lead_time(personas, client_for):
    client = client_for(personas["buyer"])
    form = client.get(reverse("partners:supplier_create")).content.decode()
    assert 'name="supplier_lead_time_days"' in form and 'name="customer_group"' not in form
    response = client.post(
        reverse("partners:supplier_create"),
        {"code": "WIDGETS-INC", "name": "Widgets Inc", "supplier_lead_time_days": "14",
         "endpoint_id": "5410000000002", "endpoint_scheme": "0088"},
    )  # fmt: skip
    partner = Partner.objects.get(code="WIDGETS-INC")
    assert response.status_code == 302
    assert response.url == reverse("partners:supplier_detail", args=[partner.pk])
    assert partner.is_supplier and not partner.is_customer
    assert partner.supplier_lead_time_days == 14
    html = client.get(response.url).content.decode()
    assert "14 days" in html and "0088:5410000000002" in html
