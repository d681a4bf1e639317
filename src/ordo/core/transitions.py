"""Allowed state transitions declared as data and enforced in one place."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import InvalidTransition


def ensure_transition(
    *, current: str, target: str, transitions: Mapping[str, frozenset[str] | set[str]], label: str
) -> None:
    """Raise InvalidTransition unless ``current → target`` is declared in ``transitions``."""
    allowed = transitions.get(current, frozenset())
    if target not in allowed:
        allowed_text = ", ".join(sorted(allowed)) or "none"
        raise InvalidTransition(
            f"{label} cannot go from {current} to {target} (allowed from {current}: {allowed_text}).",
            details={"from": current, "to": target, "allowed": sorted(allowed)},
        )
