"""Governance endpoints under /api/v1/: approvals, approval policies, companies, audit, me."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from ordo.core.apiutils import ERROR_RESPONSES, actor_of, page_of
from ordo.core.errors import InvalidInput
from ordo.core.models import AuditEntry

from . import approvals, selectors, services
from .models import ApprovalPolicy, ApprovalRequest, ApprovalStatus
from .schemas import (
    ApprovalOut,
    ApprovalPage,
    AuditPage,
    CompanyAccessOut,
    CompanyIn,
    CompanyOut,
    CompanyPatch,
    DecisionIn,
    MeOut,
    PolicyIn,
    PolicyOut,
    PolicyPage,
)

router = Router(tags=["governance"])


def _approval_out(r: ApprovalRequest) -> dict:
    return {
        "id": r.pk,
        "company": r.company.code,
        "document_type": r.document_type,
        "document_id": r.document_id,
        "document_label": r.document_label,
        "requested_by": r.requested_by.username,
        "requested_at": r.requested_at,
        "approver_roles": sorted(role.code for role in r.approver_roles.all()),
        "reasons": list(r.reasons),
        "status": r.status,
        "decided_by": r.decided_by.username if r.decided_by else None,
        "decided_at": r.decided_at,
        "decision_reason": r.decision_reason,
    }


def _policy_out(p: ApprovalPolicy) -> dict:
    return {
        "id": p.pk,
        "company": p.company.code,
        "name": p.name,
        "document_type": p.document_type,
        "metric": p.metric,
        "operator": p.operator,
        "threshold": str(p.threshold),
        "approver_role": p.approver_role.code,
        "is_active": p.is_active,
    }


def _audit_out(e: AuditEntry) -> dict:
    return {
        "id": e.pk,
        "occurred_at": e.occurred_at,
        "actor": e.actor_name,
        "company": e.company.code if e.company_id else None,
        "action": e.action,
        "target_type": e.target_type,
        "target_id": e.target_id,
        "target_label": e.target_label,
        "changes": e.changes or {},
        "reason": e.reason,
        "seal_number": e.seal_number,
    }


# --- approvals --------------------------------------------------------------------------


@router.get("/approvals", response={200: ApprovalPage, **ERROR_RESPONSES})
def list_approvals(
    request: HttpRequest,
    status: str = "pending",
    company: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """status=pending (default): what waits for me to decide. Other statuses (approved,
    rejected, all): the requests of my companies."""
    actor = actor_of(request)
    if status not in (*ApprovalStatus.values, "all"):
        raise InvalidInput(
            f"status must be one of pending, approved, rejected, all; got {status!r}.",
            field="status",
            code="approval.status_unknown",
        )
    company_obj = selectors.get_company(actor, company) if company else None
    if status == ApprovalStatus.PENDING:
        qs = selectors.list_pending_for(actor)
        if company_obj is not None:
            qs = qs.filter(company=company_obj)
    else:
        qs = selectors.list_approval_requests(
            actor, status=None if status == "all" else status, company=company_obj
        )
    return page_of(qs, limit, offset, _approval_out)


@router.get("/approvals/{request_id}", response={200: ApprovalOut, **ERROR_RESPONSES})
def get_approval(request: HttpRequest, request_id: int):
    return _approval_out(selectors.get_approval_request(actor_of(request), request_id))


@router.post("/approvals/{request_id}/approve", response={200: ApprovalOut, **ERROR_RESPONSES})
def approve(request: HttpRequest, request_id: int, payload: DecisionIn):
    actor = actor_of(request)
    approvals.approve_request(actor=actor, request_id=request_id, reason=payload.reason)
    return _approval_out(selectors.get_approval_request(actor, request_id))


@router.post("/approvals/{request_id}/reject", response={200: ApprovalOut, **ERROR_RESPONSES})
def reject(request: HttpRequest, request_id: int, payload: DecisionIn):
    actor = actor_of(request)
    approvals.reject_request(actor=actor, request_id=request_id, reason=payload.reason)
    return _approval_out(selectors.get_approval_request(actor, request_id))


# --- approval policies ------------------------------------------------------------------


@router.get("/approval-policies", response={200: PolicyPage, **ERROR_RESPONSES})
def list_policies(
    request: HttpRequest,
    company: str | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
):
    actor = actor_of(request)
    company_obj = selectors.get_company(actor, company) if company else None
    qs = selectors.list_approval_policies(actor, company=company_obj)
    if active is not None:
        qs = qs.filter(is_active=active)
    return page_of(qs, limit, offset, _policy_out)


@router.post("/approval-policies", response={201: PolicyOut, **ERROR_RESPONSES})
def create_policy(request: HttpRequest, payload: PolicyIn):
    actor = actor_of(request)
    company = selectors.get_company(actor, payload.company)
    policy = approvals.create_approval_policy(
        actor=actor,
        company=company,
        data=approvals.PolicyInput(
            name=payload.name,
            document_type=payload.document_type,
            metric=payload.metric,
            operator=payload.operator,
            threshold=payload.threshold,
            approver_role=payload.approver_role,
        ),
    )
    return Status(201, _policy_out(policy))


@router.get("/approval-policies/{policy_id}", response={200: PolicyOut, **ERROR_RESPONSES})
def get_policy(request: HttpRequest, policy_id: int):
    return _policy_out(selectors.get_approval_policy(actor_of(request), policy_id))


@router.post(
    "/approval-policies/{policy_id}/deactivate", response={200: PolicyOut, **ERROR_RESPONSES}
)
def deactivate_policy(request: HttpRequest, policy_id: int, payload: DecisionIn):
    policy = approvals.deactivate_approval_policy(
        actor=actor_of(request), policy_id=policy_id, reason=payload.reason
    )
    return _policy_out(policy)


# --- companies --------------------------------------------------------------------------


@router.get("/companies", response={200: list[CompanyOut], **ERROR_RESPONSES})
def list_companies(request: HttpRequest):
    """Only the companies the caller is a member of."""
    return list(selectors.list_companies(actor_of(request)))


@router.get("/companies/{company_id}", response={200: CompanyOut, **ERROR_RESPONSES})
def get_company(request: HttpRequest, company_id: int):
    return selectors.get_company(actor_of(request), company_id)


@router.post("/companies", response={201: CompanyOut, **ERROR_RESPONSES})
def create_company(request: HttpRequest, payload: CompanyIn):
    company = services.create_company(
        actor=actor_of(request), data=services.CompanyInput(**payload.dict())
    )
    return Status(201, company)


@router.patch("/companies/{company_id}", response={200: CompanyOut, **ERROR_RESPONSES})
def update_company(request: HttpRequest, company_id: int, payload: CompanyPatch):
    actor = actor_of(request)
    company = selectors.get_company(actor, company_id)
    current = {
        field: getattr(company, field)
        for field in services.CompanyInput.__dataclass_fields__  # every editable field
    }
    current.update(payload.dict(exclude_unset=True, exclude_none=True))
    return services.update_company(
        actor=actor, company_id=company.pk, data=services.CompanyInput(**current)
    )


# --- audit trail ------------------------------------------------------------------------


@router.get("/audit", response={200: AuditPage, **ERROR_RESPONSES})
def list_audit(
    request: HttpRequest,
    target_type: str = "",
    target_id: str = "",
    actor: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Needs governance.audit.view; action filters exactly, or by prefix if it ends in '.'."""
    qs = selectors.list_audit_entries(
        actor_of(request),
        selectors.AuditFilter(
            target_type=target_type,
            target_id=target_id,
            actor=actor,
            action=action,
            date_from=date_from,
            date_to=date_to,
        ),
    )
    return page_of(qs, limit, offset, _audit_out)


# --- me ---------------------------------------------------------------------------------


@router.get("/me", response={200: MeOut, **ERROR_RESPONSES})
def me(request: HttpRequest):
    actor = actor_of(request)
    return {
        "username": actor.username,
        "full_name": actor.get_full_name(),
        "companies": [
            CompanyAccessOut(
                id=a.company.pk,
                code=a.company.code,
                name=a.company.name,
                roles=a.roles,
                permissions=a.permissions,
            )
            for a in selectors.my_access(actor)
        ],
    }
