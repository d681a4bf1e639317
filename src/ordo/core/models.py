"""Kernel tables: legal entities, users, the audit trail and document counters."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Company(models.Model):
    """A legal entity. Every document belongs to exactly one company."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)
    country = models.CharField(max_length=2)
    vat_number = models.CharField(max_length=32, blank=True)
    registration_number = models.CharField(max_length=64, blank=True)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    # Electronic address for e-documents: a Peppol endpoint id and its EAS scheme (0088 = GLN).
    endpoint_id = models.CharField(max_length=64, blank=True)
    endpoint_scheme = models.CharField(max_length=4, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class User(AbstractUser):
    """A person who signs in. What they may do is decided per company by their roles."""

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username


class AuditEntry(models.Model):
    """One business write: who, when, what, the field-level before/after, and why.

    Append-only. Rows are written in the business transaction without a seal; the sealer
    (``core.chain.seal_pending``) later gives each a seal number and a hash over its
    content and the previous hash, so no business write ever waits on the chain head.
    """

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    seal_number = models.BigIntegerField(null=True, blank=True, unique=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(
                fields=["seal_number"],
                name="audit_unsealed_idx",
                condition=Q(seal_number__isnull=True),
            ),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_label}"
        )


class AuditChainHead(models.Model):
    """The single row the sealer locks: last seal number and hash handed out."""

    last_seal_number = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit chain at #{self.last_seal_number}"


class SequenceCounter(models.Model):
    """A gapless counter per company, series and year, taken under a row lock."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=40)
    year = models.PositiveIntegerField()
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "series", "year"],
                name="sequence_unique_per_year",
                violation_error_code="sequence.duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id}/{self.series}/{self.year}: {self.last_value}"
