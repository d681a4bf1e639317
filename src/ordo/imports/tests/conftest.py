"""Import fixtures: the master-data owner, units and categories, a price list, file builders."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest


def csv_bytes(header: list[str], *rows: list[str], delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def owner(personas):
    return personas["master_data_owner"]


@pytest.fixture
def catalog_services():
    return pytest.importorskip("ordo.catalog.services")


@pytest.fixture
def units_and_categories(db, catalog_services):
    """PCE and BOX12 (count), KG (weight); categories TOOLS and WIDGETS."""
    services = catalog_services
    services.create_unit_category(actor=None, code="COUNT", name="Count")
    services.create_unit_category(actor=None, code="WEIGHT", name="Weight")
    for data in (
        services.UnitInput(
            code="PCE", name="Piece", category="COUNT", rounding=Decimal(1), is_reference=True
        ),
        services.UnitInput(
            code="BOX12",
            name="Box of 12",
            category="COUNT",
            factor=Decimal(12),
            rounding=Decimal(1),
        ),
        services.UnitInput(
            code="KG",
            name="Kilogram",
            category="WEIGHT",
            rounding=Decimal("0.001"),
            is_reference=True,
        ),
    ):
        services.create_unit(actor=None, data=data)
    services.create_product_category(
        actor=None, data=services.ProductCategoryInput(code="TOOLS", name="Tools")
    )
    services.create_product_category(
        actor=None,
        data=services.ProductCategoryInput(code="WIDGETS", name="Widgets", parent="TOOLS"),
    )


@pytest.fixture
def retail_price_list(company_be, units_and_categories, catalog_services):
    """Price list RETAIL in ORDO-BE and the products WIDGET-RED and GADGET-BLUE."""
    services = catalog_services
    for sku, name in (("WIDGET-RED", "Widget red"), ("GADGET-BLUE", "Gadget blue")):
        services.create_product(
            actor=None,
            data=services.ProductInput(sku=sku, name=name, category="WIDGETS", stock_unit="PCE"),
        )
    return services.create_price_list(
        actor=None,
        company=company_be,
        data=services.PriceListInput(code="RETAIL", name="Retail", currency="EUR"),
    )
