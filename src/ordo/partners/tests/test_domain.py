"""Installment schedules: exact amounts and due dates, no database."""

import datetime
from decimal import Decimal

import pytest

from ordo.partners.domain import (
    Installment,
    InstallmentRule,
    installment_due_date,
    installment_schedule,
    percent_range_problems,
    percent_sum_problem,
)

D = Decimal


def test_30_70_with_end_of_month_splits_100_eur_exactly():
    rules = [
        InstallmentRule(percent=D("30"), days=0),
        InstallmentRule(percent=D("70"), days=30, is_end_of_month=True),
    ]
    schedule = installment_schedule(
        rules, invoice_date=datetime.date(2026, 1, 15), total_amount=D("100.00"), minor_units=2
    )
    assert schedule == [
        Installment(datetime.date(2026, 1, 15), D("30.00")),
        Installment(datetime.date(2026, 2, 28), D("70.00")),
    ]


def test_rounding_difference_goes_to_the_last_installment():
    third = D("33.3333")
    rules = [
        InstallmentRule(percent=third, days=0),
        InstallmentRule(percent=third, days=30),
        InstallmentRule(percent=D("33.3334"), days=60),
    ]
    schedule = installment_schedule(
        rules, invoice_date=datetime.date(2026, 3, 1), total_amount=D("100.00"), minor_units=2
    )
    assert [i.amount for i in schedule] == [D("33.33"), D("33.33"), D("33.34")]
    assert sum(i.amount for i in schedule) == D("100.00")
    assert [i.due_date for i in schedule] == [
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 4, 30),
    ]


def test_half_up_rounding_to_zero_minor_units():
    rules = [InstallmentRule(percent=D("50")), InstallmentRule(percent=D("50"), days=10)]
    schedule = installment_schedule(
        rules, invoice_date=datetime.date(2026, 5, 1), total_amount=D("1001"), minor_units=0
    )
    assert [i.amount for i in schedule] == [D("501"), D("500")]


def test_total_is_rounded_before_splitting_in_three_decimals_currency():
    rules = [InstallmentRule(percent=D("40")), InstallmentRule(percent=D("60"))]
    schedule = installment_schedule(
        rules, invoice_date=datetime.date(2026, 5, 1), total_amount=D("10.0005"), minor_units=3
    )
    assert [i.amount for i in schedule] == [D("4.000"), D("6.001")]


def test_end_of_month_handles_leap_february():
    rule = InstallmentRule(percent=D("100"), days=30, is_end_of_month=True)
    assert installment_due_date(datetime.date(2028, 1, 15), rule) == datetime.date(2028, 2, 29)


def test_percents_must_sum_to_exactly_100():
    assert percent_sum_problem([D("30"), D("70")]) is None
    assert percent_sum_problem([D("33.33"), D("33.33"), D("33.33")]) == (
        "The installment percents sum to 99.99 %, not 100 %."
    )
    assert percent_sum_problem([]) == "A payment term needs at least one installment."


def test_each_percent_must_be_above_zero_and_at_most_100():
    assert percent_range_problems([D("0"), D("100"), D("120")]) == [
        (0, "Installment 1 has 0 %: it must be above 0 and at most 100 %."),
        (2, "Installment 3 has 120 %: it must be above 0 and at most 100 %."),
    ]


def test_schedule_refuses_an_invalid_term_and_floats():
    with pytest.raises(ValueError, match="sum to 90 %"):
        installment_schedule(
            [InstallmentRule(percent=D("90"))],
            invoice_date=datetime.date(2026, 1, 1),
            total_amount=D("10"),
            minor_units=2,
        )
    with pytest.raises(TypeError):
        installment_schedule(
            [InstallmentRule(percent=D("100"))],
            invoice_date=datetime.date(2026, 1, 1),
            total_amount=10.0,
            minor_units=2,
        )
