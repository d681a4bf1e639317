"""``ordo worker``: runs domain events (django-tasks DB backend) and seals the audit chain.

A thin layer over django-tasks-db's worker: between batches it seals new audit rows,
gives tasks left ``RUNNING`` by a crashed worker back to the queue, and retries failed
tasks a bounded number of times (the backend has neither).
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand

from ordo.core.worker import run_worker_cycle


class Command(BaseCommand):
    help = "Run queued domain events and seal the audit chain."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Process what is queued now, then exit."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when idle."
        )

    def handle(self, *, once: bool, interval: float, **options):
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running:
            result = run_worker_cycle()
            if options["verbosity"] > 1 or once:
                self.stdout.write(
                    f"tasks run: {result.tasks_run}, audit rows sealed: {result.sealed}, "
                    f"recovered: {result.recovered}, retried: {result.retried}"
                )
            if once:
                return
            if result.tasks_run == 0:
                time.sleep(interval)
