"""The financial reports: read-only selectors returning frozen report values.

Every report needs ``accounting.report.view`` in the company it reads (403 otherwise,
also for a member of another company). Only posted entries count. Sums are grouped in
SQL; Python only arranges the grouped rows. Amounts are in the company's currency.

Sign rule: a balance is debit − credit. Sections that are credit by nature (liabilities,
equity, income, payables) show credit − debit, so their usual amounts are positive.

Each report offers ``title``, ``period_label``, ``columns()`` and ``rows()`` so one
export path (``report_export``) writes any of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from ordo.core.errors import InvalidInput
from ordo.core.models import Company, User
from ordo.core.money import minor_units, quantize_money
from ordo.governance.access import require

from .models import (
    POSTED_INVOICE_STATES,
    Account,
    AccountType,
    Allocation,
    EntryState,
    FiscalYear,
    Invoice,
    InvoiceInstallment,
    InvoiceKind,
    InvoiceTax,
    JournalEntry,
    JournalLine,
    Payment,
    PaymentDirection,
    TaxKind,
)

REPORT_PERMISSION = "accounting.report.view"
# The year-end closing entry carries this reference prefix (see closing.py); the P&L
# leaves it (and any reversal of it) out so a closed year still shows its real figures.
CLOSING_REFERENCE_PREFIX = "CLOSE/"
ZERO = Decimal(0)
MONEY = DecimalField(max_digits=18, decimal_places=2)
# Below half a cent an amount computed in SQL is zero (SQLite sums in binary floats).
HALF_CENT = Decimal("0.005")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a report's table; ``kind`` is text, date, amount or rate."""

    title: str
    kind: str = "text"


def _money_columns(*titles: str) -> tuple[Column, ...]:
    return tuple(Column(title, "amount") for title in titles)


# --------------------------------------------------------------------------- trial balance


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    account_code: str
    account_name: str
    account_type: str
    opening_balance: Decimal  # debit − credit before date_from (0 without date_from)
    debit: Decimal
    credit: Decimal
    closing_balance: Decimal


@dataclass(frozen=True, slots=True)
class TrialBalance:
    company_code: str
    company_name: str
    currency: str
    as_of: dt.date
    date_from: dt.date | None
    accounts: tuple[TrialBalanceRow, ...]
    total_opening: Decimal
    total_debit: Decimal
    total_credit: Decimal
    total_closing: Decimal

    title = "Trial balance"

    @property
    def period_label(self) -> str:
        return _range_label(self.date_from, self.as_of)

    @property
    def is_balanced(self) -> bool:
        return self.total_debit == self.total_credit and self.total_closing == 0

    def columns(self) -> tuple[Column, ...]:
        return (
            Column("Account"),
            Column("Name"),
            Column("Type"),
            *_money_columns("Opening", "Debit", "Credit", "Closing"),
        )

    def rows(self) -> Iterator[tuple]:
        for r in self.accounts:
            yield (
                r.account_code,
                r.account_name,
                r.account_type,
                r.opening_balance,
                r.debit,
                r.credit,
                r.closing_balance,
            )
        yield (
            "",
            "Total",
            "",
            self.total_opening,
            self.total_debit,
            self.total_credit,
            self.total_closing,
        )


def trial_balance(
    actor: User, company: Company, *, as_of: dt.date, date_from: dt.date | None = None
) -> TrialBalance:
    """Per account: the balance before ``date_from``, the debits and credits from
    ``date_from`` (or the beginning) to ``as_of``, and the closing balance.

    One grouped query over the posted lines (plus one for the chart). Accounts with no
    opening balance and no movement in the range are left out. 422 if ``date_from`` is
    after ``as_of``.
    """
    require(actor, REPORT_PERMISSION, company)
    if date_from is not None:
        _check_range(date_from, as_of, field="date_from")
    sums = {"debit_sum": Sum("debit"), "credit_sum": Sum("credit")}
    if date_from is not None:
        before, since = Q(entry__entry_date__lt=date_from), Q(entry__entry_date__gte=date_from)
        sums = {
            "opening_debit": Sum("debit", filter=before),
            "opening_credit": Sum("credit", filter=before),
            "debit_sum": Sum("debit", filter=since),
            "credit_sum": Sum("credit", filter=since),
        }
    grouped = (
        _posted_lines(company)
        .filter(entry__entry_date__lte=as_of)
        .values("account_id")
        .annotate(**sums)
        .order_by()
    )
    currency = company.currency
    rows = []
    for row, account in _with_accounts(company, grouped):
        opening = _m(row.get("opening_debit"), currency) - _m(row.get("opening_credit"), currency)
        debit, credit = _m(row["debit_sum"], currency), _m(row["credit_sum"], currency)
        if not (opening or debit or credit):
            continue  # its movements before date_from net to zero and none since
        rows.append(
            TrialBalanceRow(
                account.code,
                account.name,
                account.type,
                opening,
                debit,
                credit,
                opening + debit - credit,
            )
        )
    return TrialBalance(
        company_code=company.code,
        company_name=company.name,
        currency=currency,
        as_of=as_of,
        date_from=date_from,
        accounts=tuple(rows),
        total_opening=sum((r.opening_balance for r in rows), ZERO),
        total_debit=sum((r.debit for r in rows), ZERO),
        total_credit=sum((r.credit for r in rows), ZERO),
        total_closing=sum((r.closing_balance for r in rows), ZERO),
    )


# --------------------------------------------------------------------------- general ledger


@dataclass(frozen=True, slots=True)
class LedgerLine:
    entry_date: dt.date
    entry_number: str
    journal_code: str
    label: str
    partner_name: str
    debit: Decimal
    credit: Decimal
    balance: Decimal  # running balance (debit − credit) after this line


@dataclass(frozen=True, slots=True)
class LedgerAccount:
    account_code: str
    account_name: str
    account_type: str
    opening_balance: Decimal
    debit: Decimal  # all debits of the range (not only the lines shown)
    credit: Decimal
    closing_balance: Decimal
    lines: tuple[LedgerLine, ...]
    line_count: int  # lines in the range; more than len(lines) when limited

    @property
    def is_truncated(self) -> bool:
        return len(self.lines) < self.line_count


@dataclass(frozen=True, slots=True)
class GeneralLedger:
    company_code: str
    company_name: str
    currency: str
    date_from: dt.date
    date_to: dt.date
    accounts: tuple[LedgerAccount, ...]

    title = "General ledger"

    @property
    def period_label(self) -> str:
        return _range_label(self.date_from, self.date_to)

    def columns(self) -> tuple[Column, ...]:
        return (
            Column("Account"),
            Column("Date", "date"),
            Column("Entry"),
            Column("Journal"),
            Column("Label"),
            Column("Partner"),
            *_money_columns("Debit", "Credit", "Balance"),
        )

    def rows(self) -> Iterator[tuple]:
        for a in self.accounts:
            yield (
                a.account_code,
                None,
                "",
                "",
                "Opening balance",
                "",
                None,
                None,
                a.opening_balance,
            )
            for line in a.lines:
                yield (
                    a.account_code,
                    line.entry_date,
                    line.entry_number,
                    line.journal_code,
                    line.label,
                    line.partner_name,
                    line.debit,
                    line.credit,
                    line.balance,
                )
            yield (
                a.account_code,
                None,
                "",
                "",
                "Closing balance",
                "",
                a.debit,
                a.credit,
                a.closing_balance,
            )


def general_ledger(
    actor: User,
    company: Company,
    *,
    date_from: dt.date,
    date_to: dt.date,
    account_codes: list[str] | None = None,
    partner_id: int | None = None,
    limit: int | None = None,
) -> GeneralLedger:
    """Per account: opening balance, the posted lines of the range in date order with a
    running balance, and the closing balance.

    ``account_codes`` and ``partner_id`` narrow it (the opening too); ``limit`` keeps the
    first lines of each account (the totals and closing still cover the whole range).
    Three queries: grouped totals, the chart, the lines. 422 for a reversed range or a
    limit below 1.
    """
    require(actor, REPORT_PERMISSION, company)
    _check_range(date_from, date_to)
    if limit is not None and limit < 1:
        raise InvalidInput(
            f"The line limit per account must be at least 1, got {limit}.",
            field="limit",
            code="accounting.report_limit",
        )
    currency = company.currency
    base = _posted_lines(company).filter(entry__entry_date__lte=date_to)
    if account_codes is not None:
        base = base.filter(account__code__in=account_codes)
    if partner_id is not None:
        base = base.filter(partner_id=partner_id)
    before, since = Q(entry__entry_date__lt=date_from), Q(entry__entry_date__gte=date_from)
    grouped = (
        base.values("account_id")
        .annotate(
            opening_debit=Sum("debit", filter=before),
            opening_credit=Sum("credit", filter=before),
            debit_sum=Sum("debit", filter=since),
            credit_sum=Sum("credit", filter=since),
            line_count=Count("id", filter=since),
        )
        .order_by()
    )
    summaries = list(_with_accounts(company, grouped))
    lines_qs = base.filter(since)
    order = [F("entry__entry_date").asc(), F("entry_id").asc(), F("id").asc()]
    if limit is not None:
        lines_qs = lines_qs.annotate(
            position=Window(RowNumber(), partition_by=[F("account_id")], order_by=order)
        ).filter(position__lte=limit)
    by_account: dict[int, list[dict]] = {}
    for line in lines_qs.order_by("account_id", *order).values(
        "account_id",
        "entry__entry_date",
        "entry__number",
        "entry__journal__code",
        "entry__label",
        "label",
        "partner__name",
        "debit",
        "credit",
    ):
        by_account.setdefault(line["account_id"], []).append(line)
    accounts = []
    for row, account in summaries:
        opening = _m(row["opening_debit"], currency) - _m(row["opening_credit"], currency)
        if not (opening or row["line_count"]):
            continue  # nothing before the range is left and nothing moved in it
        debit, credit = _m(row["debit_sum"], currency), _m(row["credit_sum"], currency)
        running = opening
        lines = []
        for line in by_account.get(account.pk, ()):
            line_debit, line_credit = _m(line["debit"], currency), _m(line["credit"], currency)
            running += line_debit - line_credit
            lines.append(
                LedgerLine(
                    entry_date=line["entry__entry_date"],
                    entry_number=line["entry__number"],
                    journal_code=line["entry__journal__code"],
                    label=line["label"] or line["entry__label"],
                    partner_name=line["partner__name"] or "",
                    debit=line_debit,
                    credit=line_credit,
                    balance=running,
                )
            )
        accounts.append(
            LedgerAccount(
                account_code=account.code,
                account_name=account.name,
                account_type=account.type,
                opening_balance=opening,
                debit=debit,
                credit=credit,
                closing_balance=opening + debit - credit,
                lines=tuple(lines),
                line_count=row["line_count"],
            )
        )
    return GeneralLedger(
        company_code=company.code,
        company_name=company.name,
        currency=currency,
        date_from=date_from,
        date_to=date_to,
        accounts=tuple(accounts),
    )


# --------------------------------------------------------------------------- profit and loss


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One amount of a report section (a synthetic line has no account code)."""

    account_code: str
    account_name: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ReportSection:
    title: str
    lines: tuple[ReportLine, ...]
    total: Decimal


@dataclass(frozen=True, slots=True)
class ProfitAndLoss:
    company_code: str
    company_name: str
    currency: str
    date_from: dt.date
    date_to: dt.date
    income: ReportSection  # credit − debit per income account
    expense: ReportSection  # debit − credit per expense account
    net_result: Decimal  # income − expense: a profit is positive

    title = "Profit and loss"

    @property
    def period_label(self) -> str:
        return _range_label(self.date_from, self.date_to)

    def columns(self) -> tuple[Column, ...]:
        return (Column("Section"), Column("Account"), Column("Name"), Column("Amount", "amount"))

    def rows(self) -> Iterator[tuple]:
        yield from _section_rows(self.income)
        yield from _section_rows(self.expense)
        yield ("", "", "Net result", self.net_result)


def profit_and_loss(
    actor: User, company: Company, *, date_from: dt.date, date_to: dt.date
) -> ProfitAndLoss:
    """Income and expense per account over the range, and the net result.

    The year-end closing entry (and a reversal of it) is left out, so a closed year still
    shows what it earned. One grouped query (plus the chart and the closing entries).
    422 for a reversed range.
    """
    require(actor, REPORT_PERMISSION, company)
    _check_range(date_from, date_to)
    grouped = (
        _posted_lines(company)
        .filter(entry__entry_date__gte=date_from, entry__entry_date__lte=date_to)
        .exclude(entry_id__in=_closing_entry_ids(company))
        .values("account_id")
        .annotate(debit_sum=Sum("debit"), credit_sum=Sum("credit"))
        .order_by()
    )
    currency = company.currency
    income, expense = [], []
    for row, account in _with_accounts(company, grouped):
        debit, credit = _m(row["debit_sum"], currency), _m(row["credit_sum"], currency)
        if account.type == AccountType.INCOME:
            income.append(ReportLine(account.code, account.name, credit - debit))
        elif account.type == AccountType.EXPENSE:
            expense.append(ReportLine(account.code, account.name, debit - credit))
    income_section = _section("Income", income)
    expense_section = _section("Expense", expense)
    return ProfitAndLoss(
        company_code=company.code,
        company_name=company.name,
        currency=currency,
        date_from=date_from,
        date_to=date_to,
        income=income_section,
        expense=expense_section,
        net_result=income_section.total - expense_section.total,
    )


# --------------------------------------------------------------------------- balance sheet

CURRENT_YEAR_RESULT_LABEL = "Result of the current year"
PRIOR_YEARS_RESULT_LABEL = "Result of prior years not yet closed"


@dataclass(frozen=True, slots=True)
class BalanceSheet:
    company_code: str
    company_name: str
    currency: str
    as_of: dt.date
    current_year_start: dt.date | None  # None: no fiscal year starts on or before as_of
    assets: ReportSection  # debit − credit
    liabilities: ReportSection  # credit − debit
    equity: ReportSection  # credit − debit, with the synthetic result lines
    current_year_result: Decimal
    prior_years_result: Decimal

    title = "Balance sheet"

    @property
    def period_label(self) -> str:
        return f"as of {self.as_of.isoformat()}"

    @property
    def liabilities_and_equity(self) -> Decimal:
        return self.liabilities.total + self.equity.total

    @property
    def is_balanced(self) -> bool:
        return self.assets.total == self.liabilities_and_equity

    def columns(self) -> tuple[Column, ...]:
        return (Column("Section"), Column("Account"), Column("Name"), Column("Amount", "amount"))

    def rows(self) -> Iterator[tuple]:
        yield from _section_rows(self.assets)
        yield from _section_rows(self.liabilities)
        yield from _section_rows(self.equity)
        yield ("", "", "Total liabilities and equity", self.liabilities_and_equity)


def balance_sheet(actor: User, company: Company, *, as_of: dt.date) -> BalanceSheet:
    """Assets, liabilities and equity as of a date.

    Equity ends with "Result of prior years not yet closed" (income and expense dated
    before the current fiscal year that no closing entry moved; shown only when not
    zero) and "Result of the current year" (from the fiscal year's start to ``as_of``;
    zero once the year-end closing entry has moved it to retained earnings). The current
    year is the fiscal year holding ``as_of``, or the day after the last one ended; with
    no fiscal year at all every unclosed result is current. One grouped query (plus the
    fiscal year and the chart).
    """
    require(actor, REPORT_PERMISSION, company)
    start = _current_year_start(company, as_of)
    sums = {"debit_sum": Sum("debit"), "credit_sum": Sum("credit")}
    if start is not None:
        before = Q(entry__entry_date__lt=start)
        sums |= {
            "prior_debit": Sum("debit", filter=before),
            "prior_credit": Sum("credit", filter=before),
        }
    grouped = (
        _posted_lines(company)
        .filter(entry__entry_date__lte=as_of)
        .values("account_id")
        .annotate(**sums)
        .order_by()
    )
    currency = company.currency
    assets, liabilities, equity = [], [], []
    prior = current = ZERO  # credit − debit of income and expense
    for row, account in _with_accounts(company, grouped):
        balance = _m(row["debit_sum"], currency) - _m(row["credit_sum"], currency)
        if account.type in (AccountType.INCOME, AccountType.EXPENSE):
            before_start = _m(row.get("prior_debit"), currency) - _m(
                row.get("prior_credit"), currency
            )
            prior -= before_start
            current -= balance - before_start
        elif balance == 0:
            continue
        elif account.type == AccountType.ASSET:
            assets.append(ReportLine(account.code, account.name, balance))
        elif account.type == AccountType.LIABILITY:
            liabilities.append(ReportLine(account.code, account.name, -balance))
        else:
            equity.append(ReportLine(account.code, account.name, -balance))
    if prior != 0:
        equity.append(ReportLine("", PRIOR_YEARS_RESULT_LABEL, prior))
    equity.append(ReportLine("", CURRENT_YEAR_RESULT_LABEL, current))
    return BalanceSheet(
        company_code=company.code,
        company_name=company.name,
        currency=currency,
        as_of=as_of,
        current_year_start=start,
        assets=_section("Assets", assets),
        liabilities=_section("Liabilities", liabilities),
        equity=_section("Equity", equity),
        current_year_result=current,
        prior_years_result=prior,
    )


def _current_year_start(company: Company, as_of: dt.date) -> dt.date | None:
    year = (
        FiscalYear.objects.filter(company=company, start_date__lte=as_of)
        .order_by("-start_date")
        .values_list("start_date", "end_date")
        .first()
    )
    if year is None:
        return None
    start, end = year
    return start if end >= as_of else end + dt.timedelta(days=1)


# --------------------------------------------------------------------------- aged balances

BUCKET_TITLES = ("Not due", "1–30 days", "31–60 days", "61–90 days", "Over 90 days")


@dataclass(frozen=True, slots=True)
class AgedRow:
    partner_id: int | None  # None on the totals row
    partner_code: str
    partner_name: str
    not_due: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal
    total: Decimal

    @property
    def buckets(self) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
        return (self.not_due, self.days_1_30, self.days_31_60, self.days_61_90, self.over_90)


@dataclass(frozen=True, slots=True)
class AgedBalance:
    company_code: str
    company_name: str
    currency: str
    as_of: dt.date
    kind: str  # "receivables" or "payables"
    partners: tuple[AgedRow, ...]
    totals: AgedRow

    @property
    def title(self) -> str:
        return f"Aged {self.kind}"

    @property
    def period_label(self) -> str:
        return f"as of {self.as_of.isoformat()}"

    def columns(self) -> tuple[Column, ...]:
        return (Column("Partner"), Column("Name"), *_money_columns(*BUCKET_TITLES, "Total"))

    def rows(self) -> Iterator[tuple]:
        for r in (*self.partners, self.totals):
            yield (r.partner_code, r.partner_name, *r.buckets, r.total)


def aged_receivables(actor: User, company: Company, *, as_of: dt.date) -> AgedBalance:
    """What each customer owes as of a date, by days past due (see ``_aged``)."""
    return _aged(actor, company, as_of=as_of, customer=True)


def aged_payables(actor: User, company: Company, *, as_of: dt.date) -> AgedBalance:
    """What is owed to each supplier as of a date, by days past due (see ``_aged``)."""
    return _aged(actor, company, as_of=as_of, customer=False)


def _aged(actor: User, company: Company, *, as_of: dt.date, customer: bool) -> AgedBalance:
    """Open items per partner in company currency, bucketed by days past due on ``as_of``.

    Documents dated (so posted in the ledger) on or before ``as_of`` count with what was
    open on that day:
    allocations dated on or before it and not undone by then. A document's settled amount
    pays its installments in due-date order; each installment left open is aged on its due
    date. Credit notes and unallocated payments are negative open items aged on their own
    date (a credit note's installment date, a payment's date), so an old unused credit
    lands in an old bucket. Amounts are signed so a receivable (payable) is positive: the
    total equals the receivable (payable) control accounts whenever only documents and
    payments post to them.
    """
    require(actor, REPORT_PERMISSION, company)
    currency = company.currency
    places = minor_units(currency)
    if customer:
        positive, negative = InvoiceKind.CUSTOMER_INVOICE, InvoiceKind.CUSTOMER_CREDIT_NOTE
        payment_sign = {PaymentDirection.INBOUND: -1, PaymentDirection.OUTBOUND: 1}
    else:
        positive, negative = InvoiceKind.SUPPLIER_BILL, InvoiceKind.SUPPLIER_CREDIT_NOTE
        payment_sign = {PaymentDirection.OUTBOUND: -1, PaymentDirection.INBOUND: 1}
    active = Q(allocation_date__lte=as_of) & (
        Q(undone_at__isnull=True) | Q(undone_at__date__gt=as_of)
    )
    documents = (
        Invoice.objects.filter(
            company=company,
            kind__in=[positive, negative],
            state__in=POSTED_INVOICE_STATES,
            invoice_date__lte=as_of,
        )
        .annotate(
            settled=_allocated(active, "invoice", "amount")
            + _allocated(active, "credit_note", "amount"),
            settled_company=_allocated(active, "invoice", "invoice_amount_company")
            + _allocated(active, "credit_note", "source_amount_company"),
        )
        .annotate(
            open_amount=F("amount_total") - F("settled"),
            open_company=F("amount_total_company") - F("settled_company"),
        )
        .filter(_not_zero("open_amount") | _not_zero("open_company"))
        .select_related("partner")
        .prefetch_related(
            Prefetch(
                "installments",
                queryset=InvoiceInstallment.objects.order_by("due_date", "sequence"),
            )
        )
    )
    reversed_by_then = JournalEntry.objects.filter(
        reversal_of_id=OuterRef("entry_id"), state=EntryState.POSTED, entry_date__lte=as_of
    )
    open_payments = (
        Payment.objects.filter(
            company=company,
            is_customer=customer,
            entry__state=EntryState.POSTED,
            payment_date__lte=as_of,
        )
        .filter(~Exists(reversed_by_then))
        .annotate(
            open_company=F("amount_company")
            - _allocated(active, "payment", "source_amount_company")
        )
        .filter(_not_zero("open_company"))
        .select_related("partner")
    )
    partners: dict[int, tuple[str, str]] = {}
    buckets: dict[int, list[Decimal]] = {}

    def add(partner, due: dt.date, amount: Decimal) -> None:
        partners[partner.pk] = (partner.code, partner.name)
        buckets.setdefault(partner.pk, [ZERO] * 5)[_bucket(due, as_of)] += amount

    for doc in documents:
        sign = 1 if doc.kind == positive else -1
        schedule = [(i.due_date, i.amount) for i in doc.installments.all()] or [
            (doc.due_date or doc.invoice_date, doc.amount_total)
        ]
        open_company = quantize_money(doc.open_company, currency)
        for due, amount in _open_installments(
            schedule, quantize_money(doc.settled, doc.currency), open_company, places
        ):
            add(doc.partner, due, sign * amount)
    for payment in open_payments:
        amount = quantize_money(payment.open_company, currency)
        add(payment.partner, payment.payment_date, payment_sign[payment.direction] * amount)
    rows = []
    for partner_id, (code, name) in sorted(partners.items(), key=lambda item: item[1]):
        amounts = buckets[partner_id]
        if any(amounts):
            rows.append(AgedRow(partner_id, code, name, *amounts, sum(amounts, ZERO)))
    zero = quantize_money(ZERO, currency)
    totals = [sum((r.buckets[i] for r in rows), zero) for i in range(5)]
    return AgedBalance(
        company_code=company.code,
        company_name=company.name,
        currency=currency,
        as_of=as_of,
        kind="receivables" if customer else "payables",
        partners=tuple(rows),
        totals=AgedRow(None, "", "Total", *totals, sum(totals, zero)),
    )


def _allocated(active: Q, side: str, column: str) -> Coalesce:
    """The sum of a column over a document's (or payment's) allocations active by then."""
    rows = (
        Allocation.objects.filter(active, **{side: OuterRef("pk")})
        .values(side)
        .annotate(total=Sum(column))
        .values("total")[:1]
    )
    return Coalesce(Subquery(rows, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _not_zero(field: str) -> Q:
    return Q(**{f"{field}__gte": HALF_CENT}) | Q(**{f"{field}__lte": -HALF_CENT})


def _open_installments(
    schedule: list[tuple[dt.date, Decimal]],
    settled: Decimal,
    open_company: Decimal,
    places: int,
) -> list[tuple[dt.date, Decimal]]:
    """What is open per due date, in company currency (pure).

    ``settled`` (document currency) pays the installments in due-date order; the open
    company amount is shared over the unpaid rest pro rata, the last taking the rounding.
    """
    left = []
    for due, amount in sorted(schedule, key=lambda item: item[0]):
        paid = min(amount, max(settled, ZERO))
        settled -= paid
        if amount - paid:
            left.append((due, amount - paid))
    if not left:  # only an exchange residue is open: age it on the last due date
        return [(max(due for due, _ in schedule), open_company)] if open_company else []
    open_document = sum((amount for _, amount in left), ZERO)
    result, shared = [], ZERO
    quantum = Decimal(1).scaleb(-places)
    for due, amount in left[:-1]:
        part = (open_company * amount / open_document).quantize(quantum)
        shared += part
        result.append((due, part))
    result.append((left[-1][0], open_company - shared))
    return [(due, amount) for due, amount in result if amount]


def _bucket(due: dt.date, as_of: dt.date) -> int:
    """0 not due, 1 for 1–30 days past due, 2 for 31–60, 3 for 61–90, 4 beyond."""
    days = (as_of - due).days
    if days <= 0:
        return 0
    if days <= 30:
        return 1
    if days <= 60:
        return 2
    if days <= 90:
        return 3
    return 4


# --------------------------------------------------------------------------- tax report


@dataclass(frozen=True, slots=True)
class TaxReportRow:
    tax_code: str
    tax_name: str
    kind: str  # sale or purchase
    vat_category: str
    rate: Decimal
    base: Decimal  # company currency; credit notes count negative
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TaxReport:
    company_code: str
    company_name: str
    currency: str
    date_from: dt.date
    date_to: dt.date
    taxes: tuple[TaxReportRow, ...]
    sales_base: Decimal
    output_vat: Decimal
    purchase_base: Decimal
    input_vat: Decimal
    net_vat_payable: Decimal  # output − input; negative is a refund due

    title = "VAT report"

    @property
    def period_label(self) -> str:
        return _range_label(self.date_from, self.date_to)

    def columns(self) -> tuple[Column, ...]:
        return (
            Column("Tax"),
            Column("Name"),
            Column("Kind"),
            Column("VAT category"),
            Column("Rate", "rate"),
            *_money_columns("Base", "Tax amount"),
        )

    def rows(self) -> Iterator[tuple]:
        for r in self.taxes:
            yield (r.tax_code, r.tax_name, r.kind, r.vat_category, r.rate, r.base, r.amount)
        yield ("", "Output VAT (sales)", "", "", None, self.sales_base, self.output_vat)
        yield ("", "Input VAT (purchases)", "", "", None, self.purchase_base, self.input_vat)
        yield ("", "Net VAT payable", "", "", None, None, self.net_vat_payable)


def tax_report(actor: User, company: Company, *, date_from: dt.date, date_to: dt.date) -> TaxReport:
    """Base and tax per tax, VAT category and rate of the documents dated in the range.

    Read from the posted documents' VAT breakdown in company currency (what was posted
    to the tax accounts); credit notes count negative. One grouped query.
    """
    require(actor, REPORT_PERMISSION, company)
    _check_range(date_from, date_to)
    credit_note = Q(
        invoice__kind__in=[InvoiceKind.CUSTOMER_CREDIT_NOTE, InvoiceKind.SUPPLIER_CREDIT_NOTE]
    )

    def signed(column: str) -> Sum:
        return Sum(Case(When(credit_note, then=-F(column)), default=F(column), output_field=MONEY))

    grouped = (
        InvoiceTax.objects.filter(
            invoice__company=company,
            invoice__state__in=POSTED_INVOICE_STATES,
            invoice__invoice_date__gte=date_from,
            invoice__invoice_date__lte=date_to,
        )
        .values("tax__code", "tax__name", "tax__kind", "vat_category", "rate")
        .annotate(base=signed("base_company"), amount=signed("amount_company"))
        .order_by("tax__kind", "tax__code", "vat_category", "rate")
    )
    currency = company.currency
    rows = tuple(
        TaxReportRow(
            tax_code=row["tax__code"],
            tax_name=row["tax__name"],
            kind=row["tax__kind"],
            vat_category=row["vat_category"],
            rate=row["rate"],
            base=_m(row["base"], currency),
            amount=_m(row["amount"], currency),
        )
        for row in grouped
    )

    def total(kind: str, field: str) -> Decimal:
        return sum((getattr(r, field) for r in rows if r.kind == kind), ZERO)

    output_vat, input_vat = total(TaxKind.SALE, "amount"), total(TaxKind.PURCHASE, "amount")
    return TaxReport(
        company_code=company.code,
        company_name=company.name,
        currency=currency,
        date_from=date_from,
        date_to=date_to,
        taxes=rows,
        sales_base=total(TaxKind.SALE, "base"),
        output_vat=output_vat,
        purchase_base=total(TaxKind.PURCHASE, "base"),
        input_vat=input_vat,
        net_vat_payable=output_vat - input_vat,
    )


# --------------------------------------------------------------------------- helpers


def _posted_lines(company: Company) -> QuerySet[JournalLine]:
    return JournalLine.objects.filter(entry__company=company, entry__state=EntryState.POSTED)


def _closing_entry_ids(company: Company) -> list[int]:
    """The company's year-end closing entries and their reversals (a few rows)."""
    ids = list(
        JournalEntry.objects.filter(
            company=company, reference__startswith=CLOSING_REFERENCE_PREFIX
        ).values_list("pk", flat=True)
    )
    if ids:
        ids += JournalEntry.objects.filter(reversal_of_id__in=ids).values_list("pk", flat=True)
    return ids


def _with_accounts(company: Company, grouped: QuerySet) -> Iterator[tuple[dict, Account]]:
    """Rows grouped by account_id, paired with their account, by account code."""
    rows = {row["account_id"]: row for row in grouped}
    accounts = Account.objects.filter(company=company, pk__in=list(rows)).order_by("code")
    for account in accounts:
        yield rows[account.pk], account


def _section(title: str, lines: list[ReportLine]) -> ReportSection:
    return ReportSection(title, tuple(lines), sum((line.amount for line in lines), ZERO))


def _section_rows(section: ReportSection) -> Iterator[tuple]:
    for line in section.lines:
        yield (section.title, line.account_code, line.account_name, line.amount)
    yield (section.title, "", f"Total {section.title.lower()}", section.total)


def _m(value: Decimal | None, currency: str) -> Decimal:
    return quantize_money(ZERO if value is None else value, currency)


def _check_range(date_from: dt.date, date_to: dt.date, *, field: str = "date_from") -> None:
    if date_from > date_to:
        raise InvalidInput(
            f"The report starts on {date_from.isoformat()}, after its end {date_to.isoformat()}.",
            field=field,
            code="accounting.report_dates",
            details={"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
        )


def _range_label(date_from: dt.date | None, date_to: dt.date) -> str:
    if date_from is None:
        return f"up to {date_to.isoformat()}"
    return f"{date_from.isoformat()} to {date_to.isoformat()}"
