"""Pure tax and currency arithmetic (no ORM, no I/O).

``compute_taxes`` turns document lines into per-line net and tax, a tax summary per
(tax, category, rate) and document totals, rounding per line or once per tax group.
``category_problems`` states the EN 16931 rules a tax definition must follow.
``rate_on`` / ``convert`` find a dated exchange rate and apply it. Rounding is half up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .errors import NoExchangeRate

HUNDRED = Decimal(100)
STANDARD = "S"
ZERO_RATED = "Z"
EXEMPTION_CATEGORIES = frozenset({"E", "AE", "K", "G", "O"})
CATEGORIES = frozenset({STANDARD, ZERO_RATED}) | EXEMPTION_CATEGORIES
ROUNDINGS = ("line", "document")


def _round(amount: Decimal, minor_units: int) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-minor_units), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class TaxSpec:
    """What the arithmetic needs of a tax: rate in percent, e.g. Decimal("21")."""

    id: int | str
    rate: Decimal
    is_price_included: bool
    category: str


@dataclass(frozen=True, slots=True)
class TaxLine:
    """A line's net amount, or its gross amount when its tax is price-included."""

    amount: Decimal
    tax: TaxSpec


@dataclass(frozen=True, slots=True)
class LineResult:
    net: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class TaxSummary:
    tax_id: int | str
    category: str
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True, slots=True)
class TaxResult:
    lines: list[LineResult]
    summary: list[TaxSummary]
    totals: Totals


def category_problems(
    category: str, rate: Decimal, exemption_reason: str, exemption_reason_code: str
) -> list[tuple[str, str, str]]:
    """(field, code, message) for every EN 16931 rule a tax definition breaks."""
    problems: list[tuple[str, str, str]] = []
    if category not in CATEGORIES:
        problems.append(
            (
                "vat_category",
                "accounting.tax_category_unknown",
                f"Unknown VAT category {category!r}: use one of {', '.join(sorted(CATEGORIES))}.",
            )
        )
        return problems
    shown = f"{rate.normalize():f}"
    has_reason = bool(exemption_reason.strip() or exemption_reason_code.strip())
    if category == STANDARD and rate <= 0:
        problems.append(
            (
                "rate",
                "accounting.tax_rate_category",
                f"A standard-rated (S) tax needs a rate above 0 %, got {shown} %.",
            )
        )
    if category != STANDARD and rate != 0:
        problems.append(
            (
                "rate",
                "accounting.tax_rate_category",
                f"A tax of VAT category {category} must have a rate of 0 %, got {shown} %.",
            )
        )
    if category in EXEMPTION_CATEGORIES and not has_reason:
        problems.append(
            (
                "exemption_reason",
                "accounting.tax_exemption_reason_required",
                f"A tax of VAT category {category} needs an exemption reason "
                "(text or a VATEX code such as VATEX-EU-IC).",
            )
        )
    if category in (STANDARD, ZERO_RATED) and has_reason:
        problems.append(
            (
                "exemption_reason",
                "accounting.tax_exemption_reason_forbidden",
                f"A tax of VAT category {category} cannot carry an exemption reason.",
            )
        )
    return problems


def _split_gross(gross: Decimal, rate: Decimal, minor_units: int) -> tuple[Decimal, Decimal]:
    net = _round(gross / (1 + rate / HUNDRED), minor_units)
    return net, gross - net


def _line_result(line: TaxLine, minor_units: int) -> LineResult:
    amount = _round(line.amount, minor_units)
    if line.tax.is_price_included:
        net, tax = _split_gross(amount, line.tax.rate, minor_units)
        return LineResult(net, tax)
    return LineResult(amount, _round(amount * line.tax.rate / HUNDRED, minor_units))


def compute_taxes(lines: Sequence[TaxLine], *, rounding: str, minor_units: int) -> TaxResult:
    """Per-line net and tax, the summary per tax and the totals (net + tax == gross).

    ``line``: each line's tax is rounded, the summary adds the rounded taxes.
    ``document``: per tax, the tax is computed once on the summed bases (the summed gross
    for a price-included tax) and rounded once; the lines still show their own rounded
    values for information, the summary and totals are what the document states.
    """
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {ROUNDINGS}, got {rounding!r}")
    results = [_line_result(line, minor_units) for line in lines]
    groups: dict[tuple, list[int]] = {}
    for i, line in enumerate(lines):
        key = (line.tax.id, line.tax.category, line.tax.rate, line.tax.is_price_included)
        groups.setdefault(key, []).append(i)
    summary = []
    for (tax_id, category, rate, included), members in groups.items():
        if rounding == "line":
            base = sum((results[i].net for i in members), Decimal(0))
            tax = sum((results[i].tax for i in members), Decimal(0))
        elif included:
            gross = sum((_round(lines[i].amount, minor_units) for i in members), Decimal(0))
            base, tax = _split_gross(gross, rate, minor_units)
        else:
            base = sum((results[i].net for i in members), Decimal(0))
            tax = _round(base * rate / HUNDRED, minor_units)
        summary.append(TaxSummary(tax_id, category, rate, base, tax))
    net = sum((s.base for s in summary), _round(Decimal(0), minor_units))
    tax = sum((s.tax for s in summary), _round(Decimal(0), minor_units))
    return TaxResult(results, summary, Totals(net, tax, net + tax))


# --------------------------------------------------------------------------- currencies


@dataclass(frozen=True, slots=True)
class RatePoint:
    """1 unit of ``currency`` = ``rate`` units of the company currency from ``rate_date``."""

    currency: str
    rate_date: dt.date
    rate: Decimal


def rate_on(
    rates: Iterable[RatePoint],
    currency: str,
    on: dt.date,
    *,
    company_code: str = "",
    company_currency: str = "",
) -> RatePoint:
    """The latest rate of ``currency`` dated on or before ``on``; none → NoExchangeRate (409)."""
    best = None
    for point in rates:
        if (
            point.currency == currency
            and point.rate_date <= on
            and (best is None or point.rate_date > best.rate_date)
        ):
            best = point
    if best is None:
        where = f" in {company_code}" if company_code else ""
        raise NoExchangeRate(
            f"No {company_currency or 'company currency'} rate for {currency} "
            f"on or before {on.isoformat()}{where}.",
            details={"currency": currency, "date": on.isoformat()},
        )
    return best


def convert(amount: Decimal, rate: Decimal, minor_units: int) -> Decimal:
    """``amount`` of a foreign currency in the company currency, rounded half up."""
    return _round(amount * rate, minor_units)
