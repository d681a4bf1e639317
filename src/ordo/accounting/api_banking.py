"""REST API of bank statements and reconciliations (mounted at /api/v1/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from ordo.core.apiutils import ERROR_RESPONSES, Page, actor_of, page_of, read_upload
from ordo.core.errors import InvalidInput
from ordo.core.money import parse_decimal
from ordo.governance.access import get_visible_company

from . import banking, selectors
from .models import BankStatement, BankStatementLine, Reconciliation
from .payments import AllocationInput

router = Router(tags=["bank statements and reconciliation"])

MAX_UPLOAD = 20 * 1024 * 1024


class StatementLineOut(Schema):
    id: int
    sequence: int
    booking_date: dt.date
    value_date: dt.date | None
    amount: str
    currency: str
    reference: str
    counterparty_name: str
    counterparty_account: str
    description: str
    bank_reference: str
    state: str


class StatementSummaryOut(Schema):
    id: int
    company: str
    journal: str
    format: str
    statement_id: str
    account: str
    currency: str
    opening_balance: str
    closing_balance: str
    opening_date: dt.date | None
    closing_date: dt.date | None
    lines_total: int
    lines_open: int


class StatementOut(StatementSummaryOut):
    lines: list[StatementLineOut]


class StatementPage(Page):
    items: list[StatementSummaryOut]


class SuggestionOut(Schema):
    line_id: int
    rule: str
    explanation: str
    confidence: int
    partner_id: int
    allocations: list[dict[str, Any]]
    writeoff: str


class AllocationIn(Schema):
    invoice_id: int
    amount: str


class ReconciliationIn(Schema):
    """One of: ``suggestions`` (line ids whose current suggestion to accept, [] = all of
    ``statement_id``), or ``line_id`` with ``allocations`` (manual match to documents,
    optional ``writeoff_account``), ``payment_id`` or ``account``."""

    statement_id: int | None = None
    suggestions: list[int] | None = None
    line_id: int | None = None
    allocations: list[AllocationIn] | None = None
    writeoff_account: str | None = None
    payment_id: int | None = None
    account: str | None = None
    label: str = ""


class ReconciliationOut(Schema):
    id: int
    company: str
    line_id: int
    rule: str
    explanation: str
    payment: str | None
    entry: str | None
    created_at: dt.datetime
    undone: bool
    undone_reason: str


class BulkOut(Schema):
    reconciled: list[ReconciliationOut]
    failed: list[dict[str, Any]]


class ReconciliationPage(Page):
    items: list[ReconciliationOut]


def _line_out(line: BankStatementLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "sequence": line.sequence,
        "booking_date": line.booking_date,
        "value_date": line.value_date,
        "amount": str(line.amount),
        "currency": line.currency,
        "reference": line.reference,
        "counterparty_name": line.counterparty_name,
        "counterparty_account": line.counterparty_account,
        "description": line.description,
        "bank_reference": line.bank_reference,
        "state": line.state,
    }


def _statement_summary(statement: BankStatement) -> dict[str, Any]:
    lines = list(statement.lines.all())
    return {
        "id": statement.pk,
        "company": statement.company.code,
        "journal": statement.journal.code,
        "format": statement.file_format,
        "statement_id": statement.statement_id,
        "account": statement.account,
        "currency": statement.currency,
        "opening_balance": str(statement.opening_balance),
        "closing_balance": str(statement.closing_balance),
        "opening_date": statement.opening_date,
        "closing_date": statement.closing_date,
        "lines_total": len(lines),
        "lines_open": sum(1 for line in lines if line.state == "open"),
    }


def _statement_out(statement: BankStatement) -> dict[str, Any]:
    return _statement_summary(statement) | {
        "lines": [_line_out(line) for line in statement.lines.order_by("sequence")]
    }


def _reconciliation_out(r: Reconciliation) -> dict[str, Any]:
    return {
        "id": r.pk,
        "company": r.company.code,
        "line_id": r.statement_line_id,
        "rule": r.rule,
        "explanation": r.explanation,
        "payment": r.payment.number if r.payment_id else None,
        "entry": r.counter_entry.number if r.counter_entry_id else None,
        "created_at": r.created_at,
        "undone": r.undone_at is not None,
        "undone_reason": r.undone_reason,
    }


@router.get("/bank-statements", response={200: StatementPage, **ERROR_RESPONSES})
def list_statements(request: HttpRequest, company: str, limit: int = 50, offset: int = 0):
    actor = actor_of(request)
    company_obj = get_visible_company(actor, company)
    qs = selectors.list_statements(actor, company_obj)
    return page_of(qs, limit, offset, _statement_summary)


@router.post("/bank-statements", response={201: list[StatementOut], **ERROR_RESPONSES})
def import_statement(
    request: HttpRequest,
    company: Form[str],
    file: File[UploadedFile],
    journal: Form[str | None] = None,
):
    """Upload a camt.053, MT940 or OFX file (multipart ``file``, ``company``, ``journal``)."""
    actor = actor_of(request)
    company_obj = get_visible_company(actor, company)
    statements = banking.import_bank_statement(
        actor=actor,
        company=company_obj,
        data=read_upload(file, MAX_UPLOAD),
        filename=file.name or "statement",
        journal_code=journal,
    )
    return Status(201, [_statement_out(s) for s in statements])


@router.get("/bank-statements/{statement_id}", response={200: StatementOut, **ERROR_RESPONSES})
def get_statement(request: HttpRequest, statement_id: int):
    return _statement_out(selectors.get_statement(actor_of(request), statement_id))


@router.get(
    "/bank-statements/{statement_id}/suggestions",
    response={200: list[SuggestionOut], **ERROR_RESPONSES},
)
def statement_suggestions(request: HttpRequest, statement_id: int):
    """The matches the rules propose for the open lines, each with the rule and why."""
    found = banking.suggestions_for(actor_of(request), statement_id)
    return [
        {
            "line_id": item.line.pk,
            "rule": item.suggestion.rule,
            "explanation": item.suggestion.explanation,
            "confidence": item.suggestion.confidence,
            "partner_id": item.suggestion.partner_id,
            "allocations": [
                {"invoice_id": doc.pk, "number": doc.number, "amount": str(amount)}
                for doc, (_, amount) in zip(
                    item.documents, item.suggestion.allocations, strict=True
                )
            ],
            "writeoff": str(item.suggestion.writeoff),
        }
        for item in found
    ]


@router.get("/reconciliations", response={200: ReconciliationPage, **ERROR_RESPONSES})
def list_reconciliations(
    request: HttpRequest,
    company: str,
    statement_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
):
    actor = actor_of(request)
    company_obj = get_visible_company(actor, company)
    qs = selectors.list_reconciliations(actor, company_obj, statement_id=statement_id)
    return page_of(qs, limit, offset, _reconciliation_out)


@router.post("/reconciliations", response={201: BulkOut, **ERROR_RESPONSES})
def create_reconciliation(request: HttpRequest, payload: ReconciliationIn):
    actor = actor_of(request)
    if payload.suggestions is not None:
        if payload.statement_id is None:
            raise InvalidInput(
                "Give statement_id with suggestions.",
                field="statement_id",
                code="validation.required",
            )
        result = banking.accept_suggestions(
            actor=actor,
            statement_id=payload.statement_id,
            line_ids=payload.suggestions or None,
        )
        reconciled, failed = result.reconciled, result.failed
    else:
        if payload.line_id is None:
            raise InvalidInput(
                "Give suggestions, or line_id with allocations, payment_id or account.",
                field="line_id",
                code="validation.required",
            )
        if payload.allocations:
            done = banking.reconcile_with_documents(
                actor=actor,
                line_id=payload.line_id,
                allocations=[
                    AllocationInput(
                        a.invoice_id, parse_decimal(a.amount, field=f"allocations.{i}.amount")
                    )
                    for i, a in enumerate(payload.allocations)
                ],
                writeoff_account_code=payload.writeoff_account,
            )
        elif payload.payment_id is not None:
            done = banking.reconcile_with_payment(
                actor=actor, line_id=payload.line_id, payment_id=payload.payment_id
            )
        elif payload.account:
            done = banking.reconcile_with_account(
                actor=actor,
                line_id=payload.line_id,
                account_code=payload.account,
                label=payload.label,
            )
        else:
            raise InvalidInput(
                "Give allocations, payment_id or account for the line.",
                field="line_id",
                code="validation.required",
            )
        reconciled, failed = [done], []
    return Status(
        201,
        {
            "reconciled": [_reconciliation_out(r) for r in reconciled],
            "failed": [{"line_id": line_id, "message": message} for line_id, message in failed],
        },
    )


@router.delete(
    "/reconciliations/{reconciliation_id}", response={200: ReconciliationOut, **ERROR_RESPONSES}
)
def undo_reconciliation(request: HttpRequest, reconciliation_id: int, reason: str):
    """Undo (``reason`` required): what it posted is reversed, the line is open again."""
    actor = actor_of(request)
    done = banking.undo_reconciliation(
        actor=actor, reconciliation_id=reconciliation_id, reason=reason
    )
    return _reconciliation_out(
        Reconciliation.objects.select_related("company", "payment").get(pk=done.pk)
    )
