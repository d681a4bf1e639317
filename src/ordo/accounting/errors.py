"""Errors of the ledger (codes are stable: integrators match on them)."""

from __future__ import annotations

from ordo.core.errors import Conflict, InvalidInput, NotFound


class AccountNotFound(NotFound):
    code = "accounting.account_not_found"


class JournalEntryNotFound(NotFound):
    code = "accounting.entry_not_found"


class PeriodNotFound(NotFound):
    code = "accounting.period_not_found"


class UnbalancedEntry(InvalidInput):
    code = "accounting.unbalanced"


class NoOpenPeriod(Conflict):
    code = "accounting.no_period"


class PeriodLocked(Conflict):
    code = "accounting.period_locked"


class EntryPosted(Conflict):
    """A posted entry is immutable: corrections are reversals."""

    code = "accounting.entry_posted"


class FiscalYearOverlap(Conflict):
    code = "accounting.fiscal_year_overlap"


class TaxNotFound(NotFound):
    code = "accounting.tax_not_found"


class NoExchangeRate(Conflict):
    code = "accounting.no_exchange_rate"
