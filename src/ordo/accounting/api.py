"""REST API of the ledger (mounted at /api/v1/): accounts, journals, fiscal years,
periods and journal entries. The company is given by its code; one the caller is not a
member of answers 404 exactly like one that does not exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from ordo.core.apiutils import ERROR_RESPONSES, actor_of, page_of
from ordo.core.errors import InvalidInput, ValidationErrors
from ordo.core.money import minor_units, parse_decimal, validate_currency
from ordo.governance.access import get_visible_company, require

from . import selectors, services
from .models import Account, ExchangeRate, FiscalYear, Journal, JournalEntry, Period, Tax
from .schemas import (
    AccountIn,
    AccountOut,
    AccountPage,
    ConvertIn,
    ConvertOut,
    EntryIn,
    EntryOut,
    EntryPage,
    ExchangeRateIn,
    ExchangeRateOut,
    ExchangeRatePage,
    FiscalYearIn,
    FiscalYearOut,
    JournalPage,
    PeriodOut,
    PeriodPage,
    PeriodStateIn,
    ReverseIn,
    TaxIn,
    TaxOut,
    TaxPage,
    TaxPatch,
    TaxRoundingIn,
    TaxRoundingOut,
)
from .taxes import convert

router = Router(tags=["accounting"])


def _account_out(account: Account, company_code: str) -> dict[str, Any]:
    return {
        "id": account.pk,
        "company": company_code,
        "code": account.code,
        "name": account.name,
        "type": account.type,
        "role": account.role,
        "is_reconcilable": account.is_reconcilable,
        "is_active": account.is_active,
    }


def _journal_out(journal: Journal, company_code: str) -> dict[str, Any]:
    return {
        "id": journal.pk,
        "company": company_code,
        "code": journal.code,
        "name": journal.name,
        "kind": journal.kind,
        "default_account": journal.default_account.code if journal.default_account_id else None,
    }


def _period_out(period: Period, company_code: str) -> dict[str, Any]:
    return {
        "id": period.pk,
        "company": company_code,
        "fiscal_year": period.fiscal_year.name,
        "name": period.name,
        "start_date": period.start_date,
        "end_date": period.end_date,
        "state": period.state,
    }


def _entry_summary(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "company": entry.company.code,
        "journal": entry.journal.code,
        "number": entry.number,
        "date": entry.entry_date,
        "state": entry.state,
        "reference": entry.reference,
        "label": entry.label,
        "currency": entry.currency,
        "reversal_of": entry.reversal_of_id,
        "posted_at": entry.posted_at,
    }


def _entry_out(entry: JournalEntry) -> dict[str, Any]:
    lines = list(entry.lines.all())
    return _entry_summary(entry) | {
        "period": entry.period.name if entry.period_id else None,
        "posted_by": entry.posted_by.username if entry.posted_by_id else None,
        "total_debit": str(sum((line.debit for line in lines), Decimal("0.00"))),
        "total_credit": str(sum((line.credit for line in lines), Decimal("0.00"))),
        "lines": [
            {
                "id": line.pk,
                "account": line.account.code,
                "account_name": line.account.name,
                "partner": line.partner.code if line.partner_id else None,
                "label": line.label,
                "debit": str(line.debit),
                "credit": str(line.credit),
                "currency": line.currency,
                "amount_currency": None
                if line.amount_currency is None
                else str(line.amount_currency),
            }
            for line in lines
        ],
    }


def _line_inputs(payload: EntryIn) -> list[services.LineInput]:
    """Parse every line's amounts, reporting every unparsable one at once (422)."""
    errors: list[InvalidInput] = []
    result = []
    for i, line in enumerate(payload.lines):
        amounts = {}
        for side in ("debit", "credit", "amount_currency"):
            value = getattr(line, side)
            if value is None or (side == "amount_currency" and str(value).strip() == ""):
                amounts[side] = None
                continue
            try:
                amounts[side] = parse_decimal(value, field=f"lines.{i}.{side}")
            except InvalidInput as exc:
                errors.append(exc)
                amounts[side] = Decimal(0)
        result.append(
            services.LineInput(
                account_code=line.account,
                debit=amounts["debit"] or Decimal(0),
                credit=amounts["credit"] or Decimal(0),
                label=line.label,
                partner_id=line.partner_id,
                currency=line.currency,
                amount_currency=amounts["amount_currency"],
            )
        )
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)
    return result


@router.get("/accounts", response={200: AccountPage, **ERROR_RESPONSES})
def list_accounts(request: HttpRequest, company: str, limit: int = 100, offset: int = 0):
    actor = actor_of(request)
    company_obj = get_visible_company(actor, company)
    qs = selectors.list_accounts(actor, company_obj)
    return page_of(qs, limit, offset, lambda a: _account_out(a, company_obj.code))


@router.post("/accounts", response={201: AccountOut, **ERROR_RESPONSES})
def create_account(request: HttpRequest, payload: AccountIn):
    actor = actor_of(request)
    company = get_visible_company(actor, payload.company)
    account = services.create_account(
        actor=actor,
        company=company,
        code=payload.code,
        name=payload.name,
        type=payload.type,
        role=payload.role,
        is_reconcilable=payload.is_reconcilable,
    )
    return Status(201, _account_out(account, company.code))


@router.get("/journals", response={200: JournalPage, **ERROR_RESPONSES})
def list_journals(request: HttpRequest, company: str, limit: int = 100, offset: int = 0):
    actor = actor_of(request)
    company_obj = get_visible_company(actor, company)
    qs = selectors.list_journals(actor, company_obj)
    return page_of(qs, limit, offset, lambda j: _journal_out(j, company_obj.code))


@router.get("/periods", response={200: PeriodPage, **ERROR_RESPONSES})
def list_periods(request: HttpRequest, company: str, limit: int = 100, offset: int = 0):
    actor = actor_of(request)
    company_obj = get_visible_company(actor, company)
    qs = selectors.list_periods(actor, company_obj)
    return page_of(qs, limit, offset, lambda p: _period_out(p, company_obj.code))


@router.post("/periods/{period_id}/lock", response={200: PeriodOut, **ERROR_RESPONSES})
def lock_period(request: HttpRequest, period_id: int, payload: PeriodStateIn):
    actor = actor_of(request)
    period = services.set_period_state(
        actor=actor, period_id=period_id, state=payload.state, reason=payload.reason
    )
    period = Period.objects.select_related("fiscal_year", "company").get(pk=period.pk)
    return _period_out(period, period.company.code)


@router.post("/fiscal-years", response={201: FiscalYearOut, **ERROR_RESPONSES})
def create_fiscal_year(request: HttpRequest, payload: FiscalYearIn):
    actor = actor_of(request)
    company = get_visible_company(actor, payload.company)
    year = services.create_fiscal_year(
        actor=actor,
        company=company,
        start_date=payload.start_date,
        end_date=payload.end_date,
        name=payload.name,
    )
    year = FiscalYear.objects.get(pk=year.pk)
    periods = year.periods.select_related("fiscal_year").order_by("start_date")
    return Status(
        201,
        {
            "id": year.pk,
            "company": company.code,
            "name": year.name,
            "start_date": year.start_date,
            "end_date": year.end_date,
            "periods": [_period_out(p, company.code) for p in periods],
        },
    )


@router.get("/journal-entries", response={200: EntryPage, **ERROR_RESPONSES})
def list_journal_entries(
    request: HttpRequest,
    company: str,
    state: str | None = None,
    journal: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 100,
    offset: int = 0,
):
    actor = actor_of(request)
    company_obj = get_visible_company(actor, company)
    qs = selectors.list_entries(
        actor, company_obj, state=state, journal=journal, date_from=date_from, date_to=date_to
    )
    return page_of(qs, limit, offset, _entry_summary)


@router.post("/journal-entries", response={201: EntryOut, **ERROR_RESPONSES})
def create_journal_entry(request: HttpRequest, payload: EntryIn):
    actor = actor_of(request)
    company = get_visible_company(actor, payload.company)
    entry = services.create_journal_entry(
        actor=actor,
        company=company,
        journal_code=payload.journal,
        entry_date=payload.date,
        lines=_line_inputs(payload),
        reference=payload.reference,
        label=payload.label,
    )
    return Status(201, _entry_out(selectors.get_entry(actor, entry.pk)))


@router.get("/journal-entries/{entry_id}", response={200: EntryOut, **ERROR_RESPONSES})
def get_journal_entry(request: HttpRequest, entry_id: int):
    actor = actor_of(request)
    return _entry_out(selectors.get_entry(actor, entry_id))


@router.post("/journal-entries/{entry_id}/post", response={200: EntryOut, **ERROR_RESPONSES})
def post_journal_entry(request: HttpRequest, entry_id: int):
    actor = actor_of(request)
    services.post_journal_entry(actor=actor, entry_id=entry_id)
    return _entry_out(selectors.get_entry(actor, entry_id))


@router.post("/journal-entries/{entry_id}/reverse", response={201: EntryOut, **ERROR_RESPONSES})
def reverse_journal_entry(request: HttpRequest, entry_id: int, payload: ReverseIn):
    actor = actor_of(request)
    reversal = services.reverse_journal_entry(
        actor=actor, entry_id=entry_id, reversal_date=payload.date, reason=payload.reason
    )
    return Status(201, _entry_out(selectors.get_entry(actor, reversal.pk)))


# --------------------------------------------------------------------------- taxes


def _tax_out(tax: Tax, company_code: str) -> dict[str, Any]:
    return {
        "id": tax.pk,
        "company": company_code,
        "code": tax.code,
        "name": tax.name,
        "kind": tax.kind,
        "rate": str(tax.rate),
        "vat_category": tax.vat_category,
        "exemption_reason": tax.exemption_reason,
        "exemption_reason_code": tax.exemption_reason_code,
        "is_price_included": tax.is_price_included,
        "account": tax.account.code,
        "is_active": tax.is_active,
    }


@router.get("/taxes", response={200: TaxPage, **ERROR_RESPONSES})
def list_taxes(
    request: HttpRequest, company: str, kind: str | None = None, limit: int = 100, offset: int = 0
):
    actor = actor_of(request)
    company_obj = get_visible_company(actor, company)
    qs = selectors.list_taxes(actor, company_obj, kind)
    return page_of(qs, limit, offset, lambda t: _tax_out(t, company_obj.code))


@router.post("/taxes", response={201: TaxOut, **ERROR_RESPONSES})
def create_tax(request: HttpRequest, payload: TaxIn):
    actor = actor_of(request)
    company = get_visible_company(actor, payload.company)
    tax = services.create_tax(
        actor=actor,
        company=company,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        rate=payload.rate,
        vat_category=payload.vat_category,
        account=payload.account,
        exemption_reason=payload.exemption_reason,
        exemption_reason_code=payload.exemption_reason_code,
        is_price_included=payload.is_price_included,
    )
    return Status(201, _tax_out(tax, company.code))


@router.get("/taxes/{tax_id}", response={200: TaxOut, **ERROR_RESPONSES})
def get_tax(request: HttpRequest, tax_id: int):
    tax = selectors.get_tax(actor_of(request), tax_id)
    return _tax_out(tax, tax.company.code)


@router.patch("/taxes/{tax_id}", response={200: TaxOut, **ERROR_RESPONSES})
def update_tax(request: HttpRequest, tax_id: int, payload: TaxPatch):
    actor = actor_of(request)
    changes = payload.dict(exclude_unset=True)
    services.update_tax(actor=actor, tax_id=tax_id, changes=changes)
    tax = selectors.get_tax(actor, tax_id)
    return _tax_out(tax, tax.company.code)


@router.post("/tax-rounding", response={200: TaxRoundingOut, **ERROR_RESPONSES})
def set_tax_rounding(request: HttpRequest, payload: TaxRoundingIn):
    actor = actor_of(request)
    company = get_visible_company(actor, payload.company)
    row = services.set_tax_rounding(actor=actor, company=company, rounding=payload.rounding)
    return {"company": company.code, "tax_rounding": row.tax_rounding}


# --------------------------------------------------------------------------- exchange rates


def _rate_out(row: ExchangeRate, company_code: str) -> dict[str, Any]:
    return {
        "id": row.pk,
        "company": company_code,
        "currency": row.currency,
        "date": row.rate_date,
        "rate": str(row.rate),
    }


@router.get("/exchange-rates", response={200: ExchangeRatePage, **ERROR_RESPONSES})
def list_exchange_rates(
    request: HttpRequest,
    company: str,
    currency: str | None = None,
    limit: int = 100,
    offset: int = 0,
):
    actor = actor_of(request)
    company_obj = get_visible_company(actor, company)
    qs = selectors.list_exchange_rates(actor, company_obj, currency)
    return page_of(qs, limit, offset, lambda r: _rate_out(r, company_obj.code))


@router.post("/exchange-rates", response={201: ExchangeRateOut, **ERROR_RESPONSES})
def add_exchange_rate(request: HttpRequest, payload: ExchangeRateIn):
    actor = actor_of(request)
    company = get_visible_company(actor, payload.company)
    row = services.add_exchange_rate(
        actor=actor,
        company=company,
        currency=payload.currency,
        rate_date=payload.date,
        rate=payload.rate,
    )
    return Status(201, _rate_out(row, company.code))


@router.post("/exchange-rates/convert", response={200: ConvertOut, **ERROR_RESPONSES})
def convert_amount(request: HttpRequest, payload: ConvertIn):
    """An amount of ``currency`` in the company currency at the rate of ``date`` (or before)."""
    actor = actor_of(request)
    company = get_visible_company(actor, payload.company)
    require(actor, "accounting.ledger.view", company)
    errors: list[InvalidInput] = []
    currency = amount = None
    try:
        currency = validate_currency(payload.currency)
    except InvalidInput as exc:
        errors.append(exc)
    try:
        amount = parse_decimal(payload.amount, field="amount")
    except InvalidInput as exc:
        errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)
    point = selectors.exchange_rate_on(company, currency, payload.date)
    return {
        "amount": str(amount),
        "currency": currency,
        "rate": str(point.rate),
        "rate_date": point.rate_date,
        "company_amount": str(convert(amount, point.rate, minor_units(company.currency))),
        "company_currency": company.currency,
    }
