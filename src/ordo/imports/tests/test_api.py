"""The REST endpoints: POST /api/v1/imports/{kind}, GET /api/v1/imports, templates."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ordo.imports.models import ImportRun

from .conftest import csv_bytes

catalog_services = pytest.importorskip("ordo.catalog.services")
partners_services = pytest.importorskip("ordo.partners.services")
needs_products = pytest.mark.skipif(
    not hasattr(catalog_services, "import_products"), reason="import_products missing"
)
needs_prices = pytest.mark.skipif(
    not hasattr(catalog_services, "import_prices"), reason="import_prices missing"
)
needs_partners = pytest.mark.skipif(
    not hasattr(partners_services, "import_partners"), reason="import_partners missing"
)

PRODUCT_HEADER = ["sku", "name", "category", "stock_unit", "weight"]


def upload(client, kind: str, filename: str, content: bytes):
    return client.post(f"/api/v1/imports/{kind}", {"file": SimpleUploadedFile(filename, content)})


@needs_products
def test_good_products_file_answers_201_with_the_counts(owner, client_for, units_and_categories):
    content = csv_bytes(
        PRODUCT_HEADER,
        ["WIDGET-RED", "Widget red", "WIDGETS", "PCE", "0.25"],
        ["GADGET-BLUE", "Gadget blue", "TOOLS", "PCE", ""],
    )

    response = upload(client_for(owner), "products", "products.csv", content)

    assert response.status_code == 201, response.json()
    run = ImportRun.objects.get()
    assert response.json() == {
        "kind": "products",
        "created": 2,
        "updated": 0,
        "rows": 2,
        "import_id": run.pk,
    }
    from ordo.catalog.models import Product

    assert sorted(Product.objects.values_list("sku", flat=True)) == ["GADGET-BLUE", "WIDGET-RED"]


@needs_products
def test_three_bad_product_rows_answer_422_listing_each_and_write_nothing(
    owner, client_for, units_and_categories
):
    from ordo.catalog.models import Product

    content = csv_bytes(
        PRODUCT_HEADER,
        ["WIDGET-RED", "", "WIDGETS", "PCE", ""],
        ["GADGET-BLUE", "Gadget blue", "TOOLS", "PCE", ""],
        ["BOLT-M8", "Bolt M8", "TOOLS", "LITRE", ""],
        ["NUT-M8", "Nut M8", "TOOLS", "PCE", "-1"],
    )

    response = upload(client_for(owner), "products", "products.csv", content)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import.invalid_rows"
    assert body["message"] == "3 problem(s) in the file; nothing was imported."
    assert body["details"]["errors"] == [
        {
            "row": 2,
            "column": "name",
            "message": "Product name is required.",
            "code": "product.name_required",
        },
        {
            "row": 4,
            "column": "stock_unit",
            "message": "Unknown unit 'LITRE'.",
            "code": "unit.unknown",
        },
        {
            "row": 5,
            "column": "weight",
            "message": "Weight must not be negative, got -1.0000.",
            "code": "product.weight_negative",
        },
    ]
    assert Product.objects.count() == 0
    assert ImportRun.objects.get().status == "failed"


def test_sales_rep_gets_403_on_products_import(personas, client_for):
    content = csv_bytes(PRODUCT_HEADER, ["WIDGET-RED", "Widget red", "WIDGETS", "PCE", ""])

    response = upload(client_for(personas["sales_rep"]), "products", "products.csv", content)

    assert response.status_code == 403
    assert response.json()["code"] == "permission.denied"
    assert not ImportRun.objects.exists()


@needs_partners
def test_good_customers_file_answers_201(owner, client_for):
    content = csv_bytes(
        ["code", "name", "country", "city", "street"],
        ["ACME-TRADING", "Acme Trading NV", "BE", "Brussels", "Rue Haute 12"],
    )

    response = upload(client_for(owner), "customers", "customers.csv", content)

    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 1


@needs_partners
def test_three_bad_customer_rows_answer_422_and_write_nothing(owner, client_for):
    from ordo.partners.models import Partner

    content = csv_bytes(
        ["code", "name", "email", "street", "city", "country"],
        ["ACME-TRADING", "Acme", "bad-email", "Rue Haute 12", "Brussels", "BE"],
        ["BETA-RETAIL", "", "", "Rue Haute 14", "Brussels", "BE"],
        ["GAMMA-SHOP", "Gamma", "", "Rue Haute 16", "Brussels", "BE"],
        ["DELTA-STORE", "Delta", "", "Rue Haute 18", "Brussels", "XX"],
    )

    response = upload(client_for(owner), "customers", "customers.csv", content)

    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "3 problem(s) in the file; nothing was imported."
    assert body["details"]["errors"] == [
        {
            "row": 2,
            "column": "email",
            "message": "bad-email is not a valid email address.",
            "code": "email.invalid",
        },
        {"row": 3, "column": "name", "message": "Name is required.", "code": "field.required"},
        {
            "row": 5,
            "column": "country",
            "message": "'XX' is not an ISO 3166 country code (e.g. BE, DE).",
            "code": "country.unknown",
        },
    ]
    assert Partner.objects.count() == 0


@needs_partners
def test_suppliers_file_answers_201(owner, client_for):
    content = csv_bytes(["code", "name", "lead_time_days"], ["GLOBEX-SUPPLY", "Globex", "7"])

    response = upload(client_for(owner), "suppliers", "suppliers.csv", content)

    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "suppliers"


@needs_prices
def test_prices_file_answers_201_and_bad_prices_422(owner, client_for, retail_price_list):
    from ordo.catalog.models import PriceRule

    header = ["price_list", "company", "product", "fixed_price"]
    client = client_for(owner)
    bad = csv_bytes(
        header,
        ["RETAIL", "ORDO-BE", "WIDGET-RED", "abc"],
        ["RETAIL", "ORDO-NOPE", "WIDGET-RED", "1.00"],
        ["RETAIL", "ORDO-BE", "GADGET-BLUE", "2.00"],
        ["RETAIL", "ORDO-BE", "", "3.00"],
    )
    response = upload(client, "prices", "prices.csv", bad)
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json()["details"]["errors"]] == [
        (2, "fixed_price"),
        (3, "company"),
        (5, "product"),
    ]
    assert PriceRule.objects.count() == 0

    good = csv_bytes(header, ["RETAIL", "ORDO-BE", "WIDGET-RED", "12.50"])
    response = upload(client, "prices", "prices.csv", good)
    assert response.status_code == 201
    assert (response.json()["created"], response.json()["updated"]) == (1, 0)


def test_unknown_kind_answers_404(owner, client_for):
    response = upload(client_for(owner), "foo", "foo.csv", b"code\nX\n")

    assert response.status_code == 404
    assert response.json() == {
        "code": "import.unknown_kind",
        "message": "Unknown import kind 'foo'; use customers, suppliers, products or prices.",
        "details": {},
    }


def test_unsupported_file_answers_422(owner, client_for):
    response = upload(client_for(owner), "products", "products.pdf", b"%PDF")

    assert response.status_code == 422
    assert response.json()["code"] == "import.unsupported_format"
    assert response.json()["message"] == (
        "products.pdf is not a CSV or XLSX file: save it as .csv or .xlsx."
    )


def test_bad_columns_answer_422_listing_each(owner, client_for):
    response = upload(client_for(owner), "products", "p.csv", b"sku,colour\nA,red\n")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import.bad_columns"
    assert [(e["column"], e["code"]) for e in body["details"]["errors"]] == [
        ("name", "import.missing_column"),
        ("category", "import.missing_column"),
        ("stock_unit", "import.missing_column"),
        ("colour", "import.unknown_column"),
    ]


def test_missing_file_field_answers_422(owner, client_for):
    response = client_for(owner).post("/api/v1/imports/products", {})

    assert response.status_code == 422
    assert response.json()["code"] == "validation.invalid"
    assert response.json()["details"]["field"].startswith("file")


def test_list_shows_only_the_callers_runs(owner, personas, client_for):
    client = client_for(owner)
    upload(client, "products", "mine.ods", b"x")
    upload(client_for(personas["admin"]), "products", "theirs.ods", b"x")

    response = client.get("/api/v1/imports")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [(r["filename"], r["status"], r["error_count"]) for r in body["items"]] == [
        ("mine.ods", "failed", 1)
    ]
    own = body["items"][0]["id"]
    detail = client.get(f"/api/v1/imports/runs/{own}")
    assert detail.status_code == 200
    assert detail.json()["errors"] == [
        {
            "row": None,
            "column": "",
            "message": "mine.ods is not a CSV or XLSX file: save it as .csv or .xlsx.",
            "code": "import.unsupported_format",
        }
    ]
    theirs = ImportRun.objects.get(filename="theirs.ods").pk
    response = client.get(f"/api/v1/imports/runs/{theirs}")
    assert response.status_code == 404
    assert response.json()["message"] == f"Import {theirs} not found."


def test_template_download(owner, client_for):
    response = client_for(owner).get("/api/v1/imports/templates/customers")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ordo-customers-template.csv"'
    assert response.content.decode("utf-8-sig").splitlines()[0].startswith("code,name,vat_number")


def test_template_of_unknown_kind_answers_404(owner, client_for):
    response = client_for(owner).get("/api/v1/imports/templates/foo")

    assert response.status_code == 404
    assert response.json()["code"] == "import.unknown_kind"


def test_anonymous_caller_gets_401():
    from django.test import Client

    response = Client().get("/api/v1/imports")

    assert response.status_code == 401
