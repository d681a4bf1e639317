"""The only writers of the ledger: chart, fiscal years and periods, journal entries.

Other apps post through ``post_entry_now`` (or create + post); nothing else writes a
journal line. Each service is one transaction: permission → validation (every problem at
once) → write → audit → event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ordo.core.audit import record_audit, record_audit_bulk, snapshot
from ordo.core.errors import DuplicateRecord, InvalidInput, InvalidTransition, ValidationErrors
from ordo.core.events import emit
from ordo.core.models import Company, User
from ordo.core.money import minor_units, quantize_money, validate_currency
from ordo.core.sequences import next_document_number
from ordo.core.transitions import ensure_transition
from ordo.governance.access import has_permission, require, visible_company_ids
from ordo.partners.models import Partner

from . import chart_template
from .domain import BalanceLine, entry_imbalances, monthly_periods
from .errors import (
    EntryPosted,
    FiscalYearOverlap,
    JournalEntryNotFound,
    NoOpenPeriod,
    PeriodLocked,
    PeriodNotFound,
    UnbalancedEntry,
)
from .models import (
    ENTRY_TRANSITIONS,
    PERIOD_TRANSITIONS,
    Account,
    AccountRole,
    AccountType,
    EntryState,
    FiscalYear,
    Journal,
    JournalEntry,
    JournalLine,
    Period,
    PeriodState,
)


@dataclass(frozen=True, slots=True)
class LineInput:
    """One line of a journal entry as a caller gives it (amounts in company currency)."""

    account_code: str
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    label: str = ""
    partner_id: int | None = None
    currency: str | None = None  # a foreign currency the line was expressed in
    amount_currency: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ChartInstalled:
    accounts_created: int
    journals_created: int


def _require(actor: User | None, permission: str, company: Company) -> None:
    # actor None = the system itself (another app's automatic posting, a data import).
    if actor is not None:
        require(actor, permission, company)


# --------------------------------------------------------------------------- chart


@transaction.atomic
def install_chart(*, actor: User | None, company: Company) -> ChartInstalled:
    """Give a company the template chart and journals; creates only what is missing."""
    _require(actor, "accounting.chart.manage", company)
    existing = set(Account.objects.filter(company=company).values_list("code", flat=True))
    new_accounts = Account.objects.bulk_create(
        [
            Account(
                company=company,
                code=t.code,
                name=t.name,
                type=t.type,
                role=t.role,
                is_reconcilable=t.is_reconcilable,
            )
            for t in chart_template.ACCOUNTS
            if t.code not in existing
        ]
    )
    by_code = {
        a.code: a
        for a in Account.objects.filter(
            company=company,
            code__in=[t.default_account_code for t in chart_template.JOURNALS],
        )
    }
    existing_journals = set(Journal.objects.filter(company=company).values_list("code", flat=True))
    new_journals = Journal.objects.bulk_create(
        [
            Journal(
                company=company,
                code=t.code,
                name=t.name,
                kind=t.kind,
                default_account=by_code.get(t.default_account_code),
            )
            for t in chart_template.JOURNALS
            if t.code not in existing_journals
        ]
    )
    if new_accounts:
        record_audit_bulk(
            actor=actor, action="accounting.account.created", targets=new_accounts, company=company
        )
    if new_journals:
        record_audit_bulk(
            actor=actor, action="accounting.journal.created", targets=new_journals, company=company
        )
    return ChartInstalled(len(new_accounts), len(new_journals))


@transaction.atomic
def create_account(
    *,
    actor: User | None,
    company: Company,
    code: str,
    name: str,
    type: str,
    role: str = AccountRole.OTHER,
    is_reconcilable: bool = False,
) -> Account:
    """Add one account to a company's chart. Duplicate code → 409; bad fields → 422 (all)."""
    _require(actor, "accounting.chart.manage", company)
    code, name = (code or "").strip(), (name or "").strip()
    errors = []
    if not code:
        errors.append(InvalidInput("An account needs a code.", field="code"))
    if not name:
        errors.append(InvalidInput("An account needs a name.", field="name"))
    if type not in AccountType.values:
        errors.append(
            InvalidInput(
                f"Unknown account type {type!r}: use one of {', '.join(AccountType.values)}.",
                field="type",
                code="accounting.account_type_unknown",
            )
        )
    if role not in AccountRole.values:
        errors.append(
            InvalidInput(
                f"Unknown account role {role!r}: use one of {', '.join(AccountRole.values)}.",
                field="role",
                code="accounting.account_role_unknown",
            )
        )
    _raise_all(errors)
    existing = Account.objects.filter(company=company, code=code).first()
    if existing is not None:
        raise DuplicateRecord(
            f"An account with code {code} already exists in {company.code}: {existing.name}.",
            code="accounting.account_duplicate_code",
            details={"id": existing.pk},
        )
    account = Account.objects.create(
        company=company,
        code=code,
        name=name,
        type=type,
        role=role,
        is_reconcilable=is_reconcilable,
    )
    record_audit(
        actor=actor,
        action="accounting.account.created",
        target=account,
        company=company,
        after=snapshot(account),
    )
    return account


# --------------------------------------------------------------------------- fiscal years


@transaction.atomic
def create_fiscal_year(
    *,
    actor: User | None,
    company: Company,
    start_date: dt.date,
    end_date: dt.date,
    name: str = "",
) -> FiscalYear:
    """Open a fiscal year with one open period per calendar month. Overlap → 409."""
    _require(actor, "accounting.chart.manage", company)
    if end_date < start_date:
        raise InvalidInput(
            f"A fiscal year cannot end ({end_date}) before it starts ({start_date}).",
            field="end_date",
            code="accounting.fiscal_year_dates",
        )
    if (end_date - start_date).days > 731:
        raise InvalidInput(
            f"A fiscal year of {start_date} – {end_date} is longer than 24 months.",
            field="end_date",
            code="accounting.fiscal_year_dates",
        )
    # Lock the company's fiscal years so two overlapping creations cannot both pass.
    Company.objects.select_for_update().filter(pk=company.pk).first()
    clash = FiscalYear.objects.filter(
        company=company, start_date__lte=end_date, end_date__gte=start_date
    ).first()
    if clash is not None:
        raise FiscalYearOverlap(
            f"Fiscal year {start_date} – {end_date} overlaps fiscal year {clash.name} "
            f"({clash.start_date} – {clash.end_date}) of {company.code}.",
            details={"id": clash.pk},
        )
    if not name.strip():
        name = (
            str(start_date.year)
            if start_date.year == end_date.year
            else f"{start_date.year}-{end_date.year}"
        )
    year = FiscalYear.objects.create(
        company=company, name=name.strip(), start_date=start_date, end_date=end_date
    )
    Period.objects.bulk_create(
        [
            Period(fiscal_year=year, company=company, name=n, start_date=s, end_date=e)
            for n, s, e in monthly_periods(start_date, end_date)
        ]
    )
    record_audit(
        actor=actor,
        action="accounting.fiscal_year.created",
        target=year,
        company=company,
        after=snapshot(year),
    )
    return year


@transaction.atomic
def set_period_state(*, actor: User | None, period_id: int, state: str, reason: str) -> Period:
    """Soft-lock, hard-lock or reopen a period (a hard lock is final)."""
    qs = Period.objects.select_for_update().filter(pk=period_id)
    if actor is not None:
        qs = qs.filter(company_id__in=visible_company_ids(actor))
    period = qs.first()
    if period is None:
        raise PeriodNotFound(f"Period {period_id} not found.")
    company = Company.objects.get(pk=period.company_id)
    _require(actor, "accounting.period.lock", company)
    if state not in PeriodState.values:
        raise InvalidInput(
            f"Unknown period state {state!r}: use one of {', '.join(PeriodState.values)}.",
            field="state",
            code="accounting.period_state_unknown",
        )
    ensure_transition(
        current=period.state,
        target=state,
        transitions=PERIOD_TRANSITIONS,
        label=f"Period {period.name} of {company.code}",
    )
    before = snapshot(period, ["state"])
    period.state = state
    period.save(update_fields=["state"])
    record_audit(
        actor=actor,
        action=f"accounting.period.{state}",
        target=period,
        company=company,
        before=before,
        after=snapshot(period, ["state"]),
        reason=reason,
    )
    emit("accounting.period.state_changed", period_id=period.pk, state=state)
    return period


# --------------------------------------------------------------------------- entries


def _raise_all(errors: list[InvalidInput]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)


def _has_more_places(amount: Decimal, currency: str) -> bool:
    return quantize_money(amount, currency) != amount


def _build_lines(company: Company, lines: list[LineInput]) -> list[JournalLine]:
    """Check every line (one query for accounts, one for partners); raise all problems."""
    currency = company.currency
    places = minor_units(currency)
    errors: list[InvalidInput] = []
    if len(lines) < 2:
        errors.append(
            InvalidInput(
                f"A journal entry needs at least two lines, got {len(lines)}.",
                field="lines",
                code="accounting.too_few_lines",
            )
        )
    codes = {str(line.account_code).strip() for line in lines}
    accounts = {a.code: a for a in Account.objects.filter(company=company, code__in=codes)}
    partner_ids = {line.partner_id for line in lines if line.partner_id is not None}
    partners = set(
        Partner.objects.filter(pk__in=partner_ids).values_list("pk", flat=True)
        if partner_ids
        else ()
    )
    built = []
    for i, line in enumerate(lines):
        where = f"Line {i + 1}"
        code = str(line.account_code).strip()
        account = accounts.get(code)
        if account is None:
            errors.append(
                InvalidInput(
                    f"{where}: account {code} not found in {company.code}.",
                    field=f"lines.{i}.account",
                    code="accounting.account_not_found",
                )
            )
        elif not account.is_active:
            errors.append(
                InvalidInput(
                    f"{where}: account {account} is inactive in {company.code}.",
                    field=f"lines.{i}.account",
                    code="accounting.account_inactive",
                )
            )
        debit, credit = line.debit, line.credit
        amounts_ok = True
        for side, amount in (("debit", debit), ("credit", credit)):
            if not isinstance(amount, Decimal):
                errors.append(
                    InvalidInput(
                        f"{where}: {side} must be a Decimal.",
                        field=f"lines.{i}.{side}",
                        code="decimal.invalid",
                    )
                )
                amounts_ok = False
            elif amount < 0:
                errors.append(
                    InvalidInput(
                        f"{where}: {side} {amount} is negative; use the other side instead.",
                        field=f"lines.{i}.{side}",
                        code="accounting.line_negative",
                    )
                )
                amounts_ok = False
            elif _has_more_places(amount, currency):
                errors.append(
                    InvalidInput(
                        f"{where}: {side} {amount} has more than {places} decimals for {currency}.",
                        field=f"lines.{i}.{side}",
                        code="accounting.line_precision",
                    )
                )
                amounts_ok = False
        if amounts_ok and (debit > 0) == (credit > 0):
            errors.append(
                InvalidInput(
                    f"{where}: give a debit or a credit, exactly one of them above zero "
                    f"(got debit {debit}, credit {credit}).",
                    field=f"lines.{i}",
                    code="accounting.line_one_side",
                )
            )
        line_currency = currency
        if line.currency is not None or line.amount_currency is not None:
            try:
                line_currency = validate_currency(line.currency, field=f"lines.{i}.currency")
            except InvalidInput as exc:
                errors.append(exc)
            if line.amount_currency is None:
                errors.append(
                    InvalidInput(
                        f"{where}: a line in {line.currency} needs its amount_currency.",
                        field=f"lines.{i}.amount_currency",
                        code="accounting.line_amount_currency",
                    )
                )
        if line.partner_id is not None and line.partner_id not in partners:
            errors.append(
                InvalidInput(
                    f"{where}: partner {line.partner_id} not found.",
                    field=f"lines.{i}.partner",
                    code="partner.unknown",
                )
            )
        built.append(
            JournalLine(
                account=account,
                partner_id=line.partner_id,
                label=(line.label or "")[:200],
                debit=debit,
                credit=credit,
                currency=line_currency,
                amount_currency=line.amount_currency,
            )
        )
    _raise_all(errors)
    return built


def _journal(company: Company, journal_code: str) -> Journal:
    journal = Journal.objects.filter(company=company, code=journal_code).first()
    if journal is None:
        raise InvalidInput(
            f"Journal {journal_code} not found in {company.code}.",
            field="journal_code",
            code="accounting.journal_not_found",
        )
    return journal


def _period_for(company: Company, day: dt.date, *, lock: bool = False) -> Period | None:
    qs = Period.objects.filter(company=company, start_date__lte=day, end_date__gte=day)
    if lock:
        qs = qs.select_for_update()
    return qs.first()


@transaction.atomic
def create_journal_entry(
    *,
    actor: User | None,
    company: Company,
    journal_code: str,
    entry_date: dt.date,
    lines: list[LineInput],
    reference: str = "",
    label: str = "",
) -> JournalEntry:
    """Draft a journal entry; every bad line is reported at once (422). Not yet numbered."""
    _require(actor, "accounting.entry.create", company)
    journal = _journal(company, journal_code)
    built = _build_lines(company, lines)
    entry = JournalEntry.objects.create(
        company=company,
        journal=journal,
        entry_date=entry_date,
        period=_period_for(company, entry_date),
        reference=reference[:200],
        label=label[:200],
        currency=company.currency,
    )
    for line in built:
        line.entry = entry
    JournalLine.objects.bulk_create(built, batch_size=500)
    record_audit(
        actor=actor,
        action="accounting.entry.created",
        target=entry,
        company=company,
        after=snapshot(entry) | {"lines": len(built)},
    )
    return entry


def _lock_entry(actor: User | None, entry_id: int) -> JournalEntry:
    qs = (
        JournalEntry.objects.select_for_update(of=("self",))
        .select_related("company", "journal")
        .filter(pk=entry_id)
    )
    if actor is not None:
        qs = qs.filter(company_id__in=visible_company_ids(actor))
    entry = qs.first()
    if entry is None:
        raise JournalEntryNotFound(f"Journal entry {entry_id} not found.")
    return entry


def _refuse_posted(entry: JournalEntry) -> None:
    if entry.state == EntryState.POSTED:
        raise EntryPosted(
            f"Journal entry {entry.number} is posted and cannot be changed: reverse it instead.",
            details={"id": entry.pk, "number": entry.number},
        )


@transaction.atomic
def update_journal_entry(
    *,
    actor: User | None,
    entry_id: int,
    entry_date: dt.date,
    lines: list[LineInput],
    reference: str = "",
    label: str = "",
) -> JournalEntry:
    """Replace a draft's date, texts and lines. A posted entry → 409 (reverse it instead)."""
    entry = _lock_entry(actor, entry_id)
    _require(actor, "accounting.entry.create", entry.company)
    _refuse_posted(entry)
    built = _build_lines(entry.company, lines)
    before = snapshot(entry)
    entry.entry_date = entry_date
    entry.period = _period_for(entry.company, entry_date)
    entry.reference, entry.label = reference[:200], label[:200]
    entry.save(update_fields=["entry_date", "period", "reference", "label"])
    JournalLine.objects.filter(entry=entry).delete()
    for line in built:
        line.entry = entry
    JournalLine.objects.bulk_create(built, batch_size=500)
    record_audit(
        actor=actor,
        action="accounting.entry.updated",
        target=entry,
        company=entry.company,
        before=before,
        after=snapshot(entry) | {"lines": len(built)},
    )
    return entry


def _check_period(actor: User | None, entry: JournalEntry) -> Period:
    company = entry.company
    period = _period_for(company, entry.entry_date, lock=True)
    if period is None:
        raise NoOpenPeriod(
            f"No open period for {entry.entry_date.isoformat()} in {company.code}.",
            details={"date": entry.entry_date.isoformat()},
        )
    details = {"period": period.name, "state": period.state}
    if period.state == PeriodState.HARD_LOCKED:
        raise PeriodLocked(
            f"Period {period.name} of {company.code} is hard-locked: "
            "nothing can be posted into it.",
            details=details,
        )
    if period.state == PeriodState.SOFT_LOCKED and not (
        actor is not None and has_permission(actor, "accounting.period.post_soft_locked", company)
    ):
        raise PeriodLocked(
            f"Period {period.name} of {company.code} is soft-locked: only a user with "
            "accounting.period.post_soft_locked may post into it.",
            details=details,
        )
    return period


def _check_balance(entry: JournalEntry) -> None:
    totals = JournalLine.objects.filter(entry=entry).aggregate(
        debit=Sum("debit"), credit=Sum("credit")
    )
    debit = totals["debit"] or Decimal(0)
    credit = totals["credit"] or Decimal(0)
    currency = entry.currency
    if debit == 0 and credit == 0:
        raise UnbalancedEntry(
            f"Journal entry of {entry.entry_date.isoformat()} has no amounts to post.",
            field="lines",
            code="accounting.empty_entry",
        )
    difference = entry_imbalances([BalanceLine(currency, debit, credit)]).get(currency)
    if difference is not None:
        debit, credit = quantize_money(debit, currency), quantize_money(credit, currency)
        difference = quantize_money(abs(difference), currency)
        raise UnbalancedEntry(
            f"Journal entry of {entry.entry_date.isoformat()} does not balance: "
            f"debit {debit} {currency}, credit {credit} {currency}, "
            f"difference {difference} {currency}.",
            field="lines",
            details={
                "debit": str(debit),
                "credit": str(credit),
                "difference": str(difference),
                "currency": currency,
            },
        )


def _post_locked(actor: User | None, entry: JournalEntry, *, reason: str = "") -> JournalEntry:
    """Post a locked draft: transition → period → balance → number → audit → event."""
    ensure_transition(
        current=entry.state,
        target=EntryState.POSTED,
        transitions=ENTRY_TRANSITIONS,
        label=f"Journal entry {entry.number or entry.pk}",
    )
    period = _check_period(actor, entry)
    _check_balance(entry)
    journal = entry.journal
    entry.number = next_document_number(
        company=entry.company,
        series=f"JE-{journal.code}",
        year=entry.entry_date.year,
        prefix=f"{journal.code}/",
    )
    entry.state = EntryState.POSTED
    entry.period = period
    entry.posted_at = timezone.now()
    entry.posted_by = actor
    entry.save(update_fields=["number", "state", "period", "posted_at", "posted_by"])
    record_audit(
        actor=actor,
        action="accounting.entry.posted",
        target=entry,
        company=entry.company,
        after=snapshot(entry, ["number", "state", "period", "posted_at"]),
        reason=reason,
    )
    emit(
        "accounting.entry.posted",
        entry_id=entry.pk,
        company_id=entry.company_id,
        journal=journal.code,
        number=entry.number,
    )
    return entry


@transaction.atomic
def post_journal_entry(*, actor: User | None, entry_id: int) -> JournalEntry:
    """Post a draft: it takes the next gapless number of its journal and year.

    Raises InvalidTransition (409) unless draft, NoOpenPeriod / PeriodLocked (409) for the
    entry's date, UnbalancedEntry (422) naming the difference. A failed post keeps no number.
    """
    entry = _lock_entry(actor, entry_id)
    _require(actor, "accounting.entry.post", entry.company)
    return _post_locked(actor, entry)


@transaction.atomic
def post_entry_now(
    *,
    actor: User | None,
    company: Company,
    journal_code: str,
    entry_date: dt.date,
    lines: list[LineInput],
    reference: str = "",
    label: str = "",
) -> JournalEntry:
    """Create and post an entry in one transaction (the way other apps write the ledger)."""
    _require(actor, "accounting.entry.post", company)
    entry = create_journal_entry(
        actor=actor,
        company=company,
        journal_code=journal_code,
        entry_date=entry_date,
        lines=lines,
        reference=reference,
        label=label,
    )
    return _post_locked(actor, _lock_entry(None, entry.pk))


@transaction.atomic
def reverse_journal_entry(
    *, actor: User | None, entry_id: int, reversal_date: dt.date, reason: str
) -> JournalEntry:
    """Cancel a posted entry by a new posted entry with debit and credit swapped."""
    original = _lock_entry(actor, entry_id)
    company = original.company
    _require(actor, "accounting.entry.post", company)
    if not (reason or "").strip():
        raise InvalidInput(
            "Give a reason for the reversal.", field="reason", code="accounting.reason_required"
        )
    if original.state != EntryState.POSTED:
        raise InvalidTransition(
            f"Journal entry {original.pk} is a draft: only a posted entry can be reversed "
            "(a draft can simply be changed).",
            code="accounting.entry_not_posted",
        )
    existing = JournalEntry.objects.filter(reversal_of=original).first()
    if existing is not None:
        raise EntryPosted(
            f"Journal entry {original.number} was already reversed by "
            f"{existing.number or existing.pk}.",
            code="accounting.entry_already_reversed",
            details={"reversal_id": existing.pk},
        )
    reversal = JournalEntry.objects.create(
        company=company,
        journal=original.journal,
        entry_date=reversal_date,
        reference=original.number,
        label=f"Reversal of {original.number}: {reason.strip()}"[:200],
        currency=original.currency,
        reversal_of=original,
    )
    JournalLine.objects.bulk_create(
        [
            JournalLine(
                entry=reversal,
                account_id=line.account_id,
                partner_id=line.partner_id,
                label=line.label,
                debit=line.credit,
                credit=line.debit,
                currency=line.currency,
                amount_currency=None if line.amount_currency is None else -line.amount_currency,
            )
            for line in JournalLine.objects.filter(entry=original).order_by("id")
        ],
        batch_size=500,
    )
    reversal.journal = original.journal
    reversal.company = company
    _post_locked(actor, reversal, reason=reason.strip())
    record_audit(
        actor=actor,
        action="accounting.entry.reversed",
        target=original,
        company=company,
        after={"reversal": reversal.number},
        reason=reason.strip(),
    )
    return reversal
