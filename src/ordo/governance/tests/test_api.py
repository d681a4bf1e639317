import json
from decimal import Decimal

import pytest

from ordo.core.models import AuditEntry, Company
from ordo.governance.approvals import approve_request

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data=json.dumps(data), content_type="application/json")


NEW_COMPANY = {
    "code": "ORDO-DE",
    "name": "Ordo Vertrieb GmbH",
    "currency": "EUR",
    "country": "DE",
    "vat_number": "DE136695976",
}


# --- approvals --------------------------------------------------------------------------


def test_the_approval_inbox_shows_what_waits_for_each_persona(personas, client_for, held_order):
    request = held_order()

    manager = client_for(personas["manager"]).get(f"{API}/approvals")
    rep = client_for(personas["sales_rep"]).get(f"{API}/approvals")

    assert manager.status_code == 200
    body = manager.json()
    assert (body["count"], body["limit"], body["offset"]) == (1, 50, 0)
    item = body["items"][0]
    assert item["id"] == request.pk
    assert item["document_label"] == "SO-00042"
    assert item["company"] == "ORDO-BE"
    assert item["requested_by"] == "sales_rep"
    assert item["approver_roles"] == ["manager"]
    assert item["status"] == "pending"
    assert item["reasons"] == [
        "Discount 15% exceeds the 10% limit of policy 'Big discounts' (approver: Manager)"
    ]
    assert rep.json()["count"] == 0
    assert client_for(personas["sales_rep"]).get(f"{API}/approvals?status=all").json()["count"] == 1


def test_approving_through_the_api(personas, client_for, held_order):
    request = held_order()
    client = client_for(personas["manager"])

    response = post(client, f"{API}/approvals/{request.pk}/approve", {"reason": "Key account"})

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["decided_by"] == "manager"
    assert response.json()["decision_reason"] == "Key account"
    assert client.get(f"{API}/approvals?status=approved").json()["count"] == 1


def test_the_requester_cannot_approve_through_the_api(personas, client_for, held_order):
    request = held_order(actor=personas["manager"])

    response = post(
        client_for(personas["manager"]), f"{API}/approvals/{request.pk}/approve", {"reason": ""}
    )

    assert response.status_code == 403
    assert response.json() == {
        "code": "approval.self_approval",
        "message": "You cannot approve your own request for SO-00042.",
        "details": {"id": request.pk},
    }


def test_rejecting_without_reason_is_422_and_twice_is_409(personas, client_for, held_order):
    request = held_order()
    client = client_for(personas["manager"])

    missing = post(client, f"{API}/approvals/{request.pk}/reject", {})
    done = post(client, f"{API}/approvals/{request.pk}/reject", {"reason": "Margin too low"})
    again = post(client, f"{API}/approvals/{request.pk}/reject", {"reason": "Again"})

    assert missing.status_code == 422
    assert missing.json()["code"] == "approval.reason_required"
    assert missing.json()["details"] == {"field": "reason"}
    assert done.status_code == 200
    assert again.status_code == 409
    assert again.json()["code"] == "approval.already_decided"


def test_a_non_approver_gets_403(personas, client_for, held_order):
    request = held_order()

    response = post(client_for(personas["auditor"]), f"{API}/approvals/{request.pk}/approve", {})

    assert response.status_code == 403
    assert response.json()["code"] == "approval.not_approver"


def test_another_companys_request_is_404(make_user, company_nl, client_for, held_order):
    request = held_order()
    client = client_for(make_user("manager", company_nl, username="dutch-manager"))

    response = client.get(f"{API}/approvals/{request.pk}")

    assert response.status_code == 404
    assert response.json() == {
        "code": "approval.not_found",
        "message": f"Approval request {request.pk} not found.",
        "details": {},
    }


# --- approval policies -------------------------------------------------------------------


def test_creating_a_policy_with_a_decimal_string_threshold(personas, client_for, company_be):
    client = client_for(personas["admin"])

    response = post(
        client,
        f"{API}/approval-policies",
        {
            "company": "ORDO-BE",
            "name": "Big orders",
            "document_type": "sales.order",
            "metric": "amount",
            "operator": "gte",
            "threshold": "5000.00",
            "approver_role": "credit_controller",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["threshold"] == "5000.00"
    assert body["company"] == "ORDO-BE"
    assert client.get(f"{API}/approval-policies").json()["count"] == 1


@pytest.mark.parametrize("threshold", [5000, 5000.5])
def test_a_json_number_threshold_is_refused_naming_the_field(
    personas, client_for, company_be, threshold
):
    response = post(
        client_for(personas["admin"]),
        f"{API}/approval-policies",
        {
            "company": "ORDO-BE",
            "name": "Big orders",
            "document_type": "sales.order",
            "metric": "amount",
            "threshold": threshold,
            "approver_role": "manager",
        },
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation.invalid"
    assert response.json()["details"]["field"] == "threshold"
    assert response.json()["message"] == (
        f'threshold must be a decimal string such as "12.50", not the JSON number {threshold}.'
    )


def test_a_policy_for_another_company_is_404(personas, client_for, company_nl):
    response = post(
        client_for(personas["admin"]),
        f"{API}/approval-policies",
        {
            "company": "ORDO-NL",
            "name": "P",
            "document_type": "sales.order",
            "metric": "amount",
            "threshold": "1",
            "approver_role": "manager",
        },
    )

    assert response.status_code == 404
    assert response.json()["message"] == "Company ORDO-NL not found."


# --- companies --------------------------------------------------------------------------


def test_companies_lists_only_the_callers_own(personas, client_for, company_nl):
    response = client_for(personas["sales_rep"]).get(f"{API}/companies")

    assert response.status_code == 200
    assert [c["code"] for c in response.json()] == ["ORDO-BE"]


def test_another_company_answers_404(personas, client_for, company_nl):
    response = client_for(personas["sales_rep"]).get(f"{API}/companies/{company_nl.pk}")

    assert response.status_code == 404
    assert response.json() == {
        "code": "company.not_found",
        "message": f"Company {company_nl.pk} not found.",
        "details": {},
    }


def test_an_admin_creates_a_company(personas, client_for):
    response = post(client_for(personas["admin"]), f"{API}/companies", NEW_COMPANY)

    assert response.status_code == 201
    assert response.json()["code"] == "ORDO-DE"
    assert response.json()["vat_number"] == "DE136695976"
    assert AuditEntry.objects.filter(
        action="core.company.created", target_id=str(response.json()["id"])
    ).exists()


def test_an_invalid_vat_number_is_422_with_the_exact_envelope(personas, client_for):
    response = post(
        client_for(personas["admin"]),
        f"{API}/companies",
        {**NEW_COMPANY, "vat_number": "BE0000000000"},
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "vat.invalid",
        "message": "BE0000000000 is not a valid VAT number (the number has an invalid format).",
        "details": {"field": "vat_number", "value": "BE0000000000"},
    }
    assert not Company.objects.filter(code="ORDO-DE").exists()


def test_an_unknown_currency_is_422(personas, client_for):
    response = post(
        client_for(personas["admin"]), f"{API}/companies", {**NEW_COMPANY, "currency": "EUX"}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "currency.unknown"
    assert response.json()["details"] == {"field": "currency", "value": "EUX"}


def test_creating_a_company_needs_the_permission(personas, client_for):
    response = post(client_for(personas["sales_rep"]), f"{API}/companies", NEW_COMPANY)

    assert response.status_code == 403
    assert response.json()["code"] == "permission.denied"


def test_patching_a_company_changes_only_the_given_fields(personas, client_for, company_be):
    client = client_for(personas["admin"])

    response = patch(client, f"{API}/companies/{company_be.pk}", {"city": "Bruxelles"})

    assert response.status_code == 200
    assert response.json()["city"] == "Bruxelles"
    assert response.json()["vat_number"] == "BE0403019261"
    entry = AuditEntry.objects.get(action="core.company.updated")
    assert entry.changes == {"city": ["Brussels", "Bruxelles"]}


def test_patching_another_company_is_404(personas, client_for, company_nl):
    response = patch(
        client_for(personas["admin"]), f"{API}/companies/{company_nl.pk}", {"city": "Utrecht"}
    )

    assert response.status_code == 404


# --- audit ------------------------------------------------------------------------------


def test_the_audit_endpoint_filters_by_record_actor_and_action(personas, client_for, held_order):
    request = held_order()
    approve_request(actor=personas["manager"], request_id=request.pk, reason="ok")
    client = client_for(personas["auditor"])

    by_record = client.get(
        f"{API}/audit",
        {"target_type": "governance.approvalrequest", "target_id": str(request.pk)},
    ).json()
    by_actor = client.get(f"{API}/audit", {"actor": "manager"}).json()
    by_prefix = client.get(f"{API}/audit", {"action": "governance.approval."}).json()
    paged = client.get(f"{API}/audit", {"limit": 1, "offset": 1}).json()

    assert [e["action"] for e in by_record["items"]] == [
        "governance.approval.approved",
        "governance.approval.requested",
    ]
    assert [e["action"] for e in by_actor["items"]] == ["governance.approval.approved"]
    assert by_actor["items"][0]["reason"] == "ok"
    assert by_actor["items"][0]["company"] == "ORDO-BE"
    assert by_prefix["count"] == 2
    assert (paged["limit"], paged["offset"], len(paged["items"])) == (1, 1, 1)


def test_the_audit_endpoint_filters_by_period(personas, client_for):
    client = client_for(personas["auditor"])

    future = client.get(f"{API}/audit", {"date_from": "2999-01-01"}).json()
    past = client.get(f"{API}/audit", {"date_to": "2000-01-01"}).json()
    everything = client.get(f"{API}/audit").json()

    assert future["count"] == 0
    assert past["count"] == 0
    assert everything["count"] > 0


def test_the_audit_endpoint_hides_other_companies(personas, client_for, company_nl):
    response = client_for(personas["auditor"]).get(
        f"{API}/audit", {"action": "core.company.created"}
    )

    assert [e["company"] for e in response.json()["items"]] == ["ORDO-BE"]


def test_a_sales_rep_may_not_browse_the_audit_trail(personas, client_for):
    response = client_for(personas["sales_rep"]).get(f"{API}/audit")

    assert response.status_code == 403
    assert response.json()["code"] == "permission.denied"
    assert response.json()["details"] == {"permission": "governance.audit.view"}


# --- me ---------------------------------------------------------------------------------


def test_me_lists_companies_roles_and_permissions(personas, client_for):
    response = client_for(personas["auditor"]).get(f"{API}/me")

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "auditor"
    assert body["companies"] == [
        {
            "id": body["companies"][0]["id"],
            "code": "ORDO-BE",
            "name": "Ordo Distribution Belgium NV",
            "roles": ["auditor"],
            "permissions": [
                "accounting.invoice.view",
                "accounting.ledger.view",
                "accounting.report.view",
                "catalog.product.view",
                "governance.audit.view",
                "partners.partner.view",
            ],
        }
    ]


def test_the_api_needs_authentication(db):
    from django.test import Client

    response = Client().get(f"{API}/me")

    assert response.status_code == 401
    assert response.json()["code"] == "auth.required"


def test_decimal_is_kept_exact(personas, client_for, company_be):
    from ordo.governance.models import ApprovalPolicy

    post(
        client_for(personas["admin"]),
        f"{API}/approval-policies",
        {
            "company": str(company_be.pk),
            "name": "Precise",
            "document_type": "sales.order",
            "metric": "discount_percent",
            "threshold": "12.3456",
            "approver_role": "manager",
        },
    )

    assert ApprovalPolicy.objects.get(name="Precise").threshold == Decimal("12.3456")
