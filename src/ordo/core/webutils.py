"""Helpers every app's HTML views share: turning a DomainError into inline form errors."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest

from .errors import DomainError


def attach_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's error on the form: on the named field(s) if the form has them."""
    items = exc.details.get("errors") or [
        {"field": exc.details.get("field"), "message": exc.message}
    ]
    for item in items:
        field = item.get("field")
        if field and field in form.fields:
            form.add_error(field, item["message"])
        else:
            form.add_error(None, item["message"])


def error_status(exc: DomainError) -> int:
    """HTML views answer 422/409 with the re-rendered form (htmx is configured to swap them)."""
    return exc.status if exc.status in (403, 404, 409, 422) else 400


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
