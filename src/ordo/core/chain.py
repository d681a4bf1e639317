"""Sealing and verifying the audit chain.

Business transactions append unsealed ``AuditEntry`` rows. ``seal_pending`` (run by ``ordo
worker`` and before ``ordo audit verify``) locks the chain head, takes the unsealed rows
in id order, and gives each the next seal number and ``sha256(previous_hash + content)``.
``verify_chain`` recomputes every hash in seal order and names the first row that no
longer matches.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction

from .models import AuditChainHead, AuditEntry

BATCH = 5000


def entry_content(entry: AuditEntry) -> str:
    """The canonical text a seal covers: every business column of the row."""
    payload = {
        "id": entry.pk,
        "seal_number": entry.seal_number,
        "occurred_at": entry.occurred_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "company_id": entry.company_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "changes": entry.changes,
        "reason": entry.reason,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def entry_hash(previous_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((previous_hash + "\n" + entry_content(entry)).encode()).hexdigest()


def seal_pending(*, limit: int | None = None) -> int:
    """Seal committed, unsealed audit rows; returns how many were sealed."""
    sealed = 0
    while limit is None or sealed < limit:
        with transaction.atomic():
            head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
            if head is None:
                AuditChainHead.objects.get_or_create(pk=1)
                head = AuditChainHead.objects.select_for_update().get(pk=1)
            batch = list(AuditEntry.objects.filter(seal_number__isnull=True).order_by("id")[:BATCH])
            if not batch:
                break
            previous, number = head.last_hash, head.last_seal_number
            for entry in batch:
                number += 1
                entry.seal_number = number
                entry.previous_hash = previous
                entry.entry_hash = entry_hash(previous, entry)
                previous = entry.entry_hash
            AuditEntry.objects.bulk_update(
                batch, ["seal_number", "previous_hash", "entry_hash"], batch_size=1000
            )
            head.last_seal_number, head.last_hash = number, previous
            head.save(update_fields=["last_seal_number", "last_hash"])
            sealed += len(batch)
    return sealed


@dataclass(frozen=True)
class ChainReport:
    is_intact: bool
    checked: int
    unsealed: int
    first_broken_id: int | None = None
    first_broken_seal: int | None = None
    problem: str = ""

    def describe(self) -> str:
        if self.is_intact:
            return (
                f"Audit chain intact: {self.checked} sealed entries verified; "
                f"{self.unsealed} not sealed yet."
            )
        return (
            f"Audit chain BROKEN at entry {self.first_broken_id} (seal #{self.first_broken_seal}): "
            f"{self.problem}. {self.checked} entries verified before it; {self.unsealed} not sealed yet."
        )


def verify_chain() -> ChainReport:
    """Walk the sealed rows in seal order and recompute each hash."""
    previous = ""
    expected_number = 0
    checked = 0
    head = AuditChainHead.objects.filter(pk=1).first()
    qs = AuditEntry.objects.filter(seal_number__isnull=False).order_by("seal_number")
    for entry in qs.iterator(chunk_size=5000):
        expected_number += 1
        if entry.seal_number != expected_number:
            return ChainReport(
                False,
                checked,
                _unsealed(),
                entry.pk,
                entry.seal_number,
                f"seal #{expected_number} is missing (a row was deleted or renumbered)",
            )
        if entry.previous_hash != previous:
            return ChainReport(
                False,
                checked,
                _unsealed(),
                entry.pk,
                entry.seal_number,
                "its link to the previous entry does not match",
            )
        if entry_hash(previous, entry) != entry.entry_hash:
            return ChainReport(
                False,
                checked,
                _unsealed(),
                entry.pk,
                entry.seal_number,
                "its content was altered after it was sealed",
            )
        previous = entry.entry_hash
        checked += 1
    if head is not None and head.last_seal_number != expected_number:
        return ChainReport(
            False,
            checked,
            _unsealed(),
            None,
            expected_number + 1,
            f"the chain head says {head.last_seal_number} entries were sealed, "
            f"but {expected_number} remain (rows were deleted at the end)",
        )
    return ChainReport(True, checked, _unsealed())


def _unsealed() -> int:
    return AuditEntry.objects.filter(seal_number__isnull=True).count()
