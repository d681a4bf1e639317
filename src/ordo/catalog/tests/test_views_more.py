"""Catalog pages for keeping master data in the browser: units, categories, per-company
settings, packagings, price list edit / rule delete, customers' lists, supplier catalogue."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from ordo.catalog import services
from ordo.catalog.models import (
    CustomerPriceList,
    Packaging,
    PriceRule,
    ProductCategory,
    ProductCompanySettings,
    SupplierPrice,
    Unit,
    UnitCategory,
)
from ordo.catalog.services import PriceListInput, PriceRuleInput
from ordo.core.models import AuditEntry


@pytest.fixture
def owner(personas, client_for):
    return client_for(personas["master_data_owner"])


@pytest.fixture
def rep(personas, client_for):
    return client_for(personas["sales_rep"])


def html(response) -> str:
    return response.content.decode()


class TestUnits:
    def test_unit_list_links_to_create_and_edit(self, owner, rep, units):
        page = html(owner.get(reverse("catalog:unit_list")))
        assert reverse("catalog:unit_create") in page
        assert reverse("catalog:unit_category_create") in page
        assert reverse("catalog:unit_edit", args=[units["BOX12"].pk]) in page
        assert reverse("catalog:unit_create") not in html(rep.get(reverse("catalog:unit_list")))

    def test_create_unit_and_category(self, owner, units):
        response = owner.post(
            reverse("catalog:unit_category_create"), {"code": "length", "name": "Length"}
        )
        assert response.status_code == 302
        response = owner.post(
            reverse("catalog:unit_create"),
            {
                "code": "m",
                "name": "Metre",
                "category": "LENGTH",
                "factor": "1",
                "rounding": "0.01",
                "is_reference": "on",
            },
        )
        assert response.status_code == 302
        assert response.url == reverse("catalog:unit_list")
        metre = Unit.objects.get(code="M")
        assert (metre.category.code, metre.is_reference) == ("LENGTH", True)
        assert AuditEntry.objects.get(action="catalog.unit.created", target_id=str(metre.pk))

    def test_duplicate_category_is_409_inline(self, owner, units):
        response = owner.post(
            reverse("catalog:unit_category_create"), {"code": "count", "name": "Again"}
        )
        assert response.status_code == 409
        assert "A unit category with code COUNT already exists: Count." in html(response)
        assert UnitCategory.objects.count() == 2

    def test_edit_unit(self, owner, units):
        url = reverse("catalog:unit_edit", args=[units["BOX12"].pk])
        page = owner.get(url)
        assert page.status_code == 200
        assert 'value="BOX12"' in html(page)
        response = owner.post(
            url,
            {"name": "Carton", "category": "COUNT", "factor": "12", "rounding": "1"},
        )
        assert response.status_code == 302
        assert Unit.objects.get(code="BOX12").name == "Carton"
        response = owner.post(
            url, {"name": "Carton", "category": "COUNT", "factor": "0", "rounding": "1"}
        )
        assert response.status_code == 422
        assert "Factor must be greater than zero, got 0." in html(response)

    def test_rep_is_refused_with_403(self, rep, units):
        response = rep.get(reverse("catalog:unit_create"))
        assert response.status_code == 403
        assert (
            "sales_rep may not do this: it needs the permission catalog.unit.manage "
            "(Create and edit units of measure)."
        ) in html(response)
        assert 'data-code="permission.denied"' in html(response)
        response = rep.post(
            reverse("catalog:unit_edit", args=[units["PCE"].pk]),
            {"name": "X", "category": "COUNT", "factor": "1", "rounding": "1"},
        )
        assert response.status_code == 403
        assert Unit.objects.get(code="PCE").name == "Piece"

    def test_missing_unit_is_404(self, owner, units):
        assert owner.get(reverse("catalog:unit_edit", args=[999999])).status_code == 404


class TestProductCategories:
    def test_create_and_edit(self, owner, categories):
        page = html(owner.get(reverse("catalog:category_list")))
        assert reverse("catalog:category_create") in page
        assert reverse("catalog:category_edit", args=[categories["TOOLS"].pk]) in page
        response = owner.post(
            reverse("catalog:category_create"),
            {"code": "bolts", "name": "Bolts", "parent": "TOOLS", "cost_method": "fifo"},
        )
        assert response.status_code == 302
        bolts = ProductCategory.objects.get(code="BOLTS")
        response = owner.post(
            reverse("catalog:category_edit", args=[bolts.pk]),
            {"name": "Bolts & nuts", "parent": "", "cost_method": "average"},
        )
        assert response.status_code == 302
        bolts.refresh_from_db()
        assert (bolts.name, bolts.parent_id, bolts.cost_method) == ("Bolts & nuts", None, "average")
        assert AuditEntry.objects.filter(action="catalog.product_category.updated").count() == 1

    def test_cycle_is_422_inline(self, owner, categories):
        response = owner.post(
            reverse("catalog:category_edit", args=[categories["TOOLS"].pk]),
            {"name": "Tools", "parent": "WIDGETS", "cost_method": "average"},
        )
        assert response.status_code == 422
        assert (
            '<div class="error" role="alert" data-field="parent">'
            "WIDGETS is TOOLS itself or one of its subcategories.</div>"
        ) in html(response)

    def test_rep_is_403(self, rep, categories):
        assert rep.get(reverse("catalog:category_create")).status_code == 403
        response = rep.post(
            reverse("catalog:category_create"),
            {"code": "X", "name": "X", "parent": "", "cost_method": "fifo"},
        )
        assert response.status_code == 403
        assert not ProductCategory.objects.filter(code="X").exists()


class TestCompanySettings:
    def test_detail_shows_own_companies_and_the_form_to_price_managers(
        self, personas, client_for, rep, priced_widget, company_nl
    ):
        services.set_product_company_settings(
            actor=None,
            product_id=priced_widget.pk,
            company=company_nl,
            list_price=Decimal("77.77"),
            standard_cost=None,
        )
        url = reverse("catalog:product_detail", args=[priced_widget.pk])
        action = reverse("catalog:product_company_settings", args=[priced_widget.pk, "ORDO-BE"])
        manager_page = html(client_for(personas["manager"]).get(url))
        assert "10.0000 EUR" in manager_page and "6.2500 EUR" in manager_page
        assert action in manager_page
        assert "77.7700" not in manager_page and "ORDO-NL" not in manager_page
        rep_page = html(rep.get(url))
        assert "10.0000 EUR" in rep_page
        assert action not in rep_page

    def test_save_settings(self, personas, client_for, widget, company_be):
        client = client_for(personas["manager"])
        url = reverse("catalog:product_company_settings", args=[widget.pk, "ORDO-BE"])
        response = client.post(
            url,
            {
                "ORDO-BE-list_price": "12.5",
                "ORDO-BE-standard_cost": "",
                "ORDO-BE-is_sellable": "on",
            },
        )
        assert response.status_code == 302
        settings = ProductCompanySettings.objects.get(product=widget, company=company_be)
        assert (settings.list_price, settings.standard_cost) == (Decimal("12.5000"), None)
        assert (settings.is_sellable, settings.is_purchasable) == (True, False)
        assert AuditEntry.objects.filter(action="catalog.product.company_settings_set").count() == 1

    def test_negative_price_is_422_inline(self, owner, widget, company_be):
        response = owner.post(
            reverse("catalog:product_company_settings", args=[widget.pk, "ORDO-BE"]),
            {"ORDO-BE-list_price": "-1"},
        )
        assert response.status_code == 422
        assert (
            '<div class="error" role="alert" data-field="list_price">'
            "List price must not be negative, got -1.</div>"
        ) in html(response)
        assert not ProductCompanySettings.objects.exists()

    def test_another_company_is_404_and_rep_403(self, owner, rep, widget, company_nl):
        response = owner.post(
            reverse("catalog:product_company_settings", args=[widget.pk, "ORDO-NL"]),
            {"ORDO-NL-list_price": "1"},
        )
        assert response.status_code == 404
        response = rep.post(
            reverse("catalog:product_company_settings", args=[widget.pk, "ORDO-BE"]),
            {"ORDO-BE-list_price": "1"},
        )
        assert response.status_code == 403
        assert "it needs the permission catalog.price.manage" in html(response)
        assert not ProductCompanySettings.objects.exists()


class TestPackagings:
    def test_add_and_remove(self, owner, widget):
        response = owner.post(
            reverse("catalog:packaging_add", args=[widget.pk]),
            {"name": "Box", "quantity": "12", "gtin": "96385074"},
        )
        assert response.status_code == 302
        box = Packaging.objects.get()
        page = html(owner.get(reverse("catalog:product_detail", args=[widget.pk])))
        assert '<td>Box</td><td class="num">12</td><td>96385074</td>' in page
        response = owner.post(reverse("catalog:packaging_delete", args=[widget.pk, box.pk]))
        assert response.status_code == 302
        assert not Packaging.objects.exists()
        assert AuditEntry.objects.filter(action="catalog.packaging.removed").count() == 1

    def test_invalid_gtin_is_422_inline(self, owner, widget):
        response = owner.post(
            reverse("catalog:packaging_add", args=[widget.pk]),
            {"name": "Box", "quantity": "12", "gtin": "4006381333932"},
        )
        assert response.status_code == 422
        assert (
            '<div class="error" role="alert" data-field="gtin">4006381333932 is not a valid GTIN '
            "(The number&#x27;s checksum or check digit is invalid).</div>"
        ) in html(response)
        assert not Packaging.objects.exists()

    def test_rep_is_403_and_other_products_packaging_404(self, owner, rep, widget, gadget):
        box = services.add_packaging(
            actor=None, product_id=gadget.pk, name="Box", quantity=Decimal(6)
        )
        response = rep.post(reverse("catalog:packaging_delete", args=[gadget.pk, box.pk]))
        assert response.status_code == 403
        assert "it needs the permission catalog.product.manage" in html(response)
        response = owner.post(reverse("catalog:packaging_delete", args=[widget.pk, box.pk]))
        assert response.status_code == 404
        assert Packaging.objects.count() == 1


class TestPriceLists:
    def test_edit_price_list(self, owner, price_list):
        url = reverse("catalog:pricelist_edit", args=[price_list.pk])
        assert owner.get(url).status_code == 200
        response = owner.post(
            url, {"name": "Retail 2027", "currency": "EUR", "valid_from": "2027-01-01"}
        )
        assert response.status_code == 302
        price_list.refresh_from_db()
        assert (price_list.code, price_list.name, price_list.is_active) == (
            "RETAIL",
            "Retail 2027",
            False,
        )
        assert str(price_list.valid_from) == "2027-01-01"
        response = owner.post(
            url,
            {"name": "R", "currency": "EUR", "valid_from": "2027-02-01", "valid_to": "2027-01-01"},
        )
        assert response.status_code == 422
        assert "valid_to 2027-01-01 is before valid_from 2027-02-01." in html(response)

    def test_edit_is_403_for_rep_and_404_for_another_company(
        self, owner, rep, price_list, company_nl
    ):
        assert rep.get(reverse("catalog:pricelist_edit", args=[price_list.pk])).status_code == 403
        other = services.create_price_list(
            actor=None,
            company=company_nl,
            data=PriceListInput(code="NL", name="NL", currency="EUR"),
        )
        assert owner.get(reverse("catalog:pricelist_edit", args=[other.pk])).status_code == 404

    def test_rules_table_and_delete(self, owner, price_list, customer, widget, categories):
        fixed = services.add_price_rule(
            actor=None,
            price_list_id=price_list.pk,
            data=PriceRuleInput(
                kind="fixed",
                fixed_price=Decimal("9.5"),
                customer_id=customer.pk,
                product_id=widget.pk,
                min_quantity=Decimal(10),
            ),
        )
        services.add_price_rule(
            actor=None,
            price_list_id=price_list.pk,
            data=PriceRuleInput(
                kind="discount",
                discount_percent=Decimal("12.5"),
                customer_group_id=customer.customer_group_id,
                product_category_id=categories["TOOLS"].pk,
            ),
        )
        services.add_price_rule(
            actor=None,
            price_list_id=price_list.pk,
            data=PriceRuleInput(kind="discount", discount_percent=Decimal(5)),
        )
        page = html(owner.get(reverse("catalog:pricelist_detail", args=[price_list.pk])))
        assert "customer ACME-TRADING · Acme Trading</td>\n        <td>product WIDGET-RED" in page
        assert "group WHOLESALE</td>\n        <td>category TOOLS" in page
        assert "anyone</td>\n        <td>all products" in page
        assert "9.5000 EUR" in page and "−12.5 % on list price" in page
        response = owner.post(
            reverse("catalog:pricelist_delete_rule", args=[price_list.pk, fixed.pk])
        )
        assert response.status_code == 302
        assert not PriceRule.objects.filter(pk=fixed.pk).exists()
        assert AuditEntry.objects.filter(action="catalog.price_rule.deleted").count() == 1

    def test_delete_rule_refusals(self, owner, rep, price_list, company_nl):
        rule = services.add_price_rule(
            actor=None,
            price_list_id=price_list.pk,
            data=PriceRuleInput(kind="fixed", fixed_price=Decimal(1)),
        )
        response = rep.post(reverse("catalog:pricelist_delete_rule", args=[price_list.pk, rule.pk]))
        assert response.status_code == 403
        assert "it needs the permission catalog.price.manage" in html(response)
        other = services.create_price_list(
            actor=None,
            company=company_nl,
            data=PriceListInput(code="NL", name="NL", currency="EUR"),
        )
        other_rule = services.add_price_rule(
            actor=None,
            price_list_id=other.pk,
            data=PriceRuleInput(kind="fixed", fixed_price=Decimal(1)),
        )
        for list_id, rule_id in ((other.pk, other_rule.pk), (price_list.pk, other_rule.pk)):
            response = owner.post(reverse("catalog:pricelist_delete_rule", args=[list_id, rule_id]))
            assert response.status_code == 404
        assert PriceRule.objects.count() == 2


class TestCustomerPriceLists:
    def test_lists_and_changes_in_the_current_company(
        self, personas, client_for, customer, price_list, company_be
    ):
        client = client_for(personas["manager"])
        url = reverse("catalog:customer_pricelists")
        page = html(client.get(url))
        assert "Customer price lists in ORDO-BE" in page
        assert '<tr data-customer="ACME-TRADING">' in page
        assert "company default" in page
        response = client.post(url, {"customer": customer.pk, "price_list": price_list.pk})
        assert response.status_code == 302
        assert CustomerPriceList.objects.get(customer=customer, company=company_be).price_list == (
            price_list
        )
        page = html(client.get(url))
        assert f'<a href="/catalog/price-lists/{price_list.pk}/">RETAIL</a> · Retail' in page
        response = client.post(url, {"customer": customer.pk, "price_list": ""})
        assert response.status_code == 302
        assert not CustomerPriceList.objects.exists()
        assert [
            e.action
            for e in AuditEntry.objects.filter(
                action__startswith="catalog.customer_price_list"
            ).order_by("id")
        ] == ["catalog.customer_price_list.set", "catalog.customer_price_list.removed"]

    def test_rep_sees_no_form_and_is_refused_with_403(self, rep, customer, price_list):
        url = reverse("catalog:customer_pricelists")
        page = html(rep.get(url))
        assert '<tr data-customer="ACME-TRADING">' in page
        assert 'name="price_list"' not in page
        response = rep.post(url, {"customer": customer.pk, "price_list": price_list.pk})
        assert response.status_code == 403
        assert (
            "sales_rep may not do this in ORDO-BE: it needs the permission catalog.price.manage"
        ) in html(response)
        assert not CustomerPriceList.objects.exists()

    def test_another_companys_price_list_is_refused(self, owner, customer, company_nl):
        other = services.create_price_list(
            actor=None,
            company=company_nl,
            data=PriceListInput(code="NL", name="NL", currency="EUR"),
        )
        response = owner.post(
            reverse("catalog:customer_pricelists"),
            {"customer": customer.pk, "price_list": other.pk},
        )
        assert response.status_code == 422  # not one of the choices of the current company
        assert not CustomerPriceList.objects.exists()


class TestSupplierCatalogue:
    def test_create_and_filter(
        self, personas, client_for, rep, company_be, supplier, widget, gadget
    ):
        buyer = client_for(personas["buyer"])
        create = reverse("catalog:supplier_price_create")
        assert buyer.get(create + "?product=WIDGET-RED").status_code == 200
        response = buyer.post(
            create,
            {
                "company": "ORDO-BE",
                "supplier": "bolt-supply",
                "product": "widget-red",
                "price": "4.10",
                "currency": "EUR",
                "min_quantity": "0",
                "supplier_sku": "BS-1",
            },
        )
        assert response.status_code == 302
        assert response.url == reverse("catalog:supplier_price_list") + "?product=WIDGET-RED"
        price = SupplierPrice.objects.get()
        assert (price.price, price.lead_time_days) == (Decimal("4.1000"), 5)
        assert AuditEntry.objects.filter(action="catalog.supplier_price.created").count() == 1
        listing = reverse("catalog:supplier_price_list")
        assert "BS-1" in html(rep.get(listing, {"product": "WIDGET-RED"}))
        assert "BS-1" not in html(rep.get(listing, {"product": "GADGET-BLUE"}))
        assert "Unknown supplier NOPE." in html(rep.get(listing, {"supplier": "NOPE"}))
        detail = html(rep.get(reverse("catalog:product_detail", args=[widget.pk])))
        assert "BOLT-SUPPLY · Bolt Supply" in detail

    def test_unknown_supplier_is_422_and_rep_403(
        self, personas, client_for, rep, company_be, widget
    ):
        response = client_for(personas["buyer"]).post(
            reverse("catalog:supplier_price_create"),
            {
                "company": "ORDO-BE",
                "supplier": "NOPE",
                "product": "WIDGET-RED",
                "price": "1",
                "currency": "EUR",
                "min_quantity": "0",
            },
        )
        assert response.status_code == 422
        assert "Supplier NOPE not found." in html(response)
        assert rep.get(reverse("catalog:supplier_price_create")).status_code == 403
        assert not SupplierPrice.objects.exists()
