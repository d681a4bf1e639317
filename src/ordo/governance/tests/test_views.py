import pytest
from django.urls import reverse

from ordo.core.models import Company
from ordo.governance.models import ApprovalPolicy, ApprovalStatus

pytestmark = pytest.mark.django_db


def test_the_inbox_lists_what_waits_for_the_manager(personas, client_for, held_order):
    held_order()

    response = client_for(personas["manager"]).get(reverse("governance:approval_inbox"))

    assert response.status_code == 200
    assert "SO-00042" in response.content.decode()
    assert "Discount 15% exceeds the 10% limit" in response.content.decode()


def test_the_inbox_of_a_sales_rep_is_empty(personas, client_for, held_order):
    held_order()

    response = client_for(personas["sales_rep"]).get(reverse("governance:approval_inbox"))

    assert response.status_code == 200
    assert "Nothing waits for your approval." in response.content.decode()


def test_approving_from_the_detail_page(personas, client_for, held_order):
    request = held_order()
    url = reverse("governance:approval_detail", args=[request.pk])

    response = client_for(personas["manager"]).post(
        url, {"decision": "approve", "reason": "Key account"}
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED
    assert request.decision_reason == "Key account"


def test_self_approval_shows_an_inline_error_with_403(personas, client_for, held_order):
    request = held_order(actor=personas["manager"])
    url = reverse("governance:approval_detail", args=[request.pk])

    response = client_for(personas["manager"]).post(url, {"decision": "approve", "reason": ""})

    assert response.status_code == 403
    assert "You cannot approve your own request for SO-00042." in response.content.decode()


def test_rejecting_without_reason_shows_the_error_on_the_field_with_422(
    personas, client_for, held_order
):
    request = held_order()
    url = reverse("governance:approval_detail", args=[request.pk])

    response = client_for(personas["manager"]).post(url, {"decision": "reject", "reason": ""})

    assert response.status_code == 422
    assert 'data-field="reason"' in response.content.decode()
    assert "Say why you reject SO-00042: a reason is required." in response.content.decode()


def test_another_companys_request_page_is_404(make_user, company_nl, client_for, held_order):
    request = held_order()
    client = client_for(make_user("manager", company_nl, username="dutch-manager"))

    response = client.get(reverse("governance:approval_detail", args=[request.pk]))

    assert response.status_code == 404
    assert f"Approval request {request.pk} not found." in response.content.decode()


def test_the_audit_list_filters_by_action_and_actor(personas, client_for, held_order):
    held_order()
    client = client_for(personas["auditor"])

    filtered = client.get(
        reverse("governance:audit_list"),
        {"action": "governance.approval.requested", "actor": "sales_rep"},
    )
    nothing = client.get(reverse("governance:audit_list"), {"actor": "nobody"})

    assert filtered.status_code == 200
    page = filtered.content.decode()
    assert "governance.approval.requested" in page
    assert "core.company.created" not in page
    assert "No audit entries match." in nothing.content.decode()


def test_the_audit_list_needs_the_permission(personas, client_for):
    response = client_for(personas["sales_rep"]).get(reverse("governance:audit_list"))

    assert response.status_code == 403
    assert "governance.audit.view" in response.content.decode()


def test_the_company_list_shows_only_own_companies(personas, client_for, company_nl):
    response = client_for(personas["sales_rep"]).get(reverse("governance:company_list"))

    assert response.status_code == 200
    assert "ORDO-BE" in response.content.decode()
    assert "ORDO-NL" not in response.content.decode()


def test_another_companys_page_is_404(personas, client_for, company_nl):
    response = client_for(personas["admin"]).get(
        reverse("governance:company_detail", args=[company_nl.pk])
    )

    assert response.status_code == 404
    assert f"Company {company_nl.pk} not found." in response.content.decode()


COMPANY_FORM = {
    "code": "ORDO-DE",
    "name": "Ordo Vertrieb GmbH",
    "currency": "EUR",
    "country": "DE",
    "vat_number": "DE136695976",
}


def test_creating_a_company_from_the_form(personas, client_for):
    response = client_for(personas["admin"]).post(
        reverse("governance:company_create"), COMPANY_FORM
    )

    company = Company.objects.get(code="ORDO-DE")
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:company_detail", args=[company.pk])


def test_an_invalid_vat_number_is_shown_inline_with_422(personas, client_for):
    response = client_for(personas["admin"]).post(
        reverse("governance:company_create"), {**COMPANY_FORM, "vat_number": "BE0000000000"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field="vat_number"' in page
    assert "BE0000000000 is not a valid VAT number (the number has an invalid format)." in page
    assert not Company.objects.filter(code="ORDO-DE").exists()


def test_editing_a_company(personas, client_for, company_be):
    url = reverse("governance:company_edit", args=[company_be.pk])
    client = client_for(personas["admin"])
    form = client.get(url)

    response = client.post(
        url,
        {
            **{k: v for k, v in form.context["form"].initial.items() if v is not None},
            "city": "Bruxelles",
        },
    )

    assert form.status_code == 200
    assert response.status_code == 302
    company_be.refresh_from_db()
    assert company_be.city == "Bruxelles"


def test_creating_a_policy_from_the_form(personas, client_for, company_be):
    client = client_for(personas["admin"])
    data = {
        "company": company_be.pk,
        "name": "Big discounts",
        "document_type": "sales.order",
        "metric": "discount_percent",
        "operator": "gt",
        "threshold": "10",
        "approver_role": "manager",
    }

    bad = client.post(reverse("governance:policy_create"), {**data, "threshold": "ten"})
    good = client.post(reverse("governance:policy_create"), data)
    listing = client.get(reverse("governance:policy_list"))

    assert bad.status_code == 422
    assert "threshold must be a decimal number, got &#x27;ten&#x27;." in bad.content.decode()
    assert good.status_code == 302
    assert ApprovalPolicy.objects.get().approver_role.code == "manager"
    assert "Big discounts" in listing.content.decode()


def test_the_company_page_shows_its_details_and_policies(
    personas, client_for, company_be, discount_policy
):
    response = client_for(personas["admin"]).get(
        reverse("governance:company_detail", args=[company_be.pk])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "BE0403019261" in page
    assert "Big discounts" in page
    assert reverse("governance:company_edit", args=[company_be.pk]) in page


def test_the_inbox_can_show_decided_requests(personas, client_for, held_order):
    from ordo.governance.approvals import reject_request

    request = held_order()
    reject_request(actor=personas["manager"], request_id=request.pk, reason="No")

    response = client_for(personas["sales_rep"]).get(
        reverse("governance:approval_inbox"), {"status": "rejected"}
    )

    assert response.status_code == 200
    assert "SO-00042" in response.content.decode()
