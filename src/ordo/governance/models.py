"""Roles, permissions, memberships, API tokens and approvals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ordo.core.models import Company


class Permission(models.Model):
    code = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Role(models.Model):
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    permissions = models.ManyToManyField(Permission, related_name="roles", blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user holds a role in a company; one row per (user, company, role)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="memberships")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company", "role"],
                name="membership_unique",
                violation_error_code="membership.duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role.code} @ {self.company.code}"


class ApiToken(models.Model):
    """A per-user bearer token; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"token {self.prefix}… of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApprovalMetric(models.TextChoices):
    DISCOUNT_PERCENT = "discount_percent", "Discount %"
    AMOUNT = "amount", "Amount in company currency"
    CREDIT_EXPOSURE = "credit_exposure", "Credit exposure"
    ADJUSTMENT_VALUE = "adjustment_value", "Adjustment value"


class ApprovalOperator(models.TextChoices):
    GREATER = "gt", ">"
    GREATER_OR_EQUAL = "gte", "≥"


class ApprovalPolicy(models.Model):
    """Hold a document of ``document_type`` in ``company`` for ``approver_role`` when
    ``metric`` ``operator`` ``threshold``."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="approval_policies")
    name = models.CharField(max_length=100)
    document_type = models.CharField(max_length=60)
    metric = models.CharField(max_length=30, choices=ApprovalMetric.choices)
    operator = models.CharField(
        max_length=3, choices=ApprovalOperator.choices, default=ApprovalOperator.GREATER
    )
    threshold = models.DecimalField(max_digits=20, decimal_places=4)
    approver_role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company", "document_type", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=0),
                name="approval_policy_threshold_nonneg",
                violation_error_code="approval.threshold_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.document_type} {self.metric} {self.get_operator_display()} {self.threshold})"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


APPROVAL_TRANSITIONS = {
    ApprovalStatus.PENDING: frozenset({ApprovalStatus.APPROVED, ApprovalStatus.REJECTED}),
    ApprovalStatus.APPROVED: frozenset(),
    ApprovalStatus.REJECTED: frozenset(),
}


class ApprovalRequest(models.Model):
    """A document held in ``to_approve``: which policies held it, and the decision."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="approval_requests")
    document_type = models.CharField(max_length=60)
    document_id = models.CharField(max_length=64)
    document_label = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    approver_roles = models.ManyToManyField(Role, related_name="+")
    reasons = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["company", "status"], name="approval_company_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False)),
                name="approval_decision_matches_status",
                violation_error_code="approval.state_mismatch",
            ),
            models.UniqueConstraint(
                fields=["company", "document_type", "document_id"],
                condition=Q(status="pending"),
                name="approval_one_pending_per_document",
                violation_error_code="approval.already_pending",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("requested_by")),
                name="approval_not_self_decided",
                violation_error_code="approval.self_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"Approval of {self.document_label} ({self.status})"
