"""Quantities with a unit of measure, and conversion inside one unit category.

Units are described by ``UnitSpec`` (code, category, factor to the category's reference
unit, rounding step); the catalog app stores them and hands specs in, so this module
stays pure. Converting between categories (kg → pieces) is refused out loud.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .errors import UnitCategoryMismatch
from .money import ROUNDING, parse_decimal


@dataclass(frozen=True, slots=True)
class UnitSpec:
    code: str
    category: str
    factor: Decimal  # how many reference units one of this unit is (box of 12: 12)
    rounding: Decimal = Decimal("0.0001")  # the smallest step a quantity in this unit takes


def quantize_quantity(value: Decimal, unit: UnitSpec) -> Decimal:
    """Round a quantity to the unit's precision, half up."""
    step = unit.rounding
    return (value / step).quantize(Decimal(1), rounding=ROUNDING) * step


@dataclass(frozen=True, slots=True)
class Quantity:
    value: Decimal
    unit: UnitSpec

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal):
            object.__setattr__(self, "value", parse_decimal(self.value, field="quantity"))

    def to(self, target: UnitSpec) -> Quantity:
        return Quantity(convert_quantity(self.value, self.unit, target), target)

    def __str__(self) -> str:
        return f"{self.value.normalize():f} {self.unit.code}"


def convert_quantity(value: Decimal, source: UnitSpec, target: UnitSpec) -> Decimal:
    """Convert ``value`` from ``source`` to ``target`` and round to the target's precision."""
    if source.category != target.category:
        raise UnitCategoryMismatch(
            f"Cannot convert {source.code} ({source.category}) to {target.code} ({target.category}): "
            "units of different categories do not convert.",
            code="unit.category_mismatch",
            details={"from": source.code, "to": target.code},
        )
    if source.code == target.code:
        return quantize_quantity(value, target)
    return quantize_quantity(value * source.factor / target.factor, target)
