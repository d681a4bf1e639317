"""The /invoices, /bills and /payments API: the contract integrators script against."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ordo.accounting.models import Invoice, Payment
from ordo.partners.models import Partner

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[4] / ".." / "shared" / "standards-samples" / "einvoice"


def _invoice_payload(books, **overrides):
    return {
        "company": "ORDO-BE",
        "partner_id": books.customer.pk,
        "date": "2026-03-10",
        "partner_reference": "PO-4471",
        "lines": [
            {"description": "Pallet wrap", "quantity": "3", "unit_price": "10.01", "tax": "VAT21"},
            {"description": "Tape", "quantity": "10", "unit_price": "2.50", "tax": "VAT6"},
        ],
    } | overrides


def test_an_invoice_is_drafted_posted_paid_and_listed(books, client_for):
    client = client_for(books.accountant)
    response = client.post("/api/v1/invoices", _invoice_payload(books), "application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["state"], body["number"], body["amount_total"]) == ("draft", "", "62.84")
    assert [t["amount"] for t in body["taxes"]] == ["6.31", "1.50"]
    invoice_id = body["id"]
    posted = client.post(f"/api/v1/invoices/{invoice_id}/post").json()
    assert (posted["state"], posted["number"], posted["entry"]) == (
        "posted",
        "INV/2026-00001",
        "SAL/2026-00001",
    )
    assert posted["installments"] == [
        {"due_date": "2026-04-09", "amount": "31.42"},
        {"due_date": "2026-05-09", "amount": "31.42"},
    ]
    response = client.post(
        "/api/v1/payments",
        {
            "company": "ORDO-BE",
            "direction": "inbound",
            "partner_id": books.customer.pk,
            "amount": "62.84",
            "date": "2026-04-02",
            "allocations": [{"invoice_id": invoice_id, "amount": "62.84"}],
        },
        "application/json",
    )
    assert response.status_code == 201, response.json()
    payment = response.json()
    assert (payment["number"], payment["amount_unallocated"]) == ("RCPT/2026-00001", "0.00")
    assert payment["allocations"][0]["invoice"] == "INV/2026-00001"
    listed = client.get("/api/v1/invoices", {"company": "ORDO-BE", "state": "paid"}).json()
    assert [i["number"] for i in listed["items"]] == ["INV/2026-00001"]
    pdf = client.get(f"/api/v1/invoices/{invoice_id}/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'inline; filename="INV-2026-00001.pdf"'


def test_a_float_price_is_refused_by_name(books, client_for):
    payload = _invoice_payload(books)
    payload["lines"][0]["unit_price"] = 10.01
    response = client_for(books.accountant).post("/api/v1/invoices", payload, "application/json")
    assert response.status_code == 422
    assert response.json()["details"]["errors"][0]["code"] == "decimal.json_number_refused"
    assert response.json()["message"] == (
        'lines.0.unit_price must be a decimal string such as "12.50", not the JSON number 10.01.'
    )
    assert not Invoice.objects.exists()


def test_an_allocation_above_the_open_amount_is_a_422_naming_the_invoice(books, client_for):
    client = client_for(books.accountant)
    invoice = client.post(
        "/api/v1/invoices", _invoice_payload(books, post=True), "application/json"
    ).json()
    response = client.post(
        "/api/v1/payments",
        {
            "company": "ORDO-BE",
            "direction": "inbound",
            "partner_id": books.customer.pk,
            "amount": "100.00",
            "date": "2026-04-02",
            "allocations": [{"invoice_id": invoice["id"], "amount": "70.00"}],
        },
        "application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "accounting.allocation_exceeds_open",
        "message": "Allocation 1: 70.00 EUR is more than the 62.84 EUR open on INV/2026-00001.",
        "details": {
            "field": "allocations.0.amount",
            "invoice": "INV/2026-00001",
            "open_amount": "62.84",
        },
    }
    assert not Payment.objects.exists()


def test_an_invoice_id_is_not_a_bill(books, client_for):
    client = client_for(books.accountant)
    invoice = client.post("/api/v1/invoices", _invoice_payload(books), "application/json").json()
    response = client.get(f"/api/v1/bills/{invoice['id']}")
    assert response.status_code == 404
    assert response.json()["code"] == "accounting.invoice_not_found"


def test_cancel_and_credit_note_paths(books, client_for):
    client = client_for(books.accountant)
    draft = client.post("/api/v1/invoices", _invoice_payload(books), "application/json").json()
    cancelled = client.post(
        f"/api/v1/invoices/{draft['id']}/cancel", {"reason": "Typo"}, "application/json"
    ).json()
    assert cancelled["state"] == "cancelled"
    posted = client.post(
        "/api/v1/invoices", _invoice_payload(books, post=True), "application/json"
    ).json()
    tape = next(line for line in posted["lines"] if line["description"] == "Tape")
    response = client.post(
        f"/api/v1/invoices/{posted['id']}/credit-note",
        {
            "reason": "Damaged",
            "date": "2026-03-20",
            "lines": [{"line_id": tape["id"], "quantity": "2"}],
        },
        "application/json",
    )
    assert response.status_code == 201, response.json()
    credit = response.json()
    assert (credit["kind"], credit["number"], credit["amount_total"], credit["credit_note_of"]) == (
        "customer_credit_note",
        "CRN/2026-00001",
        "5.30",
        "INV/2026-00001",
    )
    response = client.post(
        f"/api/v1/invoices/{posted['id']}/cancel", {"reason": "late"}, "application/json"
    )
    assert response.status_code == 409


def test_a_supplier_e_invoice_is_uploaded_as_a_draft_bill(books, client_for):
    path = SAMPLES / "en16931-ubl-tc434-example1.xml"
    if not path.exists():
        pytest.skip("../shared is not beside the repository")
    Partner.objects.create(
        code="S-KOKS", name="De Koksmaat", is_supplier=True, vat_number="NL8200.98.395.B.01"
    )
    upload = SimpleUploadedFile("example1.xml", path.read_bytes(), content_type="application/xml")
    response = client_for(books.accountant).post(
        "/api/v1/bills/import?company=ORDO-BE", {"file": upload}
    )
    assert response.status_code == 201, response.content[:3000]
    body = response.json()
    assert (body["kind"], body["state"], body["partner_reference"], body["amount_total"]) == (
        "supplier_bill",
        "draft",
        "12115118",
        "250.33",
    )


def test_a_sales_rep_reads_but_cannot_post(books, client_for, personas):
    accountant = client_for(books.accountant)
    draft = accountant.post("/api/v1/invoices", _invoice_payload(books), "application/json").json()
    rep = client_for(personas["sales_rep"])
    assert rep.get(f"/api/v1/invoices/{draft['id']}").status_code == 200
    response = rep.post(f"/api/v1/invoices/{draft['id']}/post")
    assert response.status_code == 403
