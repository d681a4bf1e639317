"""Helpers every app's HTML views share: running a form through a service and turning its
DomainError into inline form errors with the right status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest

from .errors import DomainError

FieldMap = Callable[[str | None], str | None]


def attach_error(form: forms.Form, exc: DomainError, field_map: FieldMap | None = None) -> None:
    """Show a service's error on the form: on the named field(s) if the form has them.

    ``field_map`` renames a service field (``addresses.0.city``) to the form's (``city``)."""
    items = exc.details.get("errors") or [
        {"field": exc.details.get("field"), "message": exc.message}
    ]
    for item in items:
        field = item.get("field")
        if field_map is not None:
            field = field_map(field)
        if field and field in form.fields:
            form.add_error(field, item["message"])
        else:
            form.add_error(None, item["message"])


def error_status(exc: DomainError) -> int:
    """HTML views answer 422/409 with the re-rendered form (htmx is configured to swap them)."""
    return exc.status if exc.status in (403, 404, 409, 422) else 400


def submit(
    form: forms.Form,
    action: Callable[[dict], Any],
    *,
    field_map: FieldMap | None = None,
    propagate: tuple[type[DomainError], ...] = (),
) -> tuple[Any, int]:
    """Run ``action(form.cleaned_data)`` for a bound form. Returns (result, status):
    on success (result, 200); when the form is invalid (None, 422) and the action is not
    called; when the service refuses, the error is shown on the form (fields renamed by
    ``field_map``) and (None, error_status(exc)). Errors of a ``propagate`` type are
    re-raised for the view to answer them its own way."""
    if not form.is_valid():
        return None, 422
    try:
        return action(form.cleaned_data), 200
    except DomainError as exc:
        if isinstance(exc, propagate):
            raise
        attach_error(form, exc, field_map)
        return None, error_status(exc)


def paginate(request: HttpRequest, queryset, per_page: int = 50) -> dict:
    paginator = Paginator(queryset, per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "page_obj": page_obj,
        "object_list": page_obj.object_list,
        "query_string": params.urlencode(),
    }
