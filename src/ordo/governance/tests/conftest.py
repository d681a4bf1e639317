from decimal import Decimal

import pytest

from ordo.governance.approvals import (
    PolicyInput,
    check_approval,
    create_approval_policy,
    request_approval,
)

DOC = "test.order"


@pytest.fixture
def discount_policy(personas, company_be):
    """ORDO-BE holds test orders with a discount above 10% for a manager."""
    return create_approval_policy(
        actor=personas["admin"],
        company=company_be,
        data=PolicyInput(
            name="Big discounts",
            document_type=DOC,
            metric="discount_percent",
            threshold="10",
            approver_role="manager",
        ),
    )


@pytest.fixture
def held_order(personas, company_be, discount_policy):
    """A test order SO-00042 by the sales rep, held for a 15% discount."""

    def make(document_id="42", label="SO-00042", actor=None):
        holds = check_approval(
            company=company_be, document_type=DOC, metrics={"discount_percent": Decimal("15")}
        )
        return request_approval(
            actor=actor or personas["sales_rep"],
            company=company_be,
            document_type=DOC,
            document_id=document_id,
            document_label=label,
            holds=holds,
        )

    return make
