"""The catalog REST API: status codes and exact error envelopes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ordo.catalog import services
from ordo.catalog.services import PriceListInput, PriceRuleInput


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def owner_client(personas, client_for):
    return client_for(personas["master_data_owner"])


PRODUCT = {"sku": "widget-blue", "name": "Widget blue", "category": "WIDGETS", "stock_unit": "PCE"}


class TestProducts:
    def test_create_then_get_and_list(self, owner_client, units, categories):
        response = post(owner_client, "/api/v1/products", PRODUCT | {"weight": "0.250"})
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["sku"], body["sale_unit"], body["weight"]) == ("WIDGET-BLUE", "PCE", "0.2500")
        assert owner_client.get(f"/api/v1/products/{body['id']}").json()["name"] == "Widget blue"
        listing = owner_client.get("/api/v1/products?search=blue&limit=10").json()
        assert (listing["count"], listing["limit"], listing["offset"]) == (1, 10, 0)
        assert [p["sku"] for p in listing["items"]] == ["WIDGET-BLUE"]

    def test_weight_as_json_number_is_422_naming_the_field(self, owner_client, units, categories):
        response = post(owner_client, "/api/v1/products", PRODUCT | {"weight": 0.25})
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation.invalid"
        assert body["details"]["field"] == "weight"
        assert (
            body["message"]
            == 'weight must be a decimal string such as "12.50", not the JSON number 0.25.'
        )
        assert body["details"]["errors"][0]["code"] == "decimal.json_number_refused"

    def test_invalid_gtin_is_422_naming_field_and_value(self, owner_client, units, categories):
        response = post(owner_client, "/api/v1/products", PRODUCT | {"gtin": "4006381333932"})
        assert response.status_code == 422
        assert response.json() == {
            "code": "gtin.invalid",
            "message": "4006381333932 is not a valid GTIN "
            "(The number's checksum or check digit is invalid).",
            "details": {"field": "gtin", "value": "4006381333932"},
        }

    def test_duplicate_sku_is_409_naming_the_product(self, owner_client, widget):
        response = post(owner_client, "/api/v1/products", PRODUCT | {"sku": "WIDGET-RED"})
        assert response.status_code == 409
        assert response.json() == {
            "code": "product.duplicate_sku",
            "message": "A product with SKU WIDGET-RED already exists: Widget red.",
            "details": {"id": widget.pk, "field": "sku"},
        }

    def test_unknown_unit_is_422(self, owner_client, units, categories):
        response = post(owner_client, "/api/v1/products", PRODUCT | {"stock_unit": "XYZ"})
        assert response.status_code == 422
        assert response.json()["code"] == "unit.unknown"
        assert response.json()["message"] == "Unknown unit 'XYZ'."

    def test_patch_and_deactivate(self, owner_client, widget):
        response = patch(
            owner_client,
            f"/api/v1/products/{widget.pk}",
            {"name": "Widget rouge", "is_active": False},
        )
        assert response.status_code == 200
        assert (response.json()["name"], response.json()["is_active"]) == ("Widget rouge", False)

    def test_missing_product_is_404(self, owner_client, units):
        response = owner_client.get("/api/v1/products/999999")
        assert response.status_code == 404
        assert response.json() == {
            "code": "product.not_found",
            "message": "Product 999999 not found.",
            "details": {},
        }

    def test_sales_rep_cannot_create(self, personas, client_for, units, categories):
        response = post(client_for(personas["sales_rep"]), "/api/v1/products", PRODUCT)
        assert response.status_code == 403
        assert response.json()["code"] == "permission.denied"


class TestUnitsAndCategories:
    def test_units(self, owner_client, units):
        response = post(
            owner_client,
            "/api/v1/units",
            {
                "code": "box6",
                "name": "Box of 6",
                "category": "COUNT",
                "factor": "6",
                "rounding": "1",
            },
        )
        assert response.status_code == 201
        assert response.json()["factor"] == "6.000000"
        codes = [
            u["code"] for u in owner_client.get("/api/v1/units?category=COUNT").json()["items"]
        ]
        assert codes == ["PCE", "BOX6", "BOX12"]
        categories = owner_client.get("/api/v1/units/categories").json()["items"]
        assert [c["code"] for c in categories] == ["COUNT", "WEIGHT"]

    def test_unit_factor_as_number_is_422(self, owner_client, units):
        response = post(
            owner_client,
            "/api/v1/units",
            {"code": "B6", "name": "B", "category": "COUNT", "factor": 6},
        )
        assert response.status_code == 422
        assert response.json()["details"]["field"] == "factor"

    def test_product_categories(self, owner_client, categories):
        response = post(
            owner_client,
            "/api/v1/product-categories",
            {"code": "bolts", "name": "Bolts", "parent": "TOOLS", "cost_method": "fifo"},
        )
        assert response.status_code == 201
        assert response.json()["parent"] == "TOOLS"
        items = owner_client.get("/api/v1/product-categories").json()["items"]
        assert [c["code"] for c in items] == ["BOLTS", "TOOLS", "WIDGETS"]


class TestPriceLists:
    def test_create_list_and_add_rule(self, owner_client, company_be, widget):
        response = post(
            owner_client,
            "/api/v1/price-lists",
            {"company": "ORDO-BE", "code": "retail", "name": "Retail", "currency": "eur"},
        )
        assert response.status_code == 201, response.content
        price_list = response.json()
        assert (price_list["code"], price_list["currency"], price_list["rules"]) == (
            "RETAIL",
            "EUR",
            [],
        )
        response = post(
            owner_client,
            f"/api/v1/price-lists/{price_list['id']}/rules",
            {"kind": "fixed", "fixed_price": "9.5", "product": "WIDGET-RED", "min_quantity": "10"},
        )
        assert response.status_code == 201, response.content
        assert response.json()["fixed_price"] == "9.5000"
        detail = owner_client.get(f"/api/v1/price-lists/{price_list['id']}").json()
        assert [r["product"] for r in detail["rules"]] == ["WIDGET-RED"]
        listing = owner_client.get("/api/v1/price-lists?company=ORDO-BE").json()
        assert listing["count"] == 1

    def test_fixed_price_as_number_is_422_naming_the_field(self, owner_client, price_list):
        response = post(
            owner_client,
            f"/api/v1/price-lists/{price_list.pk}/rules",
            {"kind": "fixed", "fixed_price": 9.5},
        )
        assert response.status_code == 422
        assert response.json()["details"]["field"] == "fixed_price"
        assert (
            response.json()["message"]
            == 'fixed_price must be a decimal string such as "12.50", not the JSON number 9.5.'
        )

    def test_unknown_currency_is_422(self, owner_client, company_be):
        response = post(
            owner_client,
            "/api/v1/price-lists",
            {"company": "ORDO-BE", "code": "X", "name": "X", "currency": "EUX"},
        )
        assert response.status_code == 422
        assert response.json()["code"] == "currency.unknown"

    def test_discount_over_100_is_422(self, owner_client, price_list):
        response = post(
            owner_client,
            f"/api/v1/price-lists/{price_list.pk}/rules",
            {"kind": "discount", "discount_percent": "150"},
        )
        assert response.status_code == 422
        assert response.json()["message"] == (
            "Discount percent must be between 0 and 100, got 150."
        )

    def test_another_companys_price_list_is_404(self, owner_client, company_nl):
        other = services.create_price_list(
            actor=None,
            company=company_nl,
            data=PriceListInput(code="NL", name="NL", currency="EUR"),
        )
        for response in (
            owner_client.get(f"/api/v1/price-lists/{other.pk}"),
            patch(owner_client, f"/api/v1/price-lists/{other.pk}", {"name": "Mine"}),
            post(
                owner_client,
                f"/api/v1/price-lists/{other.pk}/rules",
                {"kind": "fixed", "fixed_price": "1"},
            ),
        ):
            assert response.status_code == 404
            assert response.json() == {
                "code": "price_list.not_found",
                "message": f"Price list {other.pk} not found.",
                "details": {},
            }
        assert owner_client.get("/api/v1/price-lists").json()["count"] == 0
        response = owner_client.get("/api/v1/price-lists?company=ORDO-NL")
        assert response.status_code == 404

    def test_patch_price_list(self, owner_client, price_list):
        response = patch(
            owner_client,
            f"/api/v1/price-lists/{price_list.pk}",
            {"name": "Retail 2027", "is_active": False},
        )
        assert response.status_code == 200
        assert (response.json()["name"], response.json()["is_active"]) == ("Retail 2027", False)


class TestSupplierPrices:
    def test_create_and_list(self, personas, client_for, company_be, supplier, widget):
        client = client_for(personas["buyer"])
        response = post(
            client,
            "/api/v1/supplier-prices",
            {
                "company": "ORDO-BE",
                "supplier": "BOLT-SUPPLY",
                "product": "WIDGET-RED",
                "price": "4.10",
                "currency": "EUR",
                "supplier_sku": "BS-1",
            },
        )
        assert response.status_code == 201, response.content
        assert (response.json()["price"], response.json()["lead_time_days"]) == ("4.1000", 5)
        items = client.get("/api/v1/supplier-prices?product=WIDGET-RED").json()["items"]
        assert [i["supplier"] for i in items] == ["BOLT-SUPPLY"]

    def test_price_as_number_is_422(self, personas, client_for, company_be, supplier, widget):
        response = post(
            client_for(personas["buyer"]),
            "/api/v1/supplier-prices",
            {
                "company": "ORDO-BE",
                "supplier": "BOLT-SUPPLY",
                "product": "WIDGET-RED",
                "price": 4.1,
                "currency": "EUR",
            },
        )
        assert response.status_code == 422
        assert response.json()["details"]["field"] == "price"


class TestQuote:
    def test_quote_returns_the_exact_price_and_rule(
        self, personas, client_for, company_be, customer, priced_widget, price_list
    ):
        services.set_customer_price_list(
            actor=None, customer_id=customer.pk, company=company_be, price_list_id=price_list.pk
        )
        rule = services.add_price_rule(
            actor=None,
            price_list_id=price_list.pk,
            data=PriceRuleInput(
                kind="fixed",
                fixed_price=Decimal("9.5"),
                product_id=priced_widget.pk,
                min_quantity=Decimal(10),
            ),
        )
        client = client_for(personas["sales_rep"])
        body = {
            "company": "ORDO-BE",
            "customer": "ACME-TRADING",
            "product": "WIDGET-RED",
            "quantity": "10",
            "date": "2026-11-26",
        }
        response = post(client, "/api/v1/pricing/quote", body)
        assert response.status_code == 200, response.content
        assert response.json() == {
            "unit_price": "9.5000",
            "currency": "EUR",
            "rule": {
                "id": rule.pk,
                "description": f"Rule {rule.pk}: fixed price 9.5000 from quantity 10",
            },
            "source": "rule",
            "price_list": "RETAIL",
        }
        response = post(
            client,
            "/api/v1/pricing/quote",
            body | {"quantity": "2", "customer": customer.pk, "product": priced_widget.pk},
        )
        assert response.json() | {"rule": None} == {
            "unit_price": "10.0000",
            "currency": "EUR",
            "rule": None,
            "source": "list_price",
            "price_list": "RETAIL",
        }

    def test_quantity_as_number_is_422(self, personas, client_for, company_be, widget):
        response = post(
            client_for(personas["sales_rep"]),
            "/api/v1/pricing/quote",
            {"company": "ORDO-BE", "product": "WIDGET-RED", "quantity": 10},
        )
        assert response.status_code == 422
        assert response.json()["details"]["field"] == "quantity"

    def test_no_price_is_409(self, personas, client_for, company_be, widget):
        response = post(
            client_for(personas["sales_rep"]),
            "/api/v1/pricing/quote",
            {"company": "ORDO-BE", "product": "WIDGET-RED", "quantity": "1", "date": "2026-11-26"},
        )
        assert response.status_code == 409
        assert response.json()["code"] == "pricing.no_price"
        assert response.json()["message"] == (
            "No price for WIDGET-RED: no price rule applies and it has no list price."
        )

    def test_other_company_is_404(self, personas, client_for, company_nl, widget):
        response = post(
            client_for(personas["sales_rep"]),
            "/api/v1/pricing/quote",
            {"company": "ORDO-NL", "product": "WIDGET-RED", "quantity": "1"},
        )
        assert response.status_code == 404
        assert response.json()["message"] == "Company ORDO-NL not found."
