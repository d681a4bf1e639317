"""The error vocabulary every layer raises.

A ``DomainError`` carries a stable dotted ``code`` (integrators match on it), a message a
person understands naming the record and the reason, and ``details`` for machines. The
HTTP status follows the rule in STYLE.md: 422 bad content, 409 clash with the current
state, 403 not allowed, 404 not found (or not visible: never leak another company).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "error"

    def __init__(
        self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}

    def __str__(self) -> str:
        return self.message


class InvalidInput(DomainError):
    """The request breaks a rule about its own content (422)."""

    status = 422
    code = "validation.invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ):
        details = dict(details or {})
        if field is not None:
            details.setdefault("field", field)
        super().__init__(message, code=code, details=details)
        self.field = field


class ValidationErrors(InvalidInput):
    """Several content problems reported at once (422); ``details.errors`` lists each."""

    code = "validation.errors"

    def __init__(
        self,
        errors: list[InvalidInput] | list[dict[str, Any]],
        *,
        message: str | None = None,
        code: str | None = None,
    ):
        items = [
            e.as_dict() | ({"field": e.field} if e.field else {})
            if isinstance(e, InvalidInput)
            else e
            for e in errors
        ]
        if message is None:
            message = "; ".join(item["message"] for item in items)
        super().__init__(message, code=code, details={"errors": items})
        self.errors = items


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "permission.denied"


class Conflict(DomainError):
    """Valid, but clashes with the current state (409)."""

    status = 409
    code = "conflict"


class DuplicateRecord(Conflict):
    code = "duplicate"


class InvalidTransition(Conflict):
    code = "state.invalid_transition"


class UnitCategoryMismatch(InvalidInput):
    code = "unit.category_mismatch"
