"""Writing the audit trail (kernel mechanism; sealing and verifying live in governance)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from django.db import connections, models, router
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
        if old in (None, "") and new in (None, ""):
            continue  # an empty field on both sides is no change (a new record's blanks)
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
    """Append one audit row per target in the caller's transaction (imports, bulk writes).

    Written with one parameterised INSERT run through ``executemany`` rather than
    ``bulk_create``: building 20 000 model instances cost seconds, the rows are plain.
    """
    if not targets:
        return
    connection = connections[router.db_for_write(AuditEntry)]
    occurred_at = connection.ops.adapt_datetimefield_value(timezone.now())
    actor_id = actor.pk if actor is not None else None
    actor_name = actor.username if actor is not None else "system"
    company_id = company.pk if company is not None else None
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    head = (
        f"INSERT INTO {table} (occurred_at, actor_id, actor_name, company_id, action, target_type, "
        "target_id, target_label, changes, reason, previous_hash, entry_hash) VALUES "
    )
    rows = []
    for i, target in enumerate(targets):
        changes = _plain(changes_by_target[i]) if changes_by_target else {}
        rows.append(
            (
                occurred_at,
                actor_id,
                actor_name,
                company_id,
                action,
                target._meta.label_lower,
                str(target.pk),
                str(target)[:200],
                json.dumps(changes, ensure_ascii=False),
                reason,
            )
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path: one stream, no per-row statement.
            columns = (
                "occurred_at, actor_id, actor_name, company_id, action, target_type, target_id, "
                "target_label, changes, reason, previous_hash, entry_hash"
            )
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, "", ""))
        else:
            cursor.executemany(head + "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', '')", rows)
