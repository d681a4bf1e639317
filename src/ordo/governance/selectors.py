"""Reads of governance: companies, approvals, policies, the audit trail, who I am.

Every read filters by the companies the user belongs to: another company's record
answers NotFound, never PermissionDenied with its name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from ordo.core.errors import NotFound
from ordo.core.models import AuditEntry, Company, User

from .access import (
    get_visible_company,
    permissions_by_company,
    require,
    visible_companies,
    visible_company_ids,
)
from .models import ApprovalPolicy, ApprovalRequest, ApprovalStatus, Membership

# --- companies --------------------------------------------------------------------------


def list_companies(actor: User) -> QuerySet[Company]:
    """The companies the actor is a member of, by code."""
    return visible_companies(actor)


def get_company(actor: User, company_id: int | str) -> Company:
    """One of the actor's companies by id or code, else NotFound 'Company 3 not found.'."""
    return get_visible_company(actor, company_id)


# --- approvals --------------------------------------------------------------------------


def _approvals() -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.select_related(
        "company", "requested_by", "decided_by"
    ).prefetch_related("approver_roles")


def list_pending_for(actor: User) -> QuerySet[ApprovalRequest]:
    """What waits for the actor: pending requests in their companies where they hold one
    of the approver roles, except their own requests."""
    through = ApprovalRequest.approver_roles.through
    holds_role = through.objects.filter(
        approvalrequest_id=OuterRef("pk"),
        role__memberships__user=actor,
        role__memberships__company_id=OuterRef("company_id"),
    )
    return (
        _approvals()
        .filter(
            status=ApprovalStatus.PENDING,
            company_id__in=visible_company_ids(actor),
        )
        .filter(Exists(holds_role))
        .exclude(requested_by=actor)
    )


def list_approval_requests(
    actor: User, *, status: str | None = None, company: Company | int | None = None
) -> QuerySet[ApprovalRequest]:
    """Approval requests of the actor's companies, optionally by status and company."""
    qs = _approvals().filter(company_id__in=visible_company_ids(actor))
    if status:
        qs = qs.filter(status=status)
    if company is not None:
        qs = qs.filter(company_id=company if isinstance(company, int) else company.pk)
    return qs


def get_approval_request(actor: User, request_id: int) -> ApprovalRequest:
    """One request of the actor's companies, else NotFound 'Approval request 7 not found.'."""
    request = _approvals().filter(pk=request_id, company_id__in=visible_company_ids(actor)).first()
    if request is None:
        raise NotFound(f"Approval request {request_id} not found.", code="approval.not_found")
    return request


def can_decide(actor: User, request: ApprovalRequest) -> bool:
    """True if the actor may approve or reject the request now (for showing the buttons)."""
    if request.status != ApprovalStatus.PENDING or request.requested_by_id == actor.pk:
        return False
    role_ids = [r.pk for r in request.approver_roles.all()]
    return Membership.objects.filter(
        user=actor, company_id=request.company_id, role_id__in=role_ids
    ).exists()


# --- policies ---------------------------------------------------------------------------


def list_approval_policies(
    actor: User, *, company: Company | int | None = None, include_inactive: bool = True
) -> QuerySet[ApprovalPolicy]:
    qs = ApprovalPolicy.objects.select_related("company", "approver_role").filter(
        company_id__in=visible_company_ids(actor)
    )
    if company is not None:
        qs = qs.filter(company_id=company if isinstance(company, int) else company.pk)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs


def get_approval_policy(actor: User, policy_id: int) -> ApprovalPolicy:
    policy = list_approval_policies(actor).filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(f"Approval policy {policy_id} not found.", code="approval_policy.not_found")
    return policy


# --- audit trail ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AuditFilter:
    target_type: str = ""
    target_id: str = ""
    actor: str = ""  # username
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    action: str = ""  # exact action, or a prefix ending in "." (governance.approval.)


def audit_company_ids(actor: User) -> frozenset[int]:
    """Companies whose audit rows the actor may browse (they hold governance.audit.view there)."""
    return frozenset(
        company_id
        for company_id, perms in permissions_by_company(actor).items()
        if "governance.audit.view" in perms
    )


def list_audit_entries(actor: User, filters: AuditFilter | None = None) -> QuerySet[AuditEntry]:
    """Audit rows of the companies where the actor holds governance.audit.view, plus the
    group-wide rows (company null), newest first. Raises PermissionDenied without it."""
    require(actor, "governance.audit.view")
    filters = filters or AuditFilter()
    qs = AuditEntry.objects.select_related("company").filter(
        Q(company_id__in=audit_company_ids(actor)) | Q(company__isnull=True)
    )
    if filters.target_type:
        qs = qs.filter(target_type=filters.target_type.strip().lower())
    if filters.target_id:
        qs = qs.filter(target_id=filters.target_id.strip())
    if filters.actor:
        qs = qs.filter(actor_name=filters.actor.strip())
    if filters.date_from:
        qs = qs.filter(occurred_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(occurred_at__date__lte=filters.date_to)
    if filters.action:
        action = filters.action.strip()
        qs = (
            qs.filter(action__startswith=action)
            if action.endswith(".")
            else qs.filter(action=action)
        )
    return qs.order_by("-id")


# --- who am I ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyAccess:
    company: Company
    roles: list[str]
    permissions: list[str]


def my_access(actor: User) -> list[CompanyAccess]:
    """For each of the actor's companies: the role codes and the permissions they give."""
    perms = permissions_by_company(actor)
    roles: dict[int, set[str]] = {}
    for company_id, role_code in Membership.objects.filter(
        user=actor, company__is_active=True
    ).values_list("company_id", "role__code"):
        roles.setdefault(company_id, set()).add(role_code)
    return [
        CompanyAccess(
            company=company,
            roles=sorted(roles.get(company.pk, ())),
            permissions=sorted(perms.get(company.pk, ())),
        )
        for company in visible_companies(actor)
    ]
