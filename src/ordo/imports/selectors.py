"""Reads of import runs: each user sees the runs they started."""

from __future__ import annotations

from django.db.models import QuerySet

from ordo.core.errors import NotFound
from ordo.core.models import User

from .models import ImportRun


def list_import_runs(user: User) -> QuerySet[ImportRun]:
    """The user's own import runs, newest first."""
    if user is None or not user.is_authenticated:
        return ImportRun.objects.none()
    return ImportRun.objects.filter(user=user).order_by("-created_at", "-id")


def get_import_run(user: User, import_id: int) -> ImportRun:
    """One of the user's own runs; anyone else's (or a missing one) is NotFound."""
    run = list_import_runs(user).filter(pk=import_id).first()
    if run is None:
        raise NotFound(f"Import {import_id} not found.", code="import.not_found")
    return run
