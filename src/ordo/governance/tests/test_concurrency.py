import threading

import pytest
from django.db import connection

from ordo.core.errors import DomainError
from ordo.governance.approvals import approve_request
from ordo.governance.models import ApprovalRequest, ApprovalStatus


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_at_once_decide_only_once(
    personas, make_user, company_be, held_order
):
    request = held_order()
    managers = [personas["manager"], make_user("manager", company_be, username="second-manager")]
    outcomes: list[str] = []
    start = threading.Barrier(len(managers))

    def decide(manager):
        try:
            start.wait()
            approve_request(actor=manager, request_id=request.pk, reason="")
            outcomes.append("approved")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(m,)) for m in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["approval.already_decided", "approved"]
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED
    assert ApprovalRequest.objects.count() == 1
