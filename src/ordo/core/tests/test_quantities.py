from decimal import Decimal

import pytest

from ordo.core.errors import UnitCategoryMismatch
from ordo.core.quantities import Quantity, UnitSpec, convert_quantity, quantize_quantity

KG = UnitSpec("kg", "weight", Decimal("1"), Decimal("0.001"))
G = UnitSpec("g", "weight", Decimal("0.001"), Decimal("1"))
PCE = UnitSpec("PCE", "unit", Decimal("1"), Decimal("1"))
BOX12 = UnitSpec("BOX12", "unit", Decimal("12"), Decimal("1"))


def test_grams_convert_to_kilograms():
    assert convert_quantity(Decimal("1500"), G, KG) == Decimal("1.5")
    assert str(convert_quantity(Decimal("1500"), G, KG)) == "1.500"


def test_boxes_convert_to_pieces():
    assert convert_quantity(Decimal("2"), BOX12, PCE) == Decimal("24")


def test_conversion_rounds_half_up_to_the_target_precision():
    assert convert_quantity(Decimal("30"), PCE, BOX12) == Decimal("3")  # 2.5 boxes → 3
    assert convert_quantity(Decimal("29"), PCE, BOX12) == Decimal("2")  # 2.4166… → 2
    assert convert_quantity(Decimal("1.2345"), KG, G) == Decimal("1235")  # 1234.5 g → 1235


def test_same_unit_only_rounds():
    assert convert_quantity(Decimal("1.00049"), KG, KG) == Decimal("1.000")
    assert quantize_quantity(Decimal("0.0005"), KG) == Decimal("0.001")


def test_units_of_different_categories_do_not_convert():
    with pytest.raises(UnitCategoryMismatch) as exc:
        convert_quantity(Decimal("1"), KG, PCE)

    assert exc.value.status == 422
    assert exc.value.code == "unit.category_mismatch"
    assert exc.value.message == (
        "Cannot convert kg (weight) to PCE (unit): units of different categories do not convert."
    )
    assert exc.value.details == {"from": "kg", "to": "PCE"}


def test_a_quantity_converts_and_prints_with_its_unit():
    quantity = Quantity(Decimal("2500"), G).to(KG)

    assert quantity.unit == KG
    assert str(quantity) == "2.5 kg"


def test_a_quantity_refuses_floats():
    from ordo.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        Quantity(2.5, KG)
    assert exc.value.code == "decimal.float_refused"
    assert Quantity("2.5", KG).value == Decimal("2.5")
