"""Scenario: a new legal entity is set up and its first customer gets the right price.

A story in numbered steps, through the API and the spreadsheet import as the people in
each role would do it, asserting what each of them would check.
"""

import json

import pytest
from django.core.management import call_command

from ordo.core.chain import verify_chain
from ordo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

API = "/api/v1"


def send(client, method, path, body):
    if method == "get":
        return client.get(f"{API}{path}")
    return getattr(client, method)(
        f"{API}{path}", data=json.dumps(body), content_type="application/json"
    )


def upload(client, kind, name, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"{API}/imports/{kind}", {"file": SimpleUploadedFile(name, text.encode(), "text/csv")}
    )


def test_a_new_entity_sets_up_master_data_and_quotes_its_first_customer(
    make_user, client_for, company_be
):
    # 1. The group administrator registers the Luxembourg entity.
    admin = client_for(make_user("admin", company_be, username="group-admin"))
    response = send(
        admin,
        "post",
        "/companies",
        {
            "code": "ORDO-LU",
            "name": "Ordo Distribution Luxembourg SA",
            "currency": "EUR",
            "country": "LU",
            "vat_number": "LU15027442",
        },
    )
    assert response.status_code == 201, response.json()
    call_command(
        "createuser", "mira", "--password", "pw-mira-1234", "--company", "ORDO-LU",
        "--role", "master_data_owner",
    )  # fmt: skip
    call_command(
        "createuser", "sam", "--password", "pw-sam-12345", "--company", "ORDO-LU",
        "--role", "sales_rep",
    )  # fmt: skip
    from ordo.core.models import User

    mira = client_for(User.objects.get(username="mira"))
    sam = client_for(User.objects.get(username="sam"))

    # 2. The master-data owner sets up units and a category, then imports the products;
    #    the first file has a wrong GTIN and a duplicate SKU: nothing is imported.
    assert (
        send(mira, "post", "/units/categories", {"code": "COUNT", "name": "Count"}).status_code
        == 201
    )
    for unit in (
        {"code": "PCE", "name": "Piece", "category": "COUNT", "factor": "1", "is_reference": True},
        {
            "code": "BOX12",
            "name": "Box of 12",
            "category": "COUNT",
            "factor": "12",
            "rounding": "1",
        },
    ):
        assert send(mira, "post", "/units", unit).status_code == 201
    assert (
        send(mira, "post", "/product-categories", {"code": "BEV", "name": "Beverages"}).status_code
        == 201
    )
    header = "sku,name,gtin,category,stock_unit,sale_unit\n"
    bad = upload(
        mira, "products", "products.csv",
        header
        + "COLA-33CL,Cola 33cl,5449000000996,BEV,PCE,BOX12\n"
        + "COLA-33CL,Cola 33cl again,,BEV,PCE,PCE\n"
        + "WATER-50CL,Water 50cl,5449000000997,BEV,PCE,PCE\n",
    )  # fmt: skip
    assert bad.status_code == 422
    problems = {(e["row"], e["column"]) for e in bad.json()["details"]["errors"]}
    assert problems == {(3, "sku"), (4, "gtin")}
    good = upload(
        mira, "products", "products.csv",
        header
        + "COLA-33CL,Cola 33cl,5449000000996,BEV,PCE,BOX12\n"
        + "WATER-50CL,Water 50cl,5449000054227,BEV,PCE,PCE\n",
    )  # fmt: skip
    assert good.status_code == 201, good.json()
    assert (good.json()["created"], good.json()["updated"]) == (2, 0)

    # 3. She gives COLA-33CL a list price in the new entity and a wholesale price list:
    #    8 % off from 48 units.
    cola = send(mira, "get", "/products?search=COLA-33CL", {}).json()["items"][0]
    response = send(
        mira, "put", f"/products/{cola['id']}/company-settings/ORDO-LU",
        {"list_price": "0.8000", "standard_cost": "0.5100"},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    price_list = send(
        mira, "post", "/price-lists",
        {"company": "ORDO-LU", "code": "WHOLESALE", "name": "Wholesale LU", "currency": "EUR"},
    )  # fmt: skip
    assert price_list.status_code == 201, price_list.json()
    rule = send(
        mira, "post", f"/price-lists/{price_list.json()['id']}/rules",
        {"kind": "discount", "discount_percent": "8", "product": "COLA-33CL", "min_quantity": "48"},
    )  # fmt: skip
    assert rule.status_code == 201, rule.json()

    # 4. The sales rep creates the customer; a mistyped VAT number is refused by name.
    customer = {"code": "CACTUS-LU", "name": "Cactus Retail SA", "is_customer": True,
                "vat_number": "LU15027443", "country": "LU"}  # fmt: skip
    refused = send(sam, "post", "/partners", customer)
    assert refused.status_code == 422
    assert refused.json()["code"] == "vat.invalid"
    assert refused.json()["details"]["field"] == "vat_number"
    created = send(sam, "post", "/partners", customer | {"vat_number": "LU26375245"})
    assert created.status_code == 201, created.json()

    # 5. She assigns the wholesale list to the customer in ORDO-LU.
    assigned = send(
        mira, "put", f"/customer-price-lists/{created.json()['id']}/ORDO-LU",
        {"price_list": "WHOLESALE"},
    )  # fmt: skip
    assert assigned.status_code == 200, assigned.json()

    # 6. The sales rep quotes: 24 units at list price, 48 units at 8 % off.
    def quote(quantity):
        return send(
            sam, "post", "/pricing/quote",
            {"company": "ORDO-LU", "customer": "CACTUS-LU", "product": "COLA-33CL",
             "quantity": quantity, "date": "2026-11-26"},
        )  # fmt: skip

    small, large = quote("24").json(), quote("48").json()
    assert (small["unit_price"], small["source"]) == ("0.8000", "list_price")
    assert (large["unit_price"], large["source"], large["price_list"]) == (
        "0.7360",
        "rule",
        "WHOLESALE",
    )

    # 7. The Belgian sales rep of another entity sees neither the price list nor the quote.
    belgian = client_for(make_user("sales_rep", company_be, username="be-rep"))
    hidden = send(belgian, "get", f"/price-lists/{price_list.json()['id']}", {})
    assert hidden.status_code == 404
    assert quote_refused(belgian).status_code == 404

    # 8. The auditor's view: every step is in the audit trail, and the chain holds.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "core.company.created",
        "catalog.price_list.created",
        "partners.partner.created",
    } <= actions
    assert verify_chain().is_intact


def quote_refused(client):
    return send(
        client, "post", "/pricing/quote",
        {"company": "ORDO-LU", "customer": "CACTUS-LU", "product": "COLA-33CL",
         "quantity": "48", "date": "2026-11-26"},
    )  # fmt: skip
