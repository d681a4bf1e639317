"""The generic approval engine: policies, holds, requests and decisions.

A document service (sales, purchasing, inventory…) computes its metrics and calls
``check_approval``; if it gets holds, it saves its document in ``to_approve`` and calls
``request_approval`` in the same transaction. An approver decides with
``approve_request``/``reject_request``; the document's app registered a handler with
``register_approval_handler`` so governance can move the document on without importing
the app above it. Nobody decides their own request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ordo.core.audit import record_audit, snapshot
from ordo.core.errors import Conflict, InvalidInput, NotFound, ValidationErrors
from ordo.core.events import emit
from ordo.core.models import Company, User
from ordo.core.money import parse_decimal
from ordo.core.transitions import ensure_transition

from .access import require, visible_company_ids
from .domain import Hold, PolicySpec, evaluate_policies
from .errors import ApprovalAlreadyDecided, NotAnApprover, SelfApprovalRefused
from .models import (
    APPROVAL_TRANSITIONS,
    ApprovalMetric,
    ApprovalOperator,
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStatus,
    Membership,
    Role,
)

# --- handler registry ------------------------------------------------------------------

ApprovalCallback = Callable[[ApprovalRequest, User], None]


@dataclass(frozen=True)
class ApprovalHandler:
    on_approved: ApprovalCallback
    on_rejected: ApprovalCallback


_handlers: dict[str, ApprovalHandler] = {}


def register_approval_handler(
    document_type: str, *, on_approved: ApprovalCallback, on_rejected: ApprovalCallback
) -> None:
    """Let the app owning ``document_type`` react to a decision, inside its transaction.

    Called once at start-up (e.g. in the app's ``AppConfig.ready``); registering again
    replaces the previous handler, so reloading is harmless.
    """
    _handlers[document_type] = ApprovalHandler(on_approved=on_approved, on_rejected=on_rejected)


def unregister_approval_handler(document_type: str) -> None:
    _handlers.pop(document_type, None)


def approval_handler_for(document_type: str) -> ApprovalHandler | None:
    return _handlers.get(document_type)


# --- evaluation --------------------------------------------------------------------------


def policy_specs(*, company: Company, document_type: str) -> list[PolicySpec]:
    """The company's active policies for a document type, in one query."""
    policies = (
        ApprovalPolicy.objects.filter(company=company, document_type=document_type, is_active=True)
        .select_related("approver_role")
        .order_by("name", "id")
    )
    return [
        PolicySpec(
            policy_id=p.pk,
            name=p.name,
            metric=p.metric,
            operator=p.operator,
            threshold=p.threshold,
            approver_role_code=p.approver_role.code,
            approver_role_name=p.approver_role.name,
        )
        for p in policies
    ]


def check_approval(
    *, company: Company, document_type: str, metrics: dict[str, Decimal]
) -> list[Hold]:
    """The holds a document with these metric values triggers (empty: no approval needed).

    Raises ValueError if an active policy needs a metric the caller did not supply.
    """
    return evaluate_policies(policy_specs(company=company, document_type=document_type), metrics)


# --- requests and decisions -------------------------------------------------------------


def _approval_not_found(request_id: object) -> NotFound:
    return NotFound(f"Approval request {request_id} not found.", code="approval.not_found")


@transaction.atomic
def request_approval(
    *,
    actor: User,
    company: Company,
    document_type: str,
    document_id: str | int,
    document_label: str,
    holds: list[Hold],
) -> ApprovalRequest:
    """Open a pending approval request for a held document (the caller saved it in to_approve).

    Raises Conflict ``approval.already_pending`` if the document already waits for one.
    """
    if not holds:
        raise ValueError("request_approval needs at least one hold")
    document_id = str(document_id)
    pending = (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .filter(
            company=company,
            document_type=document_type,
            document_id=document_id,
            status=ApprovalStatus.PENDING,
        )
        .first()
    )
    if pending is not None:
        raise Conflict(
            f"{document_label} already waits for approval (request {pending.pk}).",
            code="approval.already_pending",
            details={"id": pending.pk},
        )
    role_codes = list(dict.fromkeys(h.approver_role_code for h in holds))
    roles = list(Role.objects.filter(code__in=role_codes))
    missing = sorted(set(role_codes) - {r.code for r in roles})
    if missing:
        raise ValueError(f"unknown approver role(s): {', '.join(missing)}")
    request = ApprovalRequest.objects.create(
        company=company,
        document_type=document_type,
        document_id=document_id,
        document_label=document_label[:200],
        requested_by=actor,
        requested_at=timezone.now(),
        reasons=[h.reason_text for h in holds],
        status=ApprovalStatus.PENDING,
    )
    request.approver_roles.set(roles)
    record_audit(
        actor=actor,
        action="governance.approval.requested",
        target=request,
        company=company,
        after={
            "document_type": document_type,
            "document_id": document_id,
            "approver_roles": role_codes,
            "reasons": request.reasons,
        },
        reason="; ".join(request.reasons),
    )
    emit(
        "governance.approval.requested",
        request_id=request.pk,
        company_id=company.pk,
        document_type=document_type,
        document_id=document_id,
    )
    return request


def _role_names(request: ApprovalRequest) -> str:
    names = [r.name for r in request.approver_roles.all()]
    return " or ".join(names) if names else "an approver"


def _decide(*, actor: User, request_id: int, target: str, reason: str) -> ApprovalRequest:
    verb = "approve" if target == ApprovalStatus.APPROVED else "reject"
    request = (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .filter(pk=request_id, company_id__in=visible_company_ids(actor))
        .select_related("company", "requested_by", "decided_by")
        .first()
    )
    if request is None:
        raise _approval_not_found(request_id)
    label = request.document_label
    if request.requested_by_id == actor.pk:
        raise SelfApprovalRefused(
            f"You cannot {verb} your own request for {label}.",
            details={"id": request.pk},
        )
    role_ids = [r.pk for r in request.approver_roles.all()]
    is_approver = Membership.objects.filter(
        user=actor, company_id=request.company_id, role_id__in=role_ids
    ).exists()
    if not is_approver:
        raise NotAnApprover(
            f"You cannot {verb} {label}: it needs the approval of a {_role_names(request)} "
            f"in {request.company.code}.",
            details={
                "id": request.pk,
                "approver_roles": sorted(r.code for r in request.approver_roles.all()),
            },
        )
    if request.status != ApprovalStatus.PENDING:
        decided_by = request.decided_by.username if request.decided_by else "someone"
        raise ApprovalAlreadyDecided(
            f"The approval request for {label} was already {request.status} by {decided_by}"
            f"{f' on {request.decided_at:%Y-%m-%d}' if request.decided_at else ''}.",
            details={"id": request.pk, "status": request.status},
        )
    reason = (reason or "").strip()
    if target == ApprovalStatus.REJECTED and not reason:
        raise InvalidInput(
            f"Say why you reject {label}: a reason is required.",
            field="reason",
            code="approval.reason_required",
        )
    ensure_transition(
        current=request.status,
        target=target,
        transitions=APPROVAL_TRANSITIONS,
        label=f"The approval request for {label}",
    )
    before = snapshot(request, ["status", "decided_by", "decided_at", "decision_reason"])
    request.status = target
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    record_audit(
        actor=actor,
        action=f"governance.approval.{target}",
        target=request,
        company=request.company,
        before=before,
        after=snapshot(request, ["status", "decided_by", "decided_at", "decision_reason"]),
        reason=reason,
    )
    handler = approval_handler_for(request.document_type)
    if handler is not None:
        callback = handler.on_approved if target == ApprovalStatus.APPROVED else handler.on_rejected
        callback(request, actor)
    emit(
        f"governance.approval.{target}",
        request_id=request.pk,
        company_id=request.company_id,
        document_type=request.document_type,
        document_id=request.document_id,
    )
    return request


@transaction.atomic
def approve_request(*, actor: User, request_id: int, reason: str = "") -> ApprovalRequest:
    """Approve a pending request and let the document's app release the document.

    Raises NotFound (not visible), SelfApprovalRefused, NotAnApprover (403),
    ApprovalAlreadyDecided (409).
    """
    return _decide(
        actor=actor, request_id=request_id, target=ApprovalStatus.APPROVED, reason=reason
    )


@transaction.atomic
def reject_request(*, actor: User, request_id: int, reason: str) -> ApprovalRequest:
    """Reject a pending request with a reason; the document's app sends the document back.

    Raises as ``approve_request``, plus InvalidInput ``approval.reason_required`` (422).
    """
    return _decide(
        actor=actor, request_id=request_id, target=ApprovalStatus.REJECTED, reason=reason
    )


# --- policies ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PolicyInput:
    name: str
    document_type: str
    metric: str
    threshold: object  # Decimal, int or decimal string; parsed with parse_decimal
    approver_role: str  # role code
    operator: str = ApprovalOperator.GREATER


def _clean_policy(data: PolicyInput) -> dict:
    errors: list[InvalidInput] = []
    values: dict = {}
    name = (data.name or "").strip()
    if not name:
        errors.append(
            InvalidInput(
                "Policy name is required.", field="name", code="approval_policy.name_required"
            )
        )
    document_type = (data.document_type or "").strip()
    if not document_type:
        errors.append(
            InvalidInput(
                "Document type is required (e.g. sales.order).",
                field="document_type",
                code="approval_policy.document_type_required",
            )
        )
    if data.metric not in ApprovalMetric.values:
        errors.append(
            InvalidInput(
                f"{data.metric!r} is not an approval metric; use one of: "
                f"{', '.join(ApprovalMetric.values)}.",
                field="metric",
                code="approval_policy.metric_unknown",
                details={"value": str(data.metric)},
            )
        )
    if data.operator not in ApprovalOperator.values:
        errors.append(
            InvalidInput(
                f"{data.operator!r} is not an operator; use one of: "
                f"{', '.join(ApprovalOperator.values)}.",
                field="operator",
                code="approval_policy.operator_unknown",
                details={"value": str(data.operator)},
            )
        )
    try:
        threshold = parse_decimal(data.threshold, field="threshold")
        if threshold < 0:
            errors.append(
                InvalidInput(
                    f"threshold must not be negative, got {threshold}.",
                    field="threshold",
                    code="approval.threshold_negative",
                    details={"value": str(threshold)},
                )
            )
        elif threshold.as_tuple().exponent < -4:
            errors.append(
                InvalidInput(
                    f"threshold has at most 4 decimals, got {threshold}.",
                    field="threshold",
                    code="decimal.too_many_places",
                    details={"value": str(threshold)},
                )
            )
        values["threshold"] = threshold
    except InvalidInput as exc:
        errors.append(exc)
    role = Role.objects.filter(code=(data.approver_role or "").strip()).first()
    if role is None:
        errors.append(
            InvalidInput(
                f"Unknown approver role {data.approver_role!r}.",
                field="approver_role",
                code="role.unknown",
                details={"value": str(data.approver_role)},
            )
        )
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
    values.update(
        name=name,
        document_type=document_type,
        metric=data.metric,
        operator=data.operator,
        approver_role=role,
    )
    return values


def _lock_policy(actor: User, policy_id: int) -> ApprovalPolicy:
    policy = (
        ApprovalPolicy.objects.select_for_update(of=("self",))
        .filter(pk=policy_id, company_id__in=visible_company_ids(actor))
        .select_related("company", "approver_role")
        .first()
    )
    if policy is None:
        raise NotFound(f"Approval policy {policy_id} not found.", code="approval_policy.not_found")
    return policy


@transaction.atomic
def create_approval_policy(*, actor: User, company: Company, data: PolicyInput) -> ApprovalPolicy:
    """Define a policy that holds documents of a type in a company for an approver role."""
    require(actor, "governance.approval_policy.manage", company)
    values = _clean_policy(data)
    policy = ApprovalPolicy.objects.create(company=company, **values)
    record_audit(
        actor=actor,
        action="governance.approval_policy.created",
        target=policy,
        company=company,
        after=snapshot(policy),
    )
    return policy


@transaction.atomic
def update_approval_policy(*, actor: User, policy_id: int, data: PolicyInput) -> ApprovalPolicy:
    """Change a policy's condition or approver; pending requests keep their reasons."""
    policy = _lock_policy(actor, policy_id)
    require(actor, "governance.approval_policy.manage", policy.company)
    values = _clean_policy(data)
    before = snapshot(policy)
    for key, value in values.items():
        setattr(policy, key, value)
    policy.save(update_fields=list(values))
    record_audit(
        actor=actor,
        action="governance.approval_policy.updated",
        target=policy,
        company=policy.company,
        before=before,
        after=snapshot(policy),
    )
    return policy


@transaction.atomic
def deactivate_approval_policy(*, actor: User, policy_id: int, reason: str = "") -> ApprovalPolicy:
    """Stop a policy from holding new documents (it stays for the record)."""
    policy = _lock_policy(actor, policy_id)
    require(actor, "governance.approval_policy.manage", policy.company)
    if not policy.is_active:
        raise Conflict(
            f"Approval policy '{policy.name}' is already inactive.",
            code="approval_policy.already_inactive",
        )
    policy.is_active = False
    policy.save(update_fields=["is_active"])
    record_audit(
        actor=actor,
        action="governance.approval_policy.deactivated",
        target=policy,
        company=policy.company,
        before={"is_active": True},
        after={"is_active": False},
        reason=reason,
    )
    return policy
