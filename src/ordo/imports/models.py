"""The record of every spreadsheet import attempt: who, when, what file, and the outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", "Customers"
    SUPPLIERS = "suppliers", "Suppliers"
    PRODUCTS = "products", "Products"
    PRICES = "prices", "Prices"


class ImportStatus(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    """One import attempt. A failed attempt is kept although its business rows were rolled
    back (it is written in its own transaction after the failure); ``errors`` holds the
    first 1000 problems, ``error_count`` how many there were in all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_runs"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="import_run_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="failed") | Q(error_count=0),
                name="import_run_succeeded_without_errors",
                violation_error_code="import.succeeded_with_errors",
            ),
            models.CheckConstraint(
                condition=Q(status="succeeded") | (Q(created_count=0) & Q(updated_count=0)),
                name="import_run_failed_writes_nothing",
                violation_error_code="import.failed_with_writes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.filename} ({self.status})"

    @property
    def is_succeeded(self) -> bool:
        return self.status == ImportStatus.SUCCEEDED
