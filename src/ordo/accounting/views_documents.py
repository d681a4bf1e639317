"""The accountant's pages for invoices, bills and credit notes.

``/accounting/invoices/`` holds customer invoices and credit notes, ``/accounting/bills/``
supplier bills and credit notes; an id of the other side answers 404 on every page.
Views only shape input, call ``invoicing`` / ``einvoicing`` / ``selectors`` and render; a
DomainError is shown inline (422/409 re-render), NotFound → 404, PermissionDenied → 403.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ordo.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from ordo.core.webutils import error_status, paginate
from ordo.governance.access import has_permission
from ordo.partners import selectors as partner_selectors

from . import einvoicing, invoicing, selectors
from .forms_documents import (
    LINE_ROWS,
    MAX_ROWS,
    MORE_ROWS,
    CancelForm,
    CreditNoteForm,
    DocumentFilterForm,
    DocumentForm,
    ImportForm,
)
from .invoicing import CreditLineInput, InvoiceLineInput
from .kinds import KIND_RULES
from .models import (
    OPEN_INVOICE_STATES,
    POSTED_INVOICE_STATES,
    Invoice,
    InvoiceKind,
    InvoiceState,
    TaxKind,
    VatCategory,
)

MAX_UPLOAD = 10 * 1024 * 1024
POST_PERMISSION = "accounting.invoice.post"
PAYMENT_PERMISSION = "accounting.payment.manage"


@dataclass(frozen=True, slots=True)
class Side:
    """One side of the documents: what the customer or the supplier pages show."""

    name: str  # invoice | bill (the URL name prefix)
    kinds: tuple[str, ...]
    new_kind: str
    manage_permission: str
    tax_kind: str
    partner_role: str  # customer | supplier
    partner_label: str
    reference_label: str
    plural: str
    new_label: str


SIDES = {
    "invoice": Side(
        "invoice",
        tuple(selectors.CUSTOMER_KINDS),
        InvoiceKind.CUSTOMER_INVOICE,
        "accounting.invoice.manage",
        TaxKind.SALE,
        "customer",
        "Customer",
        "Customer reference",
        "Invoices",
        "New invoice",
    ),
    "bill": Side(
        "bill",
        tuple(selectors.SUPPLIER_KINDS),
        InvoiceKind.SUPPLIER_BILL,
        "accounting.bill.manage",
        TaxKind.PURCHASE,
        "supplier",
        "Supplier",
        "Supplier invoice number",
        "Bills",
        "New bill",
    ),
}

KIND_TITLES = {
    InvoiceKind.CUSTOMER_INVOICE: "Invoice",
    InvoiceKind.CUSTOMER_CREDIT_NOTE: "Credit note",
    InvoiceKind.SUPPLIER_BILL: "Bill",
    InvoiceKind.SUPPLIER_CREDIT_NOTE: "Supplier credit note",
}

LINE_FIELD = re.compile(r"lines\.(\d+)\.(\w+)")
LINE_PREFIX = re.compile(r"^Line \d+: ")
ROW_FIELDS = {"description", "quantity", "unit_price", "tax", "discount_percent"}


# --------------------------------------------------------------------------- helpers


def _answers_errors(view):
    """A NotFound becomes a 404 page, a PermissionDenied a 403 (never a 500)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except PermissionDenied as exc:
            return HttpResponseForbidden(exc.message)

    return wrapper


def _company(request: HttpRequest):
    if request.company is None:
        raise PermissionDenied(f"{request.user.username} belongs to no company.")
    return request.company


def _side_of(invoice: Invoice) -> Side:
    return SIDES["invoice" if invoice.kind in selectors.CUSTOMER_KINDS else "bill"]


def _get_document(request: HttpRequest, side: Side, pk: int) -> Invoice:
    """The document if the user may see it and it belongs to this side, else 404."""
    invoice = selectors.get_invoice(request.user, pk)
    if invoice.kind not in side.kinds:
        raise Http404(f"{side.partner_label} document {pk} not found.")
    return invoice


def _title(invoice: Invoice) -> str:
    title = KIND_TITLES[invoice.kind]
    return f"{title} {invoice.number}" if invoice.number else f"Draft {title.lower()}"


def _url_or_none(name: str, *args) -> str | None:
    """A page another helper owns may not exist yet: then no link rather than a 500."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _document_url(invoice: Invoice) -> str:
    return reverse(f"accounting:{_side_of(invoice).name}_detail", args=[invoice.pk])


def _text(value: Decimal | None, *, money: bool = False) -> str:
    """A decimal as a person types it back: 10 not 10.0000; prices with 2 decimals."""
    if value is None:
        return ""
    if money and value == value.quantize(Decimal("0.01")):
        return f"{value.quantize(Decimal('0.01')):f}"
    return f"{value.normalize():f}"


def _row_message(message: str) -> str:
    """A line's error shown on its row no longer needs its "Line 3:" prefix."""
    text = LINE_PREFIX.sub("", message)
    return text[:1].upper() + text[1:]


def _attach(form, exc: DomainError, field_of) -> None:
    """Put each problem of the service's error on its form field (row), else on top."""
    items = exc.details.get("errors") or [
        {"field": exc.details.get("field"), "message": exc.message}
    ]
    for item in items:
        field, on_row = field_of(item.get("field"))
        message = item["message"]
        if field and field in form.fields:
            form.add_error(field, _row_message(message) if on_row else message)
        else:
            form.add_error(None, message)


def _run(form, action, field_of=lambda name: (name, False)):
    """Like ``webutils.submit``: (result, 200), (None, 422) for a bad form, or the
    service's error on the form with its status."""
    if not form.is_valid():
        return None, 422
    try:
        return action(form.cleaned_data), 200
    except DomainError as exc:
        _attach(form, exc, field_of)
        return None, error_status(exc)


# --------------------------------------------------------------------------- list


@login_required
@_answers_errors
def document_list(request: HttpRequest, side: str) -> HttpResponse:
    """The company's documents of one side with filters, newest first."""
    side = SIDES[side]
    company = _company(request)
    form = DocumentFilterForm(request.GET or None)
    filters: dict = {}
    if form.is_bound:
        form.is_valid()  # a bad date is shown on its field; the other filters still apply
        filters = form.cleaned_data
    today = timezone.localdate()
    partner_id = request.GET.get("partner", "")
    documents = selectors.list_invoices(
        request.user,
        company,
        kinds=side.kinds,
        state=filters.get("state") or None,
        partner_id=int(partner_id) if partner_id.isdigit() else None,
        q=filters.get("q") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        overdue_on=today if filters.get("overdue") else None,
    )
    context = paginate(request, documents)
    context.update(
        side=side,
        form=form,
        today=today,
        open_states=list(OPEN_INVOICE_STATES),
        kind_titles=KIND_TITLES,
        is_filtered=any(filters.get(k) for k in ("state", "q", "date_from", "date_to", "overdue")),
        can_create=has_permission(request.user, side.manage_permission, company),
        can_import=side.name == "bill"
        and has_permission(request.user, "accounting.bill.manage", company),
    )
    return render(request, "accounting/documents/list.html", context)


# --------------------------------------------------------------------------- create / edit


def _choices(request: HttpRequest, side: Side, company, invoice: Invoice | None) -> dict:
    partners = partner_selectors.list_partners(
        actor=request.user, role=side.partner_role, is_active=True
    )
    partner_choices = [(p.pk, f"{p.code} · {p.name}") for p in partners]
    if invoice is not None and invoice.partner_id not in {pk for pk, _ in partner_choices}:
        partner_choices.append((invoice.partner_id, f"{invoice.partner.code} · {invoice.partner}"))
    terms = partner_selectors.list_payment_terms(actor=request.user, is_active=True)
    used = {line.tax.code for line in invoice.lines.all()} if invoice is not None else set()
    taxes = [
        t
        for t in selectors.list_taxes(request.user, company, kind=side.tax_kind)
        if t.is_active or t.code in used
    ]
    standard = sorted(
        (t for t in taxes if t.is_active and t.vat_category == VatCategory.STANDARD),
        key=lambda t: (-t.rate, t.code),
    )
    return {
        "partner_choices": partner_choices,
        "term_choices": [(t.pk, f"{t.code} · {t.name}") for t in terms],
        "tax_choices": [(t.code, t.name or t.code) for t in taxes],
        "default_tax": standard[0].code if standard else "",
        "partner_label": side.partner_label,
        "reference_label": side.reference_label,
    }


def _initial(invoice: Invoice) -> dict:
    initial = {
        "partner": invoice.partner_id,
        "invoice_date": invoice.invoice_date,
        "currency": invoice.currency,
        "payment_term": invoice.payment_term_id,
        "partner_reference": invoice.partner_reference,
        "note": invoice.note,
    }
    for i, line in enumerate(invoice.lines.all()):
        initial |= {
            f"line{i}_description": line.description,
            f"line{i}_quantity": _text(line.quantity),
            f"line{i}_unit_price": _text(line.unit_price, money=True),
            f"line{i}_tax": line.tax.code,
            f"line{i}_discount_percent": _text(line.discount_percent)
            if line.discount_percent
            else "",
            f"line{i}_account": line.account.code,
            f"line{i}_product": line.product_id,
            f"line{i}_unit": line.unit_code,
        }
    return initial


def _line_inputs(data: dict, row_count: int, rows: list[int]) -> list[InvoiceLineInput]:
    """The filled rows as service input; ``rows`` gets each line's form row."""
    lines = []
    for i in range(row_count):
        if not DocumentForm.row_is_filled(data, i):
            continue
        rows.append(i)
        lines.append(
            InvoiceLineInput(
                description=data[f"line{i}_description"],
                quantity=data[f"line{i}_quantity"],
                unit_price=data[f"line{i}_unit_price"],
                tax_code=data[f"line{i}_tax"],
                account_code=data[f"line{i}_account"] or None,
                product_id=data[f"line{i}_product"],
                unit_code=data[f"line{i}_unit"] or "C62",
                discount_percent=data[f"line{i}_discount_percent"] or Decimal(0),
            )
        )
    return lines


def _same_lines(invoice: Invoice, lines: list[InvoiceLineInput]) -> bool:
    """Whether the form's lines are the draft's own (then they are left as they are, with
    anything the form does not show, such as an origin)."""

    def key(description, quantity, price, tax, account, product, unit, discount):
        return (description.strip(), quantity, price, tax, account, product, unit, discount)

    saved = [
        key(
            line.description,
            line.quantity,
            line.unit_price,
            line.tax.code,
            line.account.code,
            line.product_id,
            line.unit_code,
            line.discount_percent,
        )
        for line in invoice.lines.all()
    ]
    typed = [
        key(
            line.description,
            line.quantity,
            line.unit_price,
            line.tax_code,
            line.account_code,
            line.product_id,
            line.unit_code,
            line.discount_percent,
        )
        for line in lines
    ]
    return saved == typed


def _line_field(rows: list[int]):
    """Map the service's lines.<n>.<field> (n-th filled line) to its form row."""

    def field_of(name: str | None) -> tuple[str | None, bool]:
        if name and (match := LINE_FIELD.fullmatch(name)):
            index, field = int(match[1]), match[2]
            if index < len(rows):
                field = field if field in ROW_FIELDS else "description"
                return f"line{rows[index]}_{field}", True
        if name in ("invoice_date", "date"):
            return "invoice_date", False
        return name, False

    return field_of


def _row_count(request: HttpRequest, invoice: Invoice | None) -> int:
    if request.method == "POST":
        try:
            count = int(request.POST.get("rows") or LINE_ROWS)
        except ValueError:
            count = LINE_ROWS
        if "add_rows" in request.POST:
            count += MORE_ROWS
        return max(1, min(count, MAX_ROWS))
    if invoice is not None:
        return max(LINE_ROWS, invoice.lines.count() + 2)
    return LINE_ROWS


def _document_form(request: HttpRequest, side: Side, invoice: Invoice | None) -> HttpResponse:
    company = invoice.company if invoice is not None else _company(request)
    manage = KIND_RULES[invoice.kind].manage_permission if invoice else side.manage_permission
    if not has_permission(request.user, manage, company):
        return HttpResponseForbidden(
            f"{request.user.username} may not write {side.plural.lower()} in {company.code}."
        )
    can_post = has_permission(request.user, POST_PERMISSION, company)
    rows = _row_count(request, invoice)
    options = _choices(request, side, company, invoice)
    if invoice is not None:
        initial = _initial(invoice)
    else:
        initial = {"invoice_date": timezone.localdate()}
        if partner := request.GET.get("partner", ""):
            initial["partner"] = partner
    form = DocumentForm(
        request.POST or None,
        initial=initial,
        rows=rows,
        locked=invoice is not None,
        **options,
    )
    status = 200
    if request.method == "POST" and "add_rows" not in request.POST:
        post = "post" in request.POST and can_post
        filled: list[int] = []

        def save(data):
            lines = _line_inputs(data, form.row_count, filled)
            if invoice is None:
                create = invoicing.create_and_post_invoice if post else invoicing.create_invoice
                return create(
                    actor=request.user,
                    company=company,
                    kind=side.new_kind,
                    partner_id=data["partner"],
                    invoice_date=data["invoice_date"],
                    lines=lines,
                    currency=(data["currency"] or "").strip().upper() or None,
                    payment_term_id=data["payment_term"],
                    partner_reference=data["partner_reference"],
                    note=data["note"],
                )
            # Saving and posting a draft is one step: a refused post keeps the old draft.
            with transaction.atomic():
                saved = invoicing.update_invoice(
                    actor=request.user,
                    invoice_id=invoice.pk,
                    invoice_date=data["invoice_date"],
                    lines=None if lines and _same_lines(invoice, lines) else lines,
                    payment_term_id=data["payment_term"],
                    partner_reference=data["partner_reference"],
                    note=data["note"],
                )
                if post:
                    saved = invoicing.post_invoice(actor=request.user, invoice_id=invoice.pk)
            return saved

        saved, status = _run(form, save, _line_field(filled))
        if status == 200:
            title = _title(saved)
            messages.success(request, f"{title} posted." if post else f"{title} saved.")
            return redirect(f"accounting:{side.name}_detail", pk=saved.pk)
    return render(
        request,
        "accounting/documents/form.html",
        {
            "form": form,
            "side": side,
            "invoice": invoice,
            "title": f"Edit {_title(invoice).lower()}" if invoice else side.new_label,
            "can_post": can_post,
            "company": company,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_answers_errors
def document_create(request: HttpRequest, side: str) -> HttpResponse:
    """A new draft (or draft and post at once with "Save and post")."""
    return _document_form(request, SIDES[side], None)


@login_required
@require_http_methods(["GET", "POST"])
@_answers_errors
def document_edit(request: HttpRequest, side: str, pk: int) -> HttpResponse:
    """Change a draft; a posted or cancelled document goes back to its page."""
    side = SIDES[side]
    invoice = _get_document(request, side, pk)
    if invoice.state != InvoiceState.DRAFT:
        messages.error(
            request,
            f"{_title(invoice)} is {invoice.get_state_display().lower()}: only a draft can be "
            "changed.",
        )
        return redirect(f"accounting:{side.name}_detail", pk=invoice.pk)
    return _document_form(request, side, invoice)


# --------------------------------------------------------------------------- detail


def _allocations(invoice: Invoice) -> list[dict]:
    """Payments and credit notes set against the document (or, for a credit note, the
    documents it was set against), undone ones included."""
    rows = []
    for allocation in selectors.allocations_of_invoice(invoice):
        if allocation.invoice_id == invoice.pk and allocation.payment_id:
            payment = allocation.payment
            label, kind = payment.number, "Payment"
            url = _url_or_none("accounting:payment_detail", payment.pk)
        elif allocation.invoice_id == invoice.pk:
            credit = allocation.credit_note
            label, kind, url = credit.number, KIND_TITLES[credit.kind], _document_url(credit)
        else:
            target = allocation.invoice
            label, kind, url = target.number, KIND_TITLES[target.kind], _document_url(target)
        rows.append(
            {
                "allocation": allocation,
                "label": label,
                "kind": kind,
                "url": url,
                "is_undone": allocation.undone_at is not None,
            }
        )
    return rows


def _render_detail(
    request: HttpRequest,
    invoice: Invoice,
    *,
    status: int = 200,
    error: str = "",
    cancel_form: CancelForm | None = None,
) -> HttpResponse:
    side = _side_of(invoice)
    company = invoice.company
    user = request.user
    manage = KIND_RULES[invoice.kind].manage_permission
    is_draft = invoice.state == InvoiceState.DRAFT
    is_posted = invoice.state in POSTED_INVOICE_STATES
    is_open = invoice.state in OPEN_INVOICE_STATES
    can_manage = has_permission(user, manage, company)
    can_post = has_permission(user, POST_PERMISSION, company)
    payment_url = None
    if is_open and has_permission(user, PAYMENT_PERMISSION, company):
        base = _url_or_none("accounting:payment_create")
        payment_url = f"{base}?invoice={invoice.pk}" if base else None
    lines = list(invoice.lines.all())
    for line in lines:
        line.price_text = _text(line.unit_price, money=True)
    context = {
        "invoice": invoice,
        "side": side,
        "title": _title(invoice),
        "kind_title": KIND_TITLES[invoice.kind],
        "company": company,
        "lines": lines,
        "tax_lines": list(invoice.tax_lines.all()),
        "installments": list(invoice.installments.all()) if is_posted else [],
        "allocations": _allocations(invoice) if is_posted or invoice.is_credit_note else [],
        "credit_notes": [
            (note, _document_url(note))
            for note in invoice.credit_notes.order_by("invoice_date", "id")
        ],
        "credit_note_of_url": _document_url(invoice.credit_note_of)
        if invoice.credit_note_of_id
        else None,
        "partner_url": _url_or_none(f"partners:{side.partner_role}_detail", invoice.partner_id),
        "is_foreign": invoice.currency != company.currency,
        "is_draft": is_draft,
        "is_posted": is_posted,
        "today": timezone.localdate(),
        "can_edit": is_draft and can_manage,
        "can_post": is_draft and can_post,
        "can_cancel": is_draft and can_manage,
        "can_credit": is_posted and not invoice.is_credit_note and can_manage,
        "can_pdf": invoice.state != InvoiceState.CANCELLED,
        "can_ubl": is_posted and invoice.is_customer,
        "payment_url": payment_url,
        "cancel_form": cancel_form or CancelForm(),
        "error": error,
    }
    return render(request, "accounting/documents/detail.html", context, status=status)


@login_required
@_answers_errors
def document_detail(request: HttpRequest, side: str, pk: int) -> HttpResponse:
    return _render_detail(request, _get_document(request, SIDES[side], pk))


@login_required
@require_POST
@_answers_errors
def document_post(request: HttpRequest, side: str, pk: int) -> HttpResponse:
    """Post a draft from its page: its number, entry and due dates."""
    invoice = _get_document(request, SIDES[side], pk)
    try:
        posted = invoicing.post_invoice(actor=request.user, invoice_id=invoice.pk)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        return _render_detail(request, invoice, status=error_status(exc), error=exc.message)
    messages.success(request, f"{_title(posted)} posted.")
    return redirect(f"accounting:{side}_detail", pk=posted.pk)


@login_required
@require_POST
@_answers_errors
def document_cancel(request: HttpRequest, side: str, pk: int) -> HttpResponse:
    """Cancel a draft, with a reason for the audit trail."""
    invoice = _get_document(request, SIDES[side], pk)
    form = CancelForm(request.POST)

    def cancel(data):
        return invoicing.cancel_invoice(
            actor=request.user, invoice_id=invoice.pk, reason=data["reason"]
        )

    _, status = _run(form, cancel)
    if status != 200:
        if form.errors.get("__all__") and not form.errors.get("reason"):
            error = " ".join(form.non_field_errors())
            return _render_detail(request, invoice, status=status, error=error)
        return _render_detail(request, invoice, status=status, cancel_form=form)
    messages.success(request, f"{_title(invoice)} cancelled.")
    return redirect(f"accounting:{side}_detail", pk=invoice.pk)


# --------------------------------------------------------------------------- credit note


@login_required
@require_http_methods(["GET", "POST"])
@_answers_errors
def document_credit(request: HttpRequest, side: str, pk: int) -> HttpResponse:
    """Credit a posted invoice or bill: per line what to credit (default: what is left)."""
    side = SIDES[side]
    invoice = _get_document(request, side, pk)
    if not has_permission(
        request.user, KIND_RULES[invoice.kind].manage_permission, invoice.company
    ):
        return HttpResponseForbidden(
            f"{request.user.username} may not credit {_title(invoice)} in {invoice.company.code}."
        )
    if invoice.is_credit_note or invoice.state not in POSTED_INVOICE_STATES:
        what = "a credit note" if invoice.is_credit_note else invoice.get_state_display().lower()
        messages.error(
            request, f"{_title(invoice)} is {what}: only a posted invoice or bill can be credited."
        )
        return redirect(f"accounting:{side.name}_detail", pk=invoice.pk)
    lines = list(invoice.lines.all())
    credited = selectors.credited_quantities(invoice)
    left = {line.pk: line.quantity - credited.get(line.pk, Decimal(0)) for line in lines}
    can_post = has_permission(request.user, POST_PERMISSION, invoice.company)
    initial = {"credit_date": timezone.localdate(), "post": can_post} | {
        f"quantity_{pk}": _text(quantity) if quantity > 0 else "" for pk, quantity in left.items()
    }
    form = CreditNoteForm(request.POST or None, initial=initial, line_ids=list(left))
    status = 200
    if request.method == "POST":
        sent: list[int] = []

        def credit(data):
            items = []
            for line in lines:
                quantity = data[f"quantity_{line.pk}"]
                if quantity is None or quantity == 0:
                    continue
                sent.append(line.pk)
                items.append(CreditLineInput(line.pk, quantity))
            if not items:
                raise InvalidInput("Type a quantity to credit on at least one line.", field="lines")
            return invoicing.create_credit_note(
                actor=request.user,
                invoice_id=invoice.pk,
                reason=data["reason"],
                lines=items,
                credit_date=data["credit_date"],
                post=bool(data["post"]) and can_post,
            )

        def field_of(name):
            if name and (match := LINE_FIELD.fullmatch(name)) and int(match[1]) < len(sent):
                return f"quantity_{sent[int(match[1])]}", True
            return name, False

        note, status = _run(form, credit, field_of)
        if status == 200:
            messages.success(
                request,
                f"{_title(note)} {'posted' if note.number else 'saved as draft'} for "
                f"{_title(invoice)}.",
            )
            return redirect(f"accounting:{side.name}_detail", pk=note.pk)
    rows = [
        {
            "line": line,
            "left": left[line.pk],
            "price": _text(line.unit_price, money=True),
            "credited": credited.get(line.pk, Decimal(0)),
            "field": form[f"quantity_{line.pk}"],
        }
        for line in lines
    ]
    return render(
        request,
        "accounting/documents/credit.html",
        {
            "form": form,
            "invoice": invoice,
            "side": side,
            "title": _title(invoice),
            "rows": rows,
            "can_post": can_post,
        },
        status=status,
    )


# --------------------------------------------------------------------------- files


def _file_response(out: einvoicing.FileOut, *, inline: bool) -> HttpResponse:
    response = HttpResponse(out.content, content_type=out.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{out.filename}"'
    return response


def _file_view(request: HttpRequest, side: str, pk: int, service, *, inline: bool):
    invoice = _get_document(request, SIDES[side], pk)
    try:
        out = service(actor=request.user, invoice_id=invoice.pk)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        # A refused export (e.g. an e-invoice failing a Peppol rule) is shown on the page.
        return _render_detail(request, invoice, status=error_status(exc), error=exc.message)
    return _file_response(out, inline=inline)


@login_required
@_answers_errors
def document_pdf(request: HttpRequest, side: str, pk: int) -> HttpResponse:
    """The PDF, shown in the browser (a posted document's stored copy)."""
    return _file_view(request, side, pk, einvoicing.invoice_pdf, inline=True)


@login_required
@_answers_errors
def document_ubl(request: HttpRequest, side: str, pk: int) -> HttpResponse:
    """A posted customer document as a Peppol UBL e-invoice, downloaded."""
    return _file_view(request, side, pk, einvoicing.invoice_ubl, inline=False)


@login_required
@require_http_methods(["GET", "POST"])
@_answers_errors
def bill_import(request: HttpRequest) -> HttpResponse:
    """Upload a supplier's UBL e-invoice: it becomes a draft bill to check and post."""
    company = _company(request)
    if not has_permission(request.user, "accounting.bill.manage", company):
        return HttpResponseForbidden(
            f"{request.user.username} may not import bills in {company.code}."
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    duplicate: dict = {}
    if request.method == "POST":

        def upload(data):
            file = data["file"]
            if file.size > MAX_UPLOAD:
                raise InvalidInput(
                    f"The file is {file.size} bytes; the limit is {MAX_UPLOAD} bytes.",
                    field="file",
                    code="file.too_large",
                )
            try:
                return einvoicing.import_bill_from_ubl(
                    actor=request.user, company=company, data=file.read(), filename=file.name
                )
            except Conflict as exc:
                duplicate["id"] = exc.details.get("id")
                raise

        bill, status = _run(form, upload, lambda name: ("file", False))
        if status == 200:
            messages.success(
                request,
                f"{_title(bill)} imported from {bill.partner.name}'s document "
                f"{bill.partner_reference}: check it and post it.",
            )
            return redirect("accounting:bill_detail", pk=bill.pk)
    return render(
        request,
        "accounting/documents/import.html",
        {
            "form": form,
            "side": SIDES["bill"],
            "duplicate_url": reverse("accounting:bill_detail", args=[duplicate["id"]])
            if duplicate.get("id")
            else None,
        },
        status=status,
    )


# --------------------------------------------------------------------------- urls


def _side_paths(prefix: str, side: str) -> list:
    kwargs = {"side": side}
    return [
        path(f"{prefix}/", document_list, kwargs, name=f"{side}_list"),
        path(f"{prefix}/new/", document_create, kwargs, name=f"{side}_create"),
        path(f"{prefix}/<int:pk>/", document_detail, kwargs, name=f"{side}_detail"),
        path(f"{prefix}/<int:pk>/edit/", document_edit, kwargs, name=f"{side}_edit"),
        path(f"{prefix}/<int:pk>/post/", document_post, kwargs, name=f"{side}_post"),
        path(f"{prefix}/<int:pk>/cancel/", document_cancel, kwargs, name=f"{side}_cancel"),
        path(f"{prefix}/<int:pk>/credit/", document_credit, kwargs, name=f"{side}_credit"),
        path(f"{prefix}/<int:pk>/pdf/", document_pdf, kwargs, name=f"{side}_pdf"),
    ]


urlpatterns = [
    path("bills/import/", bill_import, name="bill_import"),
    *_side_paths("invoices", "invoice"),
    path("invoices/<int:pk>/ubl/", document_ubl, {"side": "invoice"}, name="invoice_ubl"),
    *_side_paths("bills", "bill"),
]
