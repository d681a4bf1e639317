import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordo.accounting.errors import NoExchangeRate
from ordo.accounting.taxes import (
    RatePoint,
    TaxLine,
    TaxSpec,
    category_problems,
    compute_taxes,
    convert,
    rate_on,
)

D = Decimal
VAT21 = TaxSpec(1, D("21"), False, "S")
VAT21_INCL = TaxSpec(2, D("21"), True, "S")
VAT6 = TaxSpec(3, D("6"), False, "S")


def test_line_rounding_rounds_each_line():
    result = compute_taxes([TaxLine(D("10.01"), VAT21)] * 3, rounding="line", minor_units=2)
    assert [(r.net, r.tax) for r in result.lines] == [(D("10.01"), D("2.10"))] * 3
    assert [(s.tax_id, s.category, s.rate, s.base, s.tax) for s in result.summary] == [
        (1, "S", D("21"), D("30.03"), D("6.30"))
    ]
    assert (result.totals.net, result.totals.tax, result.totals.gross) == (
        D("30.03"),
        D("6.30"),
        D("36.33"),
    )


def test_document_rounding_rounds_once_per_tax():
    result = compute_taxes([TaxLine(D("10.01"), VAT21)] * 3, rounding="document", minor_units=2)
    assert [(s.base, s.tax) for s in result.summary] == [(D("30.03"), D("6.31"))]
    assert (result.totals.net, result.totals.tax, result.totals.gross) == (
        D("30.03"),
        D("6.31"),
        D("36.34"),
    )


def test_price_included_splits_the_gross_exactly():
    result = compute_taxes([TaxLine(D("121.00"), VAT21_INCL)], rounding="line", minor_units=2)
    assert (result.lines[0].net, result.lines[0].tax) == (D("100.00"), D("21.00"))
    assert result.totals.gross == D("121.00")

    odd = compute_taxes([TaxLine(D("9.99"), VAT21_INCL)], rounding="line", minor_units=2)
    assert (odd.lines[0].net, odd.lines[0].tax) == (D("8.26"), D("1.73"))


def test_price_included_document_rounding_splits_the_summed_gross():
    lines = [TaxLine(D("9.99"), VAT21_INCL)] * 3
    line = compute_taxes(lines, rounding="line", minor_units=2)
    doc = compute_taxes(lines, rounding="document", minor_units=2)
    assert (line.totals.net, line.totals.tax, line.totals.gross) == (
        D("24.78"),
        D("5.19"),
        D("29.97"),
    )
    assert (doc.totals.net, doc.totals.tax, doc.totals.gross) == (
        D("24.77"),
        D("5.20"),
        D("29.97"),
    )


def test_summary_groups_per_tax_and_mixes_categories():
    zero = TaxSpec(4, D("0"), False, "K")
    result = compute_taxes(
        [
            TaxLine(D("100.00"), VAT21),
            TaxLine(D("50.00"), VAT6),
            TaxLine(D("20.00"), VAT21),
            TaxLine(D("70.00"), zero),
        ],
        rounding="line",
        minor_units=2,
    )
    assert [(s.tax_id, s.category, s.base, s.tax) for s in result.summary] == [
        (1, "S", D("120.00"), D("25.20")),
        (3, "S", D("50.00"), D("3.00")),
        (4, "K", D("70.00"), D("0.00")),
    ]
    assert (result.totals.net, result.totals.tax, result.totals.gross) == (
        D("240.00"),
        D("28.20"),
        D("268.20"),
    )


def test_zero_minor_units_round_to_whole_amounts():
    result = compute_taxes([TaxLine(D("1005"), VAT21)], rounding="line", minor_units=0)
    assert (result.totals.tax, result.totals.gross) == (D("211"), D("1216"))


def test_an_unknown_rounding_is_refused():
    with pytest.raises(ValueError):
        compute_taxes([], rounding="banker", minor_units=2)


def test_category_rules():
    assert category_problems("S", D("21"), "", "") == []
    assert category_problems("Z", D("0"), "", "") == []
    assert category_problems("K", D("0"), "", "VATEX-EU-IC") == []
    assert category_problems("E", D("0"), "Medical services", "") == []
    assert [p[:2] for p in category_problems("E", D("0"), "", "")] == [
        ("exemption_reason", "accounting.tax_exemption_reason_required")
    ]
    assert [p[:2] for p in category_problems("Z", D("5"), "", "")] == [
        ("rate", "accounting.tax_rate_category")
    ]
    assert [p[:2] for p in category_problems("S", D("0"), "Because", "")] == [
        ("rate", "accounting.tax_rate_category"),
        ("exemption_reason", "accounting.tax_exemption_reason_forbidden"),
    ]
    assert [p[:2] for p in category_problems("X", D("0"), "", "")] == [
        ("vat_category", "accounting.tax_category_unknown")
    ]


# --------------------------------------------------------------------------- properties

amounts = st.decimals(min_value=D("0.00"), max_value=D("100000.00"), places=2)
rates = st.sampled_from([D("21"), D("12"), D("6"), D("5.5"), D("19.6"), D("0")])
specs = st.builds(
    lambda tax_id, rate, included: TaxSpec(tax_id, rate, included, "S" if rate else "Z"),
    st.integers(min_value=1, max_value=4),
    rates,
    st.booleans(),
)
documents = st.lists(st.builds(TaxLine, amounts, specs), min_size=1, max_size=30)


def _consistent(lines):
    # One tax id always means the same tax.
    first = {}
    return [TaxLine(line.amount, first.setdefault(line.tax.id, line.tax)) for line in lines]


@settings(max_examples=200, deadline=None)
@given(documents, st.sampled_from(["line", "document"]))
def test_net_plus_tax_is_gross(lines, rounding):
    totals = compute_taxes(_consistent(lines), rounding=rounding, minor_units=2).totals
    assert totals.net + totals.tax == totals.gross


@settings(max_examples=200, deadline=None)
@given(documents)
def test_line_rounding_summary_is_the_sum_of_line_taxes(lines):
    result = compute_taxes(_consistent(lines), rounding="line", minor_units=2)
    assert sum(s.tax for s in result.summary) == sum(r.tax for r in result.lines)
    assert result.totals.tax == sum(r.tax for r in result.lines)
    for line, r in zip(_consistent(lines), result.lines, strict=True):
        if line.tax.is_price_included:
            assert r.net + r.tax == line.amount


@settings(max_examples=200, deadline=None)
@given(documents)
def test_line_and_document_rounding_differ_by_at_most_half_a_cent_per_line(lines):
    lines = _consistent(lines)
    by_line = compute_taxes(lines, rounding="line", minor_units=2).totals.tax
    by_document = compute_taxes(lines, rounding="document", minor_units=2).totals.tax
    assert abs(by_line - by_document) <= len(lines) * D("0.005")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(amounts, min_size=1, max_size=10),
    st.sampled_from(["Z", "E", "AE", "K", "G", "O"]),
    st.booleans(),
    st.sampled_from(["line", "document"]),
)
def test_zero_rated_categories_give_no_tax(values, category, included, rounding):
    spec = TaxSpec(9, D("0"), included, category)
    result = compute_taxes([TaxLine(v, spec) for v in values], rounding=rounding, minor_units=2)
    assert result.totals.tax == 0
    assert result.totals.net == result.totals.gross == sum(values)


# --------------------------------------------------------------------------- currencies

RATES = [
    RatePoint("USD", dt.date(2026, 3, 1), D("0.92000000")),
    RatePoint("USD", dt.date(2026, 3, 10), D("0.91500000")),
    RatePoint("USD", dt.date(2026, 3, 20), D("0.93000000")),
    RatePoint("GBP", dt.date(2026, 3, 14), D("1.17000000")),
]


def test_rate_on_takes_the_latest_rate_on_or_before_the_date():
    assert rate_on(RATES, "USD", dt.date(2026, 3, 15)).rate == D("0.91500000")
    assert rate_on(RATES, "USD", dt.date(2026, 3, 10)).rate_date == dt.date(2026, 3, 10)
    assert rate_on(RATES, "USD", dt.date(2027, 1, 1)).rate == D("0.93000000")


def test_no_rate_before_the_date_is_a_conflict():
    with pytest.raises(NoExchangeRate) as exc:
        rate_on(
            RATES,
            "USD",
            dt.date(2026, 2, 28),
            company_code="ORDO-BE",
            company_currency="EUR",
        )
    assert exc.value.status == 409
    assert exc.value.code == "accounting.no_exchange_rate"
    assert exc.value.message == "No EUR rate for USD on or before 2026-02-28 in ORDO-BE."


def test_convert_rounds_half_up_to_minor_units():
    assert convert(D("100.00"), D("0.91500000"), 2) == D("91.50")
    assert convert(D("10.01"), D("0.915"), 2) == D("9.16")
    assert convert(D("1234"), D("0.00612345"), 0) == D("8")
