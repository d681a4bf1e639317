import pytest

from ordo.core.errors import InvalidTransition
from ordo.core.transitions import ensure_transition

TRANSITIONS = {
    "draft": frozenset({"confirmed", "cancelled"}),
    "confirmed": frozenset({"done"}),
    "done": frozenset(),
}


def test_a_declared_transition_passes():
    ensure_transition(
        current="draft", target="confirmed", transitions=TRANSITIONS, label="Order SO-1"
    )


def test_an_undeclared_transition_is_refused_with_what_is_allowed():
    with pytest.raises(InvalidTransition) as exc:
        ensure_transition(
            current="confirmed", target="cancelled", transitions=TRANSITIONS, label="Order SO-1"
        )

    assert exc.value.status == 409
    assert exc.value.code == "state.invalid_transition"
    assert exc.value.message == (
        "Order SO-1 cannot go from confirmed to cancelled (allowed from confirmed: done)."
    )
    assert exc.value.details == {"from": "confirmed", "to": "cancelled", "allowed": ["done"]}


def test_a_final_state_allows_nothing():
    with pytest.raises(InvalidTransition) as exc:
        ensure_transition(
            current="done", target="draft", transitions=TRANSITIONS, label="Order SO-1"
        )
    assert exc.value.message == "Order SO-1 cannot go from done to draft (allowed from done: none)."


def test_an_unknown_state_allows_nothing():
    with pytest.raises(InvalidTransition):
        ensure_transition(current="lost", target="draft", transitions=TRANSITIONS, label="Order")


def test_the_approval_table_is_enforced_the_same_way():
    from ordo.governance.models import APPROVAL_TRANSITIONS

    ensure_transition(
        current="pending", target="approved", transitions=APPROVAL_TRANSITIONS, label="Approval"
    )
    with pytest.raises(InvalidTransition):
        ensure_transition(
            current="approved",
            target="rejected",
            transitions=APPROVAL_TRANSITIONS,
            label="Approval",
        )
