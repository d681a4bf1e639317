"""REST API of invoices, bills, credit notes and payments (mounted at /api/v1/).

``/invoices`` are customer invoices and credit notes, ``/bills`` supplier bills and credit
notes: an id of the other side answers 404 on each. Money travels as decimal strings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from ordo.core.apiutils import ERROR_RESPONSES, Page, actor_of, page_of, read_upload
from ordo.core.errors import InvalidInput
from ordo.core.money import parse_decimal
from ordo.governance.access import get_visible_company

from . import einvoicing, invoicing, payments, selectors
from .errors import InvoiceNotFound
from .invoicing import CreditLineInput, InvoiceLineInput
from .models import Allocation, Invoice, Payment
from .payments import AllocationInput
from .selectors import CUSTOMER_KINDS, SUPPLIER_KINDS

router = Router(tags=["invoices and payments"])

MAX_UPLOAD = 10 * 1024 * 1024


# --------------------------------------------------------------------------- schemas


class InvoiceLineIn(Schema):
    description: str = ""
    quantity: str
    unit_price: str
    tax: str
    account: str | None = None
    product_id: int | None = None
    unit_code: str = "C62"
    discount_percent: str = "0"


class InvoiceIn(Schema):
    company: str
    kind: str | None = None  # default: customer_invoice on /invoices, supplier_bill on /bills
    partner_id: int
    date: dt.date
    currency: str | None = None
    payment_term_id: int | None = None
    due_date: dt.date | None = None
    partner_reference: str = ""
    note: str = ""
    lines: list[InvoiceLineIn]
    post: bool = False


class InvoicePatch(Schema):
    date: dt.date | None = None
    payment_term_id: int | None = None
    due_date: dt.date | None = None
    partner_reference: str | None = None
    note: str | None = None
    lines: list[InvoiceLineIn] | None = None


class ReasonIn(Schema):
    reason: str


class CreditLineIn(Schema):
    line_id: int
    quantity: str | None = None


class CreditNoteIn(Schema):
    reason: str
    date: dt.date | None = None
    lines: list[CreditLineIn] | None = None
    post: bool = True


class InvoiceLineOut(Schema):
    id: int
    sequence: int
    description: str
    product_id: int | None
    quantity: str
    unit_code: str
    unit_price: str
    discount_percent: str
    account: str
    tax: str
    tax_rate: str
    vat_category: str
    net_amount: str
    tax_amount: str


class InvoiceTaxOut(Schema):
    tax: str
    vat_category: str
    rate: str
    base: str
    amount: str


class InstallmentOut(Schema):
    due_date: dt.date
    amount: str


class AllocationOut(Schema):
    id: int
    invoice: str
    source: str
    amount: str
    date: dt.date
    fx_difference: str
    undone: bool
    undone_reason: str


class InvoiceSummaryOut(Schema):
    id: int
    company: str
    kind: str
    state: str
    number: str
    partner_id: int
    partner: str
    date: dt.date
    due_date: dt.date | None
    currency: str
    amount_untaxed: str
    amount_tax: str
    amount_total: str
    amount_residual: str
    partner_reference: str


class InvoiceOut(InvoiceSummaryOut):
    exchange_rate: str
    amount_total_company: str
    payment_term: str | None
    note: str
    origin: dict[str, Any] | None
    credit_note_of: str | None
    entry: str | None
    lines: list[InvoiceLineOut]
    taxes: list[InvoiceTaxOut]
    installments: list[InstallmentOut]
    allocations: list[AllocationOut]


class InvoicePage(Page):
    items: list[InvoiceSummaryOut]


class AllocationIn(Schema):
    invoice_id: int
    amount: str


class PaymentIn(Schema):
    company: str
    direction: str
    partner_id: int
    amount: str
    date: dt.date
    journal: str | None = None
    currency: str | None = None
    is_customer: bool | None = None
    reference: str = ""
    allocations: list[AllocationIn] = []


class AllocationsIn(Schema):
    allocations: list[AllocationIn]


class PaymentOut(Schema):
    id: int
    company: str
    number: str
    state: str
    direction: str
    is_customer: bool
    partner_id: int
    partner: str
    journal: str
    date: dt.date
    amount: str
    currency: str
    exchange_rate: str
    amount_company: str
    amount_unallocated: str
    reference: str
    entry: str | None
    allocations: list[AllocationOut]


class PaymentPage(Page):
    items: list[PaymentOut]


# --------------------------------------------------------------------------- rendering


def _summary(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "company": invoice.company.code,
        "kind": invoice.kind,
        "state": invoice.state,
        "number": invoice.number,
        "partner_id": invoice.partner_id,
        "partner": invoice.partner.name,
        "date": invoice.invoice_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "amount_untaxed": str(invoice.amount_untaxed),
        "amount_tax": str(invoice.amount_tax),
        "amount_total": str(invoice.amount_total),
        "amount_residual": str(invoice.amount_residual),
        "partner_reference": invoice.partner_reference,
    }


def _allocation_out(allocation: Allocation) -> dict[str, Any]:
    source = allocation.payment or allocation.credit_note
    return {
        "id": allocation.pk,
        "invoice": allocation.invoice.number,
        "source": source.number,
        "amount": str(allocation.amount),
        "date": allocation.allocation_date,
        "fx_difference": str(allocation.fx_difference),
        "undone": allocation.undone_at is not None,
        "undone_reason": allocation.undone_reason,
    }


def _invoice_out(invoice: Invoice) -> dict[str, Any]:
    return _summary(invoice) | {
        "exchange_rate": str(invoice.exchange_rate),
        "amount_total_company": str(invoice.amount_total_company),
        "payment_term": invoice.payment_term.code if invoice.payment_term_id else None,
        "note": invoice.note,
        "origin": (
            {"kind": invoice.origin_kind, "id": invoice.origin_id, "label": invoice.origin_label}
            if invoice.origin_kind
            else None
        ),
        "credit_note_of": invoice.credit_note_of.number if invoice.credit_note_of_id else None,
        "entry": invoice.entry.number if invoice.entry_id else None,
        "lines": [
            {
                "id": line.pk,
                "sequence": line.sequence,
                "description": line.description,
                "product_id": line.product_id,
                "quantity": str(line.quantity),
                "unit_code": line.unit_code,
                "unit_price": str(line.unit_price),
                "discount_percent": str(line.discount_percent),
                "account": line.account.code,
                "tax": line.tax.code,
                "tax_rate": str(line.tax_rate),
                "vat_category": line.vat_category,
                "net_amount": str(line.net_amount),
                "tax_amount": str(line.tax_amount),
            }
            for line in invoice.lines.all()
        ],
        "taxes": [
            {
                "tax": t.tax.code,
                "vat_category": t.vat_category,
                "rate": str(t.rate),
                "base": str(t.base),
                "amount": str(t.amount),
            }
            for t in invoice.tax_lines.all()
        ],
        "installments": [
            {"due_date": i.due_date, "amount": str(i.amount)} for i in invoice.installments.all()
        ],
        "allocations": [_allocation_out(a) for a in selectors.allocations_of_invoice(invoice)],
    }


def _payment_out(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "company": payment.company.code,
        "number": payment.number,
        "state": payment.state,
        "direction": payment.direction,
        "is_customer": payment.is_customer,
        "partner_id": payment.partner_id,
        "partner": payment.partner.name,
        "journal": payment.journal.code,
        "date": payment.payment_date,
        "amount": str(payment.amount),
        "currency": payment.currency,
        "exchange_rate": str(payment.exchange_rate),
        "amount_company": str(payment.amount_company),
        "amount_unallocated": str(payment.amount_unallocated),
        "reference": payment.reference,
        "entry": payment.entry.number if payment.entry_id else None,
        "allocations": [
            _allocation_out(a)
            for a in payment.allocations.select_related("invoice", "payment").order_by("id")
        ],
    }


def _decimal(value: str | None, field: str) -> Decimal:
    return parse_decimal(value, field=field)


def _line_inputs(lines: list[InvoiceLineIn]) -> list[InvoiceLineInput]:
    return [
        InvoiceLineInput(
            description=line.description,
            quantity=_decimal(line.quantity, f"lines.{i}.quantity"),
            unit_price=_decimal(line.unit_price, f"lines.{i}.unit_price"),
            tax_code=line.tax,
            account_code=line.account,
            product_id=line.product_id,
            unit_code=line.unit_code,
            discount_percent=_decimal(line.discount_percent, f"lines.{i}.discount_percent"),
        )
        for i, line in enumerate(lines)
    ]


def _file(out: einvoicing.FileOut, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(out.content, content_type=out.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{out.filename}"'
    return response


# --------------------------------------------------------------------------- both sides


def _side(kinds: tuple[str, ...], default_kind: str, base: str):
    """Register the list/create/detail/patch/post/cancel/credit-note/pdf paths of one side."""

    def get_doc(actor, invoice_id: int) -> Invoice:
        invoice = selectors.get_invoice(actor, invoice_id)
        if invoice.kind not in kinds:
            raise InvoiceNotFound(f"{base.title()[:-1]} {invoice_id} not found.")
        return invoice

    @router.get(
        f"/{base}", response={200: InvoicePage, **ERROR_RESPONSES}, operation_id=f"list_{base}"
    )
    def list_documents(
        request: HttpRequest,
        company: str,
        kind: str | None = None,
        state: str | None = None,
        partner_id: int | None = None,
        q: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        overdue_on: dt.date | None = None,
        limit: int = 100,
        offset: int = 0,
    ):
        actor = actor_of(request)
        company_obj = get_visible_company(actor, company)
        if kind is not None and kind not in kinds:
            raise InvalidInput(
                f"kind must be one of {', '.join(kinds)}.", field="kind", code="validation.kind"
            )
        qs = selectors.list_invoices(
            actor,
            company_obj,
            kinds=(kind,) if kind else kinds,
            state=state,
            partner_id=partner_id,
            q=q,
            date_from=date_from,
            date_to=date_to,
            overdue_on=overdue_on,
        )
        return page_of(qs, limit, offset, _summary)

    @router.post(
        f"/{base}", response={201: InvoiceOut, **ERROR_RESPONSES}, operation_id=f"create_{base}"
    )
    def create_document(request: HttpRequest, payload: InvoiceIn):
        actor = actor_of(request)
        company = get_visible_company(actor, payload.company)
        kind = payload.kind or default_kind
        if kind not in kinds:
            raise InvalidInput(
                f"kind must be one of {', '.join(kinds)}.", field="kind", code="validation.kind"
            )
        make = invoicing.create_and_post_invoice if payload.post else invoicing.create_invoice
        invoice = make(
            actor=actor,
            company=company,
            kind=kind,
            partner_id=payload.partner_id,
            invoice_date=payload.date,
            lines=_line_inputs(payload.lines),
            currency=payload.currency,
            payment_term_id=payload.payment_term_id,
            due_date=payload.due_date,
            partner_reference=payload.partner_reference,
            note=payload.note,
        )
        return Status(201, _invoice_out(get_doc(actor, invoice.pk)))

    @router.get(
        f"/{base}/{{invoice_id}}",
        response={200: InvoiceOut, **ERROR_RESPONSES},
        operation_id=f"get_{base}",
    )
    def get_document(request: HttpRequest, invoice_id: int):
        return _invoice_out(get_doc(actor_of(request), invoice_id))

    @router.patch(
        f"/{base}/{{invoice_id}}",
        response={200: InvoiceOut, **ERROR_RESPONSES},
        operation_id=f"update_{base}",
    )
    def update_document(request: HttpRequest, invoice_id: int, payload: InvoicePatch):
        actor = actor_of(request)
        get_doc(actor, invoice_id)
        invoicing.update_invoice(
            actor=actor,
            invoice_id=invoice_id,
            invoice_date=payload.date,
            lines=_line_inputs(payload.lines) if payload.lines is not None else None,
            payment_term_id=payload.payment_term_id,
            due_date=payload.due_date,
            partner_reference=payload.partner_reference,
            note=payload.note,
        )
        return _invoice_out(get_doc(actor, invoice_id))

    @router.post(
        f"/{base}/{{invoice_id}}/post",
        response={200: InvoiceOut, **ERROR_RESPONSES},
        operation_id=f"post_{base}",
    )
    def post_document(request: HttpRequest, invoice_id: int):
        actor = actor_of(request)
        get_doc(actor, invoice_id)
        invoicing.post_invoice(actor=actor, invoice_id=invoice_id)
        return _invoice_out(get_doc(actor, invoice_id))

    @router.post(
        f"/{base}/{{invoice_id}}/cancel",
        response={200: InvoiceOut, **ERROR_RESPONSES},
        operation_id=f"cancel_{base}",
    )
    def cancel_document(request: HttpRequest, invoice_id: int, payload: ReasonIn):
        actor = actor_of(request)
        get_doc(actor, invoice_id)
        invoicing.cancel_invoice(actor=actor, invoice_id=invoice_id, reason=payload.reason)
        return _invoice_out(get_doc(actor, invoice_id))

    @router.post(
        f"/{base}/{{invoice_id}}/credit-note",
        response={201: InvoiceOut, **ERROR_RESPONSES},
        operation_id=f"credit_{base}",
    )
    def credit_document(request: HttpRequest, invoice_id: int, payload: CreditNoteIn):
        actor = actor_of(request)
        get_doc(actor, invoice_id)
        lines = None
        if payload.lines is not None:
            lines = [
                CreditLineInput(
                    line.line_id,
                    None
                    if line.quantity is None
                    else _decimal(line.quantity, f"lines.{i}.quantity"),
                )
                for i, line in enumerate(payload.lines)
            ]
        credit = invoicing.create_credit_note(
            actor=actor,
            invoice_id=invoice_id,
            reason=payload.reason,
            lines=lines,
            credit_date=payload.date,
            post=payload.post,
        )
        return Status(201, _invoice_out(get_doc(actor, credit.pk)))

    @router.get(
        f"/{base}/{{invoice_id}}/pdf",
        response={200: None, **ERROR_RESPONSES},
        operation_id=f"pdf_{base}",
    )
    def document_pdf(request: HttpRequest, invoice_id: int):
        actor = actor_of(request)
        get_doc(actor, invoice_id)
        return _file(einvoicing.invoice_pdf(actor=actor, invoice_id=invoice_id))

    return get_doc


@router.post("/bills/import", response={201: InvoiceOut, **ERROR_RESPONSES})
def import_bill(request: HttpRequest, company: str, file: File[UploadedFile]):
    """A supplier's UBL invoice or credit note (multipart ``file``) → a draft bill."""
    actor = actor_of(request)
    company_obj = get_visible_company(actor, company)
    bill = einvoicing.import_bill_from_ubl(
        actor=actor,
        company=company_obj,
        data=read_upload(file, MAX_UPLOAD),
        filename=file.name or "invoice.xml",
    )
    return Status(201, _invoice_out(get_supplier_document(actor, bill.pk)))


# Registered after /bills/import, so that path is not taken for a bill id.
get_customer_document = _side(CUSTOMER_KINDS, "customer_invoice", "invoices")
get_supplier_document = _side(SUPPLIER_KINDS, "supplier_bill", "bills")


@router.get("/invoices/{invoice_id}/ubl", response={200: None, **ERROR_RESPONSES})
def invoice_ubl(request: HttpRequest, invoice_id: int):
    """The posted invoice or credit note as a validated UBL 2.1 / Peppol BIS 3.0 file."""
    actor = actor_of(request)
    get_customer_document(actor, invoice_id)
    return _file(einvoicing.invoice_ubl(actor=actor, invoice_id=invoice_id), inline=False)


# --------------------------------------------------------------------------- payments


def _allocation_inputs(items: list[AllocationIn]) -> list[AllocationInput]:
    return [
        AllocationInput(item.invoice_id, _decimal(item.amount, f"allocations.{i}.amount"))
        for i, item in enumerate(items)
    ]


@router.get("/payments", response={200: PaymentPage, **ERROR_RESPONSES})
def list_payments(
    request: HttpRequest,
    company: str,
    direction: str | None = None,
    partner_id: int | None = None,
    open_only: bool = False,
    q: str | None = None,
    limit: int = 100,
    offset: int = 0,
):
    actor = actor_of(request)
    company_obj = get_visible_company(actor, company)
    qs = selectors.list_payments(
        actor, company_obj, direction=direction, partner_id=partner_id, open_only=open_only, q=q
    )
    return page_of(qs, limit, offset, _payment_out)


@router.post("/payments", response={201: PaymentOut, **ERROR_RESPONSES})
def register_payment(request: HttpRequest, payload: PaymentIn):
    actor = actor_of(request)
    company = get_visible_company(actor, payload.company)
    payment = payments.register_payment(
        actor=actor,
        company=company,
        direction=payload.direction,
        partner_id=payload.partner_id,
        amount=payload.amount,
        payment_date=payload.date,
        journal_code=payload.journal,
        currency=payload.currency,
        is_customer=payload.is_customer,
        reference=payload.reference,
        allocations=_allocation_inputs(payload.allocations),
    )
    return Status(201, _payment_out(selectors.get_payment(actor, payment.pk)))


@router.get("/payments/{payment_id}", response={200: PaymentOut, **ERROR_RESPONSES})
def get_payment(request: HttpRequest, payment_id: int):
    return _payment_out(selectors.get_payment(actor_of(request), payment_id))


@router.post("/payments/{payment_id}/allocations", response={200: PaymentOut, **ERROR_RESPONSES})
def allocate_payment(request: HttpRequest, payment_id: int, payload: AllocationsIn):
    actor = actor_of(request)
    payments.allocate_payment(
        actor=actor, payment_id=payment_id, allocations=_allocation_inputs(payload.allocations)
    )
    return _payment_out(selectors.get_payment(actor, payment_id))


@router.delete(
    "/payments/{payment_id}/allocations/{allocation_id}",
    response={200: PaymentOut, **ERROR_RESPONSES},
)
def unallocate_payment(request: HttpRequest, payment_id: int, allocation_id: int, reason: str):
    """Undo one allocation (``reason`` required): the document reopens, the row stays."""
    actor = actor_of(request)
    payment = selectors.get_payment(actor, payment_id)
    if not payment.allocations.filter(pk=allocation_id).exists():
        raise InvalidInput(
            f"Allocation {allocation_id} is not one of {payment.number}'s.",
            field="allocation_id",
            code="accounting.allocation_not_found",
        )
    payments.unallocate(actor=actor, allocation_id=allocation_id, reason=reason)
    return _payment_out(selectors.get_payment(actor, payment_id))


@router.post("/payments/{payment_id}/cancel", response={200: PaymentOut, **ERROR_RESPONSES})
def cancel_payment(request: HttpRequest, payment_id: int, payload: ReasonIn):
    actor = actor_of(request)
    payments.cancel_payment(actor=actor, payment_id=payment_id, reason=payload.reason)
    return _payment_out(selectors.get_payment(actor, payment_id))
