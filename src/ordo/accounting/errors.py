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


class InvoiceNotFound(NotFound):
    code = "accounting.invoice_not_found"


class PaymentNotFound(NotFound):
    code = "accounting.payment_not_found"


class AllocationNotFound(NotFound):
    code = "accounting.allocation_not_found"


class StatementNotFound(NotFound):
    code = "bank.statement_not_found"


class ReconciliationNotFound(NotFound):
    code = "bank.reconciliation_not_found"


class StatementLineNotFound(NotFound):
    code = "bank.line_not_found"
