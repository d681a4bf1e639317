"""HTML pages of governance: approval inbox and decisions, audit trail, companies, policies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ordo.core.errors import DomainError, InvalidInput
from ordo.core.webutils import error_status, paginate, submit

from . import approvals, selectors, services
from .access import has_permission
from .forms import AuditFilterForm, CompanyForm, DecisionForm, PolicyForm
from .models import ApprovalStatus


def _refused(request, exc: DomainError):
    """A page the user may not see or that does not exist for them: say why, with its status."""
    return render(request, "governance/refused.html", {"error": exc}, status=error_status(exc))


# --- approvals --------------------------------------------------------------------------


@login_required
def approval_inbox(request):
    status = request.GET.get("status", ApprovalStatus.PENDING)
    if status == ApprovalStatus.PENDING:
        qs = selectors.list_pending_for(request.user)
    elif status in ApprovalStatus.values:
        qs = selectors.list_approval_requests(request.user, status=status)
    else:
        status, qs = "all", selectors.list_approval_requests(request.user)
    context = {"status": status, "statuses": [*ApprovalStatus.choices, ("all", "All")]}
    context.update(paginate(request, qs))
    return render(request, "governance/approval_inbox.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def approval_detail(request, pk: int):
    try:
        approval = selectors.get_approval_request(request.user, pk)
    except DomainError as exc:
        return _refused(request, exc)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        decide = {"approve": approvals.approve_request, "reject": approvals.reject_request}

        def save(data):
            if decision not in decide:
                raise InvalidInput("Choose Approve or Reject.")
            decide[decision](actor=request.user, request_id=pk, reason=data["reason"])

        _, status = submit(form, save)
        if status == 200:
            messages.success(request, f"{approval.document_label}: {decision}d.")
            return redirect("governance:approval_detail", pk=pk)
        approval = selectors.get_approval_request(request.user, pk)
    return render(
        request,
        "governance/approval_detail.html",
        {
            "approval": approval,
            "form": form,
            "can_decide": selectors.can_decide(request.user, approval),
        },
        status=status,
    )


# --- audit trail ------------------------------------------------------------------------


@login_required
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = selectors.AuditFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.AuditFilter(
            target_type=data["target_type"],
            target_id=data["target_id"],
            actor=data["actor"],
            action=data["action"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    try:
        qs = selectors.list_audit_entries(request.user, filters)
    except DomainError as exc:
        return _refused(request, exc)
    context = {"form": form}
    context.update(paginate(request, qs))
    return render(
        request,
        "governance/audit_list.html",
        context,
        status=422 if form.is_bound and not form.is_valid() else 200,
    )


# --- companies --------------------------------------------------------------------------


def _company_input(data: dict) -> services.CompanyInput:
    return services.CompanyInput(**{k: v or "" for k, v in data.items()})


@login_required
def company_list(request):
    return render(
        request,
        "governance/company_list.html",
        {
            "companies": selectors.list_companies(request.user),
            "can_create": has_permission(request.user, "core.company.manage"),
        },
    )


@login_required
def company_detail(request, pk: int):
    try:
        company = selectors.get_company(request.user, pk)
    except DomainError as exc:
        return _refused(request, exc)
    return render(
        request,
        "governance/company_detail.html",
        {
            "company": company,
            "can_edit": has_permission(request.user, "core.company.manage", company),
            "policies": selectors.list_approval_policies(request.user, company=company),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_create(request):
    form = CompanyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        company, status = submit(
            form,
            lambda data: services.create_company(actor=request.user, data=_company_input(data)),
        )
        if status == 200:
            messages.success(request, f"Company {company.code} created.")
            return redirect("governance:company_detail", pk=company.pk)
    return render(
        request, "governance/company_form.html", {"form": form, "company": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request, pk: int):
    try:
        company = selectors.get_company(request.user, pk)
    except DomainError as exc:
        return _refused(request, exc)
    initial = {field: getattr(company, field) for field in CompanyForm.base_fields}
    form = CompanyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        _, status = submit(
            form,
            lambda data: services.update_company(
                actor=request.user, company_id=company.pk, data=_company_input(data)
            ),
        )
        if status == 200:
            messages.success(request, f"Company {company.code} saved.")
            return redirect("governance:company_detail", pk=company.pk)
    return render(
        request,
        "governance/company_form.html",
        {"form": form, "company": company},
        status=status,
    )


# --- approval policies ------------------------------------------------------------------


@login_required
def policy_list(request):
    return render(
        request,
        "governance/policy_list.html",
        {
            "policies": selectors.list_approval_policies(request.user),
            "can_manage": has_permission(request.user, "governance.approval_policy.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_create(request):
    companies = list(selectors.list_companies(request.user))
    initial = {"company": request.company.pk} if getattr(request, "company", None) else {}
    form = PolicyForm(request.POST or None, companies=companies, initial=initial)
    status = 200
    if request.method == "POST":

        def save(data):
            approvals.create_approval_policy(
                actor=request.user,
                company=selectors.get_company(request.user, int(data["company"])),
                data=approvals.PolicyInput(
                    name=data["name"],
                    document_type=data["document_type"],
                    metric=data["metric"],
                    operator=data["operator"],
                    threshold=data["threshold"],
                    approver_role=data["approver_role"],
                ),
            )

        _, status = submit(form, save)
        if status == 200:
            messages.success(request, f"Approval policy '{form.cleaned_data['name']}' created.")
            return redirect("governance:policy_list")
    return render(request, "governance/policy_form.html", {"form": form}, status=status)


@login_required
@require_POST
def policy_deactivate(request, pk: int):
    try:
        policy = approvals.deactivate_approval_policy(actor=request.user, policy_id=pk)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(request, f"Approval policy '{policy.name}' deactivated.")
    return redirect("governance:policy_list")
