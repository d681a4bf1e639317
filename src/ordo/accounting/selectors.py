"""Reads of the ledger, filtered to the companies the user belongs to."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from ordo.core.models import Company, User
from ordo.governance.access import require, visible_company_ids

from .errors import JournalEntryNotFound, TaxNotFound
from .models import (
    Account,
    AccountingSettings,
    ExchangeRate,
    Journal,
    JournalEntry,
    Period,
    Tax,
    TaxRounding,
)
from .taxes import RatePoint, rate_on


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


def list_taxes(actor: User, company: Company, kind: str | None = None) -> QuerySet[Tax]:
    """The company's taxes (sale or purchase with ``kind``), by kind and code."""
    require(actor, "accounting.ledger.view", company)
    qs = Tax.objects.filter(company=company).select_related("account")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "code")


def get_tax(actor: User, tax_id: int) -> Tax:
    """One tax; another company's (or none) → 404 "Tax 5 not found.", no ledger.view → 403."""
    tax = (
        Tax.objects.filter(pk=tax_id, company_id__in=visible_company_ids(actor))
        .select_related("company", "account")
        .first()
    )
    if tax is None:
        raise TaxNotFound(f"Tax {tax_id} not found.")
    require(actor, "accounting.ledger.view", tax.company)
    return tax


def tax_rounding_of(company: Company) -> str:
    """The company's tax rounding ("line" unless set to "document")."""
    value = (
        AccountingSettings.objects.filter(company=company)
        .values_list("tax_rounding", flat=True)
        .first()
    )
    return value or TaxRounding.LINE


def list_exchange_rates(
    actor: User, company: Company, currency: str | None = None
) -> QuerySet[ExchangeRate]:
    """The company's exchange rates, newest first, optionally of one currency."""
    require(actor, "accounting.ledger.view", company)
    qs = ExchangeRate.objects.filter(company=company)
    if currency:
        qs = qs.filter(currency=currency.strip().upper())
    return qs.order_by("currency", "-rate_date")


def exchange_rate_on(company: Company, currency: str, on: dt.date) -> RatePoint:
    """The latest rate of ``currency`` on or before ``on`` (one query; none → 409).

    The company's own currency has rate 1 on any date (no query).
    """
    if currency == company.currency:
        return RatePoint(currency, on, Decimal(1))
    rows = (
        ExchangeRate.objects.filter(company=company, currency=currency, rate_date__lte=on)
        .order_by("-rate_date")
        .values_list("rate_date", "rate")[:1]
    )
    return rate_on(
        [RatePoint(currency, day, rate) for day, rate in rows],
        currency,
        on,
        company_code=company.code,
        company_currency=company.currency,
    )
