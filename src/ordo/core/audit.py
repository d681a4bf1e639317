"""Writing the audit trail (kernel mechanism; sealing and verifying live in governance)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from .models import AuditEntry, Company, User


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited values of a record's concrete fields (foreign keys as their ids)."""
    values = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        values[field.name] = _plain(getattr(instance, field.attname))
    return values


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    """Field-level changes as ``{field: [before, after]}``; unchanged fields are left out."""
    before = before or {}
    after = after or {}
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [old, new]
    return changes


def record_audit(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    company: Company | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit row in the caller's transaction (must be inside one)."""
    if changes is None:
        changes = diff(_plain(before), _plain(after))
    return AuditEntry.objects.create(
        occurred_at=timezone.now(),
        actor=actor,
        actor_name=actor.username if actor is not None else "system",
        company=company,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        changes=_plain(changes),
        reason=reason,
    )


def record_audit_bulk(
    *,
    actor: User | None,
    action: str,
    targets: list[models.Model],
    company: Company | None = None,
    reason: str = "",
    changes_by_target: list[dict[str, Any]] | None = None,
) -> None:
    """Append one audit row per target with a single INSERT (imports, bulk operations)."""
    now = timezone.now()
    rows = [
        AuditEntry(
            occurred_at=now,
            actor=actor,
            actor_name=actor.username if actor is not None else "system",
            company=company,
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_label=str(target)[:200],
            changes=_plain(changes_by_target[i]) if changes_by_target else {},
            reason=reason,
        )
        for i, target in enumerate(targets)
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=2000)
