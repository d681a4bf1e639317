"""HTML pages of the spreadsheet import: pick a kind, upload, see the result or every error."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from ordo.core.errors import DomainError, NotFound
from ordo.core.webutils import attach_error, error_status
from ordo.governance.access import has_permission

from . import selectors, services
from .forms import ImportForm


def _start_context(request, form, **extra):
    return {
        "form": form,
        "kinds": list(services.KINDS.values()),
        "runs": list(selectors.list_import_runs(request.user)[:10]),
        **extra,
    }


@login_required
def start(request):
    """The import page: one template per kind and the upload form (POST runs the import)."""
    if not has_permission(request.user, "imports.run"):
        return render(request, "imports/start.html", {"denied": True, "kinds": []}, status=403)
    if request.method != "POST":
        return render(request, "imports/start.html", _start_context(request, ImportForm()))
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "imports/start.html", _start_context(request, form), status=422)
    upload = form.cleaned_data["file"]
    kind = form.cleaned_data["kind"]
    try:
        result = services.run_import(
            actor=request.user, kind=kind, filename=upload.name, content=upload.read()
        )
    except DomainError as exc:
        errors = exc.details.get("errors")
        if not errors:
            attach_error(form, exc)
        context = _start_context(request, form, failure=exc, errors=errors or [], failed_kind=kind)
        return render(request, "imports/start.html", context, status=error_status(exc))
    return redirect("imports:result", import_id=result.import_id)


@login_required
def result(request, import_id: int):
    """One of the user's import runs: the counts, or every error it reported."""
    try:
        run = selectors.get_import_run(request.user, import_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "imports/result.html", {"run": run})


@login_required
def template(request, kind: str):
    """Download the CSV template of a kind (header and one example row)."""
    try:
        content = services.template_csv(kind)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{services.template_filename(kind)}"'
    return response
