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


FAILING = "test.core.failing"


@pytest.fixture
def failing_handler():
    def handler(**payload):
        raise RuntimeError("the mail server is down")

    events.on(FAILING)(handler)
    yield
    events._handlers[FAILING].remove(handler)


@pytest.mark.django_db(transaction=True)
def test_a_failed_event_is_retried_later_and_given_up_after_five_attempts(failing_handler):
    import datetime

    from django.utils import timezone

    from ordo.core.worker import MAX_ATTEMPTS, retry_failed_tasks

    with transaction.atomic():
        events.emit(FAILING, order_id=3)
    run_worker_cycle()
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED"
    assert len(task.worker_ids) == 1

    now = timezone.now()
    assert retry_failed_tasks(now=now) == 1
    task.refresh_from_db()
    assert task.status == "READY"
    assert task.run_after == now + datetime.timedelta(seconds=2)

    DBTaskResult.objects.filter(pk=task.pk).update(
        status="FAILED", worker_ids=[f"w{n}" for n in range(MAX_ATTEMPTS)]
    )
    assert retry_failed_tasks(now=now) == 0
    assert DBTaskResult.objects.get().status == "FAILED"


@pytest.mark.django_db(transaction=True)
def test_a_task_left_running_by_a_dead_worker_goes_back_to_the_queue(received):
    import datetime

    from django.utils import timezone

    from ordo.core.worker import STALE_AFTER, recover_stale_tasks

    with transaction.atomic():
        events.emit(EVENT, order_id=9)
    now = timezone.now()
    DBTaskResult.objects.update(status="RUNNING", started_at=now - STALE_AFTER / 2)
    assert recover_stale_tasks(now=now) == 0
    DBTaskResult.objects.update(started_at=now - STALE_AFTER - datetime.timedelta(seconds=1))
    assert recover_stale_tasks(now=now) == 1
    assert DBTaskResult.objects.get().status == "READY"
    run_worker_cycle()
    assert received == [{"order_id": 9}]


@pytest.mark.django_db(transaction=True)
def test_successful_task_rows_are_pruned_after_a_week(received):
    import datetime

    from django.utils import timezone

    from ordo.core.worker import KEEP_FINISHED, prune_finished_tasks

    with transaction.atomic():
        events.emit(EVENT, order_id=1)
        events.emit(EVENT, order_id=2)
    run_worker_cycle()
    now = timezone.now()
    old, recent = DBTaskResult.objects.order_by("enqueued_at", "id")
    DBTaskResult.objects.filter(pk=old.pk).update(
        finished_at=now - KEEP_FINISHED - datetime.timedelta(minutes=1)
    )
    assert prune_finished_tasks(now=now) == 1
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [recent.pk]
