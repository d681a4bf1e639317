"""Ledger integrity checks run by ``ordo check``: each returns a list of problems."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Q, Sum

from ordo.core.money import quantize_money

from .models import (
    POSTED_INVOICE_STATES,
    AccountRole,
    Allocation,
    EntryState,
    Invoice,
    InvoiceKind,
    JournalEntry,
    JournalLine,
    Payment,
    PaymentDirection,
    PaymentState,
)

HALF_CENT = Decimal("0.005")
CENT = Decimal("0.01")


def posted_entries_balance() -> list[str]:
    """Every posted journal entry balances per company and currency."""
    bad = (
        JournalLine.objects.filter(entry__state=EntryState.POSTED)
        .values("entry_id", "entry__company__code", "entry__number", "entry__currency")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .annotate(difference=F("debit") - F("credit"))
        # SQLite adds decimals as binary floats: half a cent is the smallest real difference.
        .filter(Q(difference__gte=HALF_CENT) | Q(difference__lte=-HALF_CENT))
        .order_by("entry_id")
    )
    problems = []
    for row in bad:
        currency = row["entry__currency"]
        debit = quantize_money(row["debit"], currency)
        credit = quantize_money(row["credit"], currency)
        problems.append(
            f"Journal entry {row['entry__number']} of {row['entry__company__code']} does not "
            f"balance: debit {debit} {currency}, credit {credit} {currency}."
        )
    return problems


def posted_entries_are_numbered() -> list[str]:
    """Posted entries have a number; drafts have none."""
    bad = JournalEntry.objects.filter(
        Q(state=EntryState.POSTED, number="") | (Q(state=EntryState.DRAFT) & ~Q(number=""))
    ).values_list("pk", "state", "number")
    return [
        f"Journal entry {pk} is {state} but its number is {number or 'blank'}."
        for pk, state, number in bad
    ]


def _sums(qs, key: str, column: str) -> dict[tuple, Decimal]:
    rows = qs.values("company_id", key).annotate(total=Sum(column))
    return {(row["company_id"], row[key]): _cents(row["total"]) for row in rows}


def _cents(value) -> Decimal:
    """A summed amount to the cent (SQLite sums decimals as floats)."""
    return Decimal(value or 0).quantize(CENT)


def _open_items_by_company() -> dict[int, dict[str, Decimal]]:
    """Per company, what the receivable and payable accounts should hold (debit positive
    for receivable, credit positive for payable), from the documents and payments."""
    docs = _sums(
        Invoice.objects.filter(state__in=POSTED_INVOICE_STATES), "kind", "amount_total_company"
    )
    active = Allocation.objects.filter(undone_at__isnull=True)
    settled = _sums(active, "invoice__kind", "invoice_amount_company")
    credits_used = _sums(
        active.filter(credit_note__isnull=False), "credit_note__kind", "source_amount_company"
    )
    payments = Payment.objects.filter(state=PaymentState.POSTED)
    paid = {
        (row["company_id"], row["direction"], row["is_customer"]): _cents(row["total"])
        for row in payments.values("company_id", "direction", "is_customer").annotate(
            total=Sum("amount_company")
        )
    }
    used = {
        (row["company_id"], row["payment__direction"], row["payment__is_customer"]): _cents(
            row["total"]
        )
        for row in active.filter(payment__isnull=False)
        .values("company_id", "payment__direction", "payment__is_customer")
        .annotate(total=Sum("source_amount_company"))
    }
    companies = {key[0] for key in (*docs, *paid)}
    result = {}
    for company_id in companies:

        def open_doc(kind, company_id=company_id):
            key = (company_id, kind)
            return docs.get(key, 0) - settled.get(key, 0) - credits_used.get(key, 0)

        def open_pay(direction, customer, company_id=company_id):
            key = (company_id, direction, customer)
            return paid.get(key, 0) - used.get(key, 0)

        inbound, outbound = PaymentDirection.INBOUND, PaymentDirection.OUTBOUND
        result[company_id] = {
            AccountRole.RECEIVABLE: open_doc(InvoiceKind.CUSTOMER_INVOICE)
            - open_doc(InvoiceKind.CUSTOMER_CREDIT_NOTE)
            - open_pay(inbound, True)
            + open_pay(outbound, True),
            AccountRole.PAYABLE: open_doc(InvoiceKind.SUPPLIER_BILL)
            - open_doc(InvoiceKind.SUPPLIER_CREDIT_NOTE)
            - open_pay(outbound, False)
            + open_pay(inbound, False),
        }
    return result


def control_accounts_match_open_items() -> list[str]:
    """Receivable and payable accounts equal open documents minus unallocated payments."""
    expected = _open_items_by_company()
    ledger = {
        (row["entry__company_id"], row["account__role"]): (
            row["entry__company__code"],
            _cents(row["debit"]) - _cents(row["credit"]),
        )
        for row in JournalLine.objects.filter(
            entry__state=EntryState.POSTED,
            account__role__in=[AccountRole.RECEIVABLE, AccountRole.PAYABLE],
        )
        .values("entry__company_id", "entry__company__code", "account__role")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    }
    problems = []
    for company_id in sorted({key[0] for key in ledger} | set(expected)):
        for role, label in (
            (AccountRole.RECEIVABLE, "receivable"),
            (AccountRole.PAYABLE, "payable"),
        ):
            code, balance = ledger.get((company_id, role), ("", Decimal(0)))
            if role == AccountRole.PAYABLE:
                balance = -balance
            should = expected.get(company_id, {}).get(role, Decimal(0))
            if balance != should:
                code = code or str(company_id)
                problems.append(
                    f"The {label} accounts of {code} hold {balance:.2f} but the open documents "
                    f"less unallocated payments come to {should:.2f} "
                    f"(difference {balance - should:.2f})."
                )
    return problems


INTEGRITY_CHECKS = [
    posted_entries_balance,
    posted_entries_are_numbered,
    control_accounts_match_open_items,
]
