"""API shapes of the ledger. Amounts travel as decimal strings: a JSON number is refused."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from ordo.core.apiutils import Page


class AccountIn(Schema):
    company: str
    code: str
    name: str
    type: str
    role: str = "other"
    is_reconcilable: bool = False


class AccountOut(Schema):
    id: int
    company: str
    code: str
    name: str
    type: str
    role: str
    is_reconcilable: bool
    is_active: bool


class AccountPage(Page):
    items: list[AccountOut]


class JournalOut(Schema):
    id: int
    company: str
    code: str
    name: str
    kind: str
    default_account: str | None


class JournalPage(Page):
    items: list[JournalOut]


class FiscalYearIn(Schema):
    company: str
    start_date: dt.date
    end_date: dt.date
    name: str = ""


class PeriodOut(Schema):
    id: int
    company: str
    fiscal_year: str
    name: str
    start_date: dt.date
    end_date: dt.date
    state: str


class PeriodPage(Page):
    items: list[PeriodOut]


class FiscalYearOut(Schema):
    id: int
    company: str
    name: str
    start_date: dt.date
    end_date: dt.date
    periods: list[PeriodOut]


class PeriodStateIn(Schema):
    state: str
    reason: str = ""


class LineIn(Schema):
    account: str
    debit: str = "0"
    credit: str = "0"
    label: str = ""
    partner_id: int | None = None
    currency: str | None = None
    amount_currency: str | None = None


class EntryIn(Schema):
    company: str
    journal: str
    date: dt.date
    reference: str = ""
    label: str = ""
    lines: list[LineIn]


class LineOut(Schema):
    id: int
    account: str
    account_name: str
    partner: str | None
    label: str
    debit: str
    credit: str
    currency: str
    amount_currency: str | None


class EntrySummaryOut(Schema):
    id: int
    company: str
    journal: str
    number: str
    date: dt.date
    state: str
    reference: str
    label: str
    currency: str
    reversal_of: int | None
    posted_at: dt.datetime | None


class EntryOut(EntrySummaryOut):
    period: str | None
    posted_by: str | None
    total_debit: str
    total_credit: str
    lines: list[LineOut]


class EntryPage(Page):
    items: list[EntrySummaryOut]


class ReverseIn(Schema):
    date: dt.date
    reason: str


class TaxIn(Schema):
    company: str
    code: str
    name: str
    kind: str
    rate: str
    vat_category: str
    account: str
    exemption_reason: str = ""
    exemption_reason_code: str = ""
    is_price_included: bool = False


class TaxPatch(Schema):
    code: str | None = None
    name: str | None = None
    rate: str | None = None
    vat_category: str | None = None
    account: str | None = None
    exemption_reason: str | None = None
    exemption_reason_code: str | None = None
    is_price_included: bool | None = None
    is_active: bool | None = None


class TaxOut(Schema):
    id: int
    company: str
    code: str
    name: str
    kind: str
    rate: str
    vat_category: str
    exemption_reason: str
    exemption_reason_code: str
    is_price_included: bool
    account: str
    is_active: bool


class TaxPage(Page):
    items: list[TaxOut]


class TaxRoundingIn(Schema):
    company: str
    rounding: str


class TaxRoundingOut(Schema):
    company: str
    tax_rounding: str


class ExchangeRateIn(Schema):
    company: str
    currency: str
    date: dt.date
    rate: str


class ExchangeRateOut(Schema):
    id: int
    company: str
    currency: str
    date: dt.date
    rate: str


class ExchangeRatePage(Page):
    items: list[ExchangeRateOut]


class ConvertIn(Schema):
    company: str
    currency: str
    amount: str
    date: dt.date


class ConvertOut(Schema):
    amount: str
    currency: str
    rate: str
    rate_date: dt.date
    company_amount: str
    company_currency: str
