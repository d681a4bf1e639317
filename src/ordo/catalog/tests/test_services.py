"""Catalog services: exact messages and codes, permissions, audit, imports, pricing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from ordo.catalog import pricing, services
from ordo.catalog.models import PriceRule, Product
from ordo.catalog.services import PriceRuleInput, ProductInput, SupplierPriceInput
from ordo.core.errors import DomainError, InvalidInput, PermissionDenied, ValidationErrors
from ordo.core.models import AuditEntry

DAY = date(2026, 11, 26)


def product_input(**overrides) -> ProductInput:
    values = dict(sku="widget-blue", name="Widget blue", category="WIDGETS", stock_unit="PCE")
    values.update(overrides)
    return ProductInput(**values)


class TestProducts:
    def test_master_data_owner_creates_a_product_with_audit(self, personas, units, categories):
        owner = personas["master_data_owner"]
        product = services.create_product(actor=owner, data=product_input(sale_unit="BOX12"))
        assert (product.sku, product.sale_unit.code, product.purchase_unit.code) == (
            "WIDGET-BLUE",
            "BOX12",
            "PCE",
        )
        entry = AuditEntry.objects.get(action="catalog.product.created")
        assert entry.actor == owner
        assert entry.target_id == str(product.pk)
        assert entry.changes["sku"] == [None, "WIDGET-BLUE"]

    def test_a_sales_rep_may_not_create_products(self, personas, units, categories):
        with pytest.raises(PermissionDenied) as caught:
            services.create_product(actor=personas["sales_rep"], data=product_input())
        assert caught.value.message == (
            "sales_rep may not do this: it needs the permission catalog.product.manage "
            "(Create and edit products, categories and packagings)."
        )
        assert not Product.objects.exists()

    def test_invalid_gtin_is_422_naming_value_and_field(self, personas, units, categories):
        with pytest.raises(InvalidInput) as caught:
            services.create_product(
                actor=personas["master_data_owner"], data=product_input(gtin="4006381333932")
            )
        assert caught.value.status == 422
        assert caught.value.code == "gtin.invalid"
        assert caught.value.message == (
            "4006381333932 is not a valid GTIN (The number's checksum or check digit is invalid)."
        )
        assert caught.value.details["field"] == "gtin"

    def test_duplicate_sku_is_409_naming_the_existing_product(self, personas, widget):
        with pytest.raises(DomainError) as caught:
            services.create_product(
                actor=personas["master_data_owner"], data=product_input(sku="widget-red")
            )
        assert (caught.value.status, caught.value.code) == (409, "product.duplicate_sku")
        assert caught.value.message == "A product with SKU WIDGET-RED already exists: Widget red."
        assert caught.value.details["id"] == widget.pk

    def test_duplicate_gtin_is_409(self, personas, widget):
        with pytest.raises(DomainError) as caught:
            services.create_product(
                actor=personas["master_data_owner"], data=product_input(gtin="4006381333931")
            )
        assert (caught.value.status, caught.value.code) == (409, "product.duplicate_gtin")
        assert caught.value.message == (
            "GTIN 4006381333931 is already used by WIDGET-RED Widget red."
        )

    def test_sale_unit_of_another_category_is_422(self, personas, units, categories):
        with pytest.raises(InvalidInput) as caught:
            services.create_product(
                actor=personas["master_data_owner"], data=product_input(sale_unit="KG")
            )
        assert (caught.value.status, caught.value.code) == (422, "unit.category_mismatch")
        assert caught.value.message == (
            "The sale unit KG is not in the category of the stock unit PCE: they cannot convert."
        )

    def test_every_problem_is_reported_at_once(self, personas, units, categories):
        with pytest.raises(ValidationErrors) as caught:
            services.create_product(
                actor=personas["master_data_owner"],
                data=product_input(name="", gtin="123", stock_unit="XX", category="NOPE"),
            )
        fields = [e["field"] for e in caught.value.errors]
        assert fields == ["name", "gtin", "category", "stock_unit"]
        assert caught.value.errors[3]["code"] == "unit.unknown"

    def test_update_and_deactivate(self, personas, widget):
        owner = personas["master_data_owner"]
        data = services.product_input_of(widget)
        import dataclasses

        services.update_product(
            actor=owner, product_id=widget.pk, data=dataclasses.replace(data, name="Widget rouge")
        )
        services.deactivate_product(actor=owner, product_id=widget.pk)
        widget.refresh_from_db()
        assert (widget.name, widget.is_active) == ("Widget rouge", False)
        entry = AuditEntry.objects.get(action="catalog.product.updated")
        assert entry.changes == {"name": ["Widget red", "Widget rouge"]}
        assert AuditEntry.objects.filter(action="catalog.product.deactivated").count() == 1


class TestPriceLists:
    def test_price_list_in_another_company_needs_membership(self, personas, company_nl):
        with pytest.raises(PermissionDenied):
            services.create_price_list(
                actor=personas["master_data_owner"],
                company=company_nl,
                data=services.PriceListInput(code="X", name="X", currency="EUR"),
            )

    def test_unknown_currency_is_422(self, personas, company_be):
        with pytest.raises(InvalidInput) as caught:
            services.create_price_list(
                actor=personas["master_data_owner"],
                company=company_be,
                data=services.PriceListInput(code="X", name="X", currency="EUX"),
            )
        assert caught.value.code == "currency.unknown"

    @pytest.mark.parametrize(
        ("rule", "field", "message"),
        [
            (
                PriceRuleInput(kind="fixed"),
                "fixed_price",
                "A fixed price rule needs a fixed price.",
            ),
            (
                PriceRuleInput(kind="fixed", fixed_price=Decimal("-1")),
                "fixed_price",
                "Fixed price must not be negative, got -1.",
            ),
            (
                PriceRuleInput(kind="discount", discount_percent=Decimal("100.5")),
                "discount_percent",
                "Discount percent must be between 0 and 100, got 100.5.",
            ),
        ],
    )
    def test_rule_validation(self, personas, price_list, rule, field, message):
        with pytest.raises(InvalidInput) as caught:
            services.add_price_rule(
                actor=personas["master_data_owner"], price_list_id=price_list.pk, data=rule
            )
        assert (caught.value.field, caught.value.message) == (field, message)
        assert not PriceRule.objects.exists()


class TestPricing:
    def test_quote_uses_customer_list_then_breaks(
        self, personas, company_be, customer, priced_widget, price_list
    ):
        owner = personas["master_data_owner"]
        services.set_customer_price_list(
            actor=owner, customer_id=customer.pk, company=company_be, price_list_id=price_list.pk
        )
        services.add_price_rule(
            actor=owner,
            price_list_id=price_list.pk,
            data=PriceRuleInput(
                kind="fixed",
                fixed_price=Decimal("9.5"),
                product_id=priced_widget.pk,
                min_quantity=Decimal(10),
            ),
        )
        services.add_price_rule(
            actor=owner,
            price_list_id=price_list.pk,
            data=PriceRuleInput(
                kind="discount",
                discount_percent=Decimal("12.5"),
                customer_group_id=customer.customer_group_id,
                min_quantity=Decimal(100),
            ),
        )
        quote = lambda q: pricing.quote_price(  # noqa: E731
            actor=personas["sales_rep"],
            company=company_be,
            customer_id=customer.pk,
            product_id=priced_widget.pk,
            quantity=Decimal(q),
            on_date=DAY,
        )
        assert (quote(1).unit_price, quote(1).source) == (Decimal("10.0000"), "list_price")
        assert (quote(10).unit_price, quote(10).source) == (Decimal("9.5000"), "rule")
        # The group rule is more specific by partner than the product break for anyone.
        assert quote(100).unit_price == Decimal("8.7500")
        assert quote(100).currency == "EUR"

    def test_no_price_is_409(self, personas, company_be, customer, widget, price_list):
        with pytest.raises(DomainError) as caught:
            pricing.quote_price(
                actor=personas["sales_rep"],
                company=company_be,
                customer_id=customer.pk,
                product_id=widget.pk,
                quantity=Decimal(1),
                on_date=DAY,
            )
        assert (caught.value.status, caught.value.code) == (409, "pricing.no_price")
        assert caught.value.message == (
            "No price for WIDGET-RED: no price rule applies and it has no list price."
        )

    def test_default_price_list_is_the_fallback(self, personas, company_be, customer, widget):
        owner = personas["master_data_owner"]
        default = services.create_price_list(
            actor=owner,
            company=company_be,
            data=services.PriceListInput(code="DEFAULT", name="Default", currency="EUR"),
        )
        services.add_price_rule(
            actor=owner,
            price_list_id=default.pk,
            data=PriceRuleInput(kind="fixed", fixed_price=Decimal("7.25")),
        )
        quote = pricing.quote_price(
            actor=owner,
            company=company_be,
            customer_id=customer.pk,
            product_id=widget.pk,
            quantity=Decimal(3),
            on_date=DAY,
        )
        assert (quote.unit_price, quote.price_list_id) == (Decimal("7.2500"), default.pk)

    def test_price_lines_bounded_queries(
        self,
        personas,
        company_be,
        customer,
        units,
        categories,
        price_list,
        django_assert_max_num_queries,
    ):
        services.import_products(
            actor=None,
            rows=[
                {
                    "sku": f"P{i:04d}",
                    "name": f"Product {i}",
                    "category": "WIDGETS",
                    "stock_unit": "PCE",
                }
                for i in range(1000)
            ],
        )
        ids = list(Product.objects.values_list("id", flat=True))
        services.add_price_rule(
            actor=None,
            price_list_id=price_list.pk,
            data=PriceRuleInput(
                kind="fixed", fixed_price=Decimal("3"), product_category_id=categories["TOOLS"].pk
            ),
        )
        services.add_price_rule(
            actor=None,
            price_list_id=price_list.pk,
            data=PriceRuleInput(kind="fixed", fixed_price=Decimal("2"), product_id=ids[0]),
        )
        services.set_customer_price_list(
            actor=None, customer_id=customer.pk, company=company_be, price_list_id=price_list.pk
        )
        lines = [(pk, Decimal(i % 7 + 1)) for i, pk in enumerate(ids)]
        with django_assert_max_num_queries(8):
            quotes = pricing.price_lines(
                company=company_be, customer_id=customer.pk, lines=lines, on_date=DAY
            )
        assert len(quotes) == 1000
        assert quotes[0].unit_price == Decimal("2.0000")
        assert {q.unit_price for q in quotes[1:]} == {Decimal("3.0000")}


class TestSupplierPrices:
    def test_buyer_records_a_supplier_price_with_default_lead_time(
        self, personas, company_be, supplier, widget
    ):
        price = services.create_supplier_price(
            actor=personas["buyer"],
            company=company_be,
            data=SupplierPriceInput(
                supplier_id=supplier.pk, product_id=widget.pk, price=Decimal("4.1"), currency="eur"
            ),
        )
        assert (price.currency, price.lead_time_days) == ("EUR", 5)

    def test_a_customer_is_not_a_supplier(self, personas, company_be, customer, widget):
        with pytest.raises(InvalidInput) as caught:
            services.create_supplier_price(
                actor=personas["buyer"],
                company=company_be,
                data=SupplierPriceInput(
                    supplier_id=customer.pk, product_id=widget.pk, price=Decimal(1), currency="EUR"
                ),
            )
        assert caught.value.message == "ACME-TRADING is not a supplier."


def product_rows(n: int) -> list[dict[str, str]]:
    return [
        {
            "sku": f"IMP-{i:05d}",
            "name": f"Imported {i}",
            "category": "WIDGETS",
            "stock_unit": "PCE",
            "sale_unit": "BOX12" if i % 2 else "",
            "weight": "1.5",
        }
        for i in range(n)
    ]


class TestImportProducts:
    def test_imports_and_upserts_with_audit(self, personas, widget):
        owner = personas["master_data_owner"]
        rows = [
            *product_rows(3),
            {
                "sku": "WIDGET-RED",
                "name": "Widget red v2",
                "category": "WIDGETS",
                "stock_unit": "PCE",
                "gtin": "4006381333931",
            },
        ]
        summary = services.import_products(actor=owner, rows=rows)
        assert summary == services.ImportSummary(created=3, updated=1)
        widget.refresh_from_db()
        assert (widget.name, widget.sale_unit.code) == ("Widget red v2", "PCE")
        assert AuditEntry.objects.filter(action="catalog.product.imported").count() == 3
        updated = AuditEntry.objects.get(action="catalog.product.import_updated")
        assert updated.changes["name"] == ["Widget red", "Widget red v2"]
        assert Product.objects.get(sku="IMP-00001").sale_unit.code == "BOX12"

    def test_every_bad_row_is_listed_and_nothing_is_written(self, personas, widget):
        rows = [
            *product_rows(2),
            {"sku": "IMP-00000", "name": "Twice", "category": "WIDGETS", "stock_unit": "PCE"},
            {
                "sku": "BAD-1",
                "name": "",
                "category": "NOPE",
                "stock_unit": "PCE",
                "gtin": "4006381333932",
            },
            {
                "sku": "BAD-2",
                "name": "x",
                "category": "WIDGETS",
                "stock_unit": "PCE",
                "gtin": "4006381333931",
                "sale_unit": "KG",
                "weight": "heavy",
            },
        ]
        with pytest.raises(ValidationErrors) as caught:
            services.import_products(actor=personas["master_data_owner"], rows=rows)
        exc = caught.value
        assert (exc.status, exc.code) == (422, "import.invalid_rows")
        assert exc.message == "7 problem(s) in the file; nothing was imported."
        assert [(e["row"], e["column"], e["code"]) for e in exc.errors] == [
            (4, "sku", "product.duplicate_sku"),
            (5, "category", "product_category.unknown"),
            (5, "gtin", "gtin.invalid"),
            (5, "name", "product.name_required"),
            (6, "gtin", "product.duplicate_gtin"),
            (6, "sale_unit", "unit.category_mismatch"),
            (6, "weight", "decimal.invalid"),
        ]
        assert exc.errors[0]["message"] == (
            "SKU IMP-00000 appears twice in the file (rows 2 and 4)."
        )
        assert exc.errors[4]["message"] == (
            "GTIN 4006381333931 is already used by WIDGET-RED Widget red."
        )
        assert Product.objects.count() == 1
        assert not AuditEntry.objects.filter(action="catalog.product.imported").exists()

    def test_needs_imports_run(self, personas, units, categories):
        with pytest.raises(PermissionDenied):
            services.import_products(actor=personas["buyer"], rows=product_rows(1))

    def test_1000_rows_in_bounded_queries(
        self, personas, units, categories, django_assert_max_num_queries
    ):
        # No query per row: a few reads, then batched writes (SQLite caps a statement at 999
        # parameters, so its batches are smaller than PostgreSQL's single statements).
        owner = personas["master_data_owner"]
        assert services.has_permission(owner, "imports.run")  # permissions cached
        bound = 12 if connection.vendor == "postgresql" else 40
        with django_assert_max_num_queries(bound):
            summary = services.import_products(actor=owner, rows=product_rows(1000))
        assert summary.created == 1000
        with django_assert_max_num_queries(bound + 2 if bound == 12 else 60):
            summary = services.import_products(
                actor=owner, rows=[r | {"name": r["name"] + "!"} for r in product_rows(1000)]
            )
        assert summary == services.ImportSummary(created=0, updated=1000)


class TestImportPrices:
    def test_creates_and_updates_rules(
        self, personas, company_be, customer, widget, gadget, price_list
    ):
        owner = personas["master_data_owner"]
        rows = [
            {
                "price_list": "RETAIL",
                "company": "ORDO-BE",
                "product": "WIDGET-RED",
                "min_quantity": "10",
                "fixed_price": "9.50",
            },
            {
                "price_list": "retail",
                "company": "ORDO-BE",
                "product": "GADGET-BLUE",
                "customer": "ACME-TRADING",
                "discount_percent": "5",
                "valid_from": "2026-01-01",
            },
        ]
        assert services.import_prices(actor=owner, rows=rows) == services.ImportSummary(2, 0)
        rows[0]["fixed_price"] = "9.25"
        assert services.import_prices(actor=owner, rows=rows) == services.ImportSummary(0, 1)
        rule = PriceRule.objects.get(product=widget)
        assert (rule.kind, rule.fixed_price) == ("fixed", Decimal("9.2500"))
        assert AuditEntry.objects.filter(action="catalog.price_rule.imported").count() == 2

    def test_every_bad_row_listed(self, personas, company_be, company_nl, widget, price_list):
        rows = [
            {
                "price_list": "RETAIL",
                "company": "ORDO-NL",
                "product": "WIDGET-RED",
                "fixed_price": "1",
            },
            {
                "price_list": "NOPE",
                "company": "ORDO-BE",
                "product": "NOPE",
                "fixed_price": "1",
                "discount_percent": "2",
            },
            {
                "price_list": "RETAIL",
                "company": "ORDO-BE",
                "product": "WIDGET-RED",
                "discount_percent": "120",
                "valid_from": "26/11/2026",
            },
        ]
        with pytest.raises(ValidationErrors) as caught:
            services.import_prices(actor=personas["master_data_owner"], rows=rows)
        assert [(e["row"], e["column"], e["code"]) for e in caught.value.errors] == [
            (2, "company", "company.not_found"),
            (3, "fixed_price", "price_rule.kind_fields"),
            (3, "price_list", "price_list.not_found"),
            (3, "product", "product.unknown"),
            (4, "valid_from", "date.invalid"),
        ]
        assert not PriceRule.objects.exists()


def test_integrity_checks_pass_on_clean_data(widget, gadget, price_list):
    from ordo.catalog.checks import INTEGRITY_CHECKS

    services.add_price_rule(
        actor=None,
        price_list_id=price_list.pk,
        data=PriceRuleInput(kind="discount", discount_percent=Decimal(5)),
    )
    assert [problem for check in INTEGRITY_CHECKS for problem in check()] == []


def test_unit_category_check_finds_a_product_with_a_foreign_sale_unit(widget, units):
    from ordo.catalog.checks import product_units_share_the_stock_category

    Product.objects.filter(pk=widget.pk).update(sale_unit=units["KG"])
    assert product_units_share_the_stock_category() == [
        "Product WIDGET-RED: sale or purchase unit outside the stock unit's category."
    ]


def test_single_line_quote_is_a_handful_of_queries(
    personas, company_be, customer, priced_widget, price_list, django_assert_max_num_queries
):
    services.set_customer_price_list(
        actor=None, customer_id=customer.pk, company=company_be, price_list_id=price_list.pk
    )
    with django_assert_max_num_queries(8):
        quotes = pricing.price_lines(
            company=company_be,
            customer_id=customer.pk,
            lines=[(priced_widget.pk, Decimal(1))],
            on_date=DAY,
        )
    assert quotes[0].unit_price == Decimal("10.0000")


def test_unit_conversion_from_stored_units(units):
    from ordo.catalog.selectors import convert_units
    from ordo.core.errors import UnitCategoryMismatch

    assert convert_units(Decimal(2), units["BOX12"], units["PCE"]) == Decimal(24)
    assert convert_units(Decimal("1.5"), units["KG"], units["G"]) == Decimal(1500)
    with pytest.raises(UnitCategoryMismatch) as caught:
        convert_units(Decimal(1), units["KG"], units["PCE"])
    assert caught.value.message == (
        "Cannot convert KG (WEIGHT) to PCE (COUNT): units of different categories do not convert."
    )


def test_unit_with_zero_factor_is_refused(personas, units):
    with pytest.raises(InvalidInput) as caught:
        services.create_unit(
            actor=personas["master_data_owner"],
            data=services.UnitInput(code="BAD", name="Bad", category="COUNT", factor=Decimal(0)),
        )
    assert (caught.value.code, caught.value.message) == (
        "unit.factor_not_positive",
        "Factor must be greater than zero, got 0.",
    )
