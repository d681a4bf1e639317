"""Services for payments and allocations.

A payment posts at once (bank or cash against the partner's receivable or payable) and is
then allocated to one or many open documents, partially or fully. What is not allocated
stays open as the partner's credit. When the payment's exchange rate differs from the
document's, the allocation posts the realised exchange gain or loss, so the control
account always equals the open documents minus the unallocated payments. Undoing an
allocation keeps its row (with who, when and why) and reverses its exchange entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ordo.core.audit import record_audit, snapshot
from ordo.core.errors import Conflict, InvalidInput
from ordo.core.events import emit
from ordo.core.models import Company, User
from ordo.core.money import minor_units, parse_decimal, quantize_money, validate_currency
from ordo.core.sequences import next_document_number
from ordo.governance.access import require, visible_company_ids
from ordo.partners.models import Partner

from . import taxes
from .allocation import allocate_locked, lock_payment, unallocate_locked
from .errors import AllocationNotFound
from .kinds import role_account, rounding_account
from .models import (
    OPEN_INVOICE_STATES,
    AccountRole,
    Allocation,
    BankStatementLine,
    Invoice,
    InvoiceKind,
    Journal,
    JournalKind,
    Payment,
    PaymentDirection,
    PaymentState,
)
from .selectors import exchange_rate_on
from .services import LineInput, _raise_all, post_system_entry, reverse_system_entry

# Which documents a payment of each direction settles: (direction, is_customer) → kinds.
SETTLES: dict[tuple[str, bool], tuple[str, ...]] = {
    (PaymentDirection.INBOUND, True): (InvoiceKind.CUSTOMER_INVOICE,),
    (PaymentDirection.OUTBOUND, True): (InvoiceKind.CUSTOMER_CREDIT_NOTE,),
    (PaymentDirection.OUTBOUND, False): (InvoiceKind.SUPPLIER_BILL,),
    (PaymentDirection.INBOUND, False): (InvoiceKind.SUPPLIER_CREDIT_NOTE,),
}


@dataclass(frozen=True, slots=True)
class AllocationInput:
    invoice_id: int
    amount: Decimal


def _check(actor: User | None, company: Company) -> None:
    if actor is not None:
        require(actor, "accounting.payment.manage", company)


def _money(value: object, currency: str, *, field: str, label: str) -> Decimal:
    amount = parse_decimal(value, field=field)
    if quantize_money(amount, currency) != amount:
        raise InvalidInput(
            f"{label} {amount} has more than {minor_units(currency)} decimals for {currency}.",
            field=field,
            code="accounting.amount_precision",
        )
    if amount <= 0:
        raise InvalidInput(
            f"{label} must be above zero, got {amount}.",
            field=field,
            code="accounting.amount_not_positive",
        )
    return amount


def _payment_journal(company: Company, journal_code: str | None) -> Journal:
    qs = Journal.objects.filter(company=company, kind__in=[JournalKind.BANK, JournalKind.CASH])
    journal = qs.filter(code=journal_code).first() if journal_code else qs.order_by("code").first()
    if journal is None or journal.default_account_id is None:
        raise InvalidInput(
            f"Bank or cash journal {journal_code or '(default)'} not found in {company.code}.",
            field="journal_code",
            code="accounting.journal_not_found",
        )
    return journal


def _partner_debit_on_payment(payment: Payment) -> bool:
    """An outbound payment debits the partner's account, an inbound one credits it."""
    return payment.direction == PaymentDirection.OUTBOUND


@transaction.atomic
def register_payment(
    *,
    actor: User | None,
    company: Company,
    direction: str,
    partner_id: int,
    amount: object,
    payment_date: dt.date,
    journal_code: str | None = None,
    currency: str | None = None,
    is_customer: bool | None = None,
    reference: str = "",
    allocations: list[AllocationInput] | tuple = (),
    statement_line: BankStatementLine | None = None,
    writeoff: Decimal = Decimal(0),
    writeoff_account_code: str | None = None,
) -> Payment:
    """Post a payment in or out and allocate it to the documents given.

    ``is_customer`` defaults to the direction (money in from a customer, out to a
    supplier); a refund sets it the other way. Every allocation problem is reported at
    once and nothing is written (422 naming the document and its open amount).

    ``amount`` is what the partner is credited (or debited) with. ``writeoff`` (company
    currency only) is the difference the bank moved on top of it, positive for a gain
    (received more, paid less), negative for a loss; it goes to ``writeoff_account_code``
    or the rounding gain/loss account.
    """
    _check(actor, company)
    if direction not in PaymentDirection.values:
        raise InvalidInput(
            f"Unknown payment direction {direction!r}: use inbound or outbound.",
            field="direction",
            code="accounting.payment_direction",
        )
    customer = direction == PaymentDirection.INBOUND if is_customer is None else is_customer
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        raise InvalidInput(
            f"Partner {partner_id} not found.", field="partner", code="partner.unknown"
        )
    journal = _payment_journal(company, journal_code)
    doc_currency = validate_currency(currency or company.currency, field="currency")
    value = _money(amount, doc_currency, field="amount", label="The payment amount")
    rate = exchange_rate_on(company, doc_currency, payment_date).rate
    amount_company = taxes.convert(value, rate, minor_units(company.currency))
    direction_code = "RCPT" if direction == PaymentDirection.INBOUND else "PAY"
    payment = Payment(
        company=company,
        direction=direction,
        number=next_document_number(
            company=company,
            series=f"DOC-{direction_code}",
            year=payment_date.year,
            prefix=f"{direction_code}/",
        ),
        partner=partner,
        is_customer=customer,
        journal=journal,
        payment_date=payment_date,
        amount=value,
        currency=doc_currency,
        exchange_rate=rate,
        amount_company=amount_company,
        amount_unallocated=value,
        reference=reference.strip()[:200],
        statement_line=statement_line,
    )
    partner_account = role_account(
        company,
        AccountRole.RECEIVABLE if customer else AccountRole.PAYABLE,
        field="partner",
    )
    foreign = doc_currency != company.currency
    partner_debit = _partner_debit_on_payment(payment)
    label = f"{payment.number} {partner.name}"
    lines = [
        LineInput(
            account_code=partner_account.code,
            debit=amount_company if partner_debit else Decimal(0),
            credit=Decimal(0) if partner_debit else amount_company,
            label=label,
            partner_id=partner.pk,
            currency=doc_currency if foreign else None,
            amount_currency=(value if partner_debit else -value) if foreign else None,
        ),
        LineInput(
            account_code=journal.default_account.code,
            debit=Decimal(0) if partner_debit else amount_company,
            credit=amount_company if partner_debit else Decimal(0),
            label=label,
            partner_id=partner.pk,
            currency=doc_currency if foreign else None,
            amount_currency=(-value if partner_debit else value) if foreign else None,
        ),
    ]
    if writeoff:
        lines = _with_writeoff(company, lines, writeoff, writeoff_account_code, foreign, label)
    payment.entry = post_system_entry(
        actor=actor,
        company=company,
        journal_code=journal.code,
        entry_date=payment_date,
        lines=lines,
        reference=payment.reference or payment.number,
        label=label,
    )
    payment.save()
    record_audit(
        actor=actor,
        action="accounting.payment.registered",
        target=payment,
        company=company,
        after=snapshot(payment) | {"entry": payment.entry.number},
    )
    emit(
        "accounting.payment.registered",
        payment_id=payment.pk,
        company_id=company.pk,
        number=payment.number,
    )
    if allocations:
        _allocate_all(actor, payment, list(allocations))
    return payment


def _with_writeoff(
    company: Company,
    lines: list[LineInput],
    writeoff: Decimal,
    account_code: str | None,
    foreign: bool,
    label: str,
) -> list[LineInput]:
    """Move the bank line by ``writeoff`` and book the difference (gain credit, loss debit)."""
    if foreign:
        raise InvalidInput(
            "A write-off is only possible on a payment in the company's currency.",
            field="writeoff",
            code="accounting.writeoff_currency",
        )
    partner_line, bank_line = lines
    inbound = bank_line.debit > 0
    bank = (bank_line.debit if inbound else bank_line.credit) + (writeoff if inbound else -writeoff)
    if bank <= 0:
        raise InvalidInput(
            f"The write-off {writeoff} leaves nothing moving through the bank.",
            field="writeoff",
            code="accounting.writeoff_too_large",
        )
    gain = writeoff > 0
    code = account_code or rounding_account(company, gain=gain).code
    value = abs(writeoff)
    return [
        partner_line,
        LineInput(
            account_code=bank_line.account_code,
            debit=bank if inbound else Decimal(0),
            credit=Decimal(0) if inbound else bank,
            label=label,
            partner_id=bank_line.partner_id,
        ),
        LineInput(
            account_code=code,
            debit=Decimal(0) if gain else value,
            credit=value if gain else Decimal(0),
            label=f"{label} write-off",
            partner_id=bank_line.partner_id,
        ),
    ]


@transaction.atomic
def allocate_payment(
    *, actor: User | None, payment_id: int, allocations: list[AllocationInput]
) -> Payment:
    """Allocate more of a posted payment to open documents (all or nothing)."""
    payment = lock_payment(actor, payment_id)
    _check(actor, payment.company)
    if payment.state != PaymentState.POSTED:
        raise Conflict(
            f"Payment {payment.number} is cancelled.", code="accounting.payment_cancelled"
        )
    _allocate_all(actor, payment, allocations)
    return payment


def _allocate_all(actor: User | None, payment: Payment, allocations: list[AllocationInput]):
    if not allocations:
        raise InvalidInput(
            "Give at least one document to allocate to.",
            field="allocations",
            code="accounting.allocation_empty",
        )
    errors: list[InvalidInput] = []
    plan: list[tuple[Invoice, Decimal]] = []
    ids = sorted({a.invoice_id for a in allocations})
    # Lock in id order so two payments allocating to the same invoices never deadlock.
    invoices = {
        invoice.pk: invoice
        for invoice in Invoice.objects.select_for_update(of=("self",))
        .select_related("company")
        .filter(pk__in=ids, company=payment.company)
        .order_by("pk")
    }
    allowed = SETTLES[(payment.direction, payment.is_customer)]
    remaining = payment.amount_unallocated
    wanted_per_invoice: dict[int, Decimal] = {}
    for i, item in enumerate(allocations):
        field = f"allocations.{i}"
        invoice = invoices.get(item.invoice_id)
        if invoice is None:
            errors.append(
                InvalidInput(
                    f"Allocation {i + 1}: document {item.invoice_id} not found in "
                    f"{payment.company.code}.",
                    field=f"{field}.invoice",
                    code="accounting.invoice_not_found",
                )
            )
            continue
        try:
            amount = _money(
                item.amount, payment.currency, field=f"{field}.amount", label=f"Allocation {i + 1}"
            )
        except InvalidInput as exc:
            errors.append(exc)
            continue
        problem = _allocation_problem(invoice, allowed, payment.currency)
        if problem:
            errors.append(
                InvalidInput(
                    f"Allocation {i + 1}: {problem}",
                    field=f"{field}.invoice",
                    code="accounting.allocation_mismatch",
                )
            )
            continue
        already = wanted_per_invoice.get(invoice.pk, Decimal(0))
        if amount + already > invoice.amount_residual:
            errors.append(
                InvalidInput(
                    f"Allocation {i + 1}: {amount} {invoice.currency} is more than the "
                    f"{invoice.amount_residual - already} {invoice.currency} open on "
                    f"{invoice.number}.",
                    field=f"{field}.amount",
                    code="accounting.allocation_exceeds_open",
                    details={
                        "invoice": invoice.number,
                        "open_amount": str(invoice.amount_residual - already),
                    },
                )
            )
            continue
        wanted_per_invoice[invoice.pk] = already + amount
        remaining -= amount
        plan.append((invoice, amount))
    if not errors and remaining < 0:
        errors.append(
            InvalidInput(
                f"The allocations total {payment.amount_unallocated - remaining} "
                f"{payment.currency}, more than the {payment.amount_unallocated} "
                f"{payment.currency} of {payment.number} still unallocated.",
                field="allocations",
                code="accounting.allocation_exceeds_payment",
                details={"unallocated": str(payment.amount_unallocated)},
            )
        )
    _raise_all(errors)
    for invoice, amount in plan:
        allocate_locked(actor, source=payment, invoice=invoice, amount=amount)


def _allocation_problem(invoice: Invoice, allowed: tuple[str, ...], currency: str) -> str:
    if invoice.kind not in allowed:
        return (
            f"{invoice.number or invoice} is a {invoice.get_kind_display().lower()}; this "
            f"payment settles {' or '.join(k.replace('_', ' ') for k in allowed)}s."
        )
    if invoice.state not in OPEN_INVOICE_STATES:
        return f"{invoice.number or invoice} is {invoice.get_state_display().lower()}, not open."
    if invoice.currency != currency:
        return (
            f"{invoice.number} is in {invoice.currency} and the payment in {currency}: "
            "allocate within one currency."
        )
    return ""


@transaction.atomic
def unallocate(*, actor: User | None, allocation_id: int, reason: str) -> Allocation:
    """Undo an allocation: the document reopens, the payment or credit note gets the amount
    back, its exchange entry is reversed. The row stays, marked undone with the reason."""
    allocation = (
        Allocation.objects.select_for_update(of=("self",))
        .filter(pk=allocation_id)
        .select_related("company")
        .first()
    )
    if allocation is None or (
        actor is not None and allocation.company_id not in visible_company_ids(actor)
    ):
        raise AllocationNotFound(f"Allocation {allocation_id} not found.")
    _check(actor, allocation.company)
    if not (reason or "").strip():
        raise InvalidInput(
            "Give a reason for undoing the allocation.",
            field="reason",
            code="accounting.reason_required",
        )
    return unallocate_locked(actor, allocation, reason.strip())


@transaction.atomic
def cancel_payment(*, actor: User | None, payment_id: int, reason: str) -> Payment:
    """Cancel a posted payment: undo its allocations, reverse its entry (never edit it)."""
    payment = lock_payment(actor, payment_id)
    _check(actor, payment.company)
    if not (reason or "").strip():
        raise InvalidInput(
            "Give a reason for the cancellation.",
            field="reason",
            code="accounting.reason_required",
        )
    return cancel_payment_locked(actor, payment, reason.strip())


def cancel_payment_locked(actor: User | None, payment: Payment, reason: str) -> Payment:
    if payment.state == PaymentState.CANCELLED:
        raise Conflict(
            f"Payment {payment.number} is already cancelled.",
            code="accounting.payment_cancelled",
        )
    for allocation in (
        Allocation.objects.select_for_update()
        .filter(payment=payment, undone_at__isnull=True)
        .order_by("pk")
    ):
        unallocate_locked(actor, allocation, f"Payment {payment.number} cancelled: {reason}")
    reverse_system_entry(
        actor=actor,
        entry_id=payment.entry_id,
        reversal_date=max(payment.payment_date, timezone.localdate()),
        reason=f"Payment {payment.number} cancelled: {reason}",
    )
    before = snapshot(payment, ["state"])
    payment.state = PaymentState.CANCELLED
    payment.amount_unallocated = payment.amount
    payment.save(update_fields=["state", "amount_unallocated"])
    record_audit(
        actor=actor,
        action="accounting.payment.cancelled",
        target=payment,
        company=payment.company,
        before=before,
        after={"state": payment.state},
        reason=reason,
    )
    return payment
