"""The import pages: kinds with templates, the upload form, the result and the error table."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ordo.imports.models import ImportRun

from .conftest import csv_bytes

catalog_services = pytest.importorskip("ordo.catalog.services")
needs_products = pytest.mark.skipif(
    not hasattr(catalog_services, "import_products"), reason="import_products missing"
)


def post(client, kind: str, filename: str, content: bytes):
    return client.post(
        reverse("imports:start"), {"kind": kind, "file": SimpleUploadedFile(filename, content)}
    )


def test_start_page_lists_kinds_with_template_links_and_the_upload_form(owner, client_for):
    response = client_for(owner).get(reverse("imports:start"))

    assert response.status_code == 200
    html = response.content.decode()
    for kind in ("customers", "suppliers", "products", "prices"):
        assert f'href="{reverse("imports:template", args=[kind])}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="kind"' in html
    assert 'type="file" name="file"' in html
    assert '<button type="submit" class="primary">Import</button>' in html


def test_start_page_is_refused_without_imports_run(personas, client_for):
    response = client_for(personas["sales_rep"]).get(reverse("imports:start"))

    assert response.status_code == 403
    assert "it needs the permission imports.run" in response.content.decode()


def test_start_page_needs_login(client):
    response = client.get(reverse("imports:start"))

    assert response.status_code == 302


@needs_products
def test_good_upload_redirects_to_the_result_with_the_counts(
    owner, client_for, units_and_categories
):
    client = client_for(owner)
    content = csv_bytes(
        ["sku", "name", "category", "stock_unit"],
        ["WIDGET-RED", "Widget red", "WIDGETS", "PCE"],
        ["GADGET-BLUE", "Gadget blue", "TOOLS", "PCE"],
    )

    response = post(client, "products", "products.csv", content)

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:result", args=[run.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert '<dd data-testid="created-count">2</dd>' in html
    assert '<dd data-testid="updated-count">0</dd>' in html
    assert "Imported 2 rows: 2 created, 0 updated." in html


@needs_products
def test_bad_rows_show_every_error_in_a_table_with_status_422(
    owner, client_for, units_and_categories
):
    from ordo.catalog.models import Product

    content = csv_bytes(
        ["sku", "name", "category", "stock_unit"],
        ["WIDGET-RED", "", "WIDGETS", "PCE"],
        ["GADGET-BLUE", "Gadget blue", "TOOLS", "PCE"],
        ["BOLT-M8", "Bolt M8", "NOPE", "PCE"],
        ["NUT-M8", "Nut M8", "TOOLS", "LITRE"],
    )

    response = post(client_for(owner), "products", "products.csv", content)

    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was imported." in html
    assert "<strong>Nothing was imported.</strong> 3 problem(s) in the file." in html
    assert '<table class="list" data-testid="import-errors">' in html
    for row, column, message in (
        (2, "name", "Product name is required."),
        (4, "category", "Unknown product category &#x27;NOPE&#x27;."),
        (5, "stock_unit", "Unknown unit &#x27;LITRE&#x27;."),
    ):
        assert f'<tr><td class="num">{row}</td><td>{column}</td><td>{message}</td></tr>' in html
    assert Product.objects.count() == 0
    run = ImportRun.objects.get()
    page = client_for(owner).get(reverse("imports:result", args=[run.pk]))
    assert page.status_code == 200
    assert "Nothing was imported." in page.content.decode()
    assert "Unknown unit &#x27;LITRE&#x27;." in page.content.decode()


def test_unsupported_file_shows_the_message_with_status_422(owner, client_for):
    response = post(client_for(owner), "customers", "customers.ods", b"x")

    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was imported." in html
    assert "customers.ods is not a CSV or XLSX file: save it as .csv or .xlsx." in html


def test_bad_columns_are_listed_in_the_error_table(owner, client_for):
    response = post(client_for(owner), "suppliers", "s.csv", b"name,colour\nX,red\n")

    assert response.status_code == 422
    html = response.content.decode()
    assert (
        '<tr><td class="num">1</td><td>code</td><td>The required column code is missing.</td></tr>'
        in html
    )


def test_upload_without_file_is_422(owner, client_for):
    response = client_for(owner).post(reverse("imports:start"), {"kind": "products"})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_template_download(owner, client_for):
    response = client_for(owner).get(reverse("imports:template", args=["prices"]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ordo-prices-template.csv"'
    assert response.content.decode("utf-8-sig").splitlines() == [
        "price_list,company,product,customer,customer_group,min_quantity,fixed_price,"
        "discount_percent,valid_from,valid_to",
        "RETAIL,ORDO-BE,WIDGET-RED,,,10,12.50,,2026-01-01,",
    ]


def test_template_of_unknown_kind_is_404(owner, client_for):
    assert client_for(owner).get(reverse("imports:template", args=["foo"])).status_code == 404


def test_another_users_result_is_404(owner, personas, client_for):
    post(client_for(personas["admin"]), "products", "theirs.ods", b"x")
    run = ImportRun.objects.get()

    response = client_for(owner).get(reverse("imports:result", args=[run.pk]))

    assert response.status_code == 404
