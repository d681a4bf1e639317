"""The accountant's pages for money: payments and their allocations, bank statements and
the reconciliation workbench.

Views only shape input, call the services and selectors and render; a DomainError is shown
inline next to what caused it (422/409), NotFound answers 404 and PermissionDenied 403.
Buttons the user may not use are hidden, but the services are what enforce it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordo.core.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ValidationErrors,
)
from ordo.core.money import parse_decimal
from ordo.core.webutils import error_status, paginate
from ordo.governance.access import has_permission
from ordo.partners import selectors as partner_selectors

from . import banking, payments, selectors
from .forms_money import (
    MatchAccountForm,
    MatchDocumentsForm,
    MatchPaymentForm,
    PaymentFilterForm,
    PaymentForm,
    ReasonForm,
    StatementImportForm,
)
from .models import (
    Allocation,
    BankStatement,
    BankStatementLine,
    Invoice,
    InvoiceKind,
    JournalKind,
    Payment,
    PaymentDirection,
    PaymentState,
    Reconciliation,
    StatementLineState,
)

INVOICE_VIEW = "accounting.invoice.view"
PAYMENT_MANAGE = "accounting.payment.manage"
BANK_MANAGE = "accounting.bank.manage"
MAX_UPLOAD = 20 * 1024 * 1024

RULE_LABELS = {
    "reference_amount": "Reference and amount",
    "partner_amount": "Partner and amount",
    "tolerance": "Within tolerance",
    "reference_partial": "Reference, part payment",
    "manual": "By hand",
    "payment": "Existing payment",
    "account": "Account",
}

# Which direction and side settle a document of each kind (the inverse of payments.SETTLES).
SIDE_OF_KIND = {kind: key for key, kinds in payments.SETTLES.items() for kind in kinds}

# The documents a statement line can settle: money in pays customer invoices and supplier
# credit notes, money out supplier bills and customer credit notes.
KINDS_BY_SIGN = {
    True: (InvoiceKind.CUSTOMER_INVOICE, InvoiceKind.SUPPLIER_CREDIT_NOTE),
    False: (InvoiceKind.SUPPLIER_BILL, InvoiceKind.CUSTOMER_CREDIT_NOTE),
}


def _guarded(view):
    """Sign-in required; NotFound → 404, PermissionDenied → 403 for the whole view."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except PermissionDenied as exc:
            return HttpResponseForbidden(exc.message)

    return login_required(wrapper)


def _company(request: HttpRequest):
    if request.company is None:
        raise PermissionDenied(f"{request.user.username} belongs to no company.")
    return request.company


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _error_items(exc: DomainError) -> list[dict]:
    """Every problem of a service error as {field, message}."""
    return exc.details.get("errors") or [
        {"field": exc.details.get("field"), "message": exc.message}
    ]


# --------------------------------------------------------------------------- allocation rows


@dataclass
class DocumentRow:
    """An open document in an allocation table, with what the user typed and its error."""

    invoice: Invoice
    value: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class Allocations:
    """The allocation rows of a form and the problems that are not about one row."""

    rows: list[DocumentRow]
    prefix: str = ""
    errors: list[str] = field(default_factory=list)
    # rows[positions[i]] is the i-th filled row, i.e. the service's "allocations.i".
    positions: list[int] = field(default_factory=list)

    def to_inputs(self) -> list[payments.AllocationInput]:
        """The filled rows as service input; every amount that is not a number at once."""
        inputs, problems = [], []
        self.positions = []
        for index, row in enumerate(self.rows):
            if not row.value:
                continue
            self.positions.append(index)
            try:
                amount = parse_decimal(row.value, field="amount")
            except InvalidInput:
                problems.append(
                    InvalidInput(
                        f"Allocation {len(self.positions)}: “{row.value}” is not an amount "
                        f"(write it like 121.00).",
                        field=f"allocations.{len(self.positions) - 1}.amount",
                        code="decimal.invalid",
                    )
                )
                continue
            inputs.append(payments.AllocationInput(row.invoice.pk, amount))
        if problems:
            raise problems[0] if len(problems) == 1 else ValidationErrors(problems)
        return inputs

    def take(self, item: dict) -> bool:
        """Show a service problem on its row (allocations.<i>.…) or above the rows."""
        name = item.get("field") or ""
        if match := re.match(r"allocations\.(\d+)\.", name):
            position = int(match[1])
            if position < len(self.positions):
                self.rows[self.positions[position]].errors.append(item["message"])
                return True
        if name in ("allocations", "writeoff", "line"):
            self.errors.append(item["message"])
            return True
        return False

    @property
    def total(self) -> Decimal:
        return sum((row.invoice.amount_residual for row in self.rows), Decimal(0))

    @property
    def currency(self) -> str:
        return self.rows[0].invoice.currency if self.rows else ""


def _rows(invoices, data=None, prefix: str = "") -> Allocations:
    """Allocation rows for these documents, holding what was posted (blank = none)."""
    data = data or {}
    return Allocations(
        rows=[
            DocumentRow(inv, (data.get(f"{prefix}alloc-{inv.pk}") or "").strip())
            for inv in invoices
        ],
        prefix=prefix,
    )


def _open_documents(request, company, *, kinds, partner_id, currency) -> list[Invoice]:
    """A partner's open documents of these kinds, oldest due first."""
    if not partner_id:
        return []
    return list(
        selectors.list_invoices(
            request.user, company, kinds=kinds, state="open", partner_id=partner_id
        )
        .filter(currency=currency)
        .order_by("due_date", "invoice_date", "id")
    )


def _posted_documents(request, company, data, prefix: str = "") -> list[Invoice]:
    """The documents of a posted form, in the order they were shown (``doc`` ids)."""
    ids = []
    for value in data.getlist(f"{prefix}doc"):
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    found = {
        inv.pk: inv
        for inv in selectors.list_invoices(
            request.user, company, kinds=list(InvoiceKind.values)
        ).filter(pk__in=ids)
    }
    return [found[i] for i in ids if i in found]


# --------------------------------------------------------------------------- payments


def _partner_choices(request, current: int | None = None) -> list[tuple[int, str]]:
    partners = partner_selectors.list_partners(actor=request.user, is_active=True)
    choices = [(p.pk, f"{p.code} · {p.name}") for p in partners if p.is_customer or p.is_supplier]
    if current and current not in {pk for pk, _ in choices}:
        partner = partner_selectors.get_partner(actor=request.user, partner_id=current)
        choices.append((partner.pk, f"{partner.code} · {partner.name}"))
    return choices


def _journal_choices(request, company, kinds) -> list[tuple[str, str]]:
    return [
        (j.code, f"{j.code} · {j.name}")
        for j in selectors.list_journals(request.user, company)
        if j.kind in kinds
    ]


@_guarded
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    """The company's payments, newest first, filtered by direction, open only, search."""
    company = _company(request)
    form = PaymentFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    payments_qs = selectors.list_payments(
        request.user,
        company,
        direction=data.get("direction") or None,
        open_only=bool(data.get("open")),
        q=data.get("q") or None,
    )
    context = paginate(request, payments_qs)
    context.update(
        filter_form=form,
        filtered=bool(data.get("direction") or data.get("open") or data.get("q")),
        can_register=has_permission(request.user, PAYMENT_MANAGE, company),
    )
    return render(request, "accounting/money/payment_list.html", context)


def _side_from(data) -> tuple[str, bool]:
    direction = data.get("direction") or PaymentDirection.INBOUND
    if direction not in PaymentDirection.values:
        direction = PaymentDirection.INBOUND
    side = data.get("side") or ("customer" if direction == PaymentDirection.INBOUND else "supplier")
    return direction, side == "customer"


def _int(value) -> int | None:
    return int(value) if str(value or "").strip().isdigit() else None


@_guarded
@require_http_methods(["GET", "POST"])
def payment_create(request: HttpRequest) -> HttpResponse:
    """Register a payment and allocate it to the partner's open documents in one go."""
    company = _company(request)
    if not has_permission(request.user, PAYMENT_MANAGE, company):
        raise PermissionDenied(f"{request.user.username} may not register payments here.")
    initial = {
        "direction": PaymentDirection.INBOUND,
        "side": "customer",
        "payment_date": timezone.localdate(),
        "currency": company.currency,
    }
    preset: dict[str, str] = {}
    invoice_id = _int(request.GET.get("invoice"))
    if request.method == "GET" and invoice_id:
        invoice = selectors.get_invoice(request.user, invoice_id)
        if invoice.company_id != company.pk:
            raise NotFound(f"Invoice {invoice_id} not found.")
        direction, is_customer = SIDE_OF_KIND[invoice.kind]
        initial.update(
            direction=direction,
            side="customer" if is_customer else "supplier",
            partner=invoice.partner_id,
            amount=str(invoice.amount_residual),
            currency=invoice.currency,
            reference=invoice.number,
        )
        preset[f"alloc-{invoice.pk}"] = str(invoice.amount_residual)
    values = request.POST if request.method == "POST" else initial
    partner_id = _int(values.get("partner"))
    form = PaymentForm(
        request.POST or None,
        initial=initial,
        partner_choices=_partner_choices(request, partner_id),
        journal_choices=_journal_choices(request, company, (JournalKind.BANK, JournalKind.CASH)),
        documents_url=reverse("accounting:payment_open_documents"),
    )
    direction, is_customer = _side_from(values)
    currency = (values.get("currency") or company.currency).strip().upper()
    if request.method == "POST":
        invoices = _posted_documents(request, company, request.POST)
        allocations = _rows(invoices, request.POST)
    else:
        invoices = _open_documents(
            request,
            company,
            kinds=payments.SETTLES[(direction, is_customer)],
            partner_id=partner_id,
            currency=currency,
        )
        allocations = _rows(invoices, preset)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            payment, status = _register(request, company, form, allocations)
            if payment is not None:
                messages.success(request, _registered_message(payment))
                return redirect("accounting:payment_detail", pk=payment.pk)
    return render(
        request,
        "accounting/money/payment_form.html",
        {"form": form, "allocations": allocations, "partner_chosen": bool(partner_id)},
        status=status,
    )


PAYMENT_FIELDS = {"journal_code": "journal", "date": "payment_date"}


def _register(request, company, form, allocations: Allocations) -> tuple[Payment | None, int]:
    data = form.cleaned_data
    try:
        try:
            amount = parse_decimal(data["amount"], field="amount")
        except InvalidInput:
            raise InvalidInput(
                f"The amount must be a number such as 121.00, got “{data['amount']}”.",
                field="amount",
                code="decimal.invalid",
            ) from None
        payment = payments.register_payment(
            actor=request.user,
            company=company,
            direction=data["direction"],
            partner_id=data["partner"],
            amount=amount,
            payment_date=data["payment_date"],
            journal_code=data["journal"],
            currency=data["currency"],
            is_customer=data["side"] == "customer",
            reference=data["reference"],
            allocations=allocations.to_inputs(),
        )
        return payment, 200
    except PermissionDenied:
        raise
    except DomainError as exc:
        for item in _error_items(exc):
            if allocations.take(item):
                continue
            name = PAYMENT_FIELDS.get(item.get("field"), item.get("field"))
            form.add_error(name if name in form.fields else None, item["message"])
        return None, error_status(exc)


def _registered_message(payment: Payment) -> str:
    allocated = payment.amount - payment.amount_unallocated
    text = f"Payment {payment.number} of {payment.amount} {payment.currency} registered"
    if allocated:
        return f"{text}; {allocated} {payment.currency} allocated."
    return f"{text}."


@_guarded
@require_GET
def payment_open_documents(request: HttpRequest) -> HttpResponse:
    """The allocation rows of the payment form for the chosen partner and direction."""
    company = _company(request)
    direction, is_customer = _side_from(request.GET)
    partner_id = _int(request.GET.get("partner"))
    invoices = _open_documents(
        request,
        company,
        kinds=payments.SETTLES[(direction, is_customer)],
        partner_id=partner_id,
        currency=(request.GET.get("currency") or company.currency).strip().upper(),
    )
    return render(
        request,
        "accounting/money/_open_documents.html",
        {"allocations": _rows(invoices), "partner_chosen": bool(partner_id)},
    )


def _payment_allocations(payment: Payment) -> list[Allocation]:
    return list(
        payment.allocations.select_related("invoice", "created_by", "fx_entry").order_by("id")
    )


def _render_payment(
    request,
    payment: Payment,
    *,
    status: int = 200,
    allocations: Allocations | None = None,
    undo: dict | None = None,
    cancel_form: ReasonForm | None = None,
) -> HttpResponse:
    can_manage = has_permission(request.user, PAYMENT_MANAGE, payment.company)
    open_for_more = (
        can_manage and payment.state == PaymentState.POSTED and payment.amount_unallocated > 0
    )
    if allocations is None and open_for_more:
        allocations = _rows(
            _open_documents(
                request,
                payment.company,
                kinds=payments.SETTLES[(payment.direction, payment.is_customer)],
                partner_id=payment.partner_id,
                currency=payment.currency,
            )
        )
    return render(
        request,
        "accounting/money/payment_detail.html",
        {
            "payment": payment,
            "allocation_list": _payment_allocations(payment),
            "allocated": payment.amount - payment.amount_unallocated,
            "can_manage": can_manage,
            "open_for_more": open_for_more,
            "allocations": allocations,
            "partner_chosen": True,
            "undo": undo or {},
            "cancel_form": cancel_form or ReasonForm(prefix="cancel"),
            "reconciliation": payment.reconciliations.filter(undone_at__isnull=True)
            .select_related("statement_line__statement")
            .first(),
        },
        status=status,
    )


@_guarded
@require_GET
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_payment(request, selectors.get_payment(request.user, pk))


@_guarded
@require_POST
def payment_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """Allocate more of the payment to open documents (all or nothing)."""
    payment = selectors.get_payment(request.user, pk)
    allocations = _rows(_posted_documents(request, payment.company, request.POST), request.POST)
    try:
        before = payment.amount_unallocated
        payment = payments.allocate_payment(
            actor=request.user, payment_id=payment.pk, allocations=allocations.to_inputs()
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        for item in _error_items(exc):
            if not allocations.take(item):
                allocations.errors.append(item["message"])
        payment = selectors.get_payment(request.user, pk)
        return _render_payment(request, payment, status=error_status(exc), allocations=allocations)
    messages.success(
        request,
        f"{before - payment.amount_unallocated} {payment.currency} of {payment.number} allocated.",
    )
    return redirect("accounting:payment_detail", pk=payment.pk)


@_guarded
@require_POST
def payment_unallocate(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    """Undo one allocation of the payment (the reason is audited)."""
    payment = selectors.get_payment(request.user, pk)
    allocation = payment.allocations.select_related("invoice").filter(pk=aid).first()
    if allocation is None:
        raise Http404(f"Allocation {aid} not found on {payment.number}.")
    reason = request.POST.get("reason", "")
    try:
        payments.unallocate(actor=request.user, allocation_id=allocation.pk, reason=reason)
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _render_payment(
            request,
            payment,
            status=error_status(exc),
            undo={"id": allocation.pk, "reason": reason, "error": exc.message},
        )
    messages.success(
        request,
        f"Allocation of {allocation.amount} {payment.currency} to {allocation.invoice.number} "
        f"undone.",
    )
    return redirect("accounting:payment_detail", pk=payment.pk)


@_guarded
@require_POST
def payment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel the payment: its allocations are undone and its entry reversed."""
    payment = selectors.get_payment(request.user, pk)
    form = ReasonForm(request.POST, prefix="cancel")
    form.is_valid()
    try:
        payments.cancel_payment(
            actor=request.user, payment_id=payment.pk, reason=form.cleaned_data.get("reason", "")
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        form.add_error("reason" if exc.details.get("field") == "reason" else None, exc.message)
        return _render_payment(request, payment, status=error_status(exc), cancel_form=form)
    messages.success(request, f"Payment {payment.number} cancelled.")
    return redirect("accounting:payment_detail", pk=payment.pk)


# --------------------------------------------------------------------------- statements


def _statement_rows(statements) -> list[dict]:
    rows = []
    for statement in statements:
        lines = list(statement.lines.all())
        rows.append(
            {
                "statement": statement,
                "lines_total": len(lines),
                "lines_open": sum(1 for line in lines if line.state == StatementLineState.OPEN),
            }
        )
    return rows


def _render_statements(request, company, form: StatementImportForm, status: int = 200):
    context = paginate(request, selectors.list_statements(request.user, company))
    context.update(form=form, rows=_statement_rows(context["object_list"]))
    return render(request, "accounting/money/statement_list.html", context, status=status)


def _import_form(request, company, data=None, files=None) -> StatementImportForm:
    return StatementImportForm(
        data, files, journal_choices=_journal_choices(request, company, (JournalKind.BANK,))
    )


@_guarded
@require_GET
def statement_list(request: HttpRequest) -> HttpResponse:
    """The imported statements of the company and the upload form."""
    company = _company(request)
    selectors.list_statements(request.user, company)  # 403 before anything else
    return _render_statements(request, company, _import_form(request, company))


@_guarded
@require_POST
def statement_import(request: HttpRequest) -> HttpResponse:
    """Import a camt.053, MT940 or OFX file; every problem is shown on the upload form."""
    company = _company(request)
    selectors.list_statements(request.user, company)
    form = _import_form(request, company, request.POST, request.FILES)
    if not form.is_valid():
        return _render_statements(request, company, form, status=422)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD:
        form.add_error("file", f"The file is {upload.size} bytes; the limit is {MAX_UPLOAD}.")
        return _render_statements(request, company, form, status=422)
    try:
        statements = banking.import_bank_statement(
            actor=request.user,
            company=company,
            data=upload.read(),
            filename=upload.name or "statement",
            journal_code=form.cleaned_data["journal"],
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        for item in _error_items(exc):
            name = item.get("field")
            form.add_error(name if name in form.fields else None, item["message"])
        return _render_statements(request, company, form, status=error_status(exc))
    for statement in statements:
        count = statement.lines.count()
        messages.success(
            request,
            f"Statement {statement.statement_id} imported into {statement.journal.code}: "
            f"{count} line{'s' if count != 1 else ''}.",
        )
    if len(statements) == 1:
        return redirect("accounting:statement_detail", pk=statements[0].pk)
    return redirect("accounting:statement_list")


@dataclass
class WorkbenchRow:
    line: BankStatementLine
    suggestion: banking.LineSuggestion | None = None
    documents: list[tuple[Invoice, Decimal]] = field(default_factory=list)
    reconciliation: Reconciliation | None = None
    undo: dict | None = None

    @property
    def is_open(self) -> bool:
        return self.line.state == StatementLineState.OPEN and self.line.amount != 0

    @property
    def rule_label(self) -> str:
        rule = self.suggestion.suggestion.rule if self.suggestion else ""
        return RULE_LABELS.get(rule, rule)

    @property
    def reconciliation_label(self) -> str:
        rule = self.reconciliation.rule if self.reconciliation else ""
        return RULE_LABELS.get(rule, rule)


def _active_reconciliations(request, statement: BankStatement) -> dict[int, Reconciliation]:
    active = Allocation.objects.filter(undone_at__isnull=True).select_related("invoice")
    return {
        r.statement_line_id: r
        for r in selectors.list_reconciliations(
            request.user, statement.company, statement_id=statement.pk
        )
        .filter(undone_at__isnull=True)
        .prefetch_related(Prefetch("payment__allocations", queryset=active))
    }


def _render_workbench(request, statement: BankStatement, *, status=200, undo=None):
    suggestions = {s.line.pk: s for s in banking.suggestions_for(request.user, statement.pk)}
    reconciliations = _active_reconciliations(request, statement)
    rows = []
    for line in statement.lines.order_by("sequence"):
        row = WorkbenchRow(line, reconciliation=reconciliations.get(line.pk))
        if row.is_open and line.pk in suggestions:
            row.suggestion = suggestions[line.pk]
            amounts = dict(row.suggestion.suggestion.allocations)
            row.documents = [(inv, amounts[inv.pk]) for inv in row.suggestion.documents]
        if undo and row.reconciliation and row.reconciliation.pk == undo["id"]:
            row.undo = undo
        rows.append(row)
    open_lines = sum(1 for row in rows if row.is_open)
    return render(
        request,
        "accounting/money/statement_detail.html",
        {
            "statement": statement,
            "rows": rows,
            "lines_open": open_lines,
            "lines_total": len(rows),
            "suggested": len(suggestions),
            "movements": statement.closing_balance - statement.opening_balance,
        },
        status=status,
    )


@_guarded
@require_GET
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The reconciliation workbench of one statement."""
    return _render_workbench(request, selectors.get_statement(request.user, pk))


@_guarded
@require_POST
def statement_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the ticked suggestions (``mode=selected``) or all of them (``mode=all``)."""
    statement = selectors.get_statement(request.user, pk)
    line_ids = None
    if request.POST.get("mode") != "all":
        line_ids = [int(v) for v in request.POST.getlist("line") if v.isdigit()]
        if not line_ids:
            messages.error(request, "Tick at least one suggestion to accept.")
            return redirect("accounting:statement_detail", pk=statement.pk)
    result = banking.accept_suggestions(
        actor=request.user, statement_id=statement.pk, line_ids=line_ids
    )
    count = len(result.reconciled)
    if count or not result.failed:
        messages.success(request, f"{count} line{'s' if count != 1 else ''} reconciled.")
    sequences = dict(statement.lines.values_list("pk", "sequence"))
    for line_id, message in result.failed:
        messages.error(request, f"Line {sequences.get(line_id, line_id)}: {message}")
    return redirect("accounting:statement_detail", pk=statement.pk)


# --------------------------------------------------------------------------- match by hand


def _statement_line(request, line_id: int) -> BankStatementLine:
    """A line of a statement the user may reconcile (another company's → 404)."""
    return selectors.get_statement_line(request.user, line_id)


def _document_partners(request, line: BankStatementLine) -> list[tuple[int, str]]:
    """Partners with open documents this line could settle, with how many."""
    counts: dict[int, list] = {}
    for invoice in selectors.list_invoices(
        request.user, line.company, kinds=KINDS_BY_SIGN[line.amount > 0], state="open"
    ).filter(currency=line.currency):
        entry = counts.setdefault(invoice.partner_id, [invoice.partner, 0])
        entry[1] += 1
    ordered = sorted(counts.values(), key=lambda item: item[0].code)
    return [(partner.pk, f"{partner.code} · {partner.name} ({n} open)") for partner, n in ordered]


def _account_choices(request, line: BankStatementLine) -> list[tuple[str, str]]:
    bank_account_id = line.statement.journal.default_account_id
    return [
        (a.code, f"{a.code} · {a.name}")
        for a in selectors.list_accounts(request.user, line.company).filter(is_active=True)
        if a.pk != bank_account_id
    ]


def _payment_choices(request, line: BankStatementLine) -> list[tuple[int, str]]:
    """Posted payments of the line's amount, direction and journal not yet on a line."""
    direction = PaymentDirection.INBOUND if line.amount > 0 else PaymentDirection.OUTBOUND
    taken = Reconciliation.objects.filter(payment=OuterRef("pk"), undone_at__isnull=True)
    candidates = (
        selectors.list_payments(request.user, line.company, direction=direction)
        .filter(
            state=PaymentState.POSTED,
            amount=abs(line.amount),
            currency=line.currency,
            journal_id=line.statement.journal_id,
        )
        .exclude(Exists(taken))
    )
    return [
        (p.pk, f"{p.number} · {p.partner.name} · {p.payment_date:%Y-%m-%d}") for p in candidates
    ]


def _match_context(request, line, *, panel="", data=None, partner_id=None, errors=None):
    """The three ways to match a line by hand, bound to ``data`` when it was posted."""
    prefix = f"m{line.pk}"
    partner_id = partner_id or _int((data or request.GET).get(f"{prefix}-partner"))
    reload_url = reverse("accounting:statement_line_match", args=[line.pk])
    documents_form = MatchDocumentsForm(
        data if panel == "documents" else None,
        prefix=prefix,
        initial={"partner": partner_id},
        partner_choices=_document_partners(request, line),
        account_choices=_account_choices(request, line),
        reload_url=reload_url,
    )
    if data is not None and panel == "documents":
        invoices = _posted_documents(request, line.company, data, prefix=f"{prefix}-")
        allocations = _rows(invoices, data, prefix=f"{prefix}-")
    else:
        invoices = _open_documents(
            request,
            line.company,
            kinds=KINDS_BY_SIGN[line.amount > 0],
            partner_id=partner_id,
            currency=line.currency,
        )
        allocations = _rows(invoices, prefix=f"{prefix}-")
    payment_form = MatchPaymentForm(
        data if panel == "payment" else None,
        prefix=prefix,
        payment_choices=_payment_choices(request, line),
    )
    account_form = MatchAccountForm(
        data if panel == "account" else None,
        prefix=prefix,
        initial={"label": line.description[:200]},
        account_choices=_account_choices(request, line),
    )
    if not panel:
        panel = "documents" if documents_form.fields["partner"].choices[1:] else "account"
    return {
        "line": line,
        "panel": panel,
        "documents_form": documents_form,
        "allocations": allocations,
        "partner_chosen": bool(partner_id),
        "payment_form": payment_form,
        "account_form": account_form,
        "amount": abs(line.amount),
        "money_in": line.amount > 0,
        **(errors or {}),
    }


def _render_match(request, context, status=200) -> HttpResponse:
    template = (
        "accounting/money/_match_panel.html"
        if _is_htmx(request)
        else "accounting/money/match_page.html"
    )
    return render(request, template, context, status=status)


def _reconcile_by_hand(request, line, panel, context) -> Reconciliation | None:
    """Run the chosen service (None when the form itself is incomplete)."""
    if panel == "documents":
        form, allocations = context["documents_form"], context["allocations"]
        if not form.is_valid():
            return None
        return banking.reconcile_with_documents(
            actor=request.user,
            line_id=line.pk,
            allocations=allocations.to_inputs(),
            writeoff_account_code=form.cleaned_data["writeoff_account"] or None,
        )
    if panel == "payment":
        form = context["payment_form"]
        if not form.is_valid():
            return None
        return banking.reconcile_with_payment(
            actor=request.user, line_id=line.pk, payment_id=form.cleaned_data["payment"]
        )
    form = context["account_form"]
    if not form.is_valid():
        return None
    return banking.reconcile_with_account(
        actor=request.user,
        line_id=line.pk,
        account_code=form.cleaned_data["account"],
        label=form.cleaned_data["label"],
    )


@_guarded
@require_http_methods(["GET", "POST"])
def statement_line_match(request: HttpRequest, line_id: int) -> HttpResponse:
    """Match one statement line by hand: with documents, a payment or an account."""
    line = _statement_line(request, line_id)
    if request.method == "GET":
        panel = request.GET.get("panel", "")
        return _render_match(request, _match_context(request, line, panel=panel))
    panel = request.POST.get("kind", "")
    if panel not in ("documents", "payment", "account"):
        panel = "account"
    context = _match_context(request, line, panel=panel, data=request.POST)
    try:
        reconciliation = _reconcile_by_hand(request, line, panel, context)
    except PermissionDenied:
        raise
    except DomainError as exc:
        form = context[f"{panel}_form"]
        for item in _error_items(exc):
            if panel == "documents" and context["allocations"].take(item):
                continue
            name = item.get("field")
            form.add_error(name if name in form.fields else None, item["message"])
        return _render_match(request, context, status=error_status(exc))
    if reconciliation is None:
        return _render_match(request, context, status=422)
    messages.success(request, f"Line {line.sequence} reconciled: {reconciliation.explanation}")
    target = reverse("accounting:statement_detail", args=[line.statement_id])
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _find_reconciliation(request, reconciliation_id: int) -> Reconciliation:
    companies = [c for c in request.companies if has_permission(request.user, BANK_MANAGE, c)]
    if not companies:
        raise PermissionDenied(f"{request.user.username} may not reconcile bank statements.")
    for company in companies:
        found = (
            selectors.list_reconciliations(request.user, company)
            .filter(pk=reconciliation_id)
            .select_related("statement_line")
            .first()
        )
        if found is not None:
            return found
    raise NotFound(f"Reconciliation {reconciliation_id} not found.")


@_guarded
@require_POST
def reconciliation_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a reconciliation: what it posted is reversed and the line is open again."""
    reconciliation = _find_reconciliation(request, pk)
    line = reconciliation.statement_line
    reason = request.POST.get("reason", "")
    try:
        banking.undo_reconciliation(actor=request.user, reconciliation_id=pk, reason=reason)
    except PermissionDenied:
        raise
    except DomainError as exc:
        statement = selectors.get_statement(request.user, line.statement_id)
        return _render_workbench(
            request,
            statement,
            status=error_status(exc),
            undo={"id": pk, "reason": reason, "error": exc.message},
        )
    messages.success(request, f"Line {line.sequence} is open again ({reason.strip()}).")
    return redirect("accounting:statement_detail", pk=line.statement_id)


urlpatterns = [
    path("payments/", payment_list, name="payment_list"),
    path("payments/new/", payment_create, name="payment_create"),
    path("payments/open-documents/", payment_open_documents, name="payment_open_documents"),
    path("payments/<int:pk>/", payment_detail, name="payment_detail"),
    path("payments/<int:pk>/allocate/", payment_allocate, name="payment_allocate"),
    path(
        "payments/<int:pk>/allocations/<int:aid>/undo/",
        payment_unallocate,
        name="payment_unallocate",
    ),
    path("payments/<int:pk>/cancel/", payment_cancel, name="payment_cancel"),
    path("bank/", statement_list, name="statement_list"),
    path("bank/import/", statement_import, name="statement_import"),
    path("bank/<int:pk>/", statement_detail, name="statement_detail"),
    path("bank/<int:pk>/accept/", statement_accept, name="statement_accept"),
    path("bank/lines/<int:line_id>/match/", statement_line_match, name="statement_line_match"),
    path(
        "bank/reconciliations/<int:pk>/undo/",
        reconciliation_undo,
        name="reconciliation_undo",
    ),
]
