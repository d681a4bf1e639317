"""Allocation internals shared by the invoicing, payment and reconciliation services:
set a payment or credit note against an open document, undo it, and post the realised
exchange difference. Callers hold the transaction and have checked permissions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from ordo.core.audit import record_audit
from ordo.core.errors import Conflict
from ordo.core.events import emit
from ordo.core.models import Company, User
from ordo.core.money import minor_units
from ordo.core.transitions import ensure_transition
from ordo.governance.access import visible_company_ids

from . import taxes
from .errors import PaymentNotFound
from .kinds import KIND_RULES, role_account
from .models import (
    INVOICE_TRANSITIONS,
    Account,
    AccountRole,
    Allocation,
    Invoice,
    InvoiceState,
    Journal,
    JournalKind,
    Payment,
)
from .services import LineInput, post_system_entry, reverse_system_entry


def lock_payment(actor: User | None, payment_id: int) -> Payment:
    qs = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("company", "journal", "partner")
        .filter(pk=payment_id)
    )
    if actor is not None:
        qs = qs.filter(company_id__in=visible_company_ids(actor))
    payment = qs.first()
    if payment is None:
        raise PaymentNotFound(f"Payment {payment_id} not found.")
    return payment


def set_paid_state(invoice: Invoice) -> None:
    """Move a posted document between posted, partially paid and paid by its residual."""
    if invoice.amount_residual == 0:
        target = InvoiceState.PAID
    elif invoice.amount_residual == invoice.amount_total:
        target = InvoiceState.POSTED
    else:
        target = InvoiceState.PARTIALLY_PAID
    if target != invoice.state:
        ensure_transition(
            current=invoice.state,
            target=target,
            transitions=INVOICE_TRANSITIONS,
            label=str(invoice),
        )
        invoice.state = target


def allocate_locked(
    actor: User | None, *, source: Payment | Invoice, invoice: Invoice, amount: Decimal
) -> Allocation:
    company = invoice.company
    places = minor_units(company.currency)
    is_payment = isinstance(source, Payment)
    source_date = source.payment_date if is_payment else source.invoice_date
    source_total_company = source.amount_company if is_payment else source.amount_total_company
    source_open = source.amount_unallocated if is_payment else source.amount_residual
    allocation_date = max(source_date, invoice.invoice_date)
    # The last allocation of a document takes what is left in company currency, so a
    # settled document leaves exactly zero on the control account.
    if amount == invoice.amount_residual:
        invoice_company = invoice.amount_total_company - _allocated_company(invoice, side="invoice")
    else:
        invoice_company = taxes.convert(amount, invoice.exchange_rate, places)
    if amount == source_open:
        source_company = source_total_company - _allocated_company(source, side="source")
    else:
        source_company = taxes.convert(amount, source.exchange_rate, places)
    allocation = Allocation(
        company=company,
        invoice=invoice,
        payment=source if is_payment else None,
        credit_note=None if is_payment else source,
        amount=amount,
        invoice_amount_company=invoice_company,
        source_amount_company=source_company,
        allocation_date=allocation_date,
        created_by=actor,
    )
    difference = source_company - invoice_company
    if difference:
        allocation.fx_difference = difference
        allocation.fx_entry = _post_fx(actor, invoice, difference, allocation_date, source)
    allocation.save()
    invoice.amount_residual -= amount
    set_paid_state(invoice)
    invoice.save(update_fields=["amount_residual", "state"])
    if is_payment:
        source.amount_unallocated -= amount
        source.save(update_fields=["amount_unallocated"])
    else:
        source.amount_residual -= amount
        set_paid_state(source)
        source.save(update_fields=["amount_residual", "state"])
    record_audit(
        actor=actor,
        action="accounting.allocation.created",
        target=allocation,
        company=company,
        after={
            "invoice": invoice.number,
            "source": source.number,
            "amount": str(amount),
            "currency": invoice.currency,
            "fx_difference": str(allocation.fx_difference),
        },
    )
    emit(
        "accounting.invoice.allocated",
        invoice_id=invoice.pk,
        company_id=company.pk,
        state=invoice.state,
        residual=str(invoice.amount_residual),
    )
    return allocation


def _allocated_company(document: Payment | Invoice, *, side: str) -> Decimal:
    active = Allocation.objects.filter(undone_at__isnull=True)
    if side == "invoice":
        qs = active.filter(invoice=document)
        column = "invoice_amount_company"
    elif isinstance(document, Payment):
        qs, column = active.filter(payment=document), "source_amount_company"
    else:
        qs, column = active.filter(credit_note=document), "source_amount_company"
    return qs.aggregate(total=Sum(column))["total"] or Decimal(0)


def _post_fx(
    actor: User | None,
    invoice: Invoice,
    difference: Decimal,
    on: dt.date,
    source: Payment | Invoice,
):
    """Post the realised exchange difference that brings the partner account to zero.

    ``difference`` = the source's company amount − the document's. The document's partner
    side (debit for an invoice, credit for a bill) gets the difference on that same side;
    the other side goes to exchange gain or loss.
    """
    company = invoice.company
    rules = KIND_RULES[invoice.kind]
    partner_account = role_account(company, rules.partner_role, field="partner")
    partner_debit = rules.partner_debit if difference > 0 else not rules.partner_debit
    value = abs(difference)
    # The correction debits the partner (the other side credits income: a gain) or
    # credits it (the other side debits expense: a loss).
    gain = partner_debit
    fx_account = _fx_account(company, gain=gain)
    label = f"Exchange difference {invoice.number} / {source.number}"
    lines = [
        LineInput(
            account_code=partner_account.code,
            debit=value if partner_debit else Decimal(0),
            credit=Decimal(0) if partner_debit else value,
            label=label,
            partner_id=invoice.partner_id,
        ),
        LineInput(
            account_code=fx_account.code,
            debit=Decimal(0) if partner_debit else value,
            credit=value if partner_debit else Decimal(0),
            label=label,
        ),
    ]
    misc = Journal.objects.filter(company=company, kind=JournalKind.MISCELLANEOUS).first()
    return post_system_entry(
        actor=actor,
        company=company,
        journal_code=misc.code if misc else invoice.journal.code,
        entry_date=on,
        lines=lines,
        reference=invoice.number,
        label=label,
    )


def _fx_account(company: Company, *, gain: bool) -> Account:
    return role_account(
        company, AccountRole.FX_GAIN if gain else AccountRole.FX_LOSS, field="account"
    )


def unallocate_locked(actor: User | None, allocation: Allocation, reason: str) -> Allocation:
    if allocation.undone_at is not None:
        raise Conflict(
            f"Allocation {allocation.pk} was already undone on {allocation.undone_at:%Y-%m-%d}.",
            code="accounting.allocation_undone",
        )
    # The same order as allocating: the payment first, then the documents in id order.
    payment = lock_payment(None, allocation.payment_id) if allocation.payment_id else None
    invoice_ids = sorted(filter(None, [allocation.invoice_id, allocation.credit_note_id]))
    docs = {
        d.pk: d
        for d in Invoice.objects.select_for_update(of=("self",))
        .filter(pk__in=invoice_ids)
        .order_by("pk")
    }
    invoice = docs[allocation.invoice_id]
    invoice.amount_residual += allocation.amount
    set_paid_state(invoice)
    invoice.save(update_fields=["amount_residual", "state"])
    if payment is not None:
        payment.amount_unallocated += allocation.amount
        payment.save(update_fields=["amount_unallocated"])
        source_number = payment.number
    else:
        credit = docs[allocation.credit_note_id]
        credit.amount_residual += allocation.amount
        set_paid_state(credit)
        credit.save(update_fields=["amount_residual", "state"])
        source_number = credit.number
    if allocation.fx_entry_id is not None:
        reverse_system_entry(
            actor=actor,
            entry_id=allocation.fx_entry_id,
            reversal_date=max(allocation.allocation_date, timezone.localdate()),
            reason=f"Allocation {allocation.pk} undone: {reason}",
        )
    allocation.undone_at = timezone.now()
    allocation.undone_reason = reason[:300]
    allocation.save(update_fields=["undone_at", "undone_reason"])
    record_audit(
        actor=actor,
        action="accounting.allocation.undone",
        target=allocation,
        company=allocation.company,
        before={
            "invoice": invoice.number,
            "source": source_number,
            "amount": str(allocation.amount),
        },
        after={"undone_at": allocation.undone_at.isoformat()},
        reason=reason,
    )
    emit(
        "accounting.invoice.allocated",
        invoice_id=invoice.pk,
        company_id=invoice.company_id,
        state=invoice.state,
        residual=str(invoice.amount_residual),
    )
    return allocation
