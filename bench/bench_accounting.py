"""Accounting benchmarks: posting invoices, reconciling a bank statement, the trial balance.

Each benchmark keeps its own company (BENCH-AR, BENCH-BANK, BENCH-GL) with the template
chart, fiscal year 2026 and the default taxes, so running them together in one database
does not change what each measures.

- ``post_invoices``: customer invoices through ``create_and_post_invoice``, one service
  call (one transaction) each, timed one by one; then single invoices of 1 to 1000 lines,
  both created and posted in one call and posted from an existing draft (the latter is
  what Tryton's "invoice" step times).
- ``reconcile``: open invoices posted through the service, a camt.053 statement paying
  half of its lines by reference, a quarter by partner name and amount, a quarter noise;
  timed: import, suggestions, accept all.
- ``trial_balance``: a ledger of posted entries written with ``bulk_create`` (set-up only:
  it bypasses the services, so no numbering, audit or period checks), then the trial
  balance of the year and a one-month general ledger of one account.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import time
from contextlib import contextmanager
from decimal import Decimal

from bench.common import peak_rss_mib, setup_reference_data

YEAR = 2026
SIZES = (1, 10, 100, 1000)
REPEATS = {1: 10, 10: 10, 100: 5, 1000: 3}


# --------------------------------------------------------------------------- helpers


class QueryCounter:
    """Counts the SQL statements run on the default connection (no query log kept)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting():
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def timings(samples: list[float]) -> dict:
    """Median, p95 (nearest rank), min and max of samples in seconds, as milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "min_ms": round(ordered[0] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def books(code: str, name: str):
    """A company with the chart, fiscal year 2026 and default taxes; the admin is a member."""
    from ordo.accounting import services
    from ordo.accounting.models import FiscalYear
    from ordo.core.models import Company, User
    from ordo.governance.services import CompanyInput, create_company, create_or_update_user

    setup_reference_data()
    company = Company.objects.filter(code=code).first() or create_company(
        actor=None,
        data=CompanyInput(
            code=code, name=name, currency="EUR", country="BE", iban="BE71096123456769"
        ),
    )
    create_or_update_user(
        actor=None,
        username="bench-admin",
        password=None,
        company_codes=[code],
        role_codes=["admin"],
    )
    admin = User.objects.get(username="bench-admin")
    services.install_chart(actor=admin, company=company)
    if not FiscalYear.objects.filter(company=company, start_date=dt.date(YEAR, 1, 1)).exists():
        services.create_fiscal_year(
            actor=admin,
            company=company,
            start_date=dt.date(YEAR, 1, 1),
            end_date=dt.date(YEAR, 12, 31),
        )
    services.install_default_taxes(actor=admin, company=company)
    return company, admin


def customers(prefix: str, count: int) -> list:
    """``count`` customers named "<prefix> Customer 00042 NV" (created once, ORM)."""
    from ordo.partners.models import Partner

    existing = list(Partner.objects.filter(code__startswith=f"{prefix}-").order_by("code"))
    if len(existing) >= count:
        return existing[:count]
    Partner.objects.bulk_create(
        [
            Partner(
                code=f"{prefix}-{n:05d}",
                name=f"{prefix.title()} Customer {n:05d} NV",
                is_customer=True,
            )
            for n in range(len(existing), count)
        ],
        batch_size=1000,
    )
    return list(Partner.objects.filter(code__startswith=f"{prefix}-").order_by("code"))


def invoice_lines(count: int, seed: int) -> list:
    from ordo.accounting.invoicing import InvoiceLineInput

    rng = random.Random(seed)
    return [
        InvoiceLineInput(
            description=f"Article {rng.randrange(10_000):05d}",
            quantity=Decimal(rng.choice((1, 2, 3, 5, 10, 12))),
            unit_price=Decimal(rng.randrange(100, 50_000)) / 100,
            tax_code="VAT21",
        )
        for _ in range(count)
    ]


def day_of_year(n: int, *, months: int = 12) -> dt.date:
    """The n-th date cycling over the first ``months`` months of the year (days 1..28)."""
    return dt.date(YEAR, n % months + 1, n // months % 28 + 1)


# --------------------------------------------------------------------------- post_invoices


def run_post_invoices(*, invoices: int, lines: int, sizes: tuple[int, ...] = SIZES) -> dict:
    """Post ``invoices`` customer invoices of ``lines`` VAT21 lines, one call each, then
    single invoices of each size in ``sizes`` (median of a few)."""
    from ordo.accounting import invoicing

    company, admin = books("BENCH-AR", "Bench Receivables NV")
    partners = customers("AR", 200)

    def post(n: int, line_count: int):
        return invoicing.create_and_post_invoice(
            actor=admin,
            company=company,
            kind="customer_invoice",
            partner_id=partners[n % len(partners)].pk,
            invoice_date=day_of_year(n),
            lines=invoice_lines(line_count, seed=n),
        )

    for n in range(5):  # warm-up: first-use costs (imports, caches) stay out of the figures
        post(n, lines)
    inputs = [invoice_lines(lines, seed=n) for n in range(invoices)]
    samples = []
    start = time.perf_counter()
    with counting() as queries:
        for n in range(invoices):
            t0 = time.perf_counter()
            invoicing.create_and_post_invoice(
                actor=admin,
                company=company,
                kind="customer_invoice",
                partner_id=partners[n % len(partners)].pk,
                invoice_date=day_of_year(n),
                lines=inputs[n],
            )
            samples.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    result: dict = {
        "invoices": invoices,
        "lines_per_invoice": lines,
        "tax": "VAT21",
        "seconds": round(total, 3),
        "invoices_per_second": round(invoices / total, 1),
        "per_invoice": timings(samples),
        "queries_per_invoice": round(queries.count / invoices, 1),
        "peak_rss_mib": peak_rss_mib(),
    }
    result["single_invoice"] = single_invoice_sizes(admin, company, partners, sizes)
    result["peak_rss_mib_after_sizes"] = peak_rss_mib()
    return result


def single_invoice_sizes(admin, company, partners, sizes) -> dict:
    """Per size L: create-and-post in one call, and posting an existing draft (timed alone)."""
    from ordo.accounting import invoicing

    out = {}
    for size in sizes:
        repeats = REPEATS.get(size, 3)
        both, post_only, q_both, q_post = [], [], [], []
        for r in range(repeats):
            common = {
                "actor": admin,
                "company": company,
                "kind": "customer_invoice",
                "partner_id": partners[r % len(partners)].pk,
                "invoice_date": dt.date(YEAR, 6, 15),
                "lines": invoice_lines(size, seed=size * 1000 + r),
            }
            with counting() as queries:
                t0 = time.perf_counter()
                invoicing.create_and_post_invoice(**common)
                both.append(time.perf_counter() - t0)
            q_both.append(queries.count)
            draft = invoicing.create_invoice(**common)
            with counting() as queries:
                t0 = time.perf_counter()
                invoicing.post_invoice(actor=admin, invoice_id=draft.pk)
                post_only.append(time.perf_counter() - t0)
            q_post.append(queries.count)
        out[f"lines_{size}"] = {
            "create_and_post": timings(both) | {"queries": max(q_both)},
            "post_draft": timings(post_only) | {"queries": max(q_post)},
        }
    return out


# --------------------------------------------------------------------------- reconcile


def camt053(entries, *, statement_id: str, iban: str = "BE71096123456769") -> bytes:
    """A camt.053.001.02 of our own: entries are (amount, text, counterparty, day)."""
    closing = sum((Decimal(amount) for amount, _, _, _ in entries), Decimal("0.00"))
    rows = []
    for i, (amount, text, name, day) in enumerate(entries):
        value = Decimal(amount)
        side, party = ("CRDT", "Dbtr") if value > 0 else ("DBIT", "Cdtr")
        rows.append(
            f'<Ntry><Amt Ccy="EUR">{abs(value)}</Amt><CdtDbtInd>{side}</CdtDbtInd>'
            f"<Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
            f"<AcctSvcrRef>BANKREF-{i + 1}</AcctSvcrRef><BkTxCd/>"
            f"<NtryDtls><TxDtls><RltdPties><{party}><Nm>{name}</Nm></{party}></RltdPties>"
            f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
        )
    side = "CRDT" if closing >= 0 else "DBIT"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>BENCH-1</MsgId><CreDtTm>2026-05-02T08:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{statement_id}</Id><CreDtTm>2026-05-02T08:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-31</Dt></Dt></Bal>"
        f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(closing)}</Amt>'
        f"<CdtDbtInd>{side}</CdtDbtInd><Dt><Dt>2026-04-30</Dt></Dt></Bal>\n"
        f"{''.join(rows)}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def statement_entries(invoices: list, statement_lines: int, seed: int = 7) -> list:
    """Half the lines quote an invoice number with its exact amount, a quarter name the
    customer and pay an invoice's exact amount, a quarter are noise (fees, strangers)."""
    rng = random.Random(seed)
    chosen = rng.sample(invoices, (statement_lines * 3) // 4)
    by_reference = chosen[: statement_lines // 2]
    by_partner = chosen[statement_lines // 2 :]
    entries = []
    for n, invoice in enumerate(by_reference):
        entries.append(
            (
                f"{invoice.amount_total}",
                f"Payment {invoice.number} thank you",
                invoice.partner.name.upper(),
                f"2026-04-{n % 28 + 1:02d}",
            )
        )
    for n, invoice in enumerate(by_partner):
        entries.append(
            (
                f"{invoice.amount_total}",
                "Settlement of our account",
                invoice.partner.name,
                f"2026-04-{n % 28 + 1:02d}",
            )
        )
    for n in range(statement_lines - len(entries)):
        if n % 2:
            entries.append(("-2.50", "Account fee", "Our bank", f"2026-04-{n % 28 + 1:02d}"))
        else:
            amount = Decimal(rng.randrange(500, 900_000)) / 100
            entries.append(
                (f"{amount}", f"Cash deposit {n}", f"Walk-in shop {n}", f"2026-04-{n % 28 + 1:02d}")
            )
    rng.shuffle(entries)
    return entries


def run_reconcile(*, invoices: int, statement_lines: int) -> dict:
    """Open invoices (one VAT21 line each, posted through the service), a camt.053 of
    ``statement_lines`` lines, then import → suggestions → accept all, each timed."""
    from collections import Counter

    from ordo.accounting import banking, invoicing
    from ordo.accounting.invoicing import InvoiceLineInput
    from ordo.accounting.models import BankStatementLine, Invoice

    company, admin = books("BENCH-BANK", "Bench Bank Reconciliation NV")
    partners = customers("BK", max(1, invoices // 20))
    result: dict = {"open_invoices": invoices, "statement_lines": statement_lines}

    existing = Invoice.objects.filter(company=company, state="posted").count()
    start = time.perf_counter()
    for n in range(existing, invoices):
        # Distinct net amounts, so a partner never has two open invoices of one amount.
        invoicing.create_and_post_invoice(
            actor=admin,
            company=company,
            kind="customer_invoice",
            partner_id=partners[n % len(partners)].pk,
            invoice_date=day_of_year(n, months=3),
            lines=[InvoiceLineInput("Goods", Decimal(1), Decimal(1000 + n) / 100 + 10, "VAT21")],
        )
    made = invoices - existing
    seconds = time.perf_counter() - start
    result["setup_invoices"] = {
        "created": made,
        "lines_per_invoice": 1,
        "seconds": round(seconds, 1),
        "invoices_per_second": round(made / seconds, 1) if made else None,
    }
    open_invoices = list(
        Invoice.objects.filter(company=company, state="posted")
        .select_related("partner")
        .only("id", "number", "amount_total", "partner__name")
        .order_by("id")
    )
    statement_id = f"BENCH-{time.time_ns()}"
    data = camt053(statement_entries(open_invoices, statement_lines), statement_id=statement_id)
    result["file_bytes"] = len(data)

    phase: dict = {}
    with counting() as queries:
        t0 = time.perf_counter()
        (statement,) = banking.import_bank_statement(
            actor=admin, company=company, data=data, filename="bench.xml"
        )
        phase["seconds"] = round(time.perf_counter() - t0, 3)
    phase["queries"] = queries.count
    phase["lines_per_second"] = round(statement_lines / phase["seconds"])
    result["import"] = phase

    phase = {}
    with counting() as queries:
        t0 = time.perf_counter()
        found = banking.suggestions_for(admin, statement.pk)
        phase["seconds"] = round(time.perf_counter() - t0, 3)
    phase["queries"] = queries.count
    phase["lines_per_second"] = round(statement_lines / phase["seconds"])
    phase["suggested"] = len(found)
    phase["by_rule"] = dict(Counter(s.suggestion.rule for s in found))
    result["suggestions"] = phase

    # The pure matching alone, on the same inputs (what suggestions_for spends outside SQL).
    from ordo.accounting import matching

    lines = list(statement.lines.filter(state="open").order_by("sequence"))
    items, _ = banking._open_items(company)
    bank_lines = banking._bank_lines(lines)
    t0 = time.perf_counter()
    matching.suggest(bank_lines, items)
    result["suggestions"]["pure_matching_seconds"] = round(time.perf_counter() - t0, 3)

    phase = {}
    with counting() as queries:
        t0 = time.perf_counter()
        outcome = banking.accept_suggestions(actor=admin, statement_id=statement.pk)
        phase["seconds"] = round(time.perf_counter() - t0, 3)
    phase["queries"] = queries.count
    phase["reconciled"] = len(outcome.reconciled)
    phase["failed"] = len(outcome.failed)
    if outcome.failed:
        phase["first_failures"] = outcome.failed[:3]
    phase["lines_per_second"] = round(len(outcome.reconciled) / phase["seconds"], 1)
    phase["ms_per_line"] = round(phase["seconds"] * 1000 / max(1, len(outcome.reconciled)), 2)
    phase["queries_per_line"] = round(queries.count / max(1, len(outcome.reconciled)), 1)
    result["accept"] = phase
    result["lines_reconciled"] = BankStatementLine.objects.filter(
        statement=statement, state="reconciled"
    ).count()
    result["invoices_paid"] = Invoice.objects.filter(company=company, state="paid").count()
    result["peak_rss_mib"] = peak_rss_mib()
    return result


# --------------------------------------------------------------------------- trial_balance


def bulk_ledger(company, admin, *, lines: int, accounts: int = 60, per_entry: int = 10) -> dict:
    """Posted entries of ``per_entry`` lines (debit/credit pairs of equal amounts), spread
    over the 12 months and ``accounts`` accounts, written with bulk_create (no services)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from ordo.accounting.models import Account, Journal, JournalEntry, JournalLine, Period

    already = JournalLine.objects.filter(entry__company=company).count()
    if already >= lines:
        return {"lines": already, "seconds": 0, "reused": True}
    chart = list(
        Account.objects.filter(company=company).order_by("code").values_list("pk", flat=True)
    )[:accounts]
    journals = list(Journal.objects.filter(company=company).order_by("code"))
    periods = {p.start_date.month: p for p in Period.objects.filter(company=company)}
    rng = random.Random(11)
    posted_at = timezone.now()
    entries_total = lines // per_entry
    batch = 5000
    start = time.perf_counter()
    for first in range(0, entries_total, batch):
        with transaction.atomic():
            entries = []
            for n in range(first, min(first + batch, entries_total)):
                journal = journals[n % len(journals)]
                day = dt.date(YEAR, n % 12 + 1, n // 12 % 28 + 1)
                entries.append(
                    JournalEntry(
                        company=company,
                        journal=journal,
                        entry_date=day,
                        period=periods[day.month],
                        state="posted",
                        number=f"BULK/{n:07d}",
                        reference=f"B{n}",
                        label=f"Bulk entry {n}",
                        currency="EUR",
                        posted_at=posted_at,
                        posted_by=admin,
                    )
                )
            JournalEntry.objects.bulk_create(entries)
            journal_lines = []
            for entry in entries:
                for _ in range(per_entry // 2):
                    amount = Decimal(rng.randrange(1, 1_000_000)) / 100
                    debit_account, credit_account = rng.sample(chart, 2)
                    journal_lines.append(
                        JournalLine(
                            entry=entry, account_id=debit_account, debit=amount, currency="EUR"
                        )
                    )
                    journal_lines.append(
                        JournalLine(
                            entry=entry, account_id=credit_account, credit=amount, currency="EUR"
                        )
                    )
            JournalLine.objects.bulk_create(journal_lines, batch_size=10_000)
    insert_seconds = time.perf_counter() - start
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "lines": entries_total * per_entry,
        "entries": entries_total,
        "accounts": len(chart),
        "seconds": round(insert_seconds, 1),
        "lines_per_second": round(entries_total * per_entry / insert_seconds),
        "analyze_seconds": round(time.perf_counter() - t0, 1),
    }


def median_of(call, repeats: int = 5) -> dict:
    samples, queries = [], 0
    for _ in range(repeats):
        with counting() as counter:
            t0 = time.perf_counter()
            value = call()
            samples.append(time.perf_counter() - t0)
        queries = counter.count
    return timings(samples) | {"queries": queries, "value": value}


def run_trial_balance(*, lines: int) -> dict:
    """The year's trial balance and one account's June ledger over ``lines`` posted lines."""
    from django.db.models import Count

    from ordo.accounting import reports
    from ordo.accounting.models import JournalLine

    company, admin = books("BENCH-GL", "Bench General Ledger NV")
    result: dict = {"setup": bulk_ledger(company, admin, lines=lines)}
    year_end, year_start = dt.date(YEAR, 12, 31), dt.date(YEAR, 1, 1)

    def balance(date_from=None):
        report = reports.trial_balance(admin, company, as_of=year_end, date_from=date_from)
        assert report.total_debit == report.total_credit, report.total_debit
        return {"accounts": len(report.accounts), "total_debit": str(report.total_debit)}

    result["trial_balance_year"] = median_of(balance)
    result["trial_balance_year_with_opening"] = median_of(lambda: balance(year_start))

    busiest = (
        JournalLine.objects.filter(entry__company=company)
        .values("account__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    code = busiest["account__code"]

    def ledger():
        report = reports.general_ledger(
            admin,
            company,
            date_from=dt.date(YEAR, 6, 1),
            date_to=dt.date(YEAR, 6, 30),
            account_codes=[code],
        )
        (account,) = report.accounts
        return {"account": code, "lines": len(account.lines)}

    result["general_ledger_june_one_account"] = median_of(ledger)
    result["peak_rss_mib"] = peak_rss_mib()
    return result
