"""run_import end to end through the owning apps' import services, and the ImportRun record."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from ordo.core.errors import InvalidInput, NotFound, PermissionDenied, ValidationErrors
from ordo.core.models import AuditEntry
from ordo.imports.models import ImportRun
from ordo.imports.parsing import read_table
from ordo.imports.services import KINDS, run_import, template_csv

from .conftest import csv_bytes

partners_services = pytest.importorskip("ordo.partners.services")
catalog_services = pytest.importorskip("ordo.catalog.services")
needs_partners = pytest.mark.skipif(
    not hasattr(partners_services, "import_partners"),
    reason="ordo.partners.services.import_partners does not exist yet",
)
needs_products = pytest.mark.skipif(
    not hasattr(catalog_services, "import_products"),
    reason="ordo.catalog.services.import_products does not exist yet",
)
needs_prices = pytest.mark.skipif(
    not hasattr(catalog_services, "import_prices"),
    reason="ordo.catalog.services.import_prices does not exist yet",
)

PRODUCT_HEADER = ["sku", "name", "category", "stock_unit", "sale_unit", "gtin", "weight"]
CUSTOMER_HEADER = [
    "code",
    "name",
    "vat_number",
    "email",
    "street",
    "postal_code",
    "city",
    "country",
    "currency",
    "credit_limit",
    "company",
]
PRICE_HEADER = [
    "price_list",
    "company",
    "product",
    "min_quantity",
    "fixed_price",
    "discount_percent",
]


def errors_of(exc: ValidationErrors) -> list[tuple]:
    return [(e["row"], e["column"], e["code"]) for e in exc.errors]


def products(owner=None):
    from ordo.catalog.models import Product

    return Product.objects


def partners():
    from ordo.partners.models import Partner

    return Partner.objects


# --- customers and suppliers ------------------------------------------------------------


@needs_partners
def test_customers_file_creates_customers_and_records_the_run(owner):
    content = csv_bytes(
        CUSTOMER_HEADER,
        [
            "ACME-TRADING",
            "Acme Trading NV",
            "BE0417497106",
            "orders@acme.example",
            "Rue Haute 12",
            "1000",
            "Brussels",
            "BE",
            "EUR",
            "5000.00",
            "ORDO-BE",
        ],
        [
            "BETA-RETAIL",
            "Beta Retail BV",
            "",
            "info@beta.example",
            "Damrak 1",
            "1012 LG",
            "Amsterdam",
            "NL",
            "EUR",
            "",
            "",
        ],
    )

    result = run_import(actor=owner, kind="customers", filename="customers.csv", content=content)

    assert (result.kind, result.created, result.updated, result.rows) == ("customers", 2, 0, 2)
    acme = partners().get(code="ACME-TRADING")
    assert (acme.name, acme.is_customer, acme.is_supplier) == ("Acme Trading NV", True, False)
    assert acme.vat_number == "BE0417497106"
    run = ImportRun.objects.get(pk=result.import_id)
    assert (run.user, run.kind, run.filename, run.status) == (
        owner,
        "customers",
        "customers.csv",
        "succeeded",
    )
    assert (run.row_count, run.created_count, run.updated_count, run.error_count) == (2, 2, 0, 0)
    assert run.sha256 == hashlib.sha256(content).hexdigest()
    assert AuditEntry.objects.filter(
        action="imports.run.succeeded", target_id=str(run.pk), actor=owner
    ).exists()


@needs_partners
def test_customers_file_with_three_bad_rows_lists_them_all_and_writes_nothing(owner):
    good = ["Rue Haute 12", "1000", "Brussels", "BE", "EUR"]
    content = csv_bytes(
        CUSTOMER_HEADER,
        ["ACME-TRADING", "Acme Trading NV", "BE0000000000", "orders@acme.example", *good, "", ""],
        ["BETA-RETAIL", "Beta Retail BV", "", "info@beta.example", *good, "", ""],
        ["GAMMA-SHOP", "Gamma Shop", "", "not-an-email", *good, "", ""],
        ["DELTA-STORE", "Delta Store", "", "", *good, "lots", "ORDO-BE"],
    )
    partners_before = partners().count()

    with pytest.raises(ValidationErrors) as info:
        run_import(actor=owner, kind="customers", filename="customers.csv", content=content)

    exc = info.value
    assert exc.code == "import.invalid_rows"
    assert exc.message == "3 problem(s) in the file; nothing was imported."
    assert [(e["row"], e["column"]) for e in exc.errors] == [
        (2, "vat_number"),
        (4, "email"),
        (5, "credit_limit"),
    ]
    assert partners().count() == partners_before
    run = ImportRun.objects.get()
    assert (run.status, run.error_count, run.created_count, run.row_count) == ("failed", 3, 0, 4)
    assert [(e["row"], e["column"]) for e in run.errors] == [
        (2, "vat_number"),
        (4, "email"),
        (5, "credit_limit"),
    ]
    assert AuditEntry.objects.filter(action="imports.run.failed", target_id=str(run.pk)).exists()


@needs_partners
def test_suppliers_file_creates_suppliers_with_lead_times(owner):
    content = csv_bytes(
        ["code", "name", "country", "city", "street", "lead_time_days"],
        ["GLOBEX-SUPPLY", "Globex Supply BV", "NL", "Amsterdam", "Damrak 70", "5"],
    )

    result = run_import(actor=owner, kind="suppliers", filename="suppliers.csv", content=content)

    assert (result.created, result.updated) == (1, 0)
    globex = partners().get(code="GLOBEX-SUPPLY")
    assert (globex.is_supplier, globex.is_customer, globex.supplier_lead_time_days) == (
        True,
        False,
        5,
    )


@needs_partners
def test_suppliers_file_refuses_customer_only_columns(owner):
    content = csv_bytes(["code", "name", "credit_limit"], ["GLOBEX-SUPPLY", "Globex", "10"])

    with pytest.raises(ValidationErrors) as info:
        run_import(actor=owner, kind="suppliers", filename="suppliers.csv", content=content)

    assert info.value.code == "import.bad_columns"
    assert errors_of(info.value) == [(1, "credit_limit", "import.unknown_column")]


# --- products ---------------------------------------------------------------------------


@needs_products
def test_products_file_creates_and_updates_products(owner, units_and_categories):
    catalog_services.create_product(
        actor=None,
        data=catalog_services.ProductInput(
            sku="WIDGET-RED", name="Old name", category="TOOLS", stock_unit="PCE"
        ),
    )
    content = csv_bytes(
        PRODUCT_HEADER,
        ["WIDGET-RED", "Widget red", "WIDGETS", "PCE", "BOX12", "4006381333931", "0.25"],
        ["GADGET-BLUE", "Gadget blue", "TOOLS", "PCE", "", "", ""],
    )

    result = run_import(actor=owner, kind="products", filename="products.csv", content=content)

    assert (result.created, result.updated, result.rows) == (1, 1, 2)
    widget = products().get(sku="WIDGET-RED")
    assert (widget.name, widget.category.code, widget.sale_unit.code) == (
        "Widget red",
        "WIDGETS",
        "BOX12",
    )
    assert widget.weight == Decimal("0.2500")
    assert products().get(sku="GADGET-BLUE").sale_unit.code == "PCE"


@needs_products
def test_products_xlsx_with_numeric_cells_imports(owner, units_and_categories):
    from .test_parsing import xlsx

    content = xlsx(
        ["SKU", "Name", "Category", "Stock Unit", "GTIN", "Weight"],
        ["WIDGET-RED", "Widget red", "WIDGETS", "PCE", 4006381333931, 0.25],
    )

    result = run_import(actor=owner, kind="products", filename="products.xlsx", content=content)

    assert (result.created, result.updated) == (1, 0)
    widget = products().get(sku="WIDGET-RED")
    assert (widget.gtin, widget.weight) == ("4006381333931", Decimal("0.2500"))


@needs_products
def test_products_file_with_three_bad_rows_lists_them_all_and_writes_nothing(
    owner, units_and_categories
):
    content = csv_bytes(
        PRODUCT_HEADER,
        ["WIDGET-RED", "Widget red", "WIDGETS", "PCE", "", "", ""],
        ["GADGET-BLUE", "Gadget blue", "NO-SUCH-CATEGORY", "PCE", "", "", ""],
        ["BOLT-M8", "Bolt M8", "TOOLS", "PCE", "KG", "", ""],
        ["NUT-M8", "Nut M8", "TOOLS", "PCE", "", "", "heavy"],
    )

    with pytest.raises(ValidationErrors) as info:
        run_import(actor=owner, kind="products", filename="products.csv", content=content)

    assert info.value.message == "3 problem(s) in the file; nothing was imported."
    assert [(e["row"], e["column"]) for e in info.value.errors] == [
        (3, "category"),
        (4, "sale_unit"),
        (5, "weight"),
    ]
    assert info.value.errors[0]["message"] == "Unknown product category 'NO-SUCH-CATEGORY'."
    assert products().count() == 0
    assert ImportRun.objects.get().status == "failed"


@needs_products
def test_blank_rows_in_the_middle_keep_the_spreadsheet_row_numbers(owner, units_and_categories):
    content = (
        b"sku,name,category,stock_unit\n"
        b"WIDGET-RED,Widget red,WIDGETS,PCE\n"
        b"\n"
        b",,,\n"
        b"GADGET-BLUE,,TOOLS,PCE\n"
        b"WIDGET-RED,Again,WIDGETS,PCE\n"
    )

    with pytest.raises(ValidationErrors) as info:
        run_import(actor=owner, kind="products", filename="products.csv", content=content)

    assert [(e["row"], e["column"], e["message"]) for e in info.value.errors] == [
        (5, "name", "Product name is required."),
        (6, "sku", "SKU WIDGET-RED appears twice in the file (rows 2 and 6)."),
    ]


@needs_products
def test_ten_thousand_products_import(owner, units_and_categories):
    rows = [[f"SKU-{i:05d}", f"Product {i}", "TOOLS", "PCE", "", "", "1.5"] for i in range(10_000)]
    content = csv_bytes(PRODUCT_HEADER, *rows)

    result = run_import(actor=owner, kind="products", filename="big.csv", content=content)

    assert (result.created, result.updated, result.rows) == (10_000, 0, 10_000)
    assert products().count() == 10_000
    assert products().get(sku="SKU-09999").name == "Product 9999"


@needs_products
def test_products_import_runs_a_bounded_number_of_queries(
    owner, units_and_categories, django_assert_max_num_queries
):
    rows = [[f"SKU-{i:05d}", f"Product {i}", "TOOLS", "PCE", "", "", ""] for i in range(1000)]
    content = csv_bytes(PRODUCT_HEADER, *rows)

    # SQLite splits bulk inserts into batches of 999 parameters; no query per row.
    with django_assert_max_num_queries(60):
        run_import(actor=owner, kind="products", filename="p.csv", content=content)


@needs_products
def test_failed_run_keeps_the_first_1000_errors_and_counts_them_all(owner, units_and_categories):
    rows = [[f"SKU-{i:05d}", "", "TOOLS", "PCE", "", "", ""] for i in range(1001)]
    content = csv_bytes(PRODUCT_HEADER, *rows)

    with pytest.raises(ValidationErrors) as info:
        run_import(actor=owner, kind="products", filename="p.csv", content=content)

    assert len(info.value.errors) == 1001
    run = ImportRun.objects.get()
    assert (run.error_count, len(run.errors)) == (1001, 1000)
    assert run.errors[-1]["row"] == 1001


def test_sales_rep_may_not_import_products_and_nothing_is_recorded(personas):
    content = csv_bytes(PRODUCT_HEADER, ["WIDGET-RED", "Widget red", "TOOLS", "PCE", "", "", ""])

    with pytest.raises(PermissionDenied) as info:
        run_import(actor=personas["sales_rep"], kind="products", filename="p.csv", content=content)

    assert info.value.message == (
        "sales_rep may not do this: it needs the permission imports.run "
        "(Import master data from spreadsheets)."
    )
    assert not ImportRun.objects.exists()


def test_buyer_without_imports_run_may_not_import_suppliers(personas):
    with pytest.raises(PermissionDenied):
        run_import(
            actor=personas["buyer"], kind="suppliers", filename="s.csv", content=b"code\nX\n"
        )


# --- prices -----------------------------------------------------------------------------


@needs_prices
def test_prices_file_creates_price_rules(owner, retail_price_list):
    from ordo.catalog.models import PriceRule

    content = csv_bytes(
        PRICE_HEADER,
        ["RETAIL", "ORDO-BE", "WIDGET-RED", "10", "12.50", ""],
        ["RETAIL", "ORDO-BE", "GADGET-BLUE", "", "", "5"],
    )

    result = run_import(actor=owner, kind="prices", filename="prices.csv", content=content)

    assert (result.created, result.updated) == (2, 0)
    rule = PriceRule.objects.get(product__sku="WIDGET-RED")
    assert (rule.min_quantity, rule.fixed_price) == (Decimal("10.0000"), Decimal("12.5000"))
    assert PriceRule.objects.get(product__sku="GADGET-BLUE").discount_percent == Decimal("5.0000")


@needs_prices
def test_prices_xlsx_with_date_and_float_cells_imports(owner, retail_price_list):
    import datetime

    from ordo.catalog.models import PriceRule

    from .test_parsing import xlsx

    content = xlsx(
        ["Price List", "Company", "Product", "Min Quantity", "Fixed Price", "Valid From"],
        ["RETAIL", "ORDO-BE", "WIDGET-RED", 10, 12.5, datetime.datetime(2026, 1, 31)],
    )

    result = run_import(actor=owner, kind="prices", filename="prices.xlsx", content=content)

    assert (result.created, result.updated) == (1, 0)
    rule = PriceRule.objects.get()
    assert (rule.min_quantity, rule.fixed_price, rule.valid_from) == (
        Decimal("10.0000"),
        Decimal("12.5000"),
        datetime.date(2026, 1, 31),
    )


@needs_prices
def test_prices_file_with_three_bad_rows_lists_them_all_and_writes_nothing(
    owner, retail_price_list
):
    from ordo.catalog.models import PriceRule

    content = csv_bytes(
        PRICE_HEADER,
        ["RETAIL", "ORDO-BE", "NO-SUCH-SKU", "", "12.50", ""],
        ["RETAIL", "ORDO-BE", "WIDGET-RED", "", "12.50", ""],
        ["WHOLESALE", "ORDO-BE", "GADGET-BLUE", "", "9.00", ""],
        ["RETAIL", "ORDO-BE", "GADGET-BLUE", "", "", "lots"],
    )

    with pytest.raises(ValidationErrors) as info:
        run_import(actor=owner, kind="prices", filename="prices.csv", content=content)

    assert info.value.message == "3 problem(s) in the file; nothing was imported."
    assert [(e["row"], e["column"]) for e in info.value.errors] == [
        (2, "product"),
        (4, "price_list"),
        (5, "discount_percent"),
    ]
    assert PriceRule.objects.count() == 0


@needs_prices
def test_prices_file_needs_a_price_column(owner):
    content = csv_bytes(["price_list", "company", "product"], ["RETAIL", "ORDO-BE", "WIDGET-RED"])

    with pytest.raises(ValidationErrors) as info:
        run_import(actor=owner, kind="prices", filename="prices.csv", content=content)

    assert errors_of(info.value) == [
        (1, "fixed_price or discount_percent", "import.missing_column")
    ]


# --- file and column problems -----------------------------------------------------------


def test_missing_and_unknown_columns_are_reported_at_once(owner):
    content = csv_bytes(["SKU", "colour", "Stock Unit", "size"], ["WIDGET-RED", "red", "PCE", "M"])

    with pytest.raises(ValidationErrors) as info:
        run_import(actor=owner, kind="products", filename="products.csv", content=content)

    exc = info.value
    assert (exc.code, exc.status) == ("import.bad_columns", 422)
    assert exc.message == (
        "The columns of products.csv do not fit a products import: missing name, category; "
        "unknown colour, size. Download the template for the expected columns."
    )
    assert errors_of(exc) == [
        (1, "name", "import.missing_column"),
        (1, "category", "import.missing_column"),
        (1, "colour", "import.unknown_column"),
        (1, "size", "import.unknown_column"),
    ]
    assert exc.errors[2]["message"] == (
        "Unknown column colour; a products file has the columns sku, name, gtin, category, "
        "stock_unit, sale_unit, purchase_unit, tracking, description, weight."
    )
    run = ImportRun.objects.get()
    assert (run.status, run.error_count, run.row_count) == ("failed", 4, 1)


def test_unreadable_file_is_recorded_as_a_failed_run(owner):
    with pytest.raises(InvalidInput) as info:
        run_import(actor=owner, kind="customers", filename="customers.ods", content=b"x")

    assert info.value.code == "import.unsupported_format"
    run = ImportRun.objects.get()
    assert (run.status, run.error_count, run.row_count) == ("failed", 1, 0)
    assert run.errors == [
        {
            "row": None,
            "column": "",
            "message": "customers.ods is not a CSV or XLSX file: save it as .csv or .xlsx.",
            "code": "import.unsupported_format",
        }
    ]


def test_unknown_kind_is_not_found(owner):
    with pytest.raises(NotFound) as info:
        run_import(actor=owner, kind="employees", filename="e.csv", content=b"code\nX\n")

    assert info.value.code == "import.unknown_kind"
    assert info.value.message == (
        "Unknown import kind 'employees'; use customers, suppliers, products or prices."
    )


@needs_products
@pytest.mark.django_db(transaction=True)
def test_failed_run_is_committed_although_the_import_rolled_back(owner, units_and_categories):
    content = csv_bytes(PRODUCT_HEADER, ["WIDGET-RED", "", "TOOLS", "PCE", "", "", ""])

    with pytest.raises(ValidationErrors):
        run_import(actor=owner, kind="products", filename="p.csv", content=content)

    assert products().count() == 0
    assert ImportRun.objects.get().status == "failed"


# --- templates --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_template_has_the_kinds_columns_and_one_example_row(kind):
    table = read_table(f"{kind}.csv", template_csv(kind))

    assert table.headers == KINDS[kind].columns
    assert len(table.rows) == 1
    assert all(table.rows[0][c] for c in KINDS[kind].required)


def test_products_template_is_exact():
    assert (
        template_csv("products")
        == (
            "\ufeffsku,name,gtin,category,stock_unit,sale_unit,purchase_unit,tracking,description,weight\r\n"
            'WIDGET-RED,Widget red,5410000000019,GENERAL,PCE,PCE,PCE,none,"Red widget, 10 cm",0.250\r\n'
        ).encode()
    )


@needs_products
def test_products_template_imports_once_its_category_and_unit_exist(owner, units_and_categories):
    catalog_services.create_product_category(
        actor=None, data=catalog_services.ProductCategoryInput(code="GENERAL", name="General")
    )

    result = run_import(
        actor=owner, kind="products", filename="t.csv", content=template_csv("products")
    )

    assert (result.created, result.updated) == (1, 0)
