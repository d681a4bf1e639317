"""Catalog fixtures: units (pieces, box of 12, kg, g), a category tree, WIDGET-RED."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ordo.catalog import services
from ordo.catalog.services import (
    PriceListInput,
    ProductCategoryInput,
    ProductInput,
    UnitInput,
)


@pytest.fixture
def units(db):
    count = services.create_unit_category(actor=None, code="COUNT", name="Count")
    weight = services.create_unit_category(actor=None, code="WEIGHT", name="Weight")
    result = {
        "PCE": services.create_unit(
            actor=None,
            data=UnitInput(
                code="PCE", name="Piece", category="COUNT", rounding=Decimal(1), is_reference=True
            ),
        ),
        "BOX12": services.create_unit(
            actor=None,
            data=UnitInput(
                code="BOX12",
                name="Box of 12",
                category="COUNT",
                factor=Decimal(12),
                rounding=Decimal(1),
            ),
        ),
        "KG": services.create_unit(
            actor=None,
            data=UnitInput(
                code="KG",
                name="Kilogram",
                category="WEIGHT",
                rounding=Decimal("0.001"),
                is_reference=True,
            ),
        ),
        "G": services.create_unit(
            actor=None,
            data=UnitInput(
                code="G",
                name="Gram",
                category="WEIGHT",
                factor=Decimal("0.001"),
                rounding=Decimal(1),
            ),
        ),
    }
    result["count"], result["weight"] = count, weight
    return result


@pytest.fixture
def categories(db):
    tools = services.create_product_category(
        actor=None, data=ProductCategoryInput(code="TOOLS", name="Tools")
    )
    widgets = services.create_product_category(
        actor=None, data=ProductCategoryInput(code="WIDGETS", name="Widgets", parent="TOOLS")
    )
    return {"TOOLS": tools, "WIDGETS": widgets}


@pytest.fixture
def widget(units, categories):
    return services.create_product(
        actor=None,
        data=ProductInput(
            sku="WIDGET-RED",
            name="Widget red",
            category="WIDGETS",
            stock_unit="PCE",
            sale_unit="BOX12",
            gtin="4006381333931",
        ),
    )


@pytest.fixture
def gadget(units, categories):
    return services.create_product(
        actor=None,
        data=ProductInput(
            sku="GADGET-BLUE", name="Gadget blue", category="TOOLS", stock_unit="PCE"
        ),
    )


@pytest.fixture
def customer(db):
    from ordo.partners.models import CustomerGroup, Partner

    group = CustomerGroup.objects.create(code="WHOLESALE", name="Wholesale")
    return Partner.objects.create(
        code="ACME-TRADING", name="Acme Trading", is_customer=True, customer_group=group
    )


@pytest.fixture
def supplier(db):
    from ordo.partners.models import Partner

    return Partner.objects.create(
        code="BOLT-SUPPLY", name="Bolt Supply", is_supplier=True, supplier_lead_time_days=5
    )


@pytest.fixture
def price_list(company_be):
    return services.create_price_list(
        actor=None,
        company=company_be,
        data=PriceListInput(code="RETAIL", name="Retail", currency="EUR"),
    )


@pytest.fixture
def priced_widget(widget, company_be):
    services.set_product_company_settings(
        actor=None,
        product_id=widget.pk,
        company=company_be,
        list_price=Decimal("10.0000"),
        standard_cost=Decimal("6.2500"),
    )
    return widget
