"""The financial reports, their exports and the year-end closing, on one story of 2026:

1. 2 Jan: 10 000.00 share capital paid into the bank; 28 Feb: 1 000.00 office rent paid.
2. 5 Mar: Fabrika's bill of 363.00 (300.00 + 21 % VAT), due 4 Apr.
3. 10, 20 and 25 Mar: Acme is invoiced 605.00 (VAT 21 %), 212.00 (VAT 6 %) and
   1 000.00 USD for export (at 0.90: 900.00), each half at 30 and half at 60 days.
4. 5 Apr: 20 of the 100 rolls of tape are credited (42.40), settling part of invoice 2.
5. 10 Apr: 163.00 paid to Fabrika; 15 Apr: Acme pays 300.00 of invoice 1 (partial);
   20 Apr: Acme pays 200.00 for the 169.60 left on invoice 2 (30.40 overpaid);
   25 Apr: Acme pays 600.00 USD of invoice 3 at 0.95 (570.00): a 30.00 exchange gain.
"""

import datetime as dt
import io
import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import Sum
from openpyxl import load_workbook

from ordo.accounting import closing, invoicing, payments, reports, services
from ordo.accounting.invoicing import CreditLineInput, InvoiceLineInput
from ordo.accounting.models import Allocation, FiscalYear, JournalLine
from ordo.accounting.payments import AllocationInput
from ordo.accounting.report_export import to_csv, to_xlsx
from ordo.accounting.reports import ReportLine, ReportSection
from ordo.accounting.services import LineInput
from ordo.core.errors import DomainError
from ordo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

D = Decimal
YEAR_START, YEAR_END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
JUNE_30 = dt.date(2026, 6, 30)


def _error(call):
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value


def _post(books, day, journal, *lines, label=""):
    return services.post_entry_now(
        actor=books.accountant,
        company=books.company,
        journal_code=journal,
        entry_date=day,
        lines=[LineInput(code, debit=D(dr), credit=D(cr)) for code, dr, cr in lines],
        label=label,
    )


def _invoice(books, kind, partner, day, lines, currency="EUR", **kwargs):
    return invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind=kind,
        partner_id=partner.pk,
        invoice_date=day,
        currency=currency,
        lines=[InvoiceLineInput(desc, D(qty), D(price), tax) for desc, qty, price, tax in lines],
        **kwargs,
    )


def _pay(books, direction, partner, amount, day, allocations, currency="EUR"):
    return payments.register_payment(
        actor=books.accountant,
        company=books.company,
        direction=direction,
        partner_id=partner.pk,
        amount=D(amount),
        payment_date=day,
        currency=currency,
        allocations=[AllocationInput(doc.pk, D(value)) for doc, value in allocations],
    )


@pytest.fixture
def story(books):
    """The year of the module docstring, built through the services."""
    acme, fabrika = books.customer, books.supplier
    _post(books, dt.date(2026, 1, 2), "BNK1", ("5500", "10000.00", "0"), ("1000", "0", "10000.00"))
    _post(books, dt.date(2026, 2, 28), "BNK1", ("6110", "1000.00", "0"), ("5500", "0", "1000.00"))
    bill = _invoice(
        books,
        "supplier_bill",
        fabrika,
        dt.date(2026, 3, 5),
        [("Stretch film", "100", "3.00", "VAT21-P")],
        due_date=dt.date(2026, 4, 4),
    )
    wrap = _invoice(
        books, "customer_invoice", acme, dt.date(2026, 3, 10), [("Wrap", "10", "50.00", "VAT21")]
    )
    tape = _invoice(
        books, "customer_invoice", acme, dt.date(2026, 3, 20), [("Tape", "100", "2.00", "VAT6")]
    )
    export = _invoice(
        books,
        "customer_invoice",
        acme,
        dt.date(2026, 3, 25),
        [("Export goods", "1", "1000.00", "EXPORT")],
        currency="USD",
    )
    credit = invoicing.create_credit_note(
        actor=books.accountant,
        invoice_id=tape.pk,
        reason="Damaged rolls",
        lines=[CreditLineInput(tape.lines.get().pk, D("20"))],
        credit_date=dt.date(2026, 4, 5),
    )
    _pay(books, "outbound", fabrika, "163.00", dt.date(2026, 4, 10), [(bill, "163.00")])
    _pay(books, "inbound", acme, "300.00", dt.date(2026, 4, 15), [(wrap, "300.00")])
    overpaid = _pay(books, "inbound", acme, "200.00", dt.date(2026, 4, 20), [(tape, "169.60")])
    _pay(books, "inbound", acme, "600.00", dt.date(2026, 4, 25), [(export, "600.00")], "USD")
    return SimpleNamespace(
        books=books,
        actor=books.accountant,
        company=books.company,
        acme=acme,
        fabrika=fabrika,
        bill=bill,
        wrap=wrap,
        tape=tape,
        export=export,
        credit=credit,
        overpaid=overpaid,
    )


def _balance(company, *codes, as_of=YEAR_END):
    totals = JournalLine.objects.filter(
        entry__company=company,
        entry__state="posted",
        entry__entry_date__lte=as_of,
        account__code__in=codes,
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["debit"] or 0) - (totals["credit"] or 0)


def _movement(company, code, date_from, date_to):
    totals = JournalLine.objects.filter(
        entry__company=company,
        entry__state="posted",
        entry__entry_date__gte=date_from,
        entry__entry_date__lte=date_to,
        account__code=code,
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["debit"] or 0) - (totals["credit"] or 0)


def _lines(section):
    return [(line.account_code, line.account_name, line.amount) for line in section.lines]


# --------------------------------------------------------------------------- trial balance


def test_the_trial_balance_of_the_year_lists_every_account_and_balances(story):
    report = reports.trial_balance(story.actor, story.company, as_of=YEAR_END)
    assert [
        (r.account_code, r.opening_balance, r.debit, r.credit, r.closing_balance)
        for r in report.accounts
    ] == [
        ("1000", D("0"), D("0"), D("10000.00"), D("-10000.00")),
        ("4000", D("0"), D("1747.00"), D("1112.40"), D("634.60")),
        ("4100", D("0"), D("63.00"), D("0"), D("63.00")),
        ("4400", D("0"), D("163.00"), D("363.00"), D("-200.00")),
        ("4500", D("0"), D("2.40"), D("117.00"), D("-114.60")),
        ("5500", D("0"), D("11070.00"), D("1163.00"), D("9907.00")),
        ("6000", D("0"), D("300.00"), D("0"), D("300.00")),
        ("6110", D("0"), D("1000.00"), D("0"), D("1000.00")),
        ("7000", D("0"), D("40.00"), D("1600.00"), D("-1560.00")),
        ("7550", D("0"), D("0"), D("30.00"), D("-30.00")),
    ]
    first = report.accounts[0]
    assert (first.account_name, first.account_type) == ("Share capital", "equity")
    assert (report.total_debit, report.total_credit) == (D("14385.40"), D("14385.40"))
    assert report.total_closing == 0 and report.is_balanced
    assert (report.company_code, report.currency, report.date_from) == ("ORDO-BE", "EUR", None)


def test_a_trial_balance_of_march_shows_the_opening_before_it(story):
    report = reports.trial_balance(
        story.actor, story.company, as_of=dt.date(2026, 3, 31), date_from=dt.date(2026, 3, 1)
    )
    assert [
        (r.account_code, r.opening_balance, r.debit, r.credit, r.closing_balance)
        for r in report.accounts
    ] == [
        ("1000", D("-10000.00"), D("0"), D("0"), D("-10000.00")),
        ("4000", D("0"), D("1717.00"), D("0"), D("1717.00")),
        ("4100", D("0"), D("63.00"), D("0"), D("63.00")),
        ("4400", D("0"), D("0"), D("363.00"), D("-363.00")),
        ("4500", D("0"), D("0"), D("117.00"), D("-117.00")),
        ("5500", D("9000.00"), D("0"), D("0"), D("9000.00")),
        ("6000", D("0"), D("300.00"), D("0"), D("300.00")),
        ("6110", D("1000.00"), D("0"), D("0"), D("1000.00")),
        ("7000", D("0"), D("0"), D("1600.00"), D("-1600.00")),
    ]
    assert (report.total_opening, report.total_debit, report.total_credit) == (
        D("0"),
        D("2080.00"),
        D("2080.00"),
    )
    assert report.is_balanced


def test_the_trial_balance_counts_only_posted_entries(story):
    services.create_journal_entry(
        actor=story.actor,
        company=story.company,
        journal_code="MISC",
        entry_date=dt.date(2026, 5, 1),
        lines=[
            LineInput("6510", debit=D("5.00")),
            LineInput("5500", credit=D("5.00")),
        ],
    )
    report = reports.trial_balance(story.actor, story.company, as_of=YEAR_END)
    assert "6510" not in [r.account_code for r in report.accounts]
    assert report.total_debit == D("14385.40")


def test_the_trial_balance_is_one_grouped_query_and_the_chart(story, django_assert_num_queries):
    reports.trial_balance(story.actor, story.company, as_of=YEAR_END)  # warms the permissions
    with django_assert_num_queries(2):
        reports.trial_balance(
            story.actor, story.company, as_of=YEAR_END, date_from=dt.date(2026, 3, 1)
        )


def test_the_other_reports_keep_to_a_fixed_number_of_queries(story, django_assert_num_queries):
    actor, company = story.actor, story.company
    reports.trial_balance(actor, company, as_of=YEAR_END)  # warms the permissions
    with django_assert_num_queries(3):  # totals, chart, lines
        reports.general_ledger(actor, company, date_from=YEAR_START, date_to=YEAR_END, limit=3)
    with django_assert_num_queries(3):  # closing entries, totals, chart
        reports.profit_and_loss(actor, company, date_from=YEAR_START, date_to=YEAR_END)
    with django_assert_num_queries(3):  # fiscal year, totals, chart
        reports.balance_sheet(actor, company, as_of=YEAR_END)
    with django_assert_num_queries(3):  # documents, their installments, payments
        reports.aged_receivables(actor, company, as_of=JUNE_30)
    with django_assert_num_queries(1):
        reports.tax_report(actor, company, date_from=YEAR_START, date_to=YEAR_END)


def test_a_report_range_that_ends_before_it_starts_is_refused(story):
    error = _error(
        lambda: reports.trial_balance(
            story.actor, story.company, as_of=dt.date(2026, 3, 1), date_from=dt.date(2026, 4, 1)
        )
    )
    assert (error.status, error.code, error.message) == (
        422,
        "accounting.report_dates",
        "The report starts on 2026-04-01, after its end 2026-03-01.",
    )


# --------------------------------------------------------------------------- general ledger


def test_the_general_ledger_of_the_receivable_in_april_runs_its_balance(story):
    report = reports.general_ledger(
        story.actor,
        story.company,
        date_from=dt.date(2026, 4, 1),
        date_to=dt.date(2026, 4, 30),
        account_codes=["4000"],
    )
    (account,) = report.accounts
    assert (account.account_code, account.account_name, account.opening_balance) == (
        "4000",
        "Trade receivables",
        D("1717.00"),
    )
    assert [
        (
            line.entry_date,
            line.entry_number,
            line.journal_code,
            line.label,
            line.partner_name,
            line.debit,
            line.credit,
            line.balance,
        )
        for line in account.lines
    ] == [
        (
            dt.date(2026, 4, 5),
            "SAL/2026-00004",
            "SAL",
            "Credit note CRN/2026-00001",
            "Acme Retail BV",
            D("0"),
            D("42.40"),
            D("1674.60"),
        ),
        (
            dt.date(2026, 4, 15),
            "BNK1/2026-00004",
            "BNK1",
            "RCPT/2026-00001 Acme Retail BV",
            "Acme Retail BV",
            D("0"),
            D("300.00"),
            D("1374.60"),
        ),
        (
            dt.date(2026, 4, 20),
            "BNK1/2026-00005",
            "BNK1",
            "RCPT/2026-00002 Acme Retail BV",
            "Acme Retail BV",
            D("0"),
            D("200.00"),
            D("1174.60"),
        ),
        (
            dt.date(2026, 4, 25),
            "BNK1/2026-00006",
            "BNK1",
            "RCPT/2026-00003 Acme Retail BV",
            "Acme Retail BV",
            D("0"),
            D("570.00"),
            D("604.60"),
        ),
        (
            dt.date(2026, 4, 25),
            "MISC/2026-00001",
            "MISC",
            "Exchange difference INV/2026-00003 / RCPT/2026-00003",
            "Acme Retail BV",
            D("30.00"),
            D("0"),
            D("634.60"),
        ),
    ]
    assert (account.debit, account.credit, account.closing_balance) == (
        D("30.00"),
        D("1112.40"),
        D("634.60"),
    )
    assert (account.line_count, account.is_truncated) == (5, False)


def test_a_limited_general_ledger_keeps_the_whole_range_totals(story):
    report = reports.general_ledger(
        story.actor,
        story.company,
        date_from=dt.date(2026, 4, 1),
        date_to=dt.date(2026, 4, 30),
        account_codes=["4000", "5500"],
        limit=2,
    )
    assert [
        (a.account_code, len(a.lines), a.line_count, a.is_truncated) for a in report.accounts
    ] == [
        ("4000", 2, 5, True),
        ("5500", 2, 4, True),
    ]
    bank = report.accounts[1]
    assert [(line.entry_number, line.balance) for line in bank.lines] == [
        ("BNK1/2026-00003", D("8837.00")),
        ("BNK1/2026-00004", D("9137.00")),
    ]
    assert (bank.opening_balance, bank.closing_balance) == (D("9000.00"), D("9907.00"))


def test_the_general_ledger_of_one_partner(story):
    report = reports.general_ledger(
        story.actor,
        story.company,
        date_from=YEAR_START,
        date_to=YEAR_END,
        partner_id=story.fabrika.pk,
    )
    assert [(a.account_code, a.debit, a.credit, a.closing_balance) for a in report.accounts] == [
        ("4100", D("63.00"), D("0"), D("63.00")),
        ("4400", D("163.00"), D("363.00"), D("-200.00")),
        ("5500", D("0"), D("163.00"), D("-163.00")),
        ("6000", D("300.00"), D("0"), D("300.00")),
    ]


# --------------------------------------------------------------------------- profit and loss


def test_the_profit_and_loss_of_the_year(story):
    report = reports.profit_and_loss(
        story.actor, story.company, date_from=YEAR_START, date_to=YEAR_END
    )
    assert _lines(report.income) == [
        ("7000", "Sales of goods", D("1560.00")),
        ("7550", "Realised exchange gains", D("30.00")),
    ]
    assert _lines(report.expense) == [
        ("6000", "Cost of goods sold", D("300.00")),
        ("6110", "Office rent", D("1000.00")),
    ]
    assert (report.income.total, report.expense.total, report.net_result) == (
        D("1590.00"),
        D("1300.00"),
        D("290.00"),
    )


def test_the_profit_and_loss_of_february_is_a_loss(story):
    report = reports.profit_and_loss(
        story.actor, story.company, date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28)
    )
    assert (report.income.lines, report.income.total) == ((), D("0"))
    assert report.net_result == D("-1000.00")


# --------------------------------------------------------------------------- balance sheet


def test_the_balance_sheet_at_year_end_balances_with_the_current_year_result(story):
    report = reports.balance_sheet(story.actor, story.company, as_of=YEAR_END)
    assert _lines(report.assets) == [
        ("4000", "Trade receivables", D("634.60")),
        ("4100", "VAT recoverable on purchases", D("63.00")),
        ("5500", "Main bank account", D("9907.00")),
    ]
    assert _lines(report.liabilities) == [
        ("4400", "Trade payables", D("200.00")),
        ("4500", "VAT due on sales", D("114.60")),
    ]
    assert _lines(report.equity) == [
        ("1000", "Share capital", D("10000.00")),
        ("", "Result of the current year", D("290.00")),
    ]
    assert (report.assets.total, report.liabilities.total, report.equity.total) == (
        D("10604.60"),
        D("314.60"),
        D("10290.00"),
    )
    assert report.is_balanced and report.current_year_start == YEAR_START


def test_the_balance_sheet_mid_year_balances(story):
    report = reports.balance_sheet(story.actor, story.company, as_of=dt.date(2026, 3, 31))
    assert report.current_year_result == D("300.00")  # 1 600 sales − 300 − 1 000
    assert (report.assets.total, report.liabilities_and_equity) == (D("10780.00"), D("10780.00"))


# --------------------------------------------------------------------------- aged balances


def _aged_rows(report):
    return [(r.partner_code, *r.buckets, r.total) for r in (*report.partners, report.totals)]


def test_aged_receivables_at_the_end_of_june_tie_to_the_receivable(story):
    report = reports.aged_receivables(story.actor, story.company, as_of=JUNE_30)
    # Invoice 1: 2.50 left of the 9 Apr half (82 days) and the 9 May half (52 days);
    # invoice 3: 400 USD of the 24 May half at 0.90 (37 days); 30.40 overpaid on 20 Apr.
    assert _aged_rows(report) == [
        ("C-ACME", D("0"), D("0"), D("662.50"), D("-27.90"), D("0"), D("634.60")),
        ("", D("0"), D("0"), D("662.50"), D("-27.90"), D("0"), D("634.60")),
    ]
    assert report.partners[0].partner_name == "Acme Retail BV"
    assert report.totals.total == _balance(story.company, "4000", "4010", "4070", as_of=JUNE_30)


def test_aged_receivables_mid_april_count_only_what_was_allocated_by_then(story):
    as_of = dt.date(2026, 4, 16)
    report = reports.aged_receivables(story.actor, story.company, as_of=as_of)
    # Invoice 1: 2.50 of the 9 Apr half is 7 days late; everything else falls due later.
    assert _aged_rows(report)[-1] == (
        "",
        D("1372.10"),
        D("2.50"),
        D("0"),
        D("0"),
        D("0"),
        D("1374.60"),
    )
    assert report.totals.total == _balance(story.company, "4000", as_of=as_of)


def test_an_unused_credit_note_is_a_negative_item_on_its_own_date(story):
    credit = invoicing.create_credit_note(
        actor=story.actor,
        invoice_id=story.tape.pk,
        reason="Late delivery",
        lines=[CreditLineInput(story.tape.lines.get().pk, D("5"))],
        credit_date=dt.date(2026, 5, 2),
    )
    assert credit.amount_residual == D("10.60")  # nothing left open on invoice 2
    report = reports.aged_receivables(story.actor, story.company, as_of=JUNE_30)
    assert _aged_rows(report)[0] == (
        "C-ACME",
        D("0"),
        D("0"),
        D("651.90"),  # 662.50 − 10.60 (59 days)
        D("-27.90"),
        D("0"),
        D("624.00"),
    )
    assert report.totals.total == _balance(story.company, "4000", as_of=JUNE_30)


def test_an_undone_allocation_counts_until_the_day_it_was_undone(story):
    allocation = Allocation.objects.get(invoice=story.wrap)
    payments.unallocate(actor=story.actor, allocation_id=allocation.pk, reason="Wrong invoice")
    Allocation.objects.filter(pk=allocation.pk).update(
        undone_at=dt.datetime(2026, 5, 12, 12, 0, tzinfo=dt.UTC)
    )
    before = reports.aged_receivables(story.actor, story.company, as_of=dt.date(2026, 5, 11))
    after = reports.aged_receivables(story.actor, story.company, as_of=dt.date(2026, 5, 12))
    assert before.totals.buckets == (D("360.00"), D("272.10"), D("2.50"), D("0"), D("0"))
    # Once undone, the 9 Apr half is all open (33 days) and the 300.00 of 15 Apr is an
    # open payment (27 days).
    assert after.totals.buckets == (D("360.00"), D("-27.90"), D("302.50"), D("0"), D("0"))
    assert before.totals.total == after.totals.total == D("634.60")


def test_aged_payables_show_what_is_owed_to_the_supplier(story):
    report = reports.aged_payables(story.actor, story.company, as_of=JUNE_30)
    assert _aged_rows(report) == [
        ("S-FAB", D("0"), D("0"), D("0"), D("200.00"), D("0"), D("200.00")),
        ("", D("0"), D("0"), D("0"), D("200.00"), D("0"), D("200.00")),
    ]
    assert report.totals.total == -_balance(story.company, "4400", "4410", as_of=JUNE_30)
    assert report.title == "Aged payables"


def test_open_installments_share_the_company_amount_pro_rata():
    schedule = [(dt.date(2026, 5, 24), D("500.00")), (dt.date(2026, 4, 24), D("500.00"))]
    assert reports._open_installments(schedule, D("100.00"), D("810.00"), 2) == [
        (dt.date(2026, 4, 24), D("360.00")),
        (dt.date(2026, 5, 24), D("450.00")),
    ]
    assert reports._open_installments(schedule, D("1000.00"), D("0.01"), 2) == [
        (dt.date(2026, 5, 24), D("0.01"))
    ]


# --------------------------------------------------------------------------- tax report


def test_the_vat_report_of_march_and_april_ties_to_the_vat_accounts(story):
    date_from, date_to = dt.date(2026, 3, 1), dt.date(2026, 4, 30)
    report = reports.tax_report(story.actor, story.company, date_from=date_from, date_to=date_to)
    assert [
        (r.tax_code, r.tax_name, r.kind, r.vat_category, r.rate, r.base, r.amount)
        for r in report.taxes
    ] == [
        ("VAT21-P", "VAT 21 % (purchases)", "purchase", "S", D("21"), D("300.00"), D("63.00")),
        ("EXPORT", "Export outside the EU", "sale", "G", D("0"), D("900.00"), D("0.00")),
        ("VAT21", "VAT 21 %", "sale", "S", D("21"), D("500.00"), D("105.00")),
        ("VAT6", "VAT 6 %", "sale", "S", D("6"), D("160.00"), D("9.60")),  # 200 − 40 credited
    ]
    assert (report.sales_base, report.output_vat) == (D("1560.00"), D("114.60"))
    assert (report.purchase_base, report.input_vat) == (D("300.00"), D("63.00"))
    assert report.net_vat_payable == D("51.60")
    assert report.output_vat == -_movement(story.company, "4500", date_from, date_to)
    assert report.input_vat == _movement(story.company, "4100", date_from, date_to)


def test_the_vat_report_of_april_holds_only_the_credit_note(story):
    report = reports.tax_report(
        story.actor, story.company, date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30)
    )
    assert [(r.tax_code, r.base, r.amount) for r in report.taxes] == [
        ("VAT6", D("-40.00"), D("-2.40"))
    ]
    assert report.net_vat_payable == D("-2.40")


# --------------------------------------------------------------------------- permissions


REPORT_CALLS = {
    "trial_balance": lambda actor, company: reports.trial_balance(actor, company, as_of=YEAR_END),
    "general_ledger": lambda actor, company: reports.general_ledger(
        actor, company, date_from=YEAR_START, date_to=YEAR_END
    ),
    "profit_and_loss": lambda actor, company: reports.profit_and_loss(
        actor, company, date_from=YEAR_START, date_to=YEAR_END
    ),
    "balance_sheet": lambda actor, company: reports.balance_sheet(actor, company, as_of=YEAR_END),
    "aged_receivables": lambda actor, company: reports.aged_receivables(
        actor, company, as_of=YEAR_END
    ),
    "aged_payables": lambda actor, company: reports.aged_payables(actor, company, as_of=YEAR_END),
    "tax_report": lambda actor, company: reports.tax_report(
        actor, company, date_from=YEAR_START, date_to=YEAR_END
    ),
}


@pytest.mark.parametrize("report", sorted(REPORT_CALLS))
def test_an_accountant_of_another_company_cannot_run_the_report(
    story, company_nl, make_user, report
):
    outsider = make_user("accountant", company_nl, username="nl-accountant")
    error = _error(lambda: REPORT_CALLS[report](outsider, story.company))
    assert (error.status, error.code) == (403, "permission.denied")
    assert error.message == (
        "nl-accountant may not do this in ORDO-BE: it needs the permission "
        "accounting.report.view (Run the financial reports)."
    )


@pytest.mark.parametrize("report", sorted(REPORT_CALLS))
def test_a_sales_rep_cannot_run_the_report(story, personas, report):
    error = _error(lambda: REPORT_CALLS[report](personas["sales_rep"], story.company))
    assert (error.status, error.details) == (403, {"permission": "accounting.report.view"})


@pytest.mark.parametrize("role", ["credit_controller", "manager", "auditor"])
def test_the_roles_with_report_view_run_the_reports(story, personas, role):
    report = reports.balance_sheet(personas[role], story.company, as_of=YEAR_END)
    assert report.is_balanced


# --------------------------------------------------------------------------- year-end closing


def _fiscal_year(story, name="2026"):
    return FiscalYear.objects.get(company=story.company, name=name)


def test_closing_the_year_moves_the_result_to_retained_earnings(story):
    entry = closing.close_fiscal_year(actor=story.actor, fiscal_year_id=_fiscal_year(story).pk)
    assert (entry.number, entry.entry_date, entry.reference, entry.label) == (
        "MISC/2026-00002",
        YEAR_END,
        "CLOSE/2026",
        "Year-end closing 2026",
    )
    assert sorted(
        (line.account.code, line.debit, line.credit)
        for line in entry.lines.select_related("account")
    ) == [
        ("1200", D("0"), D("290.00")),
        ("6000", D("0"), D("300.00")),
        ("6110", D("0"), D("1000.00")),
        ("7000", D("1560.00"), D("0")),
        ("7550", D("30.00"), D("0")),
    ]
    # The P&L of the year still shows what it earned.
    pnl = reports.profit_and_loss(
        story.actor, story.company, date_from=YEAR_START, date_to=YEAR_END
    )
    assert (pnl.income.total, pnl.expense.total, pnl.net_result) == (
        D("1590.00"),
        D("1300.00"),
        D("290.00"),
    )
    # The balance sheet holds it in retained earnings; the current-year result is zero.
    sheet = reports.balance_sheet(story.actor, story.company, as_of=YEAR_END)
    assert _lines(sheet.equity) == [
        ("1000", "Share capital", D("10000.00")),
        ("1200", "Retained earnings", D("290.00")),
        ("", "Result of the current year", D("0")),
    ]
    assert sheet.is_balanced and sheet.assets.total == D("10604.60")
    # Every income and expense account is back to zero in the trial balance.
    trial = reports.trial_balance(story.actor, story.company, as_of=YEAR_END)
    closing_balances = {r.account_code: r.closing_balance for r in trial.accounts}
    assert [closing_balances[code] for code in ("6000", "6110", "7000", "7550")] == [0, 0, 0, 0]
    assert closing_balances["1200"] == D("-290.00") and trial.is_balanced
    # Next January opens with the balance sheet accounts only.
    january = reports.trial_balance(
        story.actor, story.company, as_of=dt.date(2027, 1, 31), date_from=dt.date(2027, 1, 1)
    )
    assert [(r.account_code, r.opening_balance) for r in january.accounts] == [
        ("1000", D("-10000.00")),
        ("1200", D("-290.00")),
        ("4000", D("634.60")),
        ("4100", D("63.00")),
        ("4400", D("-200.00")),
        ("4500", D("-114.60")),
        ("5500", D("9907.00")),
    ]
    audit = AuditEntry.objects.get(action="accounting.fiscal_year.closed")
    assert audit.changes["entry"] == [None, "MISC/2026-00002"]
    assert audit.changes["result"] == [None, "290.00"]


def test_a_year_is_closed_only_once(story):
    year = _fiscal_year(story)
    closing.close_fiscal_year(actor=story.actor, fiscal_year_id=year.pk)
    error = _error(lambda: closing.close_fiscal_year(actor=story.actor, fiscal_year_id=year.pk))
    assert (error.status, error.code, error.message) == (
        409,
        "accounting.fiscal_year_closed",
        "Fiscal year 2026 of ORDO-BE is already closed by MISC/2026-00002 of 2026-12-31.",
    )


def test_a_reversed_closing_reopens_the_year(story):
    year = _fiscal_year(story)
    entry = closing.close_fiscal_year(actor=story.actor, fiscal_year_id=year.pk)
    services.reverse_journal_entry(
        actor=story.actor, entry_id=entry.pk, reversal_date=YEAR_END, reason="Late bill"
    )
    assert closing.find_closing_entry(year) is None
    pnl = reports.profit_and_loss(
        story.actor, story.company, date_from=YEAR_START, date_to=YEAR_END
    )
    assert pnl.net_result == D("290.00")
    sheet = reports.balance_sheet(story.actor, story.company, as_of=YEAR_END)
    assert sheet.current_year_result == D("290.00") and sheet.is_balanced
    again = closing.close_fiscal_year(actor=story.actor, fiscal_year_id=year.pk)
    assert again.number == "MISC/2026-00004"


def test_an_unclosed_prior_year_shows_on_next_years_balance_sheet(story):
    services.create_fiscal_year(
        actor=story.actor,
        company=story.company,
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    _post(story.books, dt.date(2027, 2, 1), "BNK1", ("5500", "50.00", "0"), ("7400", "0", "50.00"))
    as_of = dt.date(2027, 3, 31)
    sheet = reports.balance_sheet(story.actor, story.company, as_of=as_of)
    assert _lines(sheet.equity) == [
        ("1000", "Share capital", D("10000.00")),
        ("", "Result of prior years not yet closed", D("290.00")),
        ("", "Result of the current year", D("50.00")),
    ]
    assert sheet.is_balanced and sheet.assets.total == D("10654.60")
    closing.close_fiscal_year(actor=story.actor, fiscal_year_id=_fiscal_year(story).pk)
    sheet = reports.balance_sheet(story.actor, story.company, as_of=as_of)
    assert _lines(sheet.equity) == [
        ("1000", "Share capital", D("10000.00")),
        ("1200", "Retained earnings", D("290.00")),
        ("", "Result of the current year", D("50.00")),
    ]
    assert sheet.is_balanced


def test_closing_needs_the_period_lock_permission(story, personas):
    year = _fiscal_year(story)
    error = _error(
        lambda: closing.close_fiscal_year(actor=personas["auditor"], fiscal_year_id=year.pk)
    )
    assert (error.status, error.details) == (403, {"permission": "accounting.period.lock"})


def test_another_companys_year_is_not_found(story, company_nl, make_user):
    outsider = make_user("accountant", company_nl, username="nl-accountant")
    year = _fiscal_year(story)
    error = _error(lambda: closing.close_fiscal_year(actor=outsider, fiscal_year_id=year.pk))
    assert (error.status, error.code, error.message) == (
        404,
        "accounting.fiscal_year_not_found",
        f"Fiscal year {year.pk} not found.",
    )


def test_a_closing_date_outside_the_year_is_refused(story):
    year = _fiscal_year(story)
    error = _error(
        lambda: closing.close_fiscal_year(
            actor=story.actor, fiscal_year_id=year.pk, closing_date=dt.date(2027, 1, 1)
        )
    )
    assert (error.status, error.code, error.message) == (
        422,
        "accounting.closing_date_outside_year",
        "Closing date 2027-01-01 is outside fiscal year 2026 (2026-01-01 – 2026-12-31).",
    )


def test_a_year_without_income_or_expense_has_nothing_to_close(books):
    year = FiscalYear.objects.get(company=books.company)
    error = _error(
        lambda: closing.close_fiscal_year(actor=books.accountant, fiscal_year_id=year.pk)
    )
    assert (error.status, error.code, error.message) == (
        409,
        "accounting.fiscal_year_nothing_to_close",
        "Fiscal year 2026 of ORDO-BE has no income or expense balance up to 2026-12-31: "
        "there is nothing to close.",
    )


# --------------------------------------------------------------------------- exports


def test_the_trial_balance_as_csv(story):
    report = reports.trial_balance(story.actor, story.company, as_of=YEAR_END)
    text = to_csv(report).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    assert lines[:4] == [
        "Account,Name,Type,Opening,Debit,Credit,Closing",
        "1000,Share capital,equity,0.00,0.00,10000.00,-10000.00",
        "4000,Trade receivables,asset,0.00,1747.00,1112.40,634.60",
        "4100,VAT recoverable on purchases,asset,0.00,63.00,0.00,63.00",
    ]
    assert lines[-2:] == [",Total,,0.00,14385.40,14385.40,0.00", ""]


def test_csv_quotes_commas_quotes_and_line_breaks_as_rfc_4180_says():
    section = ReportSection(
        "Income", (ReportLine("7000", 'Sales, "export"\nand EU', D("12.5")),), D("12.5")
    )
    report = reports.ProfitAndLoss(
        company_code="ORDO-BE",
        company_name="Ordo Distribution Belgium NV",
        currency="EUR",
        date_from=YEAR_START,
        date_to=YEAR_END,
        income=section,
        expense=ReportSection("Expense", (), D(0)),
        net_result=D("12.5"),
    )
    assert (
        to_csv(report)
        == (
            "\ufeffSection,Account,Name,Amount\r\n"
            'Income,7000,"Sales, ""export""\nand EU",12.50\r\n'
            "Income,,Total income,12.50\r\n"
            "Expense,,Total expense,0.00\r\n"
            ",,Net result,12.50\r\n"
        ).encode()
    )


def test_the_vat_report_as_csv_writes_rates_plainly(story):
    report = reports.tax_report(
        story.actor, story.company, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 4, 30)
    )
    lines = to_csv(report).decode("utf-8-sig").split("\r\n")
    assert lines[:3] == [
        "Tax,Name,Kind,VAT category,Rate,Base,Tax amount",
        "VAT21-P,VAT 21 % (purchases),purchase,S,21,300.00,63.00",
        "EXPORT,Export outside the EU,sale,G,0,900.00,0.00",
    ]
    assert lines[-2] == ",Net VAT payable,,,,,51.60"


def test_the_general_ledger_as_xlsx(story):
    report = reports.general_ledger(
        story.actor,
        story.company,
        date_from=dt.date(2026, 4, 1),
        date_to=dt.date(2026, 4, 30),
        account_codes=["4000"],
    )
    sheet = load_workbook(io.BytesIO(to_xlsx(report))).active
    assert sheet.title == "General ledger"
    assert sheet["A1"].value == (
        "ORDO-BE Ordo Distribution Belgium NV — General ledger — 2026-04-01 to 2026-04-30"
    )
    assert [c.value for c in sheet[2]] == [
        "Account",
        "Date",
        "Entry",
        "Journal",
        "Label",
        "Partner",
        "Debit",
        "Credit",
        "Balance",
    ]
    assert all(c.font.bold for c in sheet[2])
    assert [c.value for c in sheet[3]] == [
        "4000",
        None,
        None,
        None,
        "Opening balance",
        None,
        None,
        None,
        1717,
    ]
    row = [c.value for c in sheet[4]]
    assert row[:3] == ["4000", dt.datetime(2026, 4, 5), "SAL/2026-00004"]
    assert row[6:] == [0, 42.4, 1674.6]
    assert sheet["I4"].number_format == "#,##0.00"
    assert sheet["B4"].number_format == "yyyy-mm-dd"
    assert [c.value for c in sheet[9]][4:] == ["Closing balance", None, 30, 1112.4, 634.6]
    assert sheet.max_row == 9


def test_every_report_exports_to_both_formats(story):
    for call in REPORT_CALLS.values():
        report = call(story.actor, story.company)
        header = ",".join(c.title for c in report.columns())
        assert to_csv(report).decode("utf-8-sig").split("\r\n")[0] == header
        sheet = load_workbook(io.BytesIO(to_xlsx(report))).active
        assert sheet["A1"].value.startswith(
            f"ORDO-BE Ordo Distribution Belgium NV — {report.title}"
        )
        assert sheet.max_row == 2 + len(list(report.rows()))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_accountants_closing_the_same_year_post_one_closing(ledger, company_be):
    services.post_entry_now(
        actor=ledger,
        company=company_be,
        journal_code="SAL",
        entry_date=dt.date(2026, 3, 15),
        lines=[LineInput("4000", debit=D("100.00")), LineInput("7000", credit=D("100.00"))],
    )
    year = FiscalYear.objects.get(company=company_be)
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def closer():
        try:
            start.wait()
            outcomes.append(closing.close_fiscal_year(actor=ledger, fiscal_year_id=year.pk).number)
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=closer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["MISC/2026-00001", "accounting.fiscal_year_closed"]
    assert closing.find_closing_entry(year).number == "MISC/2026-00001"


def test_the_reports_api_answers_json_csv_and_xlsx(books, client_for, personas):
    from ordo.accounting.invoicing import InvoiceLineInput

    invoicing.create_and_post_invoice(
        actor=books.accountant,
        company=books.company,
        kind="customer_invoice",
        partner_id=books.customer.pk,
        invoice_date=dt.date(2026, 3, 10),
        lines=[InvoiceLineInput("Goods", D("2"), D("50.00"), "VAT21")],
    )
    client = client_for(books.accountant)
    body = client.get(
        "/api/v1/reports/trial-balance", {"company": "ORDO-BE", "as_of": "2026-12-31"}
    ).json()
    assert body["title"] == "Trial balance"
    assert (body["total_debit"], body["total_credit"]) == ("121.00", "121.00")
    assert body["columns"] == ["Account", "Name", "Type", "Opening", "Debit", "Credit", "Closing"]
    assert body["rows"][0] == [
        "4000",
        "Trade receivables",
        "asset",
        "0.00",
        "121.00",
        "0.00",
        "121.00",
    ]
    csv = client.get(
        "/api/v1/reports/tax",
        {"company": "ORDO-BE", "date_from": "2026-03-01", "date_to": "2026-03-31", "format": "csv"},
    )
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["Content-Disposition"].startswith('attachment; filename="ORDO-BE-tax-')
    xlsx = client.get(
        "/api/v1/reports/aged-receivables",
        {"company": "ORDO-BE", "as_of": "2026-06-30", "format": "xlsx"},
    )
    assert xlsx.content[:2] == b"PK"
    response = client.get(
        "/api/v1/reports/balance-sheet",
        {"company": "ORDO-BE", "as_of": "2026-06-30", "format": "pdf"},
    )
    assert (response.status_code, response.json()["code"]) == (422, "report.format")
    sales_rep = client_for(personas["sales_rep"])
    response = sales_rep.get(
        "/api/v1/reports/profit-and-loss",
        {"company": "ORDO-BE", "date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    assert response.status_code == 403
