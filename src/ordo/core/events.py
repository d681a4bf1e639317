"""Domain events: enqueued as django-tasks tasks in the writer's transaction.

``emit("sales.order.confirmed", order_id=7)`` inserts a task row in the same transaction
as the business write, so the event exists if and only if the write committed. ``ordo
worker`` runs it at least once; handlers registered with ``@on(name)`` must be idempotent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django_tasks import task

logger = logging.getLogger(__name__)

_handlers: dict[str, list[Callable[..., Any]]] = defaultdict(list)


def on(event_name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an idempotent handler for an event (call from an app's ``handlers`` module)."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        if handler not in _handlers[event_name]:
            _handlers[event_name].append(handler)
        return handler

    return register


def handlers_for(event_name: str) -> list[Callable[..., Any]]:
    return list(_handlers.get(event_name, ()))


@task()
def dispatch_event(event_name: str, payload: dict[str, Any]) -> int:
    """Run every handler of an event; returns how many ran."""
    count = 0
    for handler in handlers_for(event_name):
        handler(**payload)
        count += 1
    return count


def emit(event_name: str, **payload: Any) -> None:
    """Enqueue an event in the current transaction (JSON-serialisable payload only)."""
    dispatch_event.enqueue(event_name, payload)
