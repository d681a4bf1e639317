"""Services for the documents that leave and enter as files: the invoice PDF (rendered
once at first request after posting and kept, so the PDF on record is the one sent), the
UBL 2.1 / Peppol BIS Billing 3.0 export (validated before it leaves) and a supplier's UBL
invoice or credit note imported as a draft bill.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from ordo.core.audit import record_audit, snapshot
from ordo.core.errors import Conflict, InvalidInput, InvalidTransition
from ordo.core.models import Company, User
from ordo.governance.access import require
from ordo.partners.models import Partner

from . import document as doc
from .einvoice_validation import fatal, validate_all
from .invoicing import InvoiceLineInput, _lock_invoice, create_invoice
from .models import (
    POSTED_INVOICE_STATES,
    Invoice,
    InvoiceKind,
    InvoiceState,
    StoredFile,
    Tax,
    TaxKind,
)
from .pdf import render_invoice_pdf
from .selectors import CUSTOMER_KINDS, document_of, get_invoice
from .services import _raise_all
from .ubl import from_ubl, to_ubl

PDF = "application/pdf"
XML = "application/xml"


@dataclass(frozen=True, slots=True)
class FileOut:
    filename: str
    content_type: str
    content: bytes


def _store(company: Company, filename: str, content_type: str, content: bytes) -> StoredFile:
    return StoredFile.objects.create(
        company=company,
        filename=filename[:255],
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def _filename(invoice: Invoice, extension: str) -> str:
    name = (invoice.number or f"draft-{invoice.pk}").replace("/", "-")
    return f"{name}.{extension}"


@transaction.atomic
def invoice_pdf(*, actor: User, invoice_id: int) -> FileOut:
    """The document's PDF. Posted: rendered once, stored, and that same file returned ever
    after (audited when stored). Draft: a fresh preview, never stored."""
    invoice = _lock_invoice(actor, invoice_id)
    require(actor, "accounting.invoice.view", invoice.company)
    if invoice.state == InvoiceState.CANCELLED:
        raise InvalidTransition(
            f"{invoice} is cancelled: it has no PDF.", code="accounting.invoice_cancelled"
        )
    if invoice.pdf_id is not None:
        stored = invoice.pdf
        return FileOut(stored.filename, stored.content_type, bytes(stored.content))
    content = render_invoice_pdf(document_of(invoice), language=invoice.partner.language or "en")
    filename = _filename(invoice, "pdf")
    if invoice.state in POSTED_INVOICE_STATES:
        invoice.pdf = _store(invoice.company, filename, PDF, content)
        invoice.save(update_fields=["pdf"])
        record_audit(
            actor=actor,
            action="accounting.invoice.pdf_stored",
            target=invoice,
            company=invoice.company,
            after={"pdf": filename, "sha256": invoice.pdf.sha256},
        )
    return FileOut(filename, PDF, content)


def invoice_ubl(*, actor: User, invoice_id: int) -> FileOut:
    """A posted customer invoice or credit note as UBL 2.1 (Peppol BIS Billing 3.0).

    Checked against the UBL XSD and the EN 16931 and Peppol rules before it is returned:
    a fatal finding → 422 listing each rule and its message (e.g. a missing electronic
    address), so an invalid e-invoice never leaves.
    """
    invoice = get_invoice(actor, invoice_id)
    if invoice.kind not in CUSTOMER_KINDS:
        raise InvalidInput(
            f"{invoice} is a supplier document: only our own invoices and credit notes are "
            "exported as e-invoices.",
            field="invoice",
            code="einvoice.not_customer_document",
        )
    if invoice.state not in POSTED_INVOICE_STATES:
        raise InvalidTransition(
            f"{invoice} is {invoice.get_state_display().lower()}: post it before sending it "
            "as an e-invoice.",
            code="accounting.invoice_not_posted",
        )
    content = to_ubl(document_of(invoice))
    problems = fatal(validate_all(content))
    if problems:
        raise InvalidInput(
            f"{invoice.number} cannot be sent as a Peppol e-invoice: "
            + "; ".join(f"{p.rule_id}: {p.message}" for p in problems[:10]),
            field="invoice",
            code="einvoice.invalid",
            details={
                "findings": [
                    {"rule": p.rule_id, "location": p.location, "message": p.message}
                    for p in problems
                ]
            },
        )
    return FileOut(_filename(invoice, "xml"), XML, content)


# --------------------------------------------------------------------------- import


def _find_supplier(seller: doc.Party) -> Partner | None:
    """The supplier by its VAT number, then its electronic address."""
    conditions = Q()
    if seller.vat_number:
        conditions |= Q(vat_number__iexact=seller.vat_number.replace(" ", ""))
    if seller.endpoint_id:
        conditions |= Q(endpoint_id=seller.endpoint_id)
    if not conditions:
        return None
    return Partner.objects.filter(conditions, is_supplier=True).order_by("id").first()


def _purchase_taxes(company: Company) -> dict[tuple[str, Decimal], Tax]:
    taxes: dict[tuple[str, Decimal], Tax] = {}
    for tax in Tax.objects.filter(
        company=company, kind=TaxKind.PURCHASE, is_active=True, is_price_included=False
    ).order_by("code"):
        taxes.setdefault((tax.vat_category, tax.rate.normalize()), tax)
    return taxes


def _import_lines(company: Company, parsed: doc.InvoiceDocument) -> list[InvoiceLineInput]:
    taxes = _purchase_taxes(company)
    errors: list[InvalidInput] = []
    lines: list[InvoiceLineInput] = []

    def tax_for(category: str, rate: Decimal, where: str, field: str) -> str:
        tax = taxes.get((category, Decimal(rate).normalize()))
        if tax is None:
            errors.append(
                InvalidInput(
                    f"{where}: no active purchase tax in {company.code} for VAT category "
                    f"{category} at {Decimal(rate).normalize():f} %.",
                    field=field,
                    code="einvoice.no_matching_tax",
                )
            )
            return ""
        return tax.code

    for i, line in enumerate(parsed.lines):
        where = f"Line {line.line_id or i + 1}"
        code = tax_for(line.vat_category, line.vat_rate, where, f"lines.{i}.tax")
        # Our lines carry a positive quantity: the sign of the supplier's line amount goes
        # on the price (returned crates: 6 × −18.33), or the line becomes 1 × its amount.
        quantity = abs(line.quantity)
        price = abs(line.unit_price) if line.net_amount >= 0 else -abs(line.unit_price)
        if quantity == 0 or quantity * price != line.net_amount:
            quantity, price = Decimal(1), line.net_amount
        lines.append(
            InvoiceLineInput(
                description=(line.name or line.description or f"Line {i + 1}")[:300],
                quantity=quantity,
                unit_price=price,
                tax_code=code,
                unit_code=line.unit_code or "C62",
            )
        )
    for j, item in enumerate(parsed.allowances_charges):
        label = "Charge" if item.is_charge else "Allowance"
        code = tax_for(
            item.vat_category, item.vat_rate, f"{label} {j + 1}", f"allowances_charges.{j}"
        )
        lines.append(
            InvoiceLineInput(
                description=f"{label}: {item.reason or item.reason_code or 'document level'}",
                quantity=Decimal(1),
                unit_price=item.amount if item.is_charge else -item.amount,
                tax_code=code,
            )
        )
    _raise_all(errors)
    return lines


@transaction.atomic
def import_bill_from_ubl(
    *, actor: User, company: Company, data: bytes, filename: str = "invoice.xml"
) -> Invoice:
    """A supplier's UBL invoice or credit note → a draft bill (or supplier credit note).

    The supplier is found by VAT number or electronic address (none → 422 naming the
    seller); each line's VAT category and rate must match an active purchase tax. The
    draft's totals must equal the file's (else 422 naming both); the same supplier number
    twice → 409. The file is kept with the bill.
    """
    require(actor, "accounting.bill.manage", company)
    parsed = from_ubl(data)
    if (
        parsed.buyer.vat_number
        and company.vat_number
        and (parsed.buyer.vat_number.replace(" ", "").upper() != company.vat_number.upper())
    ):
        raise InvalidInput(
            f"The e-invoice is addressed to {parsed.buyer.name} "
            f"({parsed.buyer.vat_number}), not to {company.name} ({company.vat_number}).",
            field="file",
            code="einvoice.wrong_buyer",
        )
    supplier = _find_supplier(parsed.seller)
    if supplier is None:
        raise InvalidInput(
            f"No supplier with VAT number {parsed.seller.vat_number or '(none)'} or electronic "
            f"address {parsed.seller.endpoint_id or '(none)'} — create {parsed.seller.name} "
            "as a supplier first.",
            field="file",
            code="einvoice.unknown_supplier",
            details={
                "name": parsed.seller.name,
                "vat_number": parsed.seller.vat_number,
                "endpoint_id": parsed.seller.endpoint_id,
            },
        )
    # Two uploads of one supplier's file at once queue on the supplier, so the second
    # finds the first as a duplicate.
    Partner.objects.select_for_update().filter(pk=supplier.pk).first()
    kind = (
        InvoiceKind.SUPPLIER_CREDIT_NOTE
        if parsed.kind == doc.CREDIT_NOTE
        else InvoiceKind.SUPPLIER_BILL
    )
    duplicate = (
        Invoice.objects.filter(
            company=company, partner=supplier, kind=kind, partner_reference=parsed.number
        )
        .exclude(state=InvoiceState.CANCELLED)
        .first()
    )
    if duplicate is not None:
        raise Conflict(
            f"{supplier.name}'s document {parsed.number} is already recorded as {duplicate}.",
            code="einvoice.duplicate",
            details={"id": duplicate.pk},
        )
    bill = create_invoice(
        actor=actor,
        company=company,
        kind=kind,
        partner_id=supplier.pk,
        invoice_date=parsed.issue_date,
        due_date=parsed.due_date,
        currency=parsed.currency,
        partner_reference=parsed.number,
        note=parsed.note,
        lines=_import_lines(company, parsed),
        tax_rounding="document",
    )
    if (bill.amount_untaxed, bill.amount_tax, bill.amount_total) != (
        parsed.tax_exclusive_amount,
        parsed.tax_amount,
        parsed.tax_inclusive_amount,
    ):
        raise InvalidInput(
            f"The e-invoice states {parsed.tax_exclusive_amount} + {parsed.tax_amount} VAT = "
            f"{parsed.tax_inclusive_amount} {parsed.currency}, but its lines come to "
            f"{bill.amount_untaxed} + {bill.amount_tax} VAT = {bill.amount_total}.",
            field="file",
            code="einvoice.totals_mismatch",
        )
    bill.source_file = _store(company, filename, XML, data)
    bill.save(update_fields=["source_file"])
    record_audit(
        actor=actor,
        action="accounting.bill.imported",
        target=bill,
        company=company,
        after=snapshot(bill, ["partner_reference", "amount_total", "currency"])
        | {"file": filename},
    )
    return bill
