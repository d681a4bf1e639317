"""Scenario: a month of trade is invoiced, paid, matched to the bank and closed.

The accountant of ORDO-BE invoices two customers and records a supplier's bill, the bank
statement arrives, the matching proposes who paid what, the accountant accepts, books
the bank fee, locks March and reads the reports — which must tie out with each other and
with the bank. Everything goes through the REST API, as an integrator or the UI would.
"""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from ordo.accounting import checks
from ordo.accounting.models import Period
from ordo.accounting.tests.test_banking import camt053
from ordo.core.chain import verify_chain
from ordo.partners.models import Partner

pytestmark = pytest.mark.django_db

API = "/api/v1"
D = Decimal


def send(client, path, body):
    response = client.post(f"{API}{path}", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 201), (path, response.json())
    return response.json()


def get(client, path, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, (path, response.content[:500])
    return response.json()


def test_invoices_are_paid_matched_closed_and_reported(books, client_for, personas):
    client = client_for(books.accountant)
    beta = Partner.objects.create(code="C-BETA", name="Beta Foods SA", is_customer=True)

    # 1. Two customer invoices in March: Acme (with its 50/50 term) and Beta.
    acme_invoice = send(
        client,
        "/invoices",
        {
            "company": "ORDO-BE",
            "partner_id": books.customer.pk,
            "date": "2026-03-05",
            "post": True,
            "lines": [
                {
                    "description": "Stretch film",
                    "quantity": "10",
                    "unit_price": "20.00",
                    "tax": "VAT21",
                },
            ],
        },
    )
    beta_invoice = send(
        client,
        "/invoices",
        {
            "company": "ORDO-BE",
            "partner_id": beta.pk,
            "date": "2026-03-12",
            "post": True,
            "lines": [
                {"description": "Pallets", "quantity": "4", "unit_price": "12.50", "tax": "VAT21"}
            ],
        },
    )
    assert (acme_invoice["number"], acme_invoice["amount_total"]) == ("INV/2026-00001", "242.00")
    assert (beta_invoice["number"], beta_invoice["amount_total"]) == ("INV/2026-00002", "60.50")

    # 2. Fabrika's bill for packaging, paid straight away by transfer.
    bill = send(
        client,
        "/bills",
        {
            "company": "ORDO-BE",
            "partner_id": books.supplier.pk,
            "date": "2026-03-08",
            "partner_reference": "F-881",
            "post": True,
            "lines": [
                {"description": "Boxes", "quantity": "100", "unit_price": "0.80", "tax": "VAT21-P"}
            ],
        },
    )
    assert (bill["number"], bill["amount_total"]) == ("BILL/2026-00001", "96.80")

    # 3. The March statement: Acme pays by reference, Beta by name, Fabrika is paid,
    #    and the bank takes its fee.
    statement_file = camt053(
        [
            ("242.00", "INV/2026-00001", "ACME RETAIL B.V."),
            ("60.50", "Invoice March pallets", "Beta Foods"),
            ("-96.80", "F-881", "Fabrika GmbH"),
            ("-3.75", "Account fee March", "Our bank"),
        ],
        opening="5000.00",
        statement_id="BE-2026-03",
    )
    response = client.post(
        f"{API}/bank-statements",
        {"company": "ORDO-BE", "file": SimpleUploadedFile("march.xml", statement_file)},
    )
    assert response.status_code == 201, response.json()
    (statement,) = response.json()
    assert (statement["opening_balance"], statement["closing_balance"]) == ("5000.00", "5201.95")

    # 4. The matching explains itself; the accountant accepts every suggestion.
    suggestions = get(client, f"/bank-statements/{statement['id']}/suggestions")
    assert [(s["rule"], [a["number"] for a in s["allocations"]]) for s in suggestions] == [
        ("reference_amount", ["INV/2026-00001"]),
        ("partner_amount", ["INV/2026-00002"]),
        ("reference_amount", ["BILL/2026-00001"]),
    ]
    accepted = send(
        client, "/reconciliations", {"statement_id": statement["id"], "suggestions": []}
    )
    assert (len(accepted["reconciled"]), accepted["failed"]) == (3, [])

    # 5. The fee has no document: booked on bank charges by hand.
    fee_line = next(line for line in statement["lines"] if line["amount"] == "-3.75")
    send(
        client,
        "/reconciliations",
        {"line_id": fee_line["id"], "account": "6510", "label": "Bank fee"},
    )
    statement = get(client, f"/bank-statements/{statement['id']}")
    assert statement["lines_open"] == 0
    for invoice_id in (acme_invoice["id"], beta_invoice["id"]):
        assert get(client, f"/invoices/{invoice_id}")["state"] == "paid"
    assert get(client, f"/bills/{bill['id']}")["state"] == "paid"

    # 6. March is closed: soft-locked, then hard-locked once the VAT return is filed.
    march = Period.objects.get(company=books.company, name="2026-03")
    send(client, f"/periods/{march.pk}/lock", {"state": "soft_locked", "reason": "Month end"})
    send(client, f"/periods/{march.pk}/lock", {"state": "hard_locked", "reason": "VAT filed"})
    late = client.post(
        f"{API}/journal-entries",
        data=json.dumps(
            {
                "company": "ORDO-BE",
                "journal": "MISC",
                "date": "2026-03-31",
                "lines": [
                    {"account": "6510", "debit": "1.00"},
                    {"account": "5500", "credit": "1.00"},
                ],
            }
        ),
        content_type="application/json",
    ).json()
    response = client.post(f"{API}/journal-entries/{late['id']}/post")
    assert (response.status_code, response.json()["code"]) == (409, "accounting.period_locked")

    # 7. The reports at the end of April (the bank booked the payments on 1-4 April) tie
    #    out: the bank account moved as the statement did, receivables and payables are
    #    settled, the March VAT report equals the tax accounts.
    as_of = {"company": "ORDO-BE", "as_of": "2026-04-30"}
    trial = get(client, "/reports/trial-balance", **as_of)
    balances = {row[0]: D(row[6]) for row in trial["rows"] if row[0]}
    assert trial["total_debit"] == trial["total_credit"]
    assert balances["5500"] == D("201.95")  # 5201.95 closing − 5000.00 opening
    assert balances.get("4000", D(0)) == 0 and balances.get("4400", D(0)) == 0
    tax = get(
        client, "/reports/tax", company="ORDO-BE", date_from="2026-03-01", date_to="2026-03-31"
    )
    assert (tax["output_vat"], tax["input_vat"], tax["net_vat_payable"]) == (
        "52.50",
        "16.80",
        "35.70",
    )
    assert balances["4500"] == D("-52.50") and balances["4100"] == D("16.80")
    pnl = get(
        client,
        "/reports/profit-and-loss",
        company="ORDO-BE",
        date_from="2026-03-01",
        date_to="2026-04-30",
    )
    assert pnl["net_result"] == "166.25"  # 250.00 sales − 80.00 boxes − 3.75 fee
    sheet = get(client, "/reports/balance-sheet", **as_of)
    assert sheet["current_year_result"] == "166.25"
    aged = get(client, "/reports/aged-receivables", **as_of)
    assert aged["totals"]["total"] == "0.00"

    # 8. The auditor finds nothing amiss: integrity checks and the audit chain hold.
    assert checks.control_accounts_match_open_items() == []
    call_command("integrity")
    call_command("audit", "verify")
    assert verify_chain().is_intact
