"""REST API of the financial reports (mounted at /api/v1/reports/) and year-end closing.

Dates default to today (``as_of``, ``date_to``) and the 1st of January of that year
(``date_from``).

Each report answers JSON by default (the report's own fields, plus ``columns`` and
``rows`` as displayed), or a file with ``?format=csv`` or ``?format=xlsx``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status

from ordo.core.apiutils import ERROR_RESPONSES, actor_of
from ordo.core.errors import InvalidInput
from ordo.governance.access import get_visible_company

from . import closing, reports
from .report_export import report_heading, to_csv, to_xlsx

router = Router(tags=["reports"])

FORMATS = ("json", "csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _respond(report, format: str, slug: str):
    if format not in FORMATS:
        raise InvalidInput(
            f"format must be one of {', '.join(FORMATS)}, got {format!r}.",
            field="format",
            code="report.format",
        )
    if format == "json":
        return _plain(dataclasses.asdict(report)) | {
            "title": report.title,
            "heading": report_heading(report),
            "columns": [c.title for c in report.columns()],
            "rows": [_plain(list(row)) for row in report.rows()],
        }
    content, content_type = (
        (to_csv(report), "text/csv; charset=utf-8") if format == "csv" else (to_xlsx(report), XLSX)
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{report.company_code}-{slug}-{report.period_label.replace(" ", "_")}'
        f'.{format}"'
    )
    return response


def _today() -> dt.date:
    return timezone.localdate()


def _year_start(date_to: dt.date | None) -> dt.date:
    """Without dates a period report covers the calendar year to date."""
    return (date_to or _today()).replace(month=1, day=1)


RESPONSES = {200: dict[str, Any], **ERROR_RESPONSES}


@router.get("/trial-balance", response=RESPONSES)
def trial_balance(
    request: HttpRequest,
    company: str,
    as_of: dt.date | None = None,
    date_from: dt.date | None = None,
    format: str = "json",
):
    actor = actor_of(request)
    report = reports.trial_balance(
        actor, get_visible_company(actor, company), as_of=as_of or _today(), date_from=date_from
    )
    return _respond(report, format, "trial-balance")


@router.get("/general-ledger", response=RESPONSES)
def general_ledger(
    request: HttpRequest,
    company: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    account: str | None = None,
    partner_id: int | None = None,
    limit: int | None = None,
    format: str = "json",
):
    """``account`` takes one code or several separated by commas."""
    actor = actor_of(request)
    codes = [c.strip() for c in account.split(",") if c.strip()] if account else None
    report = reports.general_ledger(
        actor,
        get_visible_company(actor, company),
        date_from=date_from or _year_start(date_to),
        date_to=date_to or _today(),
        account_codes=codes,
        partner_id=partner_id,
        limit=limit,
    )
    return _respond(report, format, "general-ledger")


@router.get("/profit-and-loss", response=RESPONSES)
def profit_and_loss(
    request: HttpRequest,
    company: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    format: str = "json",
):
    actor = actor_of(request)
    report = reports.profit_and_loss(
        actor,
        get_visible_company(actor, company),
        date_from=date_from or _year_start(date_to),
        date_to=date_to or _today(),
    )
    return _respond(report, format, "profit-and-loss")


@router.get("/balance-sheet", response=RESPONSES)
def balance_sheet(
    request: HttpRequest, company: str, as_of: dt.date | None = None, format: str = "json"
):
    actor = actor_of(request)
    report = reports.balance_sheet(
        actor, get_visible_company(actor, company), as_of=as_of or _today()
    )
    return _respond(report, format, "balance-sheet")


@router.get("/aged-receivables", response=RESPONSES)
def aged_receivables(
    request: HttpRequest, company: str, as_of: dt.date | None = None, format: str = "json"
):
    actor = actor_of(request)
    report = reports.aged_receivables(
        actor, get_visible_company(actor, company), as_of=as_of or _today()
    )
    return _respond(report, format, "aged-receivables")


@router.get("/aged-payables", response=RESPONSES)
def aged_payables(
    request: HttpRequest, company: str, as_of: dt.date | None = None, format: str = "json"
):
    actor = actor_of(request)
    report = reports.aged_payables(
        actor, get_visible_company(actor, company), as_of=as_of or _today()
    )
    return _respond(report, format, "aged-payables")


@router.get("/tax", response=RESPONSES)
def tax(
    request: HttpRequest,
    company: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    format: str = "json",
):
    actor = actor_of(request)
    report = reports.tax_report(
        actor,
        get_visible_company(actor, company),
        date_from=date_from or _year_start(date_to),
        date_to=date_to or _today(),
    )
    return _respond(report, format, "tax")


closing_router = Router(tags=["ledger"])


class CloseIn(Schema):
    closing_date: dt.date | None = None


class CloseOut(Schema):
    fiscal_year: int
    entry: str
    entry_id: int


@closing_router.post(
    "/fiscal-years/{fiscal_year_id}/close", response={201: CloseOut, **ERROR_RESPONSES}
)
def close_fiscal_year(request: HttpRequest, fiscal_year_id: int, payload: CloseIn):
    """Year-end closing: income and expense moved to retained earnings (409 if done)."""
    entry = closing.close_fiscal_year(
        actor=actor_of(request), fiscal_year_id=fiscal_year_id, closing_date=payload.closing_date
    )
    return Status(201, {"fiscal_year": fiscal_year_id, "entry": entry.number, "entry_id": entry.pk})
