"""Governance integrity checks run by ``ordo check`` (each returns its breaches)."""

from __future__ import annotations

from django.db.models import F, Q

from ordo.core.models import AuditEntry

from .models import ApprovalRequest, ApprovalStatus, Membership
from .permissions import ROLES


def approvals_decided_by_someone_else() -> list[str]:
    """Every decided approval has a decider different from the requester."""
    bad = ApprovalRequest.objects.exclude(status=ApprovalStatus.PENDING).filter(
        Q(decided_by__isnull=True) | Q(decided_by=F("requested_by"))
    )
    return [
        f"Approval request {r.pk} ({r.document_label}) is {r.status} "
        + ("without a decider." if r.decided_by_id is None else "by its own requester.")
        for r in bad[:100]
    ]


def approval_decisions_are_audited() -> list[str]:
    """Every decided approval has its decision in the audit trail."""
    decided = dict(
        ApprovalRequest.objects.exclude(status=ApprovalStatus.PENDING).values_list("pk", "status")
    )
    if not decided:
        return []
    audited = set(
        AuditEntry.objects.filter(
            target_type="governance.approvalrequest",
            action__in=["governance.approval.approved", "governance.approval.rejected"],
        ).values_list("target_id", flat=True)
    )
    return [
        f"Approval request {pk} is {status} but no audit entry records the decision."
        for pk, status in sorted(decided.items())
        if str(pk) not in audited
    ][:100]


def memberships_hold_known_roles() -> list[str]:
    """Every membership's role exists in permissions.ROLES."""
    bad = (
        Membership.objects.exclude(role__code__in=list(ROLES))
        .select_related("user", "company", "role")
        .order_by("pk")
    )
    return [
        f"Membership {m.pk}: {m.user.username} holds unknown role {m.role.code} in {m.company.code}."
        for m in bad[:100]
    ]


INTEGRITY_CHECKS = [
    approvals_decided_by_someone_else,
    approval_decisions_are_audited,
    memberships_hold_known_roles,
]
