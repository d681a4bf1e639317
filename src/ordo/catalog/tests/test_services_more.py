"""Catalog services added for browser/API upkeep: packagings, per-company settings,
customers' price lists, and the foreign-currency price list explanation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ordo.catalog import pricing, selectors, services
from ordo.catalog.errors import NoPrice
from ordo.catalog.models import Packaging, ProductCompanySettings
from ordo.catalog.services import PriceListInput, PriceRuleInput
from ordo.core.errors import NotFound, PermissionDenied
from ordo.core.models import AuditEntry

DAY = date(2026, 11, 26)


class TestPackagings:
    def test_remove_packaging_with_audit(self, personas, widget):
        owner = personas["master_data_owner"]
        box = services.add_packaging(
            actor=owner, product_id=widget.pk, name="Box", quantity=Decimal(12)
        )
        services.remove_packaging(actor=owner, product_id=widget.pk, packaging_id=box.pk)
        assert not Packaging.objects.exists()
        entry = AuditEntry.objects.get(action="catalog.packaging.removed")
        assert (entry.actor, entry.target_id) == (owner, str(box.pk))
        assert entry.changes["name"] == ["Box", None]

    def test_packaging_of_another_product_is_404(self, personas, widget, gadget):
        box = services.add_packaging(
            actor=None, product_id=gadget.pk, name="Box", quantity=Decimal(6)
        )
        with pytest.raises(NotFound) as caught:
            services.remove_packaging(
                actor=personas["master_data_owner"], product_id=widget.pk, packaging_id=box.pk
            )
        assert (caught.value.code, caught.value.message) == (
            "packaging.not_found",
            f"Packaging {box.pk} of WIDGET-RED not found.",
        )
        assert Packaging.objects.count() == 1

    def test_a_sales_rep_may_not_remove_packagings(self, personas, widget):
        box = services.add_packaging(
            actor=None, product_id=widget.pk, name="Box", quantity=Decimal(12)
        )
        with pytest.raises(PermissionDenied) as caught:
            services.remove_packaging(
                actor=personas["sales_rep"], product_id=widget.pk, packaging_id=box.pk
            )
        assert caught.value.code == "permission.denied"
        assert Packaging.objects.count() == 1
        assert not AuditEntry.objects.filter(action="catalog.packaging.removed").exists()


class TestCompanySettings:
    def test_a_manager_with_price_manage_sets_list_price(self, personas, widget, company_be):
        manager = personas["manager"]
        services.set_product_company_settings(
            actor=manager,
            product_id=widget.pk,
            company=company_be,
            list_price=Decimal("12.5"),
            standard_cost=None,
            is_purchasable=False,
        )
        settings = ProductCompanySettings.objects.get(product=widget, company=company_be)
        assert (settings.list_price, settings.standard_cost, settings.is_purchasable) == (
            Decimal("12.5000"),
            None,
            False,
        )
        entry = AuditEntry.objects.get(action="catalog.product.company_settings_set")
        assert (entry.actor, entry.company) == (manager, company_be)
        assert entry.changes["list_price"] == [None, "12.5000"]

    def test_needs_price_manage_in_that_company(self, personas, widget, company_be):
        with pytest.raises(PermissionDenied) as caught:
            services.set_product_company_settings(
                actor=personas["warehouse_operator"],
                product_id=widget.pk,
                company=company_be,
                list_price=Decimal(1),
                standard_cost=None,
            )
        assert caught.value.message == (
            "warehouse_operator may not do this in ORDO-BE: it needs the permission "
            "catalog.price.manage (Create and edit price lists and their rules)."
        )
        assert not ProductCompanySettings.objects.exists()

    def test_rows_cover_only_the_actors_companies(
        self, personas, priced_widget, company_be, company_nl, make_user
    ):
        services.set_product_company_settings(
            actor=None,
            product_id=priced_widget.pk,
            company=company_nl,
            list_price=Decimal("11"),
            standard_cost=None,
        )
        rows = selectors.list_product_settings_by_company(personas["sales_rep"], priced_widget)
        assert [(r.company.code, r.list_price, r.is_set) for r in rows] == [
            ("ORDO-BE", Decimal("10.0000"), True)
        ]
        both = make_user("sales_rep", company_be, company_nl, username="both")
        services.set_product_company_settings(
            actor=None,
            product_id=priced_widget.pk,
            company=company_nl,
            list_price=None,
            standard_cost=None,
        )
        rows = selectors.list_product_settings_by_company(both, priced_widget)
        assert [(r.company.code, r.list_price, r.is_set) for r in rows] == [
            ("ORDO-BE", Decimal("10.0000"), True),
            ("ORDO-NL", None, True),
        ]


class TestCustomerPriceLists:
    def test_lists_customers_with_their_list_in_the_company(
        self, personas, company_be, customer, price_list, django_assert_max_num_queries
    ):
        from ordo.partners.models import Partner

        Partner.objects.create(code="BETA-SHOP", name="Beta Shop", is_customer=True)
        services.set_customer_price_list(
            actor=personas["manager"],
            customer_id=customer.pk,
            company=company_be,
            price_list_id=price_list.pk,
        )
        with django_assert_max_num_queries(2):
            rows = list(selectors.list_customer_price_lists(personas["sales_rep"], company_be))
        assert [(c.code, c.price_list_code) for c in rows] == [
            ("ACME-TRADING", "RETAIL"),
            ("BETA-SHOP", None),
        ]
        entry = AuditEntry.objects.get(action="catalog.customer_price_list.set")
        assert entry.company == company_be

    def test_another_company_is_404(self, personas, company_nl):
        with pytest.raises(NotFound) as caught:
            selectors.list_customer_price_lists(personas["sales_rep"], company_nl)
        assert caught.value.message == "Company ORDO-NL not found."


class TestForeignCurrencyList:
    def test_no_price_says_the_currency_is_why(self, company_be, customer, priced_widget):
        usd = services.create_price_list(
            actor=None,
            company=company_be,
            data=PriceListInput(code="EXPORT", name="Export", currency="USD"),
        )
        services.add_price_rule(
            actor=None,
            price_list_id=usd.pk,
            data=PriceRuleInput(kind="discount", discount_percent=Decimal(10)),
        )
        services.set_customer_price_list(
            actor=None, customer_id=customer.pk, company=company_be, price_list_id=usd.pk
        )
        with pytest.raises(NoPrice) as caught:
            pricing.price_lines(
                company=company_be,
                customer_id=customer.pk,
                lines=[(priced_widget.pk, Decimal(1))],
                on_date=DAY,
            )
        assert (caught.value.status, caught.value.code) == (409, "pricing.no_price")
        assert caught.value.message == (
            "No price for WIDGET-RED in price list ORDO-BE/EXPORT: no fixed-price rule "
            "applies, and this price list is in USD while list prices are in EUR, so its "
            "discount rules and the list price cannot be used."
        )
        assert caught.value.details["reason"] == "currency_mismatch"
        # A fixed-price rule in the list's currency still prices the line.
        services.add_price_rule(
            actor=None,
            price_list_id=usd.pk,
            data=PriceRuleInput(
                kind="fixed", fixed_price=Decimal("11.9"), product_id=priced_widget.pk
            ),
        )
        quote = pricing.price_lines(
            company=company_be,
            customer_id=customer.pk,
            lines=[(priced_widget.pk, Decimal(1))],
            on_date=DAY,
        )[0]
        assert (quote.unit_price, quote.currency) == (Decimal("11.9000"), "USD")
