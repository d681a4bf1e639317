"""The invoice PDF on record, the validated UBL export and supplier e-invoices imported."""

import datetime as dt
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from ordo.accounting import einvoicing, invoicing
from ordo.accounting.einvoice_validation import fatal, validate_all
from ordo.accounting.invoicing import InvoiceLineInput
from ordo.accounting.models import Invoice, StoredFile, Tax
from ordo.accounting.ubl import from_ubl
from ordo.core.errors import DomainError
from ordo.core.models import AuditEntry, Company
from ordo.partners.models import Partner

pytestmark = pytest.mark.django_db

D = Decimal
SAMPLES = Path(__file__).resolve().parents[4] / ".." / "shared" / "standards-samples" / "einvoice"


def _error(call):
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value


def _posted(books, **kwargs):
    return invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind="customer_invoice",
        partner_id=books.customer.pk,
        invoice_date=dt.date(2026, 3, 10),
        partner_reference="PO-4471",
        lines=[
            InvoiceLineInput("Pallet wrap 500 mm", D("12"), D("18.40"), "VAT21", unit_code="H87"),
            InvoiceLineInput("Intra-EU freight", D("1"), D("45.00"), "ICSUP"),
        ],
        **kwargs,
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_the_posted_pdf_is_rendered_once_and_kept(books):
    invoice = _posted(books)
    first = einvoicing.invoice_pdf(actor=books.accountant, invoice_id=invoice.pk)
    assert first.filename == "INV-2026-00001.pdf" and first.content.startswith(b"%PDF")
    text = _text(first.content)
    for expected in ("INV/2026-00001", "Acme Retail BV", "Ordo Distribution Belgium NV", "€312.17"):
        assert expected in text
    again = einvoicing.invoice_pdf(actor=books.accountant, invoice_id=invoice.pk)
    assert again.content == first.content
    assert StoredFile.objects.count() == 1
    assert AuditEntry.objects.filter(action="accounting.invoice.pdf_stored").count() == 1


def test_a_draft_pdf_is_a_preview_never_stored(books):
    draft = invoicing.create_invoice(
        actor=books.accountant,
        company=books.company,
        kind="customer_invoice",
        partner_id=books.customer.pk,
        invoice_date=dt.date(2026, 3, 10),
        lines=[InvoiceLineInput("Wrap", D("1"), D("10"), "VAT21")],
    )
    preview = einvoicing.invoice_pdf(actor=books.accountant, invoice_id=draft.pk)
    assert preview.filename == f"draft-{draft.pk}.pdf"
    assert not StoredFile.objects.exists()


def test_a_posted_invoice_exports_as_valid_peppol_ubl(books):
    invoice = _posted(books)
    out = einvoicing.invoice_ubl(actor=books.accountant, invoice_id=invoice.pk)
    assert out.filename == "INV-2026-00001.xml"
    assert fatal(validate_all(out.content)) == []
    parsed = from_ubl(out.content)
    assert (parsed.number, parsed.payable_amount, parsed.tax_amount) == (
        "INV/2026-00001",
        D("312.17"),
        D("46.37"),
    )
    assert (parsed.seller.endpoint_id, parsed.buyer.endpoint_id) == (
        "5410000000002",
        "NL004495445B01",
    )
    assert parsed.buyer_reference == "PO-4471"
    credit = invoicing.create_credit_note(
        actor=books.accountant,
        invoice_id=invoice.pk,
        reason="Returned",
        credit_date=dt.date(2026, 3, 20),
    )
    out = einvoicing.invoice_ubl(actor=books.accountant, invoice_id=credit.pk)
    assert fatal(validate_all(out.content)) == []
    assert from_ubl(out.content).preceding_invoice == "INV/2026-00001"


def test_an_invoice_without_the_buyers_electronic_address_is_not_sent(books):
    Partner.objects.filter(pk=books.customer.pk).update(endpoint_id="", endpoint_scheme="")
    invoice = _posted(books)
    error = _error(lambda: einvoicing.invoice_ubl(actor=books.accountant, invoice_id=invoice.pk))
    assert (error.status, error.code) == (422, "einvoice.invalid")
    assert error.message.startswith("INV/2026-00001 cannot be sent as a Peppol e-invoice: ")
    assert "PEPPOL-EN16931-R010" in [f["rule"] for f in error.details["findings"]]


def test_a_draft_is_not_exported(books):
    draft = invoicing.create_invoice(
        actor=books.accountant,
        company=books.company,
        kind="customer_invoice",
        partner_id=books.customer.pk,
        invoice_date=dt.date(2026, 3, 10),
        lines=[InvoiceLineInput("Wrap", D("1"), D("10"), "VAT21")],
    )
    error = _error(lambda: einvoicing.invoice_ubl(actor=books.accountant, invoice_id=draft.pk))
    assert (error.status, error.code) == (409, "accounting.invoice_not_posted")


def _sample(name):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("../shared/standards-samples is not beside the repository")
    return path.read_bytes()


def test_the_en16931_invoice_sample_imports_as_a_draft_bill_with_its_totals(books):
    data = _sample("en16931-ubl-tc434-example1.xml")
    supplier = Partner.objects.create(
        code="S-KOKS", name="De Koksmaat", is_supplier=True, vat_number="NL8200.98.395.B.01"
    )
    bill = einvoicing.import_bill_from_ubl(
        actor=books.accountant, company=books.company, data=data, filename="example1.xml"
    )
    assert (bill.kind, bill.state, bill.partner, bill.partner_reference) == (
        "supplier_bill",
        "draft",
        supplier,
        "12115118",
    )
    assert (bill.amount_untaxed, bill.amount_tax, bill.amount_total) == (
        D("229.60"),
        D("20.73"),
        D("250.33"),
    )
    assert bill.lines.count() == 20
    returned = bill.lines.get(sequence=20)
    assert (returned.quantity, returned.unit_price, returned.net_amount) == (
        D("6"),
        D("-18.33"),
        D("-109.98"),
    )
    assert bytes(bill.source_file.content) == data
    error = _error(
        lambda: einvoicing.import_bill_from_ubl(
            actor=books.accountant, company=books.company, data=data
        )
    )
    assert (error.status, error.code) == (409, "einvoice.duplicate")
    assert error.message == f"De Koksmaat's document 12115118 is already recorded as {bill}."


def test_the_en16931_credit_note_sample_imports_as_a_supplier_credit_note(books):
    data = _sample("en16931-ubl-tc434-creditnote1.xml")
    Company.objects.filter(pk=books.company.pk).update(vat_number="BE0000000295")
    books.company.refresh_from_db()
    Partner.objects.create(
        code="S-MYSUP", name="My Supplier Company", is_supplier=True, vat_number="BE0000000196"
    )
    credit = einvoicing.import_bill_from_ubl(
        actor=books.accountant, company=books.company, data=data
    )
    assert (credit.kind, credit.amount_total, credit.lines.get().tax.code) == (
        "supplier_credit_note",
        D("100.11"),
        "EXEMPT-P",
    )


def test_an_unknown_supplier_is_named(books):
    data = _sample("en16931-ubl-tc434-example1.xml")
    error = _error(
        lambda: einvoicing.import_bill_from_ubl(
            actor=books.accountant, company=books.company, data=data
        )
    )
    assert (error.status, error.code) == (422, "einvoice.unknown_supplier")
    assert error.message == (
        "No supplier with VAT number NL8200.98.395.B.01 or electronic address (none) — "
        "create De Koksmaat as a supplier first."
    )
    assert not Invoice.objects.exists()


def test_a_rate_without_a_purchase_tax_is_named(books):
    data = _sample("en16931-ubl-tc434-example1.xml")
    Partner.objects.create(
        code="S-KOKS", name="De Koksmaat", is_supplier=True, vat_number="NL8200.98.395.B.01"
    )
    Tax.objects.filter(company=books.company, code="VAT6-P").update(is_active=False)
    error = _error(
        lambda: einvoicing.import_bill_from_ubl(
            actor=books.accountant, company=books.company, data=data
        )
    )
    assert error.status == 422
    first = error.details["errors"][0]["message"]
    assert first == "Line 1: no active purchase tax in ORDO-BE for VAT category S at 6 %."
    assert not Invoice.objects.exists()


def test_the_peppol_sample_imports_with_its_charge_as_a_line(books):
    from ordo.accounting import services

    data = _sample("peppol-bis3-base-example.xml")
    Company.objects.filter(pk=books.company.pk).update(vat_number="SE4598375937")
    books.company.refresh_from_db()
    services.create_tax(
        actor=books.accountant,
        company=books.company,
        code="VAT25-P",
        name="VAT 25 % (purchases)",
        kind="purchase",
        rate="25",
        vat_category="S",
        account="4100",
    )
    Partner.objects.create(
        code="S-SUPOFF", name="SupplierOfficialName Ltd", is_supplier=True, vat_number="GB1232434"
    )
    bill = einvoicing.import_bill_from_ubl(
        actor=books.accountant, company=books.company, data=data, filename="base-example.xml"
    )
    assert (bill.amount_untaxed, bill.amount_tax, bill.amount_total) == (
        D("1325.00"),
        D("331.25"),
        D("1656.25"),
    )
    assert [(line.description, line.quantity, line.unit_price) for line in bill.lines.all()] == [
        ("item name", D("7"), D("400")),
        ("item name 2", D("3"), D("-500")),  # the sample's −3 × 500: a positive quantity here
        ("Charge: Insurance", D("1"), D("25")),
    ]
