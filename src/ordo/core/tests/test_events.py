import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from ordo.core import events
from ordo.core.worker import run_worker_cycle

EVENT = "test.core.pinged"


class Rollback(Exception):
    pass


@pytest.fixture
def received():
    calls: list[dict] = []

    def handler(**payload):
        calls.append(payload)

    events.on(EVENT)(handler)
    yield calls
    events._handlers[EVENT].remove(handler)


@pytest.mark.django_db(transaction=True)
def test_an_event_of_a_rolled_back_write_never_exists(received):
    with pytest.raises(Rollback), transaction.atomic():
        events.emit(EVENT, order_id=1)
        raise Rollback

    assert DBTaskResult.objects.count() == 0
    run_worker_cycle()
    assert received == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_event_runs_its_handler_in_the_worker(received):
    with transaction.atomic():
        events.emit(EVENT, order_id=7, amount="12.50")

    assert DBTaskResult.objects.filter(status="READY").count() == 1
    result = run_worker_cycle()

    assert received == [{"order_id": 7, "amount": "12.50"}]
    assert result.tasks_run == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert run_worker_cycle().tasks_run == 0


def test_registering_a_handler_twice_runs_it_once(received):
    def other(**payload):
        pass

    events.on(EVENT)(other)
    events.on(EVENT)(other)
    try:
        assert events.handlers_for(EVENT).count(other) == 1
    finally:
        events._handlers[EVENT].remove(other)
