"""Competing posters on PostgreSQL: gapless numbers, no duplicate, no deadlock."""

import threading

import pytest
from django.db import connection

from ordo.accounting import services
from ordo.accounting.models import JournalEntry
from ordo.core.errors import DomainError

from .conftest import MARCH_15, sale_lines

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _run(workers):
    errors: list[BaseException] = []
    start = threading.Barrier(len(workers))

    def wrap(work):
        try:
            start.wait()
            work()
        except BaseException as exc:  # report in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a poster is stuck (deadlock?)"
    return errors


def _drafts(accountant, company, count):
    return [
        services.create_journal_entry(
            actor=accountant,
            company=company,
            journal_code="SAL",
            entry_date=MARCH_15,
            lines=sale_lines(),
        ).pk
        for _ in range(count)
    ]


def test_parallel_posters_get_numbers_one_to_eighty(ledger, company_be):
    threads_count, per_thread = 8, 10
    ids = _drafts(ledger, company_be, threads_count * per_thread)
    batches = [ids[i::threads_count] for i in range(threads_count)]

    def poster(batch):
        def work():
            for entry_id in batch:
                services.post_journal_entry(actor=ledger, entry_id=entry_id)

        return work

    errors = _run([poster(b) for b in batches])

    assert errors == []
    numbers = sorted(
        JournalEntry.objects.filter(company=company_be, state="posted").values_list(
            "number", flat=True
        )
    )
    assert numbers == [f"SAL/2026-{n:05d}" for n in range(1, 81)]


def test_two_posters_of_the_same_draft_one_wins(ledger, company_be):
    (entry_id,) = _drafts(ledger, company_be, 1)
    outcomes: list[object] = []

    def poster():
        try:
            outcomes.append(services.post_journal_entry(actor=ledger, entry_id=entry_id).number)
        except DomainError as exc:
            outcomes.append((exc.status, exc.code))

    errors = _run([poster, poster])

    assert errors == []
    assert sorted(outcomes, key=str) == sorted(
        ["SAL/2026-00001", (409, "state.invalid_transition")], key=str
    )
    assert JournalEntry.objects.get(pk=entry_id).number == "SAL/2026-00001"
