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
from ordo.core.errors import (
    Conflict,
    DuplicateRecord,
    InvalidInput,
    InvalidTransition,
    ValidationErrors,
)
from ordo.core.events import emit
from ordo.core.models import Company, User
from ordo.core.money import minor_units, parse_decimal, quantize_money, validate_currency
from ordo.core.sequences import next_document_number
from ordo.core.transitions import ensure_transition
from ordo.governance.access import has_permission, require, visible_company_ids
from ordo.partners.models import Partner

from . import chart_template, taxes
from .domain import BalanceLine, entry_imbalances, monthly_periods
from .errors import (
    EntryPosted,
    FiscalYearOverlap,
    JournalEntryNotFound,
    NoOpenPeriod,
    PeriodLocked,
    PeriodNotFound,
    TaxNotFound,
    UnbalancedEntry,
)
from .models import (
    ENTRY_TRANSITIONS,
    PERIOD_TRANSITIONS,
    Account,
    AccountingSettings,
    AccountRole,
    AccountType,
    EntryState,
    ExchangeRate,
    FiscalYear,
    Journal,
    JournalEntry,
    JournalLine,
    Period,
    PeriodState,
    Tax,
    TaxKind,
    TaxRounding,
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
    """Soft-lock, hard-lock or reopen a period (a hard lock is final); a reason is required
    and kept in the audit trail (422 without one)."""
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
    if not (reason or "").strip():
        raise InvalidInput(
            f"Give a reason for changing period {period.name} of {company.code}.",
            field="reason",
            code="accounting.reason_required",
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
    return _create_entry(
        actor=actor,
        company=company,
        journal_code=journal_code,
        entry_date=entry_date,
        lines=lines,
        reference=reference,
        label=label,
    )


def _create_entry(
    *,
    actor: User | None,
    company: Company,
    journal_code: str,
    entry_date: dt.date,
    lines: list[LineInput],
    reference: str,
    label: str,
) -> JournalEntry:
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
    _require(actor, "accounting.entry.create", company)
    _require(actor, "accounting.entry.post", company)
    return post_system_entry(
        actor=actor,
        company=company,
        journal_code=journal_code,
        entry_date=entry_date,
        lines=lines,
        reference=reference,
        label=label,
    )


def post_system_entry(
    *,
    actor: User | None,
    company: Company,
    journal_code: str,
    entry_date: dt.date,
    lines: list[LineInput],
    reference: str = "",
    label: str = "",
) -> JournalEntry:
    """Create and post the entry a document posts (an invoice, a payment, an allocation).

    For the accounting services only: the caller has already checked the document's own
    permission; the period rules still apply to ``actor`` (soft-locked needs the right).
    """
    entry = _create_entry(
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
    _require(actor, "accounting.entry.post", original.company)
    return _reverse_locked(actor, original, reversal_date=reversal_date, reason=reason)


def reverse_system_entry(
    *, actor: User | None, entry_id: int, reversal_date: dt.date, reason: str
) -> JournalEntry:
    """Reverse the entry a document posted (for the accounting services, which checked the
    document's own permission: undoing an allocation, a reconciliation, a payment)."""
    original = _lock_entry(None, entry_id)
    return _reverse_locked(actor, original, reversal_date=reversal_date, reason=reason)


def _reverse_locked(
    actor: User | None, original: JournalEntry, *, reversal_date: dt.date, reason: str
) -> JournalEntry:
    company = original.company
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


# --------------------------------------------------------------------------- taxes

TAX_ACCOUNT_ROLE = {
    TaxKind.SALE: AccountRole.TAX_PAYABLE,
    TaxKind.PURCHASE: AccountRole.TAX_RECEIVABLE,
}
TAX_FIELDS = [
    "code",
    "name",
    "kind",
    "rate",
    "vat_category",
    "exemption_reason",
    "exemption_reason_code",
    "is_price_included",
    "account",
    "is_active",
]


@dataclass(frozen=True, slots=True)
class DefaultTax:
    code: str
    name: str
    rate: str
    vat_category: str
    exemption_reason: str = ""
    exemption_reason_code: str = ""


DEFAULT_TAXES = (
    DefaultTax("VAT21", "VAT 21 %", "21", "S"),
    DefaultTax("VAT12", "VAT 12 %", "12", "S"),
    DefaultTax("VAT6", "VAT 6 %", "6", "S"),
    DefaultTax("VAT0", "VAT 0 %", "0", "Z"),
    DefaultTax("EXEMPT", "Exempt from VAT", "0", "E", "Exempt from VAT"),
    DefaultTax("REVCHG", "Reverse charge", "0", "AE", "Reverse charge", "VATEX-EU-AE"),
    DefaultTax("ICSUP", "Intra-EU supply", "0", "K", "Intra-Community supply", "VATEX-EU-IC"),
    DefaultTax("EXPORT", "Export outside the EU", "0", "G", "Export outside the EU", "VATEX-EU-G"),
)


@dataclass(frozen=True, slots=True)
class TaxesInstalled:
    created: int


def _tax_rate(value: object, errors: list[InvalidInput]) -> Decimal | None:
    try:
        rate = parse_decimal(value, field="rate")
    except InvalidInput as exc:
        errors.append(exc)
        return None
    if rate < 0 or rate > 100:
        errors.append(
            InvalidInput(
                f"A tax rate is a percentage from 0 to 100, got {rate}.",
                field="rate",
                code="accounting.tax_rate_range",
            )
        )
        return None
    if rate != rate.quantize(Decimal("0.0001")):
        errors.append(
            InvalidInput(
                f"A tax rate keeps at most 4 decimals, got {rate}.",
                field="rate",
                code="accounting.tax_rate_precision",
            )
        )
        return None
    return rate.quantize(Decimal("0.0001"))


def _tax_account(
    company: Company, kind: str, account_code: str, errors: list[InvalidInput]
) -> Account | None:
    code = (account_code or "").strip()
    account = Account.objects.filter(company=company, code=code).first() if code else None
    if account is None:
        errors.append(
            InvalidInput(
                f"Account {code or '(none)'} not found in {company.code}.",
                field="account",
                code="accounting.account_not_found",
            )
        )
        return None
    role = TAX_ACCOUNT_ROLE.get(kind)
    if role is not None and account.role != role:
        errors.append(
            InvalidInput(
                f"Account {account} has role {account.role}: a {kind} tax posts to an "
                f"account with role {role}.",
                field="account",
                code="accounting.tax_account_role",
            )
        )
    if not account.is_active:
        errors.append(
            InvalidInput(
                f"Account {account} is inactive in {company.code}.",
                field="account",
                code="accounting.account_inactive",
            )
        )
    return account


def _validated_tax(company: Company, values: dict) -> dict:
    """Check a whole tax definition; every problem at once (422)."""
    errors: list[InvalidInput] = []
    code = str(values.get("code") or "").strip()
    name = str(values.get("name") or "").strip()
    kind = values.get("kind")
    category = values.get("vat_category")
    reason = str(values.get("exemption_reason") or "").strip()
    reason_code = str(values.get("exemption_reason_code") or "").strip().upper()
    if not code:
        errors.append(InvalidInput("A tax needs a code.", field="code"))
    if not name:
        errors.append(InvalidInput("A tax needs a name.", field="name"))
    if kind not in TaxKind.values:
        errors.append(
            InvalidInput(
                f"Unknown tax kind {kind!r}: use one of {', '.join(TaxKind.values)}.",
                field="kind",
                code="accounting.tax_kind_unknown",
            )
        )
    rate = _tax_rate(values.get("rate"), errors)
    for field, error_code, message in taxes.category_problems(
        category, rate if rate is not None else Decimal(0), reason, reason_code
    ):
        if rate is not None or field != "rate":  # a bad rate was reported already
            errors.append(InvalidInput(message, field=field, code=error_code))
    account = _tax_account(company, kind, values.get("account") or "", errors)
    _raise_all(errors)
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "rate": rate,
        "vat_category": category,
        "exemption_reason": reason,
        "exemption_reason_code": reason_code,
        "is_price_included": bool(values.get("is_price_included")),
        "account": account,
        "is_active": bool(values.get("is_active", True)),
    }


def _lock_tax(actor: User | None, tax_id: int) -> Tax:
    qs = Tax.objects.select_for_update(of=("self",)).select_related("company", "account")
    qs = qs.filter(pk=tax_id)
    if actor is not None:
        qs = qs.filter(company_id__in=visible_company_ids(actor))
    tax = qs.first()
    if tax is None:
        raise TaxNotFound(f"Tax {tax_id} not found.")
    return tax


def _refuse_duplicate_tax(company: Company, code: str, exclude: int | None = None) -> None:
    existing = Tax.objects.filter(company=company, code=code).exclude(pk=exclude).first()
    if existing is not None:
        raise DuplicateRecord(
            f"A tax with code {code} already exists in {company.code}: {existing.name}.",
            code="accounting.tax_duplicate_code",
            details={"id": existing.pk},
        )


@transaction.atomic
def create_tax(
    *,
    actor: User | None,
    company: Company,
    code: str,
    name: str,
    kind: str,
    rate: Decimal | str,
    vat_category: str,
    account: str,
    exemption_reason: str = "",
    exemption_reason_code: str = "",
    is_price_included: bool = False,
) -> Tax:
    """A tax of a company; ``account`` is the code of its tax_payable / tax_receivable account.

    Bad fields → 422 (all at once, EN 16931 category rules included); duplicate code → 409.
    """
    _require(actor, "accounting.chart.manage", company)
    values = _validated_tax(
        company,
        {
            "code": code,
            "name": name,
            "kind": kind,
            "rate": rate,
            "vat_category": vat_category,
            "exemption_reason": exemption_reason,
            "exemption_reason_code": exemption_reason_code,
            "is_price_included": is_price_included,
            "account": account,
        },
    )
    _refuse_duplicate_tax(company, values["code"])
    tax = Tax.objects.create(company=company, **values)
    record_audit(
        actor=actor,
        action="accounting.tax.created",
        target=tax,
        company=company,
        after=snapshot(tax),
    )
    emit("accounting.tax.created", tax_id=tax.pk, company_id=company.pk, code=tax.code)
    return tax


@transaction.atomic
def update_tax(*, actor: User | None, tax_id: int, changes: dict) -> Tax:
    """Change some fields of a tax (``changes`` maps field → new value; ``account`` a code).

    The whole tax is validated again; another company's tax → 404.
    """
    tax = _lock_tax(actor, tax_id)
    company = tax.company
    _require(actor, "accounting.chart.manage", company)
    unknown = sorted(set(changes) - set(TAX_FIELDS))
    if unknown:
        raise InvalidInput(
            f"Unknown tax field {unknown[0]!r}.", field=unknown[0], code="validation.unknown_field"
        )
    current = {field: getattr(tax, field) for field in TAX_FIELDS if field != "account"}
    current["account"] = tax.account.code
    values = _validated_tax(company, current | changes)
    _refuse_frozen_change(tax, values)
    if values["code"] != tax.code:
        _refuse_duplicate_tax(company, values["code"], exclude=tax.pk)
    before = snapshot(tax)
    for field, value in values.items():
        setattr(tax, field, value)
    tax.save()
    record_audit(
        actor=actor,
        action="accounting.tax.updated",
        target=tax,
        company=company,
        before=before,
        after=snapshot(tax),
    )
    return tax


FROZEN_TAX_FIELDS = ("rate", "vat_category", "is_price_included", "kind")


def _refuse_frozen_change(tax: Tax, values: dict) -> None:
    """Once a posted document uses a tax, what it computed must never move: its rate,
    category, price inclusion and kind are frozen (create a new tax instead)."""
    changed = [f for f in FROZEN_TAX_FIELDS if values[f] != getattr(tax, f)]
    if not changed:
        return
    used = (
        tax.invoice_lines.exclude(invoice__state__in=["draft", "cancelled"])
        .values_list("invoice__number", flat=True)
        .first()
    )
    if used:
        raise Conflict(
            f"Tax {tax.code} is used by posted documents (e.g. {used}): its "
            f"{', '.join(changed)} cannot change. Create a new tax and deactivate this one.",
            code="accounting.tax_in_use",
            details={"fields": changed, "document": used},
        )


@transaction.atomic
def deactivate_tax(*, actor: User | None, tax_id: int, reason: str = "") -> Tax:
    """Stop offering a tax (kept for the documents that used it). Idempotent."""
    tax = _lock_tax(actor, tax_id)
    _require(actor, "accounting.chart.manage", tax.company)
    if tax.is_active:
        tax.is_active = False
        tax.save(update_fields=["is_active"])
        record_audit(
            actor=actor,
            action="accounting.tax.deactivated",
            target=tax,
            company=tax.company,
            before={"is_active": True},
            after={"is_active": False},
            reason=reason,
        )
    return tax


@transaction.atomic
def install_default_taxes(*, actor: User | None, company: Company) -> TaxesInstalled:
    """Give a company the usual EU sale and purchase taxes it lacks (idempotent).

    Sale taxes post to the first tax_payable account of the chart, purchase taxes (code
    suffixed ``-P``) to the first tax_receivable one; no such account → 422.
    """
    _require(actor, "accounting.chart.manage", company)
    accounts = {}
    for kind, role in TAX_ACCOUNT_ROLE.items():
        account = (
            Account.objects.filter(company=company, role=role, is_active=True)
            .order_by("code")
            .first()
        )
        if account is None:
            raise InvalidInput(
                f"{company.code} has no active account with role {role}: install the chart "
                "of accounts first.",
                field="account",
                code="accounting.tax_account_missing",
            )
        accounts[kind] = account
    existing = set(Tax.objects.filter(company=company).values_list("code", flat=True))
    new = []
    for kind, suffix, label in ((TaxKind.SALE, "", ""), (TaxKind.PURCHASE, "-P", " (purchases)")):
        for t in DEFAULT_TAXES:
            if t.code + suffix in existing:
                continue
            new.append(
                Tax(
                    company=company,
                    code=t.code + suffix,
                    name=t.name + label,
                    kind=kind,
                    rate=Decimal(t.rate),
                    vat_category=t.vat_category,
                    exemption_reason=t.exemption_reason,
                    exemption_reason_code=t.exemption_reason_code,
                    account=accounts[kind],
                )
            )
    Tax.objects.bulk_create(new)
    if new:
        record_audit_bulk(
            actor=actor, action="accounting.tax.created", targets=new, company=company
        )
    return TaxesInstalled(len(new))


@transaction.atomic
def set_tax_rounding(*, actor: User | None, company: Company, rounding: str) -> AccountingSettings:
    """Round taxes per line or once per document for the company's future documents."""
    _require(actor, "accounting.chart.manage", company)
    if rounding not in TaxRounding.values:
        raise InvalidInput(
            f"Unknown tax rounding {rounding!r}: use one of {', '.join(TaxRounding.values)}.",
            field="rounding",
            code="accounting.tax_rounding_unknown",
        )
    settings_row, _ = AccountingSettings.objects.select_for_update().get_or_create(company=company)
    before = snapshot(settings_row, ["tax_rounding"])
    settings_row.tax_rounding = rounding
    settings_row.save(update_fields=["tax_rounding"])
    record_audit(
        actor=actor,
        action="accounting.settings.tax_rounding",
        target=settings_row,
        company=company,
        before=before,
        after={"tax_rounding": rounding},
    )
    return settings_row


# --------------------------------------------------------------------------- exchange rates


@transaction.atomic
def add_exchange_rate(
    *,
    actor: User | None,
    company: Company,
    currency: str,
    rate_date: dt.date,
    rate: Decimal | str,
) -> ExchangeRate:
    """Record that 1 ``currency`` = ``rate`` company currency on ``rate_date``.

    Unknown currency, the company's own currency, a rate ≤ 0 or with more than 8 decimals
    → 422 (all at once); a rate already kept for that day → 409.
    """
    _require(actor, "accounting.chart.manage", company)
    errors: list[InvalidInput] = []
    try:
        currency = validate_currency(currency)
    except InvalidInput as exc:
        errors.append(exc)
    else:
        if currency == company.currency:
            errors.append(
                InvalidInput(
                    f"{currency} is the currency of {company.code}: it needs no exchange rate.",
                    field="currency",
                    code="accounting.exchange_rate_same_currency",
                )
            )
    value = None
    try:
        value = parse_decimal(rate, field="rate")
    except InvalidInput as exc:
        errors.append(exc)
    if value is not None and value <= 0:
        errors.append(
            InvalidInput(
                f"An exchange rate must be above 0, got {value}.",
                field="rate",
                code="accounting.exchange_rate_not_positive",
            )
        )
    elif value is not None and value != value.quantize(Decimal("1e-8")):
        errors.append(
            InvalidInput(
                f"An exchange rate keeps at most 8 decimals, got {value}.",
                field="rate",
                code="accounting.exchange_rate_precision",
            )
        )
    elif value is not None and value >= Decimal("1e10"):
        errors.append(
            InvalidInput(
                f"An exchange rate of {value} is too large.",
                field="rate",
                code="accounting.exchange_rate_range",
            )
        )
    _raise_all(errors)
    existing = ExchangeRate.objects.filter(
        company=company, currency=currency, rate_date=rate_date
    ).first()
    if existing is not None:
        raise DuplicateRecord(
            f"{company.code} already has a {currency} rate for {rate_date.isoformat()}: "
            f"{existing.rate}.",
            code="accounting.exchange_rate_duplicate",
            details={"id": existing.pk},
        )
    row = ExchangeRate.objects.create(
        company=company, currency=currency, rate_date=rate_date, rate=value
    )
    record_audit(
        actor=actor,
        action="accounting.exchange_rate.created",
        target=row,
        company=company,
        after=snapshot(row),
    )
    return row
