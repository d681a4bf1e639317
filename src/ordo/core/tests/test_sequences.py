import threading

import pytest
from django.db import connection, transaction

from ordo.core.models import SequenceCounter
from ordo.core.sequences import format_number, next_document_number, next_sequence_value


class Rollback(Exception):
    pass


def take(company, series="INV", year=2026):
    with transaction.atomic():
        return next_sequence_value(company=company, series=series, year=year)


@pytest.mark.django_db
def test_numbers_are_gapless_per_company_series_and_year(company_be, company_nl):
    assert [take(company_be) for _ in range(3)] == [1, 2, 3]
    assert take(company_nl) == 1
    assert take(company_be, series="JE") == 1
    assert take(company_be, year=2027) == 1
    assert take(company_be) == 4
    assert SequenceCounter.objects.get(company=company_be, series="INV", year=2026).last_value == 4


@pytest.mark.django_db
def test_a_rolled_back_document_gives_its_number_back(company_be):
    assert take(company_be) == 1
    with pytest.raises(Rollback), transaction.atomic():
        assert next_sequence_value(company=company_be, series="INV", year=2026) == 2
        raise Rollback

    assert take(company_be) == 2


@pytest.mark.django_db
def test_document_numbers_carry_prefix_year_and_padding(company_be):
    with transaction.atomic():
        first = next_document_number(company=company_be, series="INV", year=2026)
        second = next_document_number(company=company_be, series="INV", year=2026, prefix="F-")

    assert (first, second) == ("INV2026-00001", "F-2026-00002")
    assert format_number(prefix="JE", year=2026, value=123456, width=5) == "JE2026-123456"


@pytest.mark.django_db(transaction=True)
def test_a_number_outside_a_transaction_is_refused(company_be):
    with pytest.raises(RuntimeError, match="inside a transaction"):
        next_sequence_value(company=company_be, series="INV", year=2026)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_posters_get_distinct_gapless_numbers(company_be):
    threads_count, per_thread = 8, 25
    taken: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads_count)

    def poster():
        try:
            start.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    value = next_sequence_value(company=company_be, series="INV", year=2026)
                with lock:
                    taken.append(value)
        except BaseException as exc:  # report in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=poster) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(taken) == 200
    assert sorted(taken) == list(range(1, 201))
