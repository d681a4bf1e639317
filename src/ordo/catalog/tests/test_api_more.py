"""The catalog REST API for upkeep: units, categories, per-company settings, packagings,
price rules, customers' price lists — exact status codes, codes and messages."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ordo.catalog import services
from ordo.catalog.models import (
    CustomerPriceList,
    Packaging,
    PriceRule,
    ProductCompanySettings,
    Unit,
)
from ordo.catalog.services import PriceListInput, PriceRuleInput
from ordo.core.models import AuditEntry

DENIED = "permission.denied"


def send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def owner(personas, client_for):
    return client_for(personas["master_data_owner"])


@pytest.fixture
def rep(personas, client_for):
    return client_for(personas["sales_rep"])


class TestUnits:
    def test_patch_unit(self, owner, units):
        box = units["BOX12"]
        response = send(owner, "patch", f"/api/v1/units/{box.pk}", {"name": "Carton of 12"})
        assert response.status_code == 200, response.content
        assert response.json() == {
            "id": box.pk,
            "code": "BOX12",
            "name": "Carton of 12",
            "category": "COUNT",
            "factor": "12.000000",
            "rounding": "1.000000",
            "is_reference": False,
        }
        entry = AuditEntry.objects.get(action="catalog.unit.updated")
        assert entry.changes["name"] == ["Box of 12", "Carton of 12"]

    def test_patch_factor_as_json_number_is_422(self, owner, units):
        response = send(owner, "patch", f"/api/v1/units/{units['BOX12'].pk}", {"factor": 9.5})
        assert response.status_code == 422
        body = response.json()
        assert body["message"] == (
            'factor must be a decimal string such as "12.50", not the JSON number 9.5.'
        )
        assert body["details"]["errors"][0]["code"] == "decimal.json_number_refused"

    def test_second_reference_unit_is_422(self, owner, units):
        response = send(
            owner, "patch", f"/api/v1/units/{units['BOX12'].pk}", {"is_reference": True}
        )
        assert response.status_code == 422
        assert response.json()["code"] == "validation.errors"
        assert [e["message"] for e in response.json()["details"]["errors"]] == [
            "A reference unit has factor 1.",
            "Count already has a reference unit: PCE.",
        ]

    def test_missing_unit_is_404_and_rep_is_403(self, owner, rep, units):
        response = send(owner, "patch", "/api/v1/units/999999", {"name": "X"})
        assert response.status_code == 404
        assert response.json() == {
            "code": "unit.not_found",
            "message": "Unit 999999 not found.",
            "details": {},
        }
        response = send(rep, "patch", f"/api/v1/units/{units['PCE'].pk}", {"name": "X"})
        assert response.status_code == 403
        assert response.json()["code"] == DENIED
        assert Unit.objects.get(code="PCE").name == "Piece"

    def test_create_unit_category(self, owner, rep, units):
        response = send(
            owner, "post", "/api/v1/units/categories", {"code": "length", "name": "Length"}
        )
        assert response.status_code == 201
        assert response.json()["code"] == "LENGTH"
        assert AuditEntry.objects.filter(action="catalog.unit_category.created").count() == 3
        response = send(owner, "post", "/api/v1/units/categories", {"code": "COUNT", "name": "X"})
        assert response.status_code == 409
        assert response.json()["code"] == "unit_category.duplicate"
        assert (
            response.json()["message"] == "A unit category with code COUNT already exists: Count."
        )
        response = send(rep, "post", "/api/v1/units/categories", {"code": "AREA", "name": "Area"})
        assert response.status_code == 403
        assert response.json()["code"] == DENIED


class TestProductCategories:
    def test_patch_moves_and_renames(self, owner, categories):
        bolts = services.create_product_category(
            actor=None, data=services.ProductCategoryInput(code="BOLTS", name="Bolts")
        )
        response = send(
            owner,
            "patch",
            f"/api/v1/product-categories/{bolts.pk}",
            {"name": "Bolts & nuts", "parent": "TOOLS", "cost_method": "fifo"},
        )
        assert response.status_code == 200, response.content
        assert response.json() == {
            "id": bolts.pk,
            "code": "BOLTS",
            "name": "Bolts & nuts",
            "parent": "TOOLS",
            "cost_method": "fifo",
        }
        response = send(owner, "patch", f"/api/v1/product-categories/{bolts.pk}", {"parent": None})
        assert response.json()["parent"] is None
        assert AuditEntry.objects.filter(action="catalog.product_category.updated").count() == 2

    def test_cycle_is_422(self, owner, categories):
        tools = categories["TOOLS"]
        response = send(
            owner, "patch", f"/api/v1/product-categories/{tools.pk}", {"parent": "WIDGETS"}
        )
        assert response.status_code == 422
        assert response.json()["code"] == "product_category.cycle"
        assert response.json()["message"] == (
            "WIDGETS is TOOLS itself or one of its subcategories."
        )

    def test_404_and_403(self, owner, rep, categories):
        response = send(owner, "patch", "/api/v1/product-categories/999999", {"name": "X"})
        assert response.status_code == 404
        assert response.json()["message"] == "Product category 999999 not found."
        response = send(
            rep, "patch", f"/api/v1/product-categories/{categories['TOOLS'].pk}", {"name": "X"}
        )
        assert response.status_code == 403
        assert response.json()["code"] == DENIED


class TestCompanySettings:
    def test_get_shows_only_the_callers_companies(self, rep, priced_widget, company_nl):
        services.set_product_company_settings(
            actor=None,
            product_id=priced_widget.pk,
            company=company_nl,
            list_price=Decimal("77.77"),
            standard_cost=None,
        )
        response = rep.get(f"/api/v1/products/{priced_widget.pk}/company-settings")
        assert response.status_code == 200
        assert response.json() == {
            "items": [
                {
                    "company": "ORDO-BE",
                    "currency": "EUR",
                    "list_price": "10.0000",
                    "standard_cost": "6.2500",
                    "is_sellable": True,
                    "is_purchasable": True,
                    "is_set": True,
                }
            ]
        }

    def test_put_sets_the_settings_with_audit(self, personas, client_for, widget, company_be):
        client = client_for(personas["manager"])
        response = send(
            client,
            "put",
            f"/api/v1/products/{widget.pk}/company-settings/ORDO-BE",
            {"list_price": "12.50", "standard_cost": "7", "is_sellable": False},
        )
        assert response.status_code == 200, response.content
        assert response.json() == {
            "company": "ORDO-BE",
            "currency": "EUR",
            "list_price": "12.5000",
            "standard_cost": "7.0000",
            "is_sellable": False,
            "is_purchasable": True,
            "is_set": True,
        }
        entry = AuditEntry.objects.get(action="catalog.product.company_settings_set")
        assert (entry.actor, entry.company) == (personas["manager"], company_be)

    def test_another_company_is_404(self, owner, widget, company_nl):
        response = send(
            owner,
            "put",
            f"/api/v1/products/{widget.pk}/company-settings/ORDO-NL",
            {"list_price": "1"},
        )
        assert response.status_code == 404
        assert response.json() == {
            "code": "company.not_found",
            "message": "Company ORDO-NL not found.",
            "details": {},
        }
        assert not ProductCompanySettings.objects.exists()

    def test_json_number_is_422(self, owner, widget, company_be):
        response = send(
            owner,
            "put",
            f"/api/v1/products/{widget.pk}/company-settings/ORDO-BE",
            {"list_price": 9.5},
        )
        assert response.status_code == 422
        body = response.json()
        assert body["message"] == (
            'list_price must be a decimal string such as "12.50", not the JSON number 9.5.'
        )
        assert body["details"]["errors"][0]["code"] == "decimal.json_number_refused"

    def test_junk_in_both_prices_is_reported_at_once(self, owner, widget, company_be):
        response = send(
            owner,
            "put",
            f"/api/v1/products/{widget.pk}/company-settings/ORDO-BE",
            {"list_price": "1,5x", "standard_cost": "abc"},
        )
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation.errors"
        assert [(e["field"], e["code"], e["message"]) for e in body["details"]["errors"]] == [
            ("list_price", "decimal.invalid", "list_price must be a decimal number, got '1,5x'."),
            (
                "standard_cost",
                "decimal.invalid",
                "standard_cost must be a decimal number, got 'abc'.",
            ),
        ]

    def test_negative_list_price_is_422(self, owner, widget, company_be):
        response = send(
            owner,
            "put",
            f"/api/v1/products/{widget.pk}/company-settings/ORDO-BE",
            {"list_price": "-1"},
        )
        assert response.status_code == 422
        assert response.json() == {
            "code": "product.list_price_negative",
            "message": "List price must not be negative, got -1.",
            "details": {"field": "list_price"},
        }

    def test_rep_is_403(self, rep, widget, company_be):
        response = send(
            rep,
            "put",
            f"/api/v1/products/{widget.pk}/company-settings/ORDO-BE",
            {"list_price": "1"},
        )
        assert response.status_code == 403
        assert response.json()["code"] == DENIED
        assert response.json()["message"] == (
            "sales_rep may not do this in ORDO-BE: it needs the permission "
            "catalog.price.manage (Create and edit price lists and their rules)."
        )


class TestPackagings:
    def test_add_list_and_remove(self, owner, widget):
        url = f"/api/v1/products/{widget.pk}/packagings"
        response = send(owner, "post", url, {"name": "Box", "quantity": "12", "gtin": "96385074"})
        assert response.status_code == 201, response.content
        box = response.json()
        assert (box["name"], box["quantity"], box["gtin"]) == ("Box", "12.0000", "96385074")
        assert owner.get(url).json() == {"items": [box]}
        response = owner.delete(f"{url}/{box['id']}")
        assert response.status_code == 204
        assert not Packaging.objects.exists()
        assert AuditEntry.objects.filter(action="catalog.packaging.removed").count() == 1

    def test_invalid_gtin_is_422(self, owner, widget):
        response = send(
            owner,
            "post",
            f"/api/v1/products/{widget.pk}/packagings",
            {"name": "Box", "quantity": "12", "gtin": "4006381333932"},
        )
        assert response.status_code == 422
        assert response.json() == {
            "code": "gtin.invalid",
            "message": "4006381333932 is not a valid GTIN "
            "(The number's checksum or check digit is invalid).",
            "details": {"field": "gtin", "value": "4006381333932"},
        }

    def test_quantity_as_number_is_422(self, owner, widget):
        response = send(
            owner, "post", f"/api/v1/products/{widget.pk}/packagings", {"name": "B", "quantity": 12}
        )
        assert response.status_code == 422
        assert response.json()["details"]["field"] == "quantity"

    def test_another_products_packaging_is_404_and_rep_is_403(self, owner, rep, widget, gadget):
        box = services.add_packaging(
            actor=None, product_id=gadget.pk, name="Box", quantity=Decimal(6)
        )
        response = owner.delete(f"/api/v1/products/{widget.pk}/packagings/{box.pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "packaging.not_found"
        response = rep.delete(f"/api/v1/products/{gadget.pk}/packagings/{box.pk}")
        assert response.status_code == 403
        assert response.json()["code"] == DENIED
        response = send(
            rep, "post", f"/api/v1/products/{gadget.pk}/packagings", {"name": "P", "quantity": "1"}
        )
        assert response.status_code == 403
        assert Packaging.objects.count() == 1


class TestDeleteRule:
    def test_delete_rule_with_audit(self, owner, price_list, company_be):
        rule = services.add_price_rule(
            actor=None,
            price_list_id=price_list.pk,
            data=PriceRuleInput(kind="fixed", fixed_price=Decimal(5)),
        )
        response = owner.delete(f"/api/v1/price-lists/{price_list.pk}/rules/{rule.pk}")
        assert response.status_code == 204
        assert not PriceRule.objects.exists()
        entry = AuditEntry.objects.get(action="catalog.price_rule.deleted")
        assert (entry.company, entry.target_id) == (company_be, str(rule.pk))

    def test_another_companys_rule_is_404(self, owner, price_list, company_nl):
        other = services.create_price_list(
            actor=None,
            company=company_nl,
            data=PriceListInput(code="NL", name="NL", currency="EUR"),
        )
        rule = services.add_price_rule(
            actor=None,
            price_list_id=other.pk,
            data=PriceRuleInput(kind="fixed", fixed_price=Decimal(1)),
        )
        response = owner.delete(f"/api/v1/price-lists/{other.pk}/rules/{rule.pk}")
        assert response.status_code == 404
        assert response.json() == {
            "code": "price_list.not_found",
            "message": f"Price list {other.pk} not found.",
            "details": {},
        }
        response = owner.delete(f"/api/v1/price-lists/{price_list.pk}/rules/{rule.pk}")
        assert response.status_code == 404
        assert response.json() == {
            "code": "price_rule.not_found",
            "message": f"Price rule {rule.pk} not found.",
            "details": {},
        }
        assert PriceRule.objects.count() == 1

    def test_rep_is_403(self, rep, price_list):
        rule = services.add_price_rule(
            actor=None,
            price_list_id=price_list.pk,
            data=PriceRuleInput(kind="fixed", fixed_price=Decimal(5)),
        )
        response = rep.delete(f"/api/v1/price-lists/{price_list.pk}/rules/{rule.pk}")
        assert response.status_code == 403
        assert response.json()["code"] == DENIED
        assert PriceRule.objects.count() == 1


class TestCustomerPriceLists:
    def test_list_set_and_clear(self, owner, customer, price_list, company_be):
        response = owner.get("/api/v1/customer-price-lists?company=ORDO-BE")
        assert response.status_code == 200
        row = {
            "customer_id": customer.pk,
            "customer": "ACME-TRADING",
            "customer_name": "Acme Trading",
            "company": "ORDO-BE",
            "price_list": None,
        }
        assert response.json() == {"count": 1, "limit": 50, "offset": 0, "items": [row]}
        url = f"/api/v1/customer-price-lists/{customer.pk}/ORDO-BE"
        response = send(owner, "put", url, {"price_list": "retail"})
        assert response.status_code == 200, response.content
        assert response.json() == row | {"price_list": "RETAIL"}
        assert CustomerPriceList.objects.get().price_list == price_list
        response = send(owner, "put", url, {"price_list": None})
        assert response.json() == row
        assert not CustomerPriceList.objects.exists()
        assert [
            e.action
            for e in AuditEntry.objects.filter(
                action__startswith="catalog.customer_price_list"
            ).order_by("id")
        ] == ["catalog.customer_price_list.set", "catalog.customer_price_list.removed"]

    def test_another_company_is_404(self, owner, customer, company_nl):
        response = owner.get("/api/v1/customer-price-lists?company=ORDO-NL")
        assert response.status_code == 404
        assert response.json()["message"] == "Company ORDO-NL not found."
        response = send(
            owner,
            "put",
            f"/api/v1/customer-price-lists/{customer.pk}/ORDO-NL",
            {"price_list": None},
        )
        assert response.status_code == 404
        assert response.json()["code"] == "company.not_found"

    def test_unknown_list_is_422_and_unknown_customer_404(self, owner, customer, price_list):
        response = send(
            owner,
            "put",
            f"/api/v1/customer-price-lists/{customer.pk}/ORDO-BE",
            {"price_list": "NOPE"},
        )
        assert response.status_code == 422
        assert response.json() == {
            "code": "price_list.unknown",
            "message": "Price list NOPE not found in ORDO-BE.",
            "details": {"field": "price_list"},
        }
        response = send(
            owner, "put", "/api/v1/customer-price-lists/999999/ORDO-BE", {"price_list": "RETAIL"}
        )
        assert response.status_code == 404
        assert response.json()["message"] == "Customer 999999 not found."

    def test_rep_is_403(self, rep, customer, price_list):
        response = send(
            rep,
            "put",
            f"/api/v1/customer-price-lists/{customer.pk}/ORDO-BE",
            {"price_list": "RETAIL"},
        )
        assert response.status_code == 403
        assert response.json()["code"] == DENIED
        assert not CustomerPriceList.objects.exists()


def test_quote_from_a_foreign_currency_list_explains_the_409(
    rep, company_be, customer, priced_widget
):
    usd = services.create_price_list(
        actor=None,
        company=company_be,
        data=PriceListInput(code="EXPORT", name="Export", currency="USD"),
    )
    services.set_customer_price_list(
        actor=None, customer_id=customer.pk, company=company_be, price_list_id=usd.pk
    )
    response = send(
        rep,
        "post",
        "/api/v1/pricing/quote",
        {
            "company": "ORDO-BE",
            "customer": "ACME-TRADING",
            "product": "WIDGET-RED",
            "quantity": "1",
        },
    )
    assert response.status_code == 409
    assert response.json()["code"] == "pricing.no_price"
    assert response.json()["message"] == (
        "No price for WIDGET-RED in price list ORDO-BE/EXPORT: no fixed-price rule applies, "
        "and this price list is in USD while list prices are in EUR, so its discount rules "
        "and the list price cannot be used."
    )
