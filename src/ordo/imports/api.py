"""REST endpoints of the spreadsheet import (mounted at /api/v1/imports)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from ordo.core.apiutils import ERROR_RESPONSES, actor_of, page_params

from . import selectors, services
from .schemas import ImportResultOut, ImportRunOut, ImportRunPage

router = Router(tags=["imports"])


@router.get("", response={200: ImportRunPage, **ERROR_RESPONSES})
def list_runs(request: HttpRequest, limit: int = 50, offset: int = 0):
    """The caller's own import runs, newest first (failed ones included)."""
    limit, offset = page_params(limit, offset)
    runs = selectors.list_import_runs(actor_of(request))
    return {
        "count": runs.count(),
        "limit": limit,
        "offset": offset,
        "items": list(runs[offset : offset + limit]),
    }


@router.get("/runs/{import_id}", response={200: ImportRunOut, **ERROR_RESPONSES})
def get_run(request: HttpRequest, import_id: int):
    """One of the caller's import runs, with its (first 1000) errors."""
    return selectors.get_import_run(actor_of(request), import_id)


@router.get("/templates/{kind}", response={200: None, **ERROR_RESPONSES})
def download_template(request: HttpRequest, kind: str):
    """A CSV template for the kind: the header and one example row."""
    content = services.template_csv(kind)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{services.template_filename(kind)}"'
    return response


@router.post("/{kind}", response={201: ImportResultOut, **ERROR_RESPONSES})
def run_import(request: HttpRequest, kind: str, file: File[UploadedFile]):
    """Import a CSV or XLSX file (multipart field ``file``), all or nothing.

    422 ``import.invalid_rows`` lists every bad row in details.errors as
    {row, column, message, code}; nothing is written then.
    """
    services.kind_spec(kind)  # 404 for an unknown kind before reading the upload
    result = services.run_import(
        actor=actor_of(request), kind=kind, filename=file.name or "", content=file.read()
    )
    return Status(201, result)
