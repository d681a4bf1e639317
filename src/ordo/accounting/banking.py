"""Services for bank statements and their reconciliation.

A statement file is imported whole or not at all: it must parse, add up (opening +
movements = closing), not be imported before, and be in the bank journal's currency.
Its lines are then reconciled: with open documents (a payment is posted from the line and
allocated, any small difference written off), with an existing payment, or with an
account (bank charges, interest). A reconciliation is its own audited record; undoing it
reverses what it posted and reopens the line — no posted entry is ever edited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ordo.core.audit import record_audit
from ordo.core.errors import Conflict, DomainError, InvalidInput
from ordo.core.events import emit
from ordo.core.models import Company, User
from ordo.governance.access import require, visible_company_ids

from . import matching
from .bankfiles import ParsedStatement, parse_statement_file
from .errors import ReconciliationNotFound, StatementLineNotFound
from .kinds import KIND_RULES
from .models import (
    OPEN_INVOICE_STATES,
    Account,
    BankStatement,
    BankStatementLine,
    Invoice,
    Journal,
    JournalKind,
    Payment,
    PaymentDirection,
    PaymentState,
    Reconciliation,
    StatementLineState,
    StoredFile,
)
from .payments import AllocationInput, cancel_payment_locked, register_payment
from .selectors import get_statement
from .services import LineInput, post_system_entry, reverse_system_entry

PERMISSION = "accounting.bank.manage"


def _check(actor: User | None, company: Company) -> None:
    if actor is not None:
        require(actor, PERMISSION, company)


def _bank_journal(company: Company, journal_code: str | None) -> Journal:
    qs = Journal.objects.filter(company=company, kind=JournalKind.BANK)
    journal = qs.filter(code=journal_code).first() if journal_code else qs.order_by("code").first()
    if journal is None or journal.default_account_id is None:
        raise InvalidInput(
            f"Bank journal {journal_code or '(default)'} not found in {company.code}.",
            field="journal",
            code="accounting.journal_not_found",
        )
    return journal


# --------------------------------------------------------------------------- import


def _refuse_problems(company: Company, journal: Journal, statements: list[ParsedStatement]):
    for statement in statements:
        problem = statement.balance_problem()
        if problem:
            raise InvalidInput(
                problem,
                field="file",
                code="bank.balance_mismatch",
                details={
                    "statement": statement.statement_id,
                    "opening": str(statement.opening_balance),
                    "movements": str(statement.movements_total),
                    "closing": str(statement.closing_balance),
                },
            )
        if statement.currency != company.currency:
            raise InvalidInput(
                f"Statement {statement.statement_id} is in {statement.currency}; journal "
                f"{journal.code} of {company.code} keeps {company.currency}.",
                field="file",
                code="bank.currency_mismatch",
            )
        existing = BankStatement.objects.filter(
            company=company, journal=journal, statement_id=statement.statement_id
        ).first()
        if existing is not None:
            raise Conflict(
                f"Statement {statement.statement_id} was already imported into "
                f"{journal.code} on {existing.imported_at:%Y-%m-%d}.",
                code="bank.duplicate_statement",
                details={"id": existing.pk},
            )


@transaction.atomic
def import_bank_statement(
    *,
    actor: User | None,
    company: Company,
    data: bytes,
    filename: str = "statement",
    journal_code: str | None = None,
) -> list[BankStatement]:
    """Import every statement of a camt.053, MT940 or OFX file into a bank journal.

    422 when the file does not parse (line and element named) or a statement does not add
    up (opening, movements and closing named); 409 for a file or statement imported before.
    Nothing is written unless all of it is right.
    """
    _check(actor, company)
    journal = _bank_journal(company, journal_code)
    # Imports into one journal queue on its row, so the same file sent twice at once is
    # refused as a duplicate (409) rather than failing on the unique constraint.
    Journal.objects.select_for_update().filter(pk=journal.pk).first()
    digest = hashlib.sha256(data).hexdigest()
    earlier = BankStatement.objects.filter(company=company, file_hash=digest).first()
    if earlier is not None:
        raise Conflict(
            f"This file was already imported on {earlier.imported_at:%Y-%m-%d} "
            f"(statement {earlier.statement_id}).",
            code="bank.duplicate_file",
            details={"id": earlier.pk},
        )
    statements = parse_statement_file(data, filename)
    if not statements:
        raise InvalidInput(
            f"The file {filename} holds no statement.", field="file", code="bank.empty_file"
        )
    _refuse_problems(company, journal, statements)
    stored = StoredFile.objects.create(
        company=company,
        filename=filename[:255],
        content_type="application/octet-stream",
        sha256=digest,
        content=data,
    )
    created = []
    for parsed in statements:
        statement = BankStatement.objects.create(
            company=company,
            journal=journal,
            file_format=parsed.format,
            statement_id=parsed.statement_id[:100],
            account=parsed.account[:64],
            currency=parsed.currency,
            opening_balance=parsed.opening_balance,
            closing_balance=parsed.closing_balance,
            opening_date=parsed.opening_date,
            closing_date=parsed.closing_date,
            file=stored,
            file_hash=digest,
            imported_by=actor,
        )
        BankStatementLine.objects.bulk_create(
            [
                BankStatementLine(
                    statement=statement,
                    company=company,
                    sequence=i + 1,
                    booking_date=line.booking_date,
                    value_date=line.value_date,
                    amount=line.amount,
                    currency=line.currency or parsed.currency,
                    reference=line.reference[:200],
                    counterparty_name=line.counterparty_name[:200],
                    counterparty_account=line.counterparty_account[:64],
                    description=line.description[:500],
                    bank_reference=line.bank_reference[:100],
                    line_hash=line.line_hash,
                )
                for i, line in enumerate(parsed.lines)
            ],
            batch_size=1000,
        )
        record_audit(
            actor=actor,
            action="bank.statement.imported",
            target=statement,
            company=company,
            after={
                "statement_id": statement.statement_id,
                "format": parsed.format,
                "lines": len(parsed.lines),
                "opening": str(parsed.opening_balance),
                "closing": str(parsed.closing_balance),
                "file": filename,
            },
        )
        emit("bank.statement.imported", statement_id=statement.pk, company_id=company.pk)
        created.append(statement)
    return created


# --------------------------------------------------------------------------- suggestions


@dataclass(frozen=True, slots=True)
class LineSuggestion:
    """A suggestion with what a person needs to judge it."""

    line: BankStatementLine
    suggestion: matching.Suggestion
    documents: tuple[Invoice, ...]


def _open_items(company: Company) -> tuple[list[matching.OpenItem], dict[int, Invoice]]:
    invoices = {
        invoice.pk: invoice
        for invoice in Invoice.objects.filter(company=company, state__in=OPEN_INVOICE_STATES)
        .select_related("partner")
        .only(
            "id",
            "kind",
            "number",
            "partner_id",
            "partner__name",
            "partner_reference",
            "currency",
            "amount_residual",
            "due_date",
            "invoice_date",
        )
    }
    items = [
        matching.OpenItem(
            id=invoice.pk,
            number=invoice.number,
            partner_id=invoice.partner_id,
            partner_name=invoice.partner.name,
            partner_reference=invoice.partner_reference,
            payment_reference="",
            currency=invoice.currency,
            open_amount=invoice.amount_residual,
            direction=1 if KIND_RULES[invoice.kind].partner_debit else -1,
            due_date=invoice.due_date or invoice.invoice_date,
        )
        for invoice in invoices.values()
    ]
    return items, invoices


def _bank_lines(lines) -> list[matching.BankLine]:
    return [
        matching.BankLine(
            id=line.pk,
            booking_date=line.booking_date,
            amount=line.amount,
            currency=line.currency,
            reference=line.reference,
            description=line.description,
            counterparty_name=line.counterparty_name,
            counterparty_account=line.counterparty_account,
        )
        for line in lines
        if line.amount != 0
    ]


def suggestions_for(actor: User, statement_id: int) -> list[LineSuggestion]:
    """What the matching rules propose for the statement's open lines (nothing written)."""
    statement = _statement(actor, statement_id)
    lines = list(statement.lines.filter(state=StatementLineState.OPEN).order_by("sequence"))
    items, invoices = _open_items(statement.company)
    found = matching.suggest(_bank_lines(lines), items)
    by_id = {line.pk: line for line in lines}
    return [
        LineSuggestion(
            by_id[s.line_id], s, tuple(invoices[item_id] for item_id, _ in s.allocations)
        )
        for s in found
    ]


def _statement(actor: User, statement_id: int) -> BankStatement:
    return get_statement(actor, statement_id)


# --------------------------------------------------------------------------- reconciling


def _lock_line(actor: User | None, line_id: int) -> BankStatementLine:
    qs = (
        BankStatementLine.objects.select_for_update(of=("self",))
        .select_related("statement__journal", "company")
        .filter(pk=line_id)
    )
    if actor is not None:
        qs = qs.filter(company_id__in=visible_company_ids(actor))
    line = qs.first()
    if line is None:
        raise StatementLineNotFound(f"Statement line {line_id} not found.")
    _check(actor, line.company)
    if line.state != StatementLineState.OPEN:
        raise Conflict(
            f"Statement line {line.sequence} of {line.statement} ({line.amount} "
            f"{line.currency}, {line.booking_date}) is already reconciled.",
            code="bank.line_already_reconciled",
        )
    if line.amount == 0:
        raise InvalidInput(
            "A statement line of 0.00 has nothing to reconcile.",
            field="line",
            code="bank.line_zero",
        )
    return line


def _record(
    actor: User | None,
    line: BankStatementLine,
    *,
    rule: str,
    explanation: str,
    payment: Payment | None = None,
    created_payment: bool = False,
    counter_entry=None,
) -> Reconciliation:
    reconciliation = Reconciliation.objects.create(
        company=line.company,
        statement_line=line,
        rule=rule,
        explanation=explanation[:300],
        payment=payment,
        created_payment=created_payment,
        counter_entry=counter_entry,
        created_by=actor,
    )
    line.state = StatementLineState.RECONCILED
    line.save(update_fields=["state"])
    record_audit(
        actor=actor,
        action="bank.reconciliation.created",
        target=reconciliation,
        company=line.company,
        after={
            "line": line.pk,
            "amount": str(line.amount),
            "rule": rule,
            "payment": payment.number if payment else None,
            "entry": counter_entry.number if counter_entry else None,
        },
    )
    emit("bank.line.reconciled", line_id=line.pk, company_id=line.company_id, rule=rule)
    return reconciliation


@transaction.atomic
def reconcile_with_documents(
    *,
    actor: User | None,
    line_id: int,
    allocations: list[AllocationInput],
    rule: str = "manual",
    explanation: str = "",
    writeoff_account_code: str | None = None,
) -> Reconciliation:
    """Settle documents of one partner with a statement line: a payment is posted from the
    line in its bank journal and allocated; a difference between the line and the
    allocations is written off (to ``writeoff_account_code`` or the rounding account)."""
    line = _lock_line(actor, line_id)
    if not allocations:
        raise InvalidInput(
            "Choose at least one document.", field="allocations", code="bank.no_documents"
        )
    invoices = list(
        Invoice.objects.filter(
            company=line.company, pk__in=[a.invoice_id for a in allocations]
        ).select_related("partner")
    )
    partners = {invoice.partner_id for invoice in invoices}
    if len(invoices) != len({a.invoice_id for a in allocations}):
        raise InvalidInput(
            "A chosen document does not exist in this company.",
            field="allocations",
            code="accounting.invoice_not_found",
        )
    if len(partners) != 1:
        raise InvalidInput(
            "The documents of one reconciliation must all be of one partner.",
            field="allocations",
            code="bank.several_partners",
        )
    sides = {KIND_RULES[invoice.kind].partner_debit for invoice in invoices}
    customers = {invoice.is_customer for invoice in invoices}
    if len(sides) != 1 or len(customers) != 1:
        raise InvalidInput(
            "Documents settled together must all be due in the same direction.",
            field="allocations",
            code="bank.mixed_directions",
        )
    money_in = sides.pop()
    if (line.amount > 0) != money_in:
        raise InvalidInput(
            f"The line is money {'in' if line.amount > 0 else 'out'} of "
            f"{abs(line.amount)} {line.currency}; the documents are "
            f"{'to be received' if money_in else 'to be paid'}.",
            field="allocations",
            code="bank.direction_mismatch",
        )
    settled = sum((a.amount for a in allocations), Decimal(0))
    bank = abs(line.amount)
    writeoff = bank - settled if money_in else settled - bank
    tolerance = max(
        matching.MatchSettings().tolerance_absolute,
        settled * matching.MatchSettings().tolerance_percent / 100,
    )
    residuals = {invoice.pk: invoice.amount_residual for invoice in invoices}
    # An allocation above its document's open amount is refused by the payment, by name.
    fits = all(a.amount <= residuals[a.invoice_id] for a in allocations)
    if fits and writeoff and not writeoff_account_code and abs(writeoff) > tolerance:
        raise InvalidInput(
            f"The line is {bank} {line.currency} and the allocations {settled} "
            f"{line.currency}: the difference {abs(writeoff)} is above the write-off "
            f"tolerance of {tolerance.quantize(Decimal('0.01'))}. Allocate the line's amount, "
            "or choose a write-off account.",
            field="allocations",
            code="bank.difference_above_tolerance",
        )
    payment = register_payment(
        actor=actor,
        company=line.company,
        direction=PaymentDirection.INBOUND if money_in else PaymentDirection.OUTBOUND,
        partner_id=partners.pop(),
        amount=settled,
        payment_date=line.booking_date,
        journal_code=line.statement.journal.code,
        currency=line.currency,
        is_customer=customers.pop(),
        reference=(line.reference or line.description)[:200],
        allocations=allocations,
        statement_line=line,
        writeoff=writeoff,
        writeoff_account_code=writeoff_account_code,
    )
    return _record(
        actor,
        line,
        rule=rule,
        explanation=explanation or f"Matched by hand to {', '.join(i.number for i in invoices)}.",
        payment=payment,
        created_payment=True,
    )


@transaction.atomic
def reconcile_with_payment(*, actor: User | None, line_id: int, payment_id: int) -> Reconciliation:
    """Tie a statement line to a payment registered before (same amount and direction)."""
    line = _lock_line(actor, line_id)
    payment = (
        Payment.objects.select_for_update()
        .filter(pk=payment_id, company=line.company, state=PaymentState.POSTED)
        .first()
    )
    if payment is None:
        raise InvalidInput(
            f"Payment {payment_id} not found among the posted payments of {line.company.code}.",
            field="payment",
            code="accounting.payment_not_found",
        )
    signed = payment.amount if payment.direction == PaymentDirection.INBOUND else -payment.amount
    if signed != line.amount or payment.journal_id != line.statement.journal_id:
        raise InvalidInput(
            f"Payment {payment.number} is {signed} {payment.currency} in {payment.journal.code}; "
            f"the line is {line.amount} {line.currency} in {line.statement.journal.code}.",
            field="payment",
            code="bank.payment_mismatch",
        )
    taken = Reconciliation.objects.filter(payment=payment, undone_at__isnull=True).first()
    if taken is not None:
        raise Conflict(
            f"Payment {payment.number} is already reconciled with another statement line.",
            code="bank.payment_already_reconciled",
        )
    return _record(
        actor,
        line,
        rule="payment",
        explanation=f"Matched by hand to payment {payment.number}.",
        payment=payment,
    )


@transaction.atomic
def reconcile_with_account(
    *, actor: User | None, line_id: int, account_code: str, label: str = ""
) -> Reconciliation:
    """Book a statement line against an account: bank charges, interest, a transfer."""
    line = _lock_line(actor, line_id)
    account = Account.objects.filter(
        company=line.company, code=account_code, is_active=True
    ).first()
    bank_account = line.statement.journal.default_account
    if account is None or account.pk == bank_account.pk:
        raise InvalidInput(
            f"Account {account_code} not found, inactive or the bank account itself in "
            f"{line.company.code}.",
            field="account",
            code="accounting.account_not_found",
        )
    value = abs(line.amount)
    money_in = line.amount > 0
    text = (label or line.description or line.reference or "Bank statement line")[:200]
    entry = post_system_entry(
        actor=actor,
        company=line.company,
        journal_code=line.statement.journal.code,
        entry_date=line.booking_date,
        reference=line.bank_reference or line.statement.statement_id,
        label=text,
        lines=[
            LineInput(
                account_code=bank_account.code,
                debit=value if money_in else Decimal(0),
                credit=Decimal(0) if money_in else value,
                label=text,
            ),
            LineInput(
                account_code=account.code,
                debit=Decimal(0) if money_in else value,
                credit=value if money_in else Decimal(0),
                label=text,
            ),
        ],
    )
    return _record(
        actor, line, rule="account", explanation=f"Booked on {account}.", counter_entry=entry
    )


@dataclass(frozen=True, slots=True)
class BulkResult:
    reconciled: list[Reconciliation]
    failed: list[tuple[int, str]]  # (line id, message)


def accept_suggestions(
    *, actor: User, statement_id: int, line_ids: list[int] | None = None
) -> BulkResult:
    """Accept the current suggestions of the given lines (all when None). Each line is its
    own transaction: one that fails (say, a locked period) is reported and the rest go on."""
    suggestions = suggestions_for(actor, statement_id)
    wanted = None if line_ids is None else set(line_ids)
    reconciled, failed = [], []
    for item in suggestions:
        if wanted is not None and item.line.pk not in wanted:
            continue
        suggestion = item.suggestion
        try:
            reconciled.append(
                reconcile_with_documents(
                    actor=actor,
                    line_id=item.line.pk,
                    allocations=[AllocationInput(i, a) for i, a in suggestion.allocations],
                    rule=suggestion.rule,
                    explanation=suggestion.explanation,
                )
            )
        except DomainError as exc:
            failed.append((item.line.pk, exc.message))
    if wanted is not None:
        offered = {item.line.pk for item in suggestions}
        failed.extend(
            (line_id, "No suggestion for this line any more.")
            for line_id in sorted(wanted - offered)
        )
    return BulkResult(reconciled, failed)


@transaction.atomic
def undo_reconciliation(
    *, actor: User | None, reconciliation_id: int, reason: str
) -> Reconciliation:
    """Undo a reconciliation: a payment it made is cancelled (allocations undone, entry
    reversed), a counter entry is reversed, the line is open again. The record stays."""
    qs = Reconciliation.objects.select_for_update(of=("self",)).filter(pk=reconciliation_id)
    if actor is not None:
        qs = qs.filter(company_id__in=visible_company_ids(actor))
    reconciliation = qs.select_related("company").first()
    if reconciliation is None:
        raise ReconciliationNotFound(f"Reconciliation {reconciliation_id} not found.")
    _check(actor, reconciliation.company)
    if not (reason or "").strip():
        raise InvalidInput(
            "Give a reason for undoing the reconciliation.",
            field="reason",
            code="accounting.reason_required",
        )
    if reconciliation.undone_at is not None:
        raise Conflict(
            f"Reconciliation {reconciliation.pk} was already undone.",
            code="bank.reconciliation_undone",
        )
    reason = reason.strip()
    line = BankStatementLine.objects.select_for_update().get(pk=reconciliation.statement_line_id)
    if reconciliation.created_payment and reconciliation.payment_id:
        payment = (
            Payment.objects.select_for_update()
            .select_related("company")
            .get(pk=reconciliation.payment_id)
        )
        cancel_payment_locked(actor, payment, f"Reconciliation undone: {reason}")
    if reconciliation.counter_entry_id:
        reverse_system_entry(
            actor=actor,
            entry_id=reconciliation.counter_entry_id,
            reversal_date=max(line.booking_date, timezone.localdate()),
            reason=f"Reconciliation undone: {reason}",
        )
    reconciliation.undone_at = timezone.now()
    reconciliation.undone_reason = reason[:300]
    reconciliation.save(update_fields=["undone_at", "undone_reason"])
    line.state = StatementLineState.OPEN
    line.save(update_fields=["state"])
    record_audit(
        actor=actor,
        action="bank.reconciliation.undone",
        target=reconciliation,
        company=reconciliation.company,
        before={"line": line.pk, "rule": reconciliation.rule},
        after={"undone_at": reconciliation.undone_at.isoformat()},
        reason=reason,
    )
    return reconciliation
