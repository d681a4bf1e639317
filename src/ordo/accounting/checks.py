"""Ledger integrity checks run by ``ordo check``: each returns a list of problems."""

from __future__ import annotations

from django.db.models import F, Q, Sum

from ordo.core.money import quantize_money

from .models import EntryState, JournalEntry, JournalLine


def posted_entries_balance() -> list[str]:
    """Every posted journal entry balances per company and currency."""
    bad = (
        JournalLine.objects.filter(entry__state=EntryState.POSTED)
        .values("entry_id", "entry__company__code", "entry__number", "entry__currency")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .exclude(debit=F("credit"))
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


INTEGRITY_CHECKS = [posted_entries_balance, posted_entries_are_numbered]
