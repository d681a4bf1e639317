from decimal import Decimal

import pytest

from ordo.core.errors import InvalidInput
from ordo.core.money import Money, parse_decimal, quantize_money, quantize_price, validate_currency


def test_a_float_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as exc:
        parse_decimal(0.1, field="unit_price")

    assert exc.value.status == 422
    assert exc.value.code == "decimal.float_refused"
    assert exc.value.message == (
        'unit_price must be a decimal string such as "12.50", not a float number.'
    )
    assert exc.value.details == {"field": "unit_price", "value": "0.1"}


def test_a_bool_is_refused_too():
    with pytest.raises(InvalidInput) as exc:
        parse_decimal(True, field="quantity")
    assert exc.value.code == "decimal.float_refused"


@pytest.mark.parametrize("junk", ["abc", "", "  ", "12,50", "1.2.3"])
def test_junk_strings_are_refused(junk):
    with pytest.raises(InvalidInput) as exc:
        parse_decimal(junk, field="amount")

    assert exc.value.code == "decimal.invalid"
    assert exc.value.message == f"amount must be a decimal number, got {junk!r}."
    assert exc.value.details["field"] == "amount"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "sNaN", "inf"])
def test_nan_and_infinity_strings_are_refused(text):
    with pytest.raises(InvalidInput) as exc:
        parse_decimal(text, field="threshold")
    assert exc.value.code == "decimal.invalid"
    assert exc.value.details["field"] == "threshold"


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity")])
def test_non_finite_decimals_are_refused(value):
    with pytest.raises(InvalidInput) as exc:
        parse_decimal(value, field="amount")
    assert exc.value.message == "amount must be a finite number."


def test_other_types_are_refused():
    with pytest.raises(InvalidInput) as exc:
        parse_decimal([1], field="amount")
    assert exc.value.message == "amount must be a decimal string, got list."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.50", Decimal("12.50")),
        (" 7 ", Decimal("7")),
        (3, Decimal("3")),
        (Decimal("1.1"), Decimal("1.1")),
    ],
)
def test_decimal_strings_ints_and_decimals_are_parsed_exactly(value, expected):
    assert parse_decimal(value, field="amount") == expected


def test_places_round_half_up():
    assert parse_decimal("2.345", field="amount", places=2) == Decimal("2.35")
    assert str(parse_decimal("2", field="amount", places=2)) == "2.00"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.675", "EUR", "2.68"),
        ("2.665", "EUR", "2.67"),
        ("-2.675", "EUR", "-2.68"),
        ("2.5", "JPY", "3"),
        ("1.4", "JPY", "1"),
        ("1.2345", "KWD", "1.235"),
        ("1.2344", "KWD", "1.234"),
    ],
)
def test_quantize_money_rounds_half_up_to_the_minor_unit(amount, currency, expected):
    result = quantize_money(Decimal(amount), currency)
    assert str(result) == expected


def test_prices_keep_four_places():
    assert str(quantize_price(Decimal("1.23456"))) == "1.2346"


def test_an_unknown_currency_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as exc:
        validate_currency("EUX", field="currency")

    assert exc.value.code == "currency.unknown"
    assert (
        exc.value.message == "Unknown currency 'EUX' in currency: use an ISO 4217 code such as EUR."
    )
    assert validate_currency(" eur ") == "EUR"


def test_money_adds_and_subtracts_in_one_currency():
    a = Money(Decimal("10.00"), "EUR")
    b = Money.of("2.50", "eur")

    assert a + b == Money(Decimal("12.50"), "EUR")
    assert a - b == Money(Decimal("7.50"), "EUR")
    assert -b == Money(Decimal("-2.50"), "EUR")
    assert a * 3 == Money(Decimal("30.00"), "EUR")
    assert Money.zero("JPY") == Money(Decimal(0), "JPY")


def test_money_rounds_to_the_minor_unit_when_shown():
    assert str(Money(Decimal("2.675"), "EUR")) == "2.68 EUR"
    assert Money(Decimal("2.675"), "EUR").rounded().amount == Decimal("2.68")


def test_money_of_different_currencies_does_not_combine():
    with pytest.raises(InvalidInput) as exc:
        Money(Decimal("1"), "EUR") + Money(Decimal("1"), "USD")

    assert exc.value.code == "currency.mismatch"
    assert exc.value.message == "Cannot combine EUR and USD amounts."


def test_money_refuses_floats():
    with pytest.raises(InvalidInput) as exc:
        Money(0.1, "EUR")
    assert exc.value.code == "decimal.float_refused"
    with pytest.raises(TypeError):
        Money(Decimal("1"), "EUR") * 1.5
    with pytest.raises(TypeError):
        Money(Decimal("1"), "EUR") + Decimal("1")
