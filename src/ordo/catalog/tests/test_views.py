"""Catalog HTML pages: create a product, inline errors with 422/409, price check."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from ordo.catalog import services
from ordo.catalog.models import Product
from ordo.catalog.services import PriceRuleInput

FORM = {
    "sku": "widget-blue",
    "name": "Widget blue",
    "category": "WIDGETS",
    "stock_unit": "PCE",
    "sale_unit": "BOX12",
    "purchase_unit": "",
    "gtin": "",
    "tracking": "none",
    "weight": "",
    "description": "",
}


def test_product_list_searches_and_paginates(personas, client_for, widget, gadget):
    client = client_for(personas["sales_rep"])
    response = client.get(reverse("catalog:product_list"), {"q": "widget"})
    assert response.status_code == 200
    assert b"WIDGET-RED" in response.content
    assert b"GADGET-BLUE" not in response.content
    assert b"New product" not in response.content  # a sales rep cannot create products


def test_create_product(personas, client_for, units, categories):
    client = client_for(personas["master_data_owner"])
    assert client.get(reverse("catalog:product_create")).status_code == 200
    response = client.post(reverse("catalog:product_create"), FORM)
    product = Product.objects.get(sku="WIDGET-BLUE")
    assert response.status_code == 302
    assert response.url == reverse("catalog:product_detail", args=[product.pk])
    detail = client.get(response.url)
    assert b"Widget blue" in detail.content
    assert product.sale_unit.code == "BOX12"


def test_invalid_gtin_is_shown_inline_with_422(personas, client_for, units, categories):
    client = client_for(personas["master_data_owner"])
    response = client.post(reverse("catalog:product_create"), FORM | {"gtin": "4006381333932"})
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        '<div class="error" role="alert" data-field="gtin">4006381333932 is not a valid GTIN '
        "(The number&#x27;s checksum or check digit is invalid).</div>"
    ) in html
    assert not Product.objects.exists()


def test_duplicate_sku_is_shown_inline_with_409(personas, client_for, widget):
    client = client_for(personas["master_data_owner"])
    response = client.post(reverse("catalog:product_create"), FORM | {"sku": "WIDGET-RED"})
    assert response.status_code == 409
    assert "A product with SKU WIDGET-RED already exists: Widget red." in response.content.decode()


def test_edit_product(personas, client_for, widget):
    client = client_for(personas["master_data_owner"])
    url = reverse("catalog:product_edit", args=[widget.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, FORM | {"sku": "WIDGET-RED", "name": "Widget rouge", "gtin": "4006381333931"}
    )
    assert response.status_code == 302
    widget.refresh_from_db()
    assert widget.name == "Widget rouge"


def test_product_detail_shows_only_own_company_settings(
    personas, client_for, priced_widget, company_nl
):
    services.set_product_company_settings(
        actor=None,
        product_id=priced_widget.pk,
        company=company_nl,
        list_price=Decimal("77.7700"),
        standard_cost=None,
    )
    response = client_for(personas["sales_rep"]).get(
        reverse("catalog:product_detail", args=[priced_widget.pk])
    )
    html = response.content.decode()
    assert "10.0000 EUR" in html
    assert "77.7700" not in html


def test_units_and_categories_pages(personas, client_for, units, categories):
    client = client_for(personas["master_data_owner"])
    assert b"BOX12" in client.get(reverse("catalog:unit_list")).content
    assert b"WIDGETS" in client.get(reverse("catalog:category_list")).content
    response = client.post(
        reverse("catalog:category_list"),
        {"code": "x", "name": "X", "parent": "NOPE", "cost_method": "fifo"},
    )
    assert response.status_code == 422
    assert "Unknown product category &#x27;NOPE&#x27;." in response.content.decode()


def test_price_list_create_add_rule_and_check(
    personas, client_for, company_be, customer, priced_widget
):
    client = client_for(personas["master_data_owner"])
    response = client.post(
        reverse("catalog:pricelist_create"), {"code": "retail", "name": "Retail", "currency": "EUR"}
    )
    assert response.status_code == 302
    detail_url = response.url
    price_list_id = int(detail_url.rstrip("/").split("/")[-1])
    response = client.post(
        reverse("catalog:pricelist_add_rule", args=[price_list_id]),
        {
            "kind": "discount",
            "discount_percent": "10",
            "product": "WIDGET-RED",
            "min_quantity": "5",
            "sequence": "10",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("catalog:pricelist_add_rule", args=[price_list_id]),
        {"kind": "fixed", "min_quantity": "0", "sequence": "10"},
    )
    assert response.status_code == 422
    assert "A fixed price rule needs a fixed price." in response.content.decode()
    response = client.post(
        reverse("catalog:pricelist_price_check", args=[price_list_id]),
        {
            "customer": "ACME-TRADING",
            "product": "WIDGET-RED",
            "quantity": "5",
            "on_date": "2026-11-26",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "<strong>9.0000 EUR</strong>" in response.content.decode()


def test_other_companys_price_list_is_404(personas, client_for, company_nl):
    other = services.create_price_list(
        actor=None,
        company=company_nl,
        data=services.PriceListInput(code="NL", name="NL", currency="EUR"),
    )
    services.add_price_rule(
        actor=None,
        price_list_id=other.pk,
        data=PriceRuleInput(kind="fixed", fixed_price=Decimal(1)),
    )
    client = client_for(personas["master_data_owner"])
    assert client.get(reverse("catalog:pricelist_detail", args=[other.pk])).status_code == 404
    assert b"NL" not in client.get(reverse("catalog:pricelist_list")).content.split(b"<main")[1]
