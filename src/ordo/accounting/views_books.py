"""The accountant's books pages: journal entries, periods and year-end closing, reports.

Views only shape input (``forms_books``), call the ledger's services and selectors and
render; a DomainError is shown inline (422/409 re-render), NotFound answers 404 and
PermissionDenied 403. Buttons are hidden from users who lack the permission, but the
services are what enforce it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ordo.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied, ValidationErrors
from ordo.core.money import parse_decimal, quantize_money
from ordo.core.webutils import attach_error, error_status, paginate, submit
from ordo.governance.access import has_permission
from ordo.partners import selectors as partner_selectors

from . import closing, reports, selectors, services
from .forms_books import (
    EntryFilterForm,
    FiscalYearForm,
    JournalEntryForm,
    PeriodStateForm,
    ReportFilterForm,
    ReverseEntryForm,
)
from .models import PERIOD_TRANSITIONS, EntryState, JournalEntry, PeriodState
from .report_export import to_csv, to_xlsx

LEDGER_VIEW = "accounting.ledger.view"
ENTRY_CREATE = "accounting.entry.create"
ENTRY_POST = "accounting.entry.post"
PERIOD_LOCK = "accounting.period.lock"
CHART_MANAGE = "accounting.chart.manage"
REPORT_VIEW = reports.REPORT_PERMISSION

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> dt.date:
    """Today in the site's time zone (tests replace it)."""
    return timezone.localdate()


def _denied(exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    return HttpResponseForbidden(exc.message)


def _no_company() -> HttpResponse:
    return HttpResponseForbidden("You belong to no company.")


def money(amount: Decimal | None, currency: str) -> str:
    """``1,234.50`` — the company currency's places, thousands separated (blank for None)."""
    if amount is None:
        return ""
    return f"{quantize_money(amount, currency):,}"


# --------------------------------------------------------------------------- entries


def _journal_choices(request: HttpRequest, company) -> list[tuple[str, str]]:
    return [
        (j.code, f"{j.code} · {j.name}") for j in selectors.list_journals(request.user, company)
    ]


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    """The current company's entries, newest first, filtered by journal, state and dates."""
    company = request.company
    if company is None:
        return _no_company()
    try:
        journals = _journal_choices(request, company)
    except DomainError as exc:
        return _denied(exc)
    form = EntryFilterForm(request.GET or None, journal_choices=journals)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = selectors.list_entries(
        request.user,
        company,
        state=filters.get("state") or None,
        journal=filters.get("journal") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    ).annotate(total_amount=Sum("lines__debit"))
    context = paginate(request, entries)
    context.update(
        form=form,
        company=company,
        rows=[
            (entry, money(entry.total_amount, entry.currency)) for entry in context["object_list"]
        ],
        is_filtered=bool(filters and any(filters.values())),
        can_create=has_permission(request.user, ENTRY_CREATE, company),
    )
    return render(request, "accounting/books/entry_list.html", context)


def _render_entry(
    request: HttpRequest,
    entry: JournalEntry,
    *,
    reverse_form: ReverseEntryForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    lines = list(entry.lines.all())
    currency = entry.currency
    debit = sum((line.debit for line in lines), Decimal(0))
    credit = sum((line.credit for line in lines), Decimal(0))
    can_post = has_permission(request.user, ENTRY_POST, entry.company)
    reversals = list(entry.reversals.all())
    return render(
        request,
        "accounting/books/entry_detail.html",
        {
            "entry": entry,
            "lines": [
                (line, money(line.debit or None, currency), money(line.credit or None, currency))
                for line in lines
            ],
            "total_debit": money(debit, currency),
            "total_credit": money(credit, currency),
            "is_balanced": debit == credit,
            "difference": money(abs(debit - credit), currency),
            "reversals": reversals,
            "can_post": can_post and entry.state == EntryState.DRAFT,
            "can_edit": entry.state == EntryState.DRAFT
            and has_permission(request.user, ENTRY_CREATE, entry.company),
            "can_reverse": can_post and entry.state == EntryState.POSTED and not reversals,
            "reverse_form": reverse_form or ReverseEntryForm(initial={"reversal_date": _today()}),
            "error": error,
        },
        status=status,
    )


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        entry = selectors.get_entry(request.user, pk)
    except DomainError as exc:
        return _denied(exc)
    return _render_entry(request, entry)


@login_required
@require_POST
def entry_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a draft; an unbalanced entry (422) or a locked period (409) is shown inline."""
    try:
        entry = selectors.get_entry(request.user, pk)
    except DomainError as exc:
        return _denied(exc)
    try:
        posted = services.post_journal_entry(actor=request.user, entry_id=entry.pk)
    except (NotFound, PermissionDenied) as exc:
        return _denied(exc)
    except DomainError as exc:
        return _render_entry(request, entry, error=exc.message, status=error_status(exc))
    messages.success(request, f"Journal entry {posted.number} posted.")
    return redirect("accounting:entry_detail", pk=posted.pk)


@login_required
@require_POST
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Reverse a posted entry on a date, with a reason (kept on the reversal and audited)."""
    try:
        entry = selectors.get_entry(request.user, pk)
    except DomainError as exc:
        return _denied(exc)
    form = ReverseEntryForm(request.POST)
    try:
        reversal, status = submit(
            form,
            lambda data: services.reverse_journal_entry(
                actor=request.user,
                entry_id=entry.pk,
                reversal_date=data["reversal_date"],
                reason=data["reason"],
            ),
            propagate=(NotFound, PermissionDenied),
        )
    except DomainError as exc:
        return _denied(exc)
    if status != 200:
        # A refusal about the entry itself (already reversed, locked period) shows on top.
        error = " ".join(form.non_field_errors())
        return _render_entry(request, entry, reverse_form=form, error=error, status=status)
    messages.success(request, f"Journal entry {entry.number} reversed by {reversal.number}.")
    return redirect("accounting:entry_detail", pk=reversal.pk)


def _line_field(rows: list[int]) -> Callable[[str | None], str | None]:
    """Map the service's lines.<n>[.field] (n-th filled line) to the form row's field."""

    def rename(name: str | None) -> str | None:
        if name and (match := re.fullmatch(r"lines\.(\d+)(?:\.(\w+))?", name)):
            index = int(match[1])
            if index < len(rows):
                field = match[2] if match[2] in ("account", "partner", "debit", "credit") else None
                return f"line{rows[index]}_{field or 'debit'}"
        return name

    return rename


def _entry_lines(request: HttpRequest, data: dict, rows: list[int]) -> list[services.LineInput]:
    """The filled rows of the form as LineInput; ``rows`` gets the form row of each.

    Every row problem is reported at once, on the row's own field."""
    lines, errors = [], []
    count = sum(1 for key in data if key.startswith("line") and key.endswith("_account"))
    for i in range(count):
        values = {
            name: (data.get(f"line{i}_{name}") or "").strip()
            for name in ("account", "partner", "label", "debit", "credit")
        }
        if not any(values.values()):
            continue
        where = f"Line {i + 1}"
        if not values["account"]:
            errors.append(InvalidInput(f"{where}: choose an account.", field=f"line{i}_account"))
        amounts = {}
        for side in ("debit", "credit"):
            text = values[side].replace(",", "")
            try:
                amounts[side] = parse_decimal(text, field=side) if text else Decimal(0)
            except InvalidInput:
                errors.append(
                    InvalidInput(
                        f"{where}: {side} {values[side]!r} is not a number.",
                        field=f"line{i}_{side}",
                    )
                )
                amounts[side] = Decimal(0)
        partner_id = None
        if values["partner"]:
            partner = partner_selectors.find_partner_by_code(
                actor=request.user, code=values["partner"]
            )
            if partner is None:
                errors.append(
                    InvalidInput(
                        f"{where}: partner {values['partner']} not found.",
                        field=f"line{i}_partner",
                    )
                )
            else:
                partner_id = partner.pk
        rows.append(i)
        lines.append(
            services.LineInput(
                account_code=values["account"],
                debit=amounts["debit"],
                credit=amounts["credit"],
                label=values["label"],
                partner_id=partner_id,
            )
        )
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    """Draft an entry ("Save draft") or draft and post it at once ("Save and post").

    Posting at once is one transaction: an unbalanced entry saves nothing and comes back
    with the difference named (422)."""
    company = request.company
    if company is None:
        return _no_company()
    return _entry_form(request, company, entry=None)


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft's date, texts and lines ("Save draft"), or change and post it in one
    transaction ("Save and post"). A posted entry is never edited: back to its page."""
    try:
        entry = selectors.get_entry(request.user, pk)
    except DomainError as exc:
        return _denied(exc)
    if entry.state != EntryState.DRAFT:
        messages.error(request, f"Journal entry {entry.number} is posted: reverse it instead.")
        return redirect("accounting:entry_detail", pk=entry.pk)
    return _entry_form(request, entry.company, entry=entry)


def _entry_initial(entry: JournalEntry | None) -> dict:
    if entry is None:
        return {"entry_date": _today()}
    initial = {
        "journal": entry.journal.code,
        "entry_date": entry.entry_date,
        "reference": entry.reference,
        "label": entry.label,
    }
    for i, line in enumerate(entry.lines.select_related("account", "partner").order_by("id")):
        initial |= {
            f"line{i}_account": line.account.code,
            f"line{i}_partner": line.partner.code if line.partner_id else "",
            f"line{i}_label": line.label,
            f"line{i}_debit": f"{line.debit:f}" if line.debit else "",
            f"line{i}_credit": f"{line.credit:f}" if line.credit else "",
        }
    return initial


def _entry_form(request: HttpRequest, company, *, entry: JournalEntry | None) -> HttpResponse:
    if not has_permission(request.user, ENTRY_CREATE, company):
        return HttpResponseForbidden(
            f"{request.user.username} may not draft journal entries in {company.code}."
        )
    try:
        journals = _journal_choices(request, company)
        accounts = [
            (a.code, f"{a.code} · {a.name}")
            for a in selectors.list_accounts(request.user, company)
            if a.is_active
        ]
        partners = list(
            partner_selectors.list_partners(actor=request.user, is_active=True).values_list(
                "code", "name"
            )[:500]
        )
    except DomainError as exc:
        return _denied(exc)
    existing = entry.lines.count() if entry is not None else 0
    form = JournalEntryForm(
        request.POST or None,
        journal_choices=journals,
        account_choices=accounts,
        initial=_entry_initial(entry),
        rows=existing + 2,
    )
    if entry is not None:
        form.fields["journal"].disabled = True  # an entry stays in its journal
    post_now = request.POST.get("action") == "post"
    status = 200
    if request.method == "POST":
        rows: list[int] = []

        def save(data: dict) -> JournalEntry:
            lines = _entry_lines(request, data, rows)
            if entry is None:
                create = services.post_entry_now if post_now else services.create_journal_entry
                return create(
                    actor=request.user,
                    company=company,
                    journal_code=data["journal"],
                    entry_date=data["entry_date"],
                    lines=lines,
                    reference=data["reference"],
                    label=data["label"],
                )
            with transaction.atomic():
                saved = services.update_journal_entry(
                    actor=request.user,
                    entry_id=entry.pk,
                    entry_date=data["entry_date"],
                    lines=lines,
                    reference=data["reference"],
                    label=data["label"],
                )
                if post_now:
                    saved = services.post_journal_entry(actor=request.user, entry_id=entry.pk)
                return saved

        try:
            saved, status = submit(
                form, save, field_map=_line_field(rows), propagate=(PermissionDenied,)
            )
        except PermissionDenied as exc:
            return HttpResponseForbidden(exc.message)
        if status == 200:
            if post_now:
                messages.success(request, f"Journal entry {saved.number} posted.")
            else:
                messages.success(request, f"Draft entry {saved.pk} saved.")
            return redirect("accounting:entry_detail", pk=saved.pk)
    return render(
        request,
        "accounting/books/entry_form.html",
        {
            "form": form,
            "entry": entry,
            "company": company,
            "partners": partners,
            "can_post": has_permission(request.user, ENTRY_POST, company),
        },
        status=status,
    )


# --------------------------------------------------------------------------- periods

TRANSITION_BUTTONS = {
    PeriodState.SOFT_LOCKED: "Soft-lock",
    PeriodState.HARD_LOCKED: "Hard-lock",
    PeriodState.OPEN: "Reopen",
}
STATE_DONE = {
    PeriodState.SOFT_LOCKED: "soft-locked",
    PeriodState.HARD_LOCKED: "hard-locked",
    PeriodState.OPEN: "reopened",
}
STATE_BADGE = {
    PeriodState.OPEN: ("open", "ok"),
    PeriodState.SOFT_LOCKED: ("soft-locked", "warn"),
    PeriodState.HARD_LOCKED: ("hard-locked", "bad"),
}


def _drafts_label(count: int) -> str:
    return f"{count} draft entr{'y' if count == 1 else 'ies'}" if count else ""


def _render_periods(
    request: HttpRequest,
    *,
    status: int = 200,
    period_error: tuple[int, str, str] | None = None,
    year_error: tuple[int, str] | None = None,
    year_form: FiscalYearForm | None = None,
) -> HttpResponse:
    """The period close page; ``period_error`` = (period id, message, reason typed),
    ``year_error`` = (fiscal year id, message)."""
    company = request.company
    if company is None:
        return _no_company()
    try:
        periods = list(selectors.list_periods(request.user, company))
        draft_dates = list(
            selectors.list_entries(request.user, company, state=EntryState.DRAFT).values_list(
                "entry_date", flat=True
            )
        )
    except DomainError as exc:
        return _denied(exc)
    can_lock = has_permission(request.user, PERIOD_LOCK, company)
    years: dict[int, dict] = {}
    for period in periods:
        year = period.fiscal_year
        card = years.setdefault(
            year.pk, {"year": year, "periods": [], "closing_entry": None, "error": ""}
        )
        drafts = sum(1 for day in draft_dates if period.start_date <= day <= period.end_date)
        label, badge = STATE_BADGE[period.state]
        error = period_error if period_error and period_error[0] == period.pk else None
        card["periods"].append(
            {
                "period": period,
                "state_label": label,
                "badge": badge,
                "drafts": _drafts_label(drafts),
                "draft_count": drafts,
                "buttons": [
                    (state, TRANSITION_BUTTONS[state])
                    for state in (
                        PeriodState.SOFT_LOCKED,
                        PeriodState.HARD_LOCKED,
                        PeriodState.OPEN,
                    )
                    if state in PERIOD_TRANSITIONS[period.state]
                ]
                if can_lock
                else [],
                "error": error[1] if error else "",
                "reason": error[2] if error else "",
            }
        )
    cards = sorted(years.values(), key=lambda card: card["year"].start_date, reverse=True)
    for card in cards:
        card["closing_entry"] = closing.find_closing_entry(card["year"])
        if year_error and year_error[0] == card["year"].pk:
            card["error"] = year_error[1]
    can_create_year = has_permission(request.user, CHART_MANAGE, company)
    if year_form is None and can_create_year:
        year_form = FiscalYearForm(initial=_next_year_dates(cards))
    return render(
        request,
        "accounting/books/period_list.html",
        {
            "company": company,
            "years": cards,
            "can_lock": can_lock,
            "can_close": can_lock,
            "year_form": year_form if can_create_year else None,
        },
        status=status,
    )


def _next_year_dates(cards: list[dict]) -> dict:
    """The year after the newest fiscal year (or the current calendar year)."""
    if not cards:
        today = _today()
        return {"start_date": dt.date(today.year, 1, 1), "end_date": dt.date(today.year, 12, 31)}
    last = cards[0]["year"]
    start = last.end_date + dt.timedelta(days=1)
    length = last.end_date - last.start_date
    try:
        end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        end = start + length
    return {"start_date": start, "end_date": end}


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    return _render_periods(request)


@login_required
@require_POST
def period_state(request: HttpRequest, pk: int) -> HttpResponse:
    """Soft-lock, hard-lock or reopen a period with a reason (409 when not allowed)."""
    form = PeriodStateForm(request.POST)
    reason = (request.POST.get("reason") or "").strip()
    if not form.is_valid():
        message = "; ".join(e for errors in form.errors.values() for e in errors)
        return _render_periods(request, status=422, period_error=(pk, message, reason))
    try:
        period = services.set_period_state(
            actor=request.user,
            period_id=pk,
            state=form.cleaned_data["state"],
            reason=form.cleaned_data["reason"],
        )
    except (NotFound, PermissionDenied) as exc:
        return _denied(exc)
    except DomainError as exc:
        return _render_periods(
            request, status=error_status(exc), period_error=(pk, exc.message, reason)
        )
    messages.success(request, f"Period {period.name} {STATE_DONE[period.state]}.")
    return redirect(reverse("accounting:period_list") + f"#period-{period.pk}")


@login_required
@require_POST
def fiscal_year_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Post the year-end closing entry (409 if the year is already closed)."""
    try:
        entry = closing.close_fiscal_year(actor=request.user, fiscal_year_id=pk)
    except (NotFound, PermissionDenied) as exc:
        return _denied(exc)
    except DomainError as exc:
        return _render_periods(request, status=error_status(exc), year_error=(pk, exc.message))
    messages.success(request, f"{entry.label}: closing entry {entry.number} posted.")
    return redirect(reverse("accounting:period_list") + f"#fiscal-year-{pk}")


@login_required
@require_POST
def fiscal_year_create(request: HttpRequest) -> HttpResponse:
    company = request.company
    if company is None:
        return _no_company()
    form = FiscalYearForm(request.POST)
    try:
        year, status = submit(
            form,
            lambda data: services.create_fiscal_year(
                actor=request.user,
                company=company,
                start_date=data["start_date"],
                end_date=data["end_date"],
                name=data["name"] or "",
            ),
            propagate=(PermissionDenied,),
        )
    except PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    if status != 200:
        return _render_periods(request, status=status, year_form=form)
    messages.success(request, f"Fiscal year {year.name} created with its monthly periods.")
    return redirect(reverse("accounting:period_list") + f"#fiscal-year-{year.pk}")


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True, slots=True)
class ReportSpec:
    slug: str
    title: str
    description: str
    needs: tuple[str, ...]  # the filter fields shown
    required: tuple[str, ...]


REPORT_SPECS = (
    ReportSpec(
        "trial-balance",
        "Trial balance",
        "Every account's opening balance, debits, credits and closing balance; "
        "total debits must equal total credits.",
        ("date_from", "as_of"),
        ("as_of",),
    ),
    ReportSpec(
        "general-ledger",
        "General ledger",
        "The posted lines of each account in date order with a running balance; "
        "narrow it to some accounts or a partner.",
        ("date_from", "date_to", "accounts", "partner"),
        ("date_from", "date_to"),
    ),
    ReportSpec(
        "profit-and-loss",
        "Profit and loss",
        "Income and expense per account over a range and the net result "
        "(the year-end closing entry left out).",
        ("date_from", "date_to"),
        ("date_from", "date_to"),
    ),
    ReportSpec(
        "balance-sheet",
        "Balance sheet",
        "Assets, liabilities and equity on a date, with the result of the current year; "
        "assets equal liabilities plus equity.",
        ("as_of",),
        ("as_of",),
    ),
    ReportSpec(
        "aged-receivables",
        "Aged receivables",
        "What each customer owes on a date, by days past due: not due, 1–30, 31–60, "
        "61–90, over 90.",
        ("as_of",),
        ("as_of",),
    ),
    ReportSpec(
        "aged-payables",
        "Aged payables",
        "What is owed to each supplier on a date, by days past due.",
        ("as_of",),
        ("as_of",),
    ),
    ReportSpec(
        "tax",
        "VAT report",
        "Base and VAT per tax of the posted documents over a range: output, input and "
        "net VAT payable.",
        ("date_from", "date_to"),
        ("date_from", "date_to"),
    ),
)
REPORTS = {spec.slug: spec for spec in REPORT_SPECS}
# The HTML general ledger shows this many lines per account; the downloads hold all.
LEDGER_PAGE_LIMIT = 500


def _current_year(request: HttpRequest, company) -> tuple[dt.date, dt.date]:
    """The fiscal year holding today (else the latest one begun, else the calendar year)."""
    today = _today()
    calendar = (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    if not has_permission(request.user, LEDGER_VIEW, company):
        return calendar
    years = {
        (p.fiscal_year.start_date, p.fiscal_year.end_date)
        for p in selectors.list_periods(request.user, company)
    }
    holding = [y for y in years if y[0] <= today <= y[1]]
    begun = sorted(y for y in years if y[0] <= today)
    if holding:
        return holding[0]
    return begun[-1] if begun else calendar


def _report_defaults(request: HttpRequest, company) -> dict[str, str]:
    start, end = _current_year(request, company)
    as_of = min(max(_today(), start), end)
    return {
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
        "as_of": as_of.isoformat(),
        "accounts": "",
        "partner": "",
    }


def _run_report(request: HttpRequest, company, spec: ReportSpec, data: dict, *, limit=None):
    actor = request.user
    if spec.slug == "trial-balance":
        return reports.trial_balance(
            actor, company, as_of=data["as_of"], date_from=data.get("date_from")
        )
    if spec.slug == "general-ledger":
        codes = [c.strip() for c in (data.get("accounts") or "").split(",") if c.strip()]
        partner_id = None
        if code := (data.get("partner") or "").strip():
            partner = partner_selectors.find_partner_by_code(actor=actor, code=code)
            if partner is None:
                raise InvalidInput(f"Partner {code} not found.", field="partner")
            partner_id = partner.pk
        return reports.general_ledger(
            actor,
            company,
            date_from=data["date_from"],
            date_to=data["date_to"],
            account_codes=codes or None,
            partner_id=partner_id,
            limit=limit,
        )
    if spec.slug == "profit-and-loss":
        return reports.profit_and_loss(
            actor, company, date_from=data["date_from"], date_to=data["date_to"]
        )
    if spec.slug == "balance-sheet":
        return reports.balance_sheet(actor, company, as_of=data["as_of"])
    if spec.slug == "aged-receivables":
        return reports.aged_receivables(actor, company, as_of=data["as_of"])
    if spec.slug == "aged-payables":
        return reports.aged_payables(actor, company, as_of=data["as_of"])
    return reports.tax_report(actor, company, date_from=data["date_from"], date_to=data["date_to"])


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    is_number: bool = False


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row of the HTML report: ``kind`` is "" (a line), "total", "grand" or "balance"
    (opening/closing of a ledger account); a "group" row has only ``heading``."""

    kind: str
    cells: tuple[Cell, ...] = ()
    heading: str = ""


def _cell_text(value, kind: str, currency: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if kind == "rate":
            return f"{value.normalize():f} %"
        return money(value, currency)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


GRAND_TOTALS = {"Net result", "Total liabilities and equity", "Net VAT payable"}


def _row_kind(slug: str, texts: list[str]) -> str:
    """How a row of ``rows()`` is styled, from its text cells (first column dropped for
    grouped reports)."""
    if any(text in GRAND_TOTALS for text in texts):
        return "grand"
    if slug == "general-ledger" and texts[3] in ("Opening balance", "Closing balance"):
        return "balance"
    if slug in ("trial-balance", "aged-receivables", "aged-payables") and texts[1] == "Total":
        return "grand"
    if slug == "tax" and texts[0] == "":
        return "total"
    if any(text.startswith("Total ") for text in texts):
        return "total"
    return ""


def report_table(slug: str, report) -> tuple[list[str], list[bool], list[TableRow]]:
    """Headers, which columns are numbers, and the rows of a report for HTML.

    The general ledger, P&L and balance sheet are grouped on their first column (the
    account, or the section): a heading row opens each group and the column is dropped.
    """
    columns = list(report.columns())
    grouped = slug in ("general-ledger", "profit-and-loss", "balance-sheet")
    names = {}
    if slug == "general-ledger":
        names = {a.account_code: f"{a.account_code} · {a.account_name}" for a in report.accounts}
    shown = columns[1:] if grouped else columns
    rows: list[TableRow] = []
    current = None
    for row in report.rows():
        values = list(row)
        if grouped:
            group, values = values[0], values[1:]
            if group and group != current:
                rows.append(TableRow("group", heading=names.get(group, group)))
            current = group
        cells = tuple(
            Cell(
                _cell_text(value, column.kind, report.currency),
                column.kind in ("amount", "rate"),
            )
            for value, column in zip(values, shown, strict=True)
        )
        texts = [str(v) if isinstance(v, str) else "" for v in values]
        rows.append(TableRow(_row_kind(slug, texts), cells))
    return (
        [c.title for c in shown],
        [c.kind in ("amount", "rate") for c in shown],
        rows,
    )


def _report_summary(slug: str, report) -> dict | None:
    """The check line shown above a report: text and whether it is fine."""
    cur = report.currency
    if slug == "trial-balance":
        if report.is_balanced:
            text = (
                f"The trial balance balances: debits {money(report.total_debit, cur)} = "
                f"credits {money(report.total_credit, cur)} {cur}."
            )
        else:
            text = (
                f"The trial balance does not balance: debits {money(report.total_debit, cur)}, "
                f"credits {money(report.total_credit, cur)}, "
                f"closing total {money(report.total_closing, cur)} {cur}."
            )
        return {"text": text, "ok": report.is_balanced}
    if slug == "balance-sheet":
        text = (
            f"Assets = Liabilities + Equity: {money(report.assets.total, cur)} = "
            f"{money(report.liabilities.total, cur)} + {money(report.equity.total, cur)} {cur}"
        )
        return {"text": text, "ok": report.is_balanced}
    if slug == "profit-and-loss":
        word = "Profit" if report.net_result >= 0 else "Loss"
        return {"text": f"{word}: {money(abs(report.net_result), cur)} {cur}.", "ok": True}
    if slug == "tax":
        if report.net_vat_payable >= 0:
            text = f"Net VAT payable: {money(report.net_vat_payable, cur)} {cur}."
        else:
            text = f"Net VAT refund due: {money(-report.net_vat_payable, cur)} {cur}."
        return {"text": text, "ok": True}
    if slug in ("aged-receivables", "aged-payables"):
        return {"text": f"Total open: {money(report.totals.total, cur)} {cur}.", "ok": True}
    return None


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    company = request.company
    if company is None:
        return _no_company()
    if not has_permission(request.user, REPORT_VIEW, company):
        return HttpResponseForbidden(
            f"{request.user.username} may not run the financial reports of {company.code}."
        )
    return render(
        request,
        "accounting/books/report_index.html",
        {"company": company, "reports": REPORT_SPECS},
    )


@login_required
def report_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A report as an HTML table, or as a file with ``?format=csv|xlsx``."""
    spec = REPORTS.get(slug)
    if spec is None:
        raise Http404(f"No report {slug}.")
    company = request.company
    if company is None:
        return _no_company()
    if not has_permission(request.user, REPORT_VIEW, company):
        return HttpResponseForbidden(
            f"{request.user.username} may not run the financial reports of {company.code}."
        )
    defaults = _report_defaults(request, company)
    data = {name: request.GET.get(name, defaults[name]) for name in spec.needs}
    form = ReportFilterForm(data, needs=spec.needs, required=spec.required)
    file_format = request.GET.get("format", "")
    report, status = None, 200
    if form.is_valid():
        is_file = file_format in ("csv", "xlsx")
        limit = LEDGER_PAGE_LIMIT if slug == "general-ledger" and not is_file else None
        try:
            report = _run_report(request, company, spec, form.cleaned_data, limit=limit)
        except PermissionDenied as exc:
            return HttpResponseForbidden(exc.message)
        except DomainError as exc:
            attach_error(form, exc)
            status = error_status(exc)
    else:
        status = 422
    if report is not None and file_format in ("csv", "xlsx"):
        return _report_file(report, slug, file_format)
    context = {"company": company, "spec": spec, "form": form, "report": report}
    if report is not None:
        headers, numeric, rows = report_table(slug, report)
        query = request.GET.copy()
        query.pop("format", None)
        for name, value in data.items():
            query.setdefault(name, value)
        context.update(
            headers=list(zip(headers, numeric, strict=True)),
            rows=rows,
            summary=_report_summary(slug, report),
            query=query.urlencode(),
            truncated=[
                (a.account_code, a.line_count)
                for a in getattr(report, "accounts", ())
                if getattr(a, "is_truncated", False)
            ],
            line_limit=LEDGER_PAGE_LIMIT,
        )
    return render(request, "accounting/books/report_view.html", context, status=status)


def _report_file(report, slug: str, file_format: str) -> HttpResponse:
    if file_format == "csv":
        response = HttpResponse(to_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(to_xlsx(report), content_type=XLSX)
    period = report.period_label.replace(" ", "_")
    response["Content-Disposition"] = (
        f'attachment; filename="{report.company_code}-{slug}-{period}.{file_format}"'
    )
    return response


urlpatterns = [
    path("entries/", entry_list, name="entry_list"),
    path("entries/new/", entry_create, name="entry_create"),
    path("entries/<int:pk>/", entry_detail, name="entry_detail"),
    path("entries/<int:pk>/edit/", entry_edit, name="entry_edit"),
    path("entries/<int:pk>/post/", entry_post, name="entry_post"),
    path("entries/<int:pk>/reverse/", entry_reverse, name="entry_reverse"),
    path("periods/", period_list, name="period_list"),
    path("periods/<int:pk>/state/", period_state, name="period_state"),
    path("fiscal-years/new/", fiscal_year_create, name="fiscal_year_create"),
    path("fiscal-years/<int:pk>/close/", fiscal_year_close, name="fiscal_year_close"),
    path("reports/", report_index, name="report_index"),
    path("reports/<slug:slug>/", report_view, name="report_view"),
]
