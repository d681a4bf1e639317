"""Reads of the ledger, filtered to the companies the user belongs to."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from ordo.core.models import Company, User
from ordo.governance.access import require, visible_company_ids

from .errors import JournalEntryNotFound
from .models import Account, Journal, JournalEntry, Period


def list_accounts(actor: User, company: Company) -> QuerySet[Account]:
    """The company's chart, by code. Needs accounting.ledger.view there."""
    require(actor, "accounting.ledger.view", company)
    return Account.objects.filter(company=company).order_by("code")


def list_journals(actor: User, company: Company) -> QuerySet[Journal]:
    require(actor, "accounting.ledger.view", company)
    return (
        Journal.objects.filter(company=company).select_related("default_account").order_by("code")
    )


def list_periods(actor: User, company: Company) -> QuerySet[Period]:
    require(actor, "accounting.ledger.view", company)
    return (
        Period.objects.filter(company=company).select_related("fiscal_year").order_by("start_date")
    )


def list_entries(
    actor: User,
    company: Company,
    *,
    state: str | None = None,
    journal: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[JournalEntry]:
    """Entries of a company, newest first, filtered by state, journal code and date range."""
    require(actor, "accounting.ledger.view", company)
    qs = JournalEntry.objects.filter(company=company).select_related("journal", "company")
    if state:
        qs = qs.filter(state=state)
    if journal:
        qs = qs.filter(journal__code=journal)
    if date_from:
        qs = qs.filter(entry_date__gte=date_from)
    if date_to:
        qs = qs.filter(entry_date__lte=date_to)
    return qs.order_by("-entry_date", "-id")


def get_entry(actor: User, entry_id: int) -> JournalEntry:
    """One entry with its lines; another company's (or none) → 404, no ledger.view → 403."""
    entry = (
        JournalEntry.objects.filter(pk=entry_id, company_id__in=visible_company_ids(actor))
        .select_related("company", "journal", "period", "reversal_of", "posted_by")
        .prefetch_related("lines__account", "lines__partner")
        .first()
    )
    if entry is None:
        raise JournalEntryNotFound(f"Journal entry {entry_id} not found.")
    require(actor, "accounting.ledger.view", entry.company)
    return entry
