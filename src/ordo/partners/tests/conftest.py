"""Fixtures of the partners tests: memorable codes (ACME-TRADING, 30-70)."""

from decimal import Decimal

import pytest

from ordo.partners import services


@pytest.fixture
def acme(personas):
    return services.create_partner(
        actor=personas["master_data_owner"],
        data=services.PartnerInput(
            code="ACME-TRADING",
            name="Acme Trading",
            is_customer=True,
            vat_number="BE0403019261",
            email="orders@acme.example",
            currency="EUR",
            addresses=(
                services.AddressInput(
                    street="Meir 1", postal_code="2000", city="Antwerp", country="BE"
                ),
            ),
            contacts=(services.ContactInput(name="Ann Peeters", email="ann@acme.example"),),
        ),
    )


@pytest.fixture
def term_30_70(personas):
    return services.create_payment_term(
        actor=personas["accountant"],
        data=services.PaymentTermInput(
            code="30-70",
            name="30 % now, 70 % end of next month",
            lines=(
                services.PaymentTermLineInput(percent=Decimal("30")),
                services.PaymentTermLineInput(percent=Decimal("70"), days=30, is_end_of_month=True),
            ),
        ),
    )


@pytest.fixture
def wholesale(personas):
    return services.create_customer_group(
        actor=personas["master_data_owner"], code="WHOLESALE", name="Wholesale"
    )
