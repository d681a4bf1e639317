"""Money and decimal parsing: Decimal only, one rounding mode, minor units from ISO 4217.

Floats are refused at every boundary: ``parse_decimal(0.1, field="unit_price")`` raises
``InvalidInput`` naming the field, because a float has already lost the cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies

from .errors import InvalidInput

ROUNDING = ROUND_HALF_UP
PRICE_PLACES = 4  # unit prices and costs keep four places


@lru_cache(maxsize=1)
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def validate_currency(code: object, *, field: str = "currency") -> str:
    """Return the ISO 4217 code upper-cased, or raise InvalidInput naming the field."""
    if not isinstance(code, str) or code.strip().upper() not in _known_currencies():
        raise InvalidInput(
            f"Unknown currency {code!r} in {field}: use an ISO 4217 code such as EUR.",
            field=field,
            code="currency.unknown",
            details={"value": str(code)},
        )
    return code.strip().upper()


@lru_cache(maxsize=512)
def minor_units(currency: str) -> int:
    return get_currency_precision(validate_currency(currency))


def parse_decimal(value: object, *, field: str, places: int | None = None) -> Decimal:
    """Parse a decimal given as Decimal, int or decimal string; refuse floats and junk."""
    if isinstance(value, (bool, float)):
        raise InvalidInput(
            f'{field} must be a decimal string such as "12.50", not a {type(value).__name__} number.',
            field=field,
            code="decimal.float_refused",
            details={"value": str(value)},
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            result = Decimal(text)
        except InvalidOperation:
            result = None
        if result is None or not text or not result.is_finite():
            raise InvalidInput(
                f"{field} must be a decimal number, got {value!r}.",
                field=field,
                code="decimal.invalid",
                details={"value": value},
            )
    else:
        raise InvalidInput(
            f"{field} must be a decimal string, got {type(value).__name__}.",
            field=field,
            code="decimal.invalid",
            details={"value": str(value)},
        )
    if not result.is_finite():
        raise InvalidInput(f"{field} must be a finite number.", field=field, code="decimal.invalid")
    if places is not None:
        result = result.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)
    return result


def quantize_money(amount: Decimal, currency: str) -> Decimal:
    """Round an amount to the currency's minor unit (EUR 2, JPY 0, KWD 3), half up."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUNDING)


def quantize_price(amount: Decimal) -> Decimal:
    """Round a unit price or cost to four places, half up."""
    return amount.quantize(Decimal(1).scaleb(-PRICE_PLACES), rounding=ROUNDING)


@dataclass(frozen=True, slots=True)
class Money:
    """An immutable amount in a currency. Arithmetic only between equal currencies."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            object.__setattr__(self, "amount", parse_decimal(self.amount, field="amount"))
        object.__setattr__(self, "currency", validate_currency(self.currency))

    @classmethod
    def of(cls, value: object, currency: str, *, field: str = "amount") -> Money:
        return cls(
            parse_decimal(value, field=field),
            validate_currency(currency, field=f"{field}.currency"),
        )

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise InvalidInput(
                f"Cannot combine {self.currency} and {other.currency} amounts.",
                code="currency.mismatch",
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float):
            raise TypeError("multiply Money by a Decimal, not a float")
        return Money(self.amount * Decimal(factor), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def rounded(self) -> Money:
        return Money(quantize_money(self.amount, self.currency), self.currency)

    def __str__(self) -> str:
        return f"{self.rounded().amount} {self.currency}"
