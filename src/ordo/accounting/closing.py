"""Year-end closing: move a fiscal year's result from the income and expense accounts to
retained earnings with one posted entry.

The closing entry is recognised by its reference ``CLOSE/<fiscal year name>``: a posted one
that is not reversed means the year is closed; the reports leave it out of the P&L.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from ordo.core.audit import record_audit
from ordo.core.errors import Conflict, InvalidInput, NotFound
from ordo.core.events import emit
from ordo.core.models import Company, User
from ordo.core.money import quantize_money
from ordo.governance.access import require, visible_company_ids

from . import services
from .kinds import role_account
from .models import (
    AccountRole,
    AccountType,
    EntryState,
    FiscalYear,
    Journal,
    JournalEntry,
    JournalKind,
    JournalLine,
)
from .reports import CLOSING_REFERENCE_PREFIX
from .services import LineInput


class FiscalYearNotFound(NotFound):
    code = "accounting.fiscal_year_not_found"


class FiscalYearClosed(Conflict):
    code = "accounting.fiscal_year_closed"


class NothingToClose(Conflict):
    code = "accounting.fiscal_year_nothing_to_close"


def closing_reference(year: FiscalYear) -> str:
    return f"{CLOSING_REFERENCE_PREFIX}{year.name}"


def find_closing_entry(year: FiscalYear) -> JournalEntry | None:
    """The posted, unreversed closing entry of a fiscal year, or None while it is open."""
    return (
        JournalEntry.objects.filter(
            company_id=year.company_id,
            reference=closing_reference(year),
            state=EntryState.POSTED,
            reversals__isnull=True,
        )
        .order_by("id")
        .first()
    )


@transaction.atomic
def close_fiscal_year(
    *, actor: User, fiscal_year_id: int, closing_date: dt.date | None = None
) -> JournalEntry:
    """Close a fiscal year: post in the miscellaneous journal, on the year's last day (or
    ``closing_date`` within the year), an entry that brings every income and expense
    account to zero against the retained earnings account.

    Balances are those of the posted entries from the year's start to the closing date.
    Needs accounting.period.lock (and accounting.entry.post to post). Raises
    FiscalYearNotFound (404, also for another company's year), FiscalYearClosed (409) if a
    closing entry is already posted, NothingToClose (409) when no income or expense
    account has a balance, InvalidInput (422) for a closing date outside the year, and
    the posting errors (a locked period → 409). Audited and emitted as
    accounting.fiscal_year.closed.
    """
    year = (
        FiscalYear.objects.select_for_update(of=("self",))
        .select_related("company")
        .filter(pk=fiscal_year_id, company_id__in=visible_company_ids(actor))
        .first()
    )
    if year is None:
        raise FiscalYearNotFound(f"Fiscal year {fiscal_year_id} not found.")
    company: Company = year.company
    require(actor, "accounting.period.lock", company)
    on = closing_date or year.end_date
    if not (year.start_date <= on <= year.end_date):
        raise InvalidInput(
            f"Closing date {on.isoformat()} is outside fiscal year {year.name} "
            f"({year.start_date.isoformat()} – {year.end_date.isoformat()}).",
            field="closing_date",
            code="accounting.closing_date_outside_year",
        )
    existing = find_closing_entry(year)
    if existing is not None:
        raise FiscalYearClosed(
            f"Fiscal year {year.name} of {company.code} is already closed by {existing.number} "
            f"of {existing.entry_date.isoformat()}.",
            details={"entry": existing.number, "entry_id": existing.pk},
        )
    lines, result = _closing_lines(company, year, on)
    journal = (
        Journal.objects.filter(company=company, kind=JournalKind.MISCELLANEOUS)
        .order_by("code")
        .first()
    )
    if journal is None:
        raise InvalidInput(
            f"{company.code} has no miscellaneous journal to post the closing in.",
            field="journal",
            code="accounting.journal_not_found",
        )
    entry = services.post_entry_now(
        actor=actor,
        company=company,
        journal_code=journal.code,
        entry_date=on,
        lines=lines,
        reference=closing_reference(year),
        label=f"Year-end closing {year.name}",
    )
    record_audit(
        actor=actor,
        action="accounting.fiscal_year.closed",
        target=year,
        company=company,
        after={"entry": entry.number, "closing_date": on.isoformat(), "result": str(result)},
    )
    emit(
        "accounting.fiscal_year.closed",
        fiscal_year_id=year.pk,
        company_id=company.pk,
        entry_id=entry.pk,
    )
    return entry


def _closing_lines(
    company: Company, year: FiscalYear, on: dt.date
) -> tuple[list[LineInput], Decimal]:
    """One line per income or expense account with a balance, reversing it, and the net
    on retained earnings (credit for a profit, debit for a loss); and the result (a
    profit positive)."""
    retained = role_account(company, AccountRole.RETAINED_EARNINGS, field="account")
    label = f"Year-end closing {year.name}"
    balances = (
        JournalLine.objects.filter(
            entry__company=company,
            entry__state=EntryState.POSTED,
            entry__entry_date__gte=year.start_date,
            entry__entry_date__lte=on,
            account__type__in=[AccountType.INCOME, AccountType.EXPENSE],
        )
        .values("account__code")
        .annotate(debit_sum=Sum("debit"), credit_sum=Sum("credit"))
        .order_by("account__code")
    )
    # net: debit − credit of what the closing lines post, which is the year's profit.
    lines, net = [], Decimal(0)
    for row in balances:
        balance = quantize_money(
            (row["debit_sum"] or Decimal(0)) - (row["credit_sum"] or Decimal(0)), company.currency
        )
        if balance == 0:
            continue
        net -= balance
        lines.append(
            LineInput(
                account_code=row["account__code"],
                debit=-balance if balance < 0 else Decimal(0),
                credit=balance if balance > 0 else Decimal(0),
                label=label,
            )
        )
    if not lines:
        raise NothingToClose(
            f"Fiscal year {year.name} of {company.code} has no income or expense balance "
            f"up to {on.isoformat()}: there is nothing to close.",
        )
    # The retained earnings line takes the opposite of the closing lines' net (a profit
    # leaves a net debit on the closing lines, so retained earnings is credited).
    if net != 0:
        lines.append(
            LineInput(
                account_code=retained.code,
                debit=-net if net < 0 else Decimal(0),
                credit=net if net > 0 else Decimal(0),
                label=label,
            )
        )
    return lines, net
