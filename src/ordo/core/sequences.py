"""Gapless document numbers from a locked per-company, per-series, per-year counter.

The counter row is locked (``SELECT … FOR UPDATE``) inside the caller's transaction, so a
rolled-back document gives its number back and two posters never get the same number.
Only documents that must be gapless use this; working documents use cheap numbers.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Company, SequenceCounter


def next_sequence_value(*, company: Company, series: str, year: int) -> int:
    """Take the next value of a counter; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_sequence_value must run inside a transaction")
    counter = (
        SequenceCounter.objects.select_for_update()
        .filter(company=company, series=series, year=year)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():  # savepoint: a concurrent first use may win the insert
                SequenceCounter.objects.create(
                    company=company, series=series, year=year, last_value=0
                )
        except IntegrityError:
            pass
        counter = SequenceCounter.objects.select_for_update().get(
            company=company, series=series, year=year
        )
    SequenceCounter.objects.filter(pk=counter.pk).update(last_value=F("last_value") + 1)
    return counter.last_value + 1


def format_number(*, prefix: str, year: int, value: int, width: int = 5) -> str:
    return f"{prefix}{year}-{value:0{width}d}"


def next_document_number(
    *, company: Company, series: str, year: int, prefix: str | None = None
) -> str:
    """``INV2026-00001``-style gapless number for a posted document."""
    value = next_sequence_value(company=company, series=series, year=year)
    return format_number(prefix=prefix if prefix is not None else series, year=year, value=value)
