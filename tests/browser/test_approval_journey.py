"""A held document reaches the manager's inbox; the requester cannot approve it, the manager does."""

from decimal import Decimal

import pytest

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def held_order(personas, company_be):
    from ordo.governance import approvals

    policy = approvals.create_approval_policy(
        actor=personas["admin"],
        company=company_be,
        data=approvals.PolicyInput(
            name="Big discounts",
            document_type="sales.order",
            metric="discount_percent",
            threshold="10",
            approver_role="manager",
        ),
    )
    holds = approvals.check_approval(
        company=company_be, document_type="sales.order", metrics={"discount_percent": Decimal(15)}
    )
    assert [h.policy_id for h in holds] == [policy.pk]
    return approvals.request_approval(
        actor=personas["manager"],
        company=company_be,
        document_type="sales.order",
        document_id="SO-00042",
        document_label="Sales order SO-00042",
        holds=holds,
    )


def test_the_requester_is_refused_and_another_manager_approves(
    page, personas, make_user, company_be, held_order, screenshot
):
    # 1. The manager who asked opens the request: approving it themselves is refused inline.
    log_in(page, "manager", "ordo-test-pw")
    page.goto(f"/governance/approvals/{held_order.pk}/")
    assert "Discount 15% exceeds the 10% limit of policy 'Big discounts'" in page.content()
    page.fill("textarea[name=reason], input[name=reason]", "Looks fine to me")
    page.get_by_role("button", name="Approve").click()
    refusal = page.get_by_text("You cannot approve your own request for Sales order SO-00042.")
    refusal.wait_for()
    screenshot("approval-self-refused")

    # 2. A second manager finds it in their inbox and approves it with a reason.
    make_user("manager", company_be, username="manager-two")
    page.get_by_role("button", name="Log out").click()
    log_in(page, "manager-two", "ordo-test-pw")
    page.goto("/governance/approvals/")
    page.get_by_role("link", name="Sales order SO-00042").click()
    page.fill("textarea[name=reason], input[name=reason]", "Customer renewed a yearly contract")
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved", exact=True).first.wait_for()
    held_order.refresh_from_db()
    assert held_order.status == "approved"
    assert held_order.decided_by.username == "manager-two"
    assert held_order.decision_reason == "Customer renewed a yearly contract"
    screenshot("approval-approved")
