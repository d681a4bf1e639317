import datetime as dt
from decimal import Decimal

from ordo.accounting.chart_template import ACCOUNTS, JOURNALS
from ordo.accounting.domain import BalanceLine, entry_imbalances, entry_totals, monthly_periods
from ordo.accounting.models import AccountRole, AccountType, JournalKind


def test_a_balanced_entry_has_no_imbalance():
    lines = [
        BalanceLine("EUR", Decimal("100.00"), Decimal(0)),
        BalanceLine("EUR", Decimal(0), Decimal("79.00")),
        BalanceLine("EUR", Decimal(0), Decimal("21.00")),
    ]
    assert entry_imbalances(lines) == {}
    assert entry_totals(lines) == {"EUR": (Decimal("100.00"), Decimal("100.00"))}


def test_an_imbalance_is_debit_minus_credit_per_currency():
    lines = [
        BalanceLine("EUR", Decimal("100.00"), Decimal(0)),
        BalanceLine("EUR", Decimal(0), Decimal("90.00")),
        BalanceLine("USD", Decimal(0), Decimal("5.00")),
        BalanceLine("GBP", Decimal("1.00"), Decimal(0)),
        BalanceLine("GBP", Decimal(0), Decimal("1.00")),
    ]
    assert entry_imbalances(lines) == {"EUR": Decimal("10.00"), "USD": Decimal("-5.00")}


def test_no_lines_is_balanced():
    assert entry_imbalances([]) == {}


def test_a_calendar_year_gives_twelve_months():
    periods = monthly_periods(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert len(periods) == 12
    assert periods[0] == ("2026-01", dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert periods[1] == ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert periods[11] == ("2026-12", dt.date(2026, 12, 1), dt.date(2026, 12, 31))


def test_a_broken_year_shortens_its_first_and_last_months():
    periods = monthly_periods(dt.date(2027, 7, 15), dt.date(2028, 2, 10))
    assert [p[0] for p in periods] == [
        "2027-07",
        "2027-08",
        "2027-09",
        "2027-10",
        "2027-11",
        "2027-12",
        "2028-01",
        "2028-02",
    ]
    assert periods[0][1:] == (dt.date(2027, 7, 15), dt.date(2027, 7, 31))
    assert periods[-1][1:] == (dt.date(2028, 2, 1), dt.date(2028, 2, 10))


def test_a_leap_february_ends_on_the_29th():
    assert monthly_periods(dt.date(2028, 2, 1), dt.date(2028, 2, 29)) == [
        ("2028-02", dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    ]


def test_an_end_before_the_start_gives_no_periods():
    assert monthly_periods(dt.date(2026, 2, 1), dt.date(2026, 1, 1)) == []


def test_the_template_chart_covers_every_role_a_distributor_needs():
    assert 60 <= len(ACCOUNTS) <= 100
    codes = [a.code for a in ACCOUNTS]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 4 and c.isdigit() for c in codes)
    assert all(a.type in AccountType.values and a.role in AccountRole.values for a in ACCOUNTS)
    assert {a.role for a in ACCOUNTS} == set(AccountRole.values)
    by_code = {a.code: a for a in ACCOUNTS}
    assert [(j.code, j.kind) for j in JOURNALS] == [
        ("SAL", JournalKind.SALES),
        ("PUR", JournalKind.PURCHASE),
        ("BNK1", JournalKind.BANK),
        ("CSH", JournalKind.CASH),
        ("STK", JournalKind.STOCK),
        ("MISC", JournalKind.MISCELLANEOUS),
    ]
    assert by_code["5500"].role == AccountRole.BANK
    assert by_code["5700"].role == AccountRole.CASH
    assert {j.default_account_code for j in JOURNALS if j.default_account_code} == {"5500", "5700"}
