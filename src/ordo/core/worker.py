"""One cycle of ``ordo worker``: seal audit rows, recover and retry tasks, run the queue.

django-tasks-db claims rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
workers share the queue. What it lacks, this adds thinly: a task left ``RUNNING`` longer
than ``STALE_AFTER`` (its worker died) goes back to ``READY``; a ``FAILED`` task is
re-queued up to ``MAX_ATTEMPTS`` times with a growing delay. Handlers are idempotent, so
running an event twice is safe.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .chain import seal_pending

STALE_AFTER = datetime.timedelta(minutes=15)
MAX_ATTEMPTS = 5
KEEP_FINISHED = datetime.timedelta(days=7)  # successful task rows are pruned after this
PRUNE_EVERY = datetime.timedelta(hours=1)
_last_prune: datetime.datetime | None = None


@dataclass(frozen=True)
class CycleResult:
    tasks_run: int
    sealed: int
    recovered: int
    retried: int


def recover_stale_tasks(*, now: datetime.datetime | None = None) -> int:
    """Give tasks whose worker died (RUNNING for too long) back to the queue."""
    now = now or timezone.now()
    return DBTaskResult.objects.filter(status="RUNNING", started_at__lt=now - STALE_AFTER).update(
        status="READY", started_at=None
    )


def retry_failed_tasks(*, now: datetime.datetime | None = None) -> int:
    """Re-queue failed tasks that have been tried fewer than MAX_ATTEMPTS times."""
    now = now or timezone.now()
    retried = 0
    with transaction.atomic():
        for result in DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status="FAILED"
        )[:500]:
            attempts = len(result.worker_ids or [])
            if attempts >= MAX_ATTEMPTS:
                continue
            result.status = "READY"
            result.run_after = now + datetime.timedelta(seconds=2**attempts)
            result.started_at = result.finished_at = None
            result.save(update_fields=["status", "run_after", "started_at", "finished_at"])
            retried += 1
    return retried


def prune_finished_tasks(*, now: datetime.datetime | None = None) -> int:
    """Delete successful task rows older than KEEP_FINISHED (failed ones stay for inspection)."""
    now = now or timezone.now()
    deleted, _ = DBTaskResult.objects.filter(
        status="SUCCESSFUL", finished_at__lt=now - KEEP_FINISHED
    ).delete()
    return deleted


def run_worker_cycle() -> CycleResult:
    recovered = recover_stale_tasks()
    retried = retry_failed_tasks()
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"ordo-{timezone.now().timestamp():.0f}",
        excluded_queue_names=[],
    )
    worker.run()
    sealed = seal_pending()
    global _last_prune
    now = timezone.now()
    if _last_prune is None or now - _last_prune > PRUNE_EVERY:
        prune_finished_tasks(now=now)
        _last_prune = now
    return CycleResult(
        tasks_run=worker._run_tasks, sealed=sealed, recovered=recovered, retried=retried
    )
