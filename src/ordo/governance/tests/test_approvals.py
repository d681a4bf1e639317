from decimal import Decimal

import pytest
from django_tasks_db.models import DBTaskResult

from ordo.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from ordo.core.models import AuditEntry
from ordo.governance.approvals import (
    PolicyInput,
    approve_request,
    check_approval,
    create_approval_policy,
    deactivate_approval_policy,
    register_approval_handler,
    reject_request,
    unregister_approval_handler,
    update_approval_policy,
)
from ordo.governance.errors import ApprovalAlreadyDecided, NotAnApprover, SelfApprovalRefused
from ordo.governance.models import ApprovalRequest, ApprovalStatus
from ordo.governance.selectors import get_approval_request, list_pending_for

from .conftest import DOC

pytestmark = pytest.mark.django_db


def _events(name):
    return [r for r in DBTaskResult.objects.all() if r.args_kwargs["args"][0] == name]


# --- holds -------------------------------------------------------------------------------


def test_a_discount_over_the_policy_limit_is_held_for_the_manager(company_be, discount_policy):
    holds = check_approval(
        company=company_be, document_type=DOC, metrics={"discount_percent": Decimal("15")}
    )

    assert [(h.policy_id, h.approver_role_code, h.reason_text) for h in holds] == [
        (
            discount_policy.pk,
            "manager",
            "Discount 15% exceeds the 10% limit of policy 'Big discounts' (approver: Manager)",
        )
    ]


def test_a_discount_within_the_limit_is_not_held(company_be, discount_policy):
    assert (
        check_approval(
            company=company_be, document_type=DOC, metrics={"discount_percent": Decimal("10")}
        )
        == []
    )


def test_policies_of_another_company_or_inactive_ones_do_not_hold(
    personas, company_be, company_nl, discount_policy
):
    assert (
        check_approval(
            company=company_nl, document_type=DOC, metrics={"discount_percent": Decimal("50")}
        )
        == []
    )
    deactivate_approval_policy(actor=personas["admin"], policy_id=discount_policy.pk)
    assert (
        check_approval(
            company=company_be, document_type=DOC, metrics={"discount_percent": Decimal("50")}
        )
        == []
    )


def test_check_approval_reads_the_policies_in_one_query(
    company_be, discount_policy, django_assert_num_queries
):
    with django_assert_num_queries(1):
        check_approval(
            company=company_be, document_type=DOC, metrics={"discount_percent": Decimal("15")}
        )


def test_a_missing_metric_is_a_programming_error(company_be, discount_policy):
    with pytest.raises(ValueError):
        check_approval(company=company_be, document_type=DOC, metrics={"amount": Decimal("1")})


# --- requests ----------------------------------------------------------------------------


def test_requesting_approval_opens_a_pending_request_audited_and_announced(personas, held_order):
    request = held_order()

    assert request.status == ApprovalStatus.PENDING
    assert request.requested_by == personas["sales_rep"]
    assert [r.code for r in request.approver_roles.all()] == ["manager"]
    assert request.reasons == [
        "Discount 15% exceeds the 10% limit of policy 'Big discounts' (approver: Manager)"
    ]
    entry = AuditEntry.objects.get(action="governance.approval.requested")
    assert entry.target_id == str(request.pk)
    assert entry.actor_name == "sales_rep"
    assert len(_events("governance.approval.requested")) == 1


def test_a_document_waits_for_only_one_pending_request(held_order):
    first = held_order()

    with pytest.raises(Conflict) as exc:
        held_order()

    assert exc.value.code == "approval.already_pending"
    assert exc.value.status == 409
    assert exc.value.message == f"SO-00042 already waits for approval (request {first.pk})."


# --- decisions ---------------------------------------------------------------------------


def test_the_manager_approves_with_an_audited_reason(personas, held_order):
    request = held_order()

    approved = approve_request(
        actor=personas["manager"], request_id=request.pk, reason="Key account"
    )

    assert approved.status == ApprovalStatus.APPROVED
    assert approved.decided_by == personas["manager"]
    assert approved.decision_reason == "Key account"
    entry = AuditEntry.objects.get(action="governance.approval.approved")
    assert entry.reason == "Key account"
    assert entry.actor_name == "manager"
    assert entry.changes["status"] == ["pending", "approved"]
    assert len(_events("governance.approval.approved")) == 1


def test_nobody_approves_their_own_request(personas, held_order):
    request = held_order(actor=personas["manager"])

    with pytest.raises(SelfApprovalRefused) as exc:
        approve_request(actor=personas["manager"], request_id=request.pk, reason="")

    assert exc.value.status == 403
    assert exc.value.code == "approval.self_approval"
    assert exc.value.message == "You cannot approve your own request for SO-00042."
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING
    assert not AuditEntry.objects.filter(action="governance.approval.approved").exists()


def test_a_user_without_the_approver_role_is_refused(personas, held_order):
    request = held_order()

    with pytest.raises(NotAnApprover) as exc:
        approve_request(actor=personas["credit_controller"], request_id=request.pk, reason="")

    assert exc.value.status == 403
    assert exc.value.code == "approval.not_approver"
    assert exc.value.message == (
        "You cannot approve SO-00042: it needs the approval of a Manager in ORDO-BE."
    )


def test_a_manager_of_another_company_does_not_see_the_request(make_user, company_nl, held_order):
    request = held_order()
    dutch_manager = make_user("manager", company_nl, username="dutch-manager")

    with pytest.raises(NotFound) as exc:
        approve_request(actor=dutch_manager, request_id=request.pk, reason="")

    assert exc.value.status == 404
    assert exc.value.code == "approval.not_found"
    assert exc.value.message == f"Approval request {request.pk} not found."


def test_rejecting_needs_a_reason(personas, held_order):
    request = held_order()

    with pytest.raises(InvalidInput) as exc:
        reject_request(actor=personas["manager"], request_id=request.pk, reason="   ")

    assert exc.value.status == 422
    assert exc.value.code == "approval.reason_required"
    assert exc.value.details["field"] == "reason"
    assert exc.value.message == "Say why you reject SO-00042: a reason is required."


def test_a_request_is_decided_only_once(personas, held_order, make_user, company_be):
    request = held_order()
    reject_request(actor=personas["manager"], request_id=request.pk, reason="Margin too low")
    second_manager = make_user("manager", company_be, username="second-manager")

    with pytest.raises(ApprovalAlreadyDecided) as exc:
        approve_request(actor=second_manager, request_id=request.pk, reason="")

    assert exc.value.status == 409
    assert exc.value.code == "approval.already_decided"
    assert exc.value.message.startswith(
        "The approval request for SO-00042 was already rejected by manager on "
    )


def test_a_decision_calls_the_document_types_handler_in_the_same_transaction(personas, held_order):
    calls = []
    register_approval_handler(
        DOC,
        on_approved=lambda request, actor: calls.append(("approved", request.pk, actor.username)),
        on_rejected=lambda request, actor: calls.append(("rejected", request.pk, actor.username)),
    )
    try:
        first = held_order(document_id="42", label="SO-00042")
        second = held_order(document_id="43", label="SO-00043")
        approve_request(actor=personas["manager"], request_id=first.pk, reason="")
        reject_request(actor=personas["manager"], request_id=second.pk, reason="No")
    finally:
        unregister_approval_handler(DOC)

    assert calls == [
        ("approved", first.pk, "manager"),
        ("rejected", second.pk, "manager"),
    ]


def test_a_failing_handler_rolls_the_decision_back(personas, held_order):
    def refuse(request, actor):
        raise InvalidTransition("The order was cancelled meanwhile.")

    register_approval_handler(DOC, on_approved=refuse, on_rejected=refuse)
    try:
        request = held_order()
        with pytest.raises(InvalidTransition):
            approve_request(actor=personas["manager"], request_id=request.pk, reason="")
    finally:
        unregister_approval_handler(DOC)

    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING
    assert not AuditEntry.objects.filter(action="governance.approval.approved").exists()


# --- selectors ---------------------------------------------------------------------------


def test_the_inbox_shows_what_waits_for_each_persona(personas, held_order, company_be, make_user):
    request = held_order()
    requesting_manager = make_user("manager", company_be, username="requesting-manager")
    own = held_order(document_id="99", label="SO-00099", actor=requesting_manager)

    assert list(list_pending_for(personas["manager"])) == [own, request]
    assert list(list_pending_for(requesting_manager)) == [request]
    assert list(list_pending_for(personas["sales_rep"])) == []
    assert list(list_pending_for(personas["credit_controller"])) == []
    approve_request(actor=personas["manager"], request_id=request.pk, reason="")
    assert list(list_pending_for(requesting_manager)) == []


def test_get_approval_request_hides_other_companies(make_user, company_nl, held_order):
    request = held_order()
    outsider = make_user("auditor", company_nl, username="outsider")

    with pytest.raises(NotFound):
        get_approval_request(outsider, request.pk)


# --- policies ----------------------------------------------------------------------------


def test_a_policy_threshold_must_be_a_non_negative_decimal(personas, company_be):
    admin = personas["admin"]

    def create(threshold):
        return create_approval_policy(
            actor=admin,
            company=company_be,
            data=PolicyInput(
                name="P",
                document_type=DOC,
                metric="amount",
                threshold=threshold,
                approver_role="manager",
            ),
        )

    with pytest.raises(InvalidInput) as exc:
        create(0.5)
    assert exc.value.code == "decimal.float_refused"
    assert exc.value.details["field"] == "threshold"
    with pytest.raises(InvalidInput) as exc:
        create("-1")
    assert exc.value.code == "approval.threshold_negative"
    assert exc.value.message == "threshold must not be negative, got -1."
    assert create("5000.00").threshold == Decimal("5000.00")


def test_policy_input_errors_are_reported_together(personas, company_be):
    with pytest.raises(InvalidInput) as exc:
        create_approval_policy(
            actor=personas["admin"],
            company=company_be,
            data=PolicyInput(
                name="",
                document_type=DOC,
                metric="margin",
                threshold="x",
                approver_role="pope",
            ),
        )

    assert exc.value.code == "validation.errors"
    assert [(e["field"], e["code"]) for e in exc.value.details["errors"]] == [
        ("name", "approval_policy.name_required"),
        ("metric", "approval_policy.metric_unknown"),
        ("threshold", "decimal.invalid"),
        ("approver_role", "role.unknown"),
    ]
    assert not AuditEntry.objects.filter(action__startswith="governance.approval_policy").exists()


def test_only_a_policy_manager_defines_policies(personas, company_be):
    with pytest.raises(PermissionDenied) as exc:
        create_approval_policy(
            actor=personas["manager"],
            company=company_be,
            data=PolicyInput(
                name="P", document_type=DOC, metric="amount", threshold="1", approver_role="manager"
            ),
        )
    assert exc.value.details == {"permission": "governance.approval_policy.manage"}


def test_updating_a_policy_is_audited(personas, discount_policy):
    policy = update_approval_policy(
        actor=personas["admin"],
        policy_id=discount_policy.pk,
        data=PolicyInput(
            name="Big discounts",
            document_type=DOC,
            metric="discount_percent",
            threshold="12.5",
            approver_role="manager",
        ),
    )

    assert policy.threshold == Decimal("12.5")
    entry = AuditEntry.objects.get(action="governance.approval_policy.updated")
    assert entry.changes == {"threshold": ["10.0000", "12.5"]}


def test_the_db_refuses_a_second_pending_request_for_a_document(personas, held_order):
    from django.db import IntegrityError, transaction

    request = held_order()
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalRequest.objects.create(
            company=request.company,
            document_type=request.document_type,
            document_id=request.document_id,
            document_label="dup",
            requested_by=personas["sales_rep"],
            requested_at=request.requested_at,
        )


def test_the_inbox_costs_a_fixed_number_of_queries(
    personas, held_order, django_assert_max_num_queries
):
    for n in range(5):
        held_order(document_id=str(n), label=f"SO-{n:05d}")
    manager = personas["manager"]
    list(list_pending_for(manager))  # warm the permission cache

    with django_assert_max_num_queries(2):
        rows = [
            (r.document_label, r.company.code, [role.code for role in r.approver_roles.all()])
            for r in list_pending_for(manager)
        ]

    assert len(rows) == 5
