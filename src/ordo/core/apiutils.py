"""Shared pieces for every app's ninja router: auth, the error envelope, pagination."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema

from .errors import InvalidInput


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


ERROR_RESPONSES = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class Page(Schema):
    count: int
    limit: int
    offset: int


def page_params(limit: int, offset: int) -> tuple[int, int]:
    if limit < 1 or limit > 500:
        raise InvalidInput(
            "limit must be between 1 and 500.", field="limit", code="pagination.invalid"
        )
    if offset < 0:
        raise InvalidInput(
            "offset must not be negative.", field="offset", code="pagination.invalid"
        )
    return limit, offset


def actor_of(request: HttpRequest):
    """The authenticated user (session or API token), set by the API's auth."""
    return request.auth if getattr(request, "auth", None) is not None else request.user


def page_of(qs, limit: int, offset: int, render) -> dict[str, Any]:
    """One page of a queryset as ``{count, limit, offset, items}`` (items rendered)."""
    limit, offset = page_params(limit, offset)
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "items": [render(x) for x in qs[offset : offset + limit]],
    }


def read_upload(file, limit: int) -> bytes:
    """The bytes of an uploaded file, refused (422 naming both sizes) above ``limit``."""
    if file.size > limit:
        raise InvalidInput(
            f"The file is {file.size} bytes; the limit is {limit} bytes.",
            field="file",
            code="file.too_large",
        )
    return file.read()
