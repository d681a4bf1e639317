"""HTML pages of the partners app: customers, suppliers, payment terms.

Views only shape input (Django forms), call services/selectors and render; a DomainError
is shown inline under its field with status 422/409. Buttons are hidden from users who
lack the permission, but the services are what enforce it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ordo.core.errors import DomainError, NotFound, PermissionDenied
from ordo.core.money import minor_units, parse_decimal
from ordo.core.webutils import paginate, submit
from ordo.governance.access import has_permission

from . import selectors, services
from .forms import (
    PAYMENT_TERM_LINE_ROWS,
    AddressForm,
    CompanySettingsForm,
    ContactForm,
    CustomerGroupForm,
    InstallmentPreviewForm,
    PartnerForm,
    PaymentTermForm,
    ReasonForm,
)
from .models import AddressKind, Partner

ROLES = {
    "customer": {
        "label": "Customer",
        "plural": "Customers",
        "permission": services.CUSTOMER_MANAGE,
    },
    "supplier": {
        "label": "Supplier",
        "plural": "Suppliers",
        "permission": services.SUPPLIER_MANAGE,
    },
}


def _denied(exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    return HttpResponseForbidden(exc.message)


def _partner_field(name: str | None) -> str | None:
    """The form field of a service field: the main address is addresses.0.<field>."""
    if name and name.startswith("addresses.0."):
        return name.removeprefix("addresses.0.")
    return name


def _term_field(rows: list[int]):
    """Map lines.<n>.percent (n-th filled line) to the form row it came from."""

    def rename(name: str | None) -> str | None:
        if name and (match := re.fullmatch(r"lines\.(\d+)\.(percent|days)", name)):
            index = int(match[1])
            if index < len(rows):
                return f"line{rows[index]}_{match[2]}"
        return name

    return rename


# --------------------------------------------------------------------------- partners


def _group_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (g.code, f"{g.code} · {g.name}") for g in selectors.list_customer_groups(actor=request.user)
    ]


def _partner_input(role: str, data: dict, partner: Partner | None) -> services.PartnerInput:
    """Build the service input from the form; on edit, keep what the form does not show."""
    address_values = {name: data.get(name) or "" for name in PartnerForm.ADDRESS_FIELDS}
    addresses: tuple[services.AddressInput, ...] | None = None
    if partner is None and any(address_values.values()):
        addresses = (
            services.AddressInput(kind=AddressKind.INVOICE, is_default=True, **address_values),
        )
    return services.PartnerInput(
        code=data["code"],
        name=data["name"],
        is_customer=role == "customer" or (partner is not None and partner.is_customer),
        is_supplier=role == "supplier" or (partner is not None and partner.is_supplier),
        customer_group=data.get("customer_group")
        if role == "customer"
        else (partner.customer_group.code if partner and partner.customer_group else ""),
        vat_number=data.get("vat_number") or "",
        email=data.get("email") or "",
        phone=data.get("phone") or "",
        currency=data.get("currency") or "",
        endpoint_id=data.get("endpoint_id") or "",
        endpoint_scheme=data.get("endpoint_scheme") or "",
        supplier_lead_time_days=data.get("supplier_lead_time_days")
        if role == "supplier"
        else (partner.supplier_lead_time_days if partner else None),
        registration_number=partner.registration_number if partner else "",
        website=partner.website if partner else "",
        language=partner.language if partner else "en",
        addresses=addresses,  # on edit, the main address is saved in place (below)
        contacts=None,
    )


def _initial(partner: Partner) -> dict:
    main = next((a for a in partner.addresses.all() if a.kind == AddressKind.INVOICE), None)
    return {
        "code": partner.code,
        "name": partner.name,
        "vat_number": partner.vat_number,
        "email": partner.email,
        "phone": partner.phone,
        "customer_group": partner.customer_group.code if partner.customer_group else "",
        "currency": partner.currency,
        "supplier_lead_time_days": partner.supplier_lead_time_days,
        "endpoint_id": partner.endpoint_id,
        "endpoint_scheme": partner.endpoint_scheme,
        "street": main.street if main else "",
        "postal_code": main.postal_code if main else "",
        "city": main.city if main else "",
        "country": main.country if main else "",
    }


ACTIVE_FILTERS = {"": True, "inactive": False, "all": None}


@login_required
def partner_list(request: HttpRequest, role: str) -> HttpResponse:
    """Active partners of the role; ``?active=inactive|all`` shows the others too."""
    search = request.GET.get("q", "").strip()
    active = request.GET.get("active", "").strip()
    if active not in ACTIVE_FILTERS:
        active = ""
    try:
        partners = selectors.list_partners(
            actor=request.user, role=role, search=search, is_active=ACTIVE_FILTERS[active]
        )
    except DomainError as exc:
        return _denied(exc)
    context = paginate(request, partners)
    context.update(
        role=role,
        labels=ROLES[role],
        q=search,
        active=active,
        can_create=has_permission(request.user, ROLES[role]["permission"]),
    )
    return render(request, "partners/partner_list.html", context)


def _get_partner(request: HttpRequest, role: str, pk: int) -> Partner:
    partner = selectors.get_partner(actor=request.user, partner_id=pk)
    if not getattr(partner, f"is_{role}"):
        raise NotFound(f"{ROLES[role]['label']} {pk} not found.", code="partner.not_found")
    return partner


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest, role: str) -> HttpResponse:
    try:
        groups = _group_choices(request)
    except DomainError as exc:
        return _denied(exc)
    form = PartnerForm(request.POST or None, role=role, group_choices=groups)
    status = 200
    if request.method == "POST":
        partner, status = submit(
            form,
            lambda data: services.create_partner(
                actor=request.user, data=_partner_input(role, data, None)
            ),
            field_map=_partner_field,
        )
        if status == 200:
            messages.success(request, f"{ROLES[role]['label']} {partner.code} created.")
            return redirect(f"partners:{role}_detail", pk=partner.pk)
    return render(
        request,
        "partners/partner_form.html",
        {"form": form, "role": role, "labels": ROLES[role], "partner": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, role: str, pk: int) -> HttpResponse:
    try:
        partner = _get_partner(request, role, pk)
        groups = _group_choices(request)
    except DomainError as exc:
        return _denied(exc)
    form = PartnerForm(
        request.POST or None, role=role, group_choices=groups, initial=_initial(partner)
    )
    status = 200
    if request.method == "POST":

        def save(data):
            services.update_partner_with_invoice_address(
                actor=request.user,
                partner_id=partner.pk,
                data=_partner_input(role, data, partner),
                **{name: data.get(name) or "" for name in PartnerForm.ADDRESS_FIELDS},
            )

        _, status = submit(form, save, field_map=_partner_field)
        if status == 200:
            messages.success(request, f"{ROLES[role]['label']} {partner.code} saved.")
            return redirect(f"partners:{role}_detail", pk=partner.pk)
    return render(
        request,
        "partners/partner_form.html",
        {"form": form, "role": role, "labels": ROLES[role], "partner": partner},
        status=status,
    )


def _settings_rows(request: HttpRequest, partner: Partner, bound: dict | None = None) -> list:
    """One row per company of the user: its settings and, if allowed, an edit form."""
    existing = {
        s.company_id: s
        for s in selectors.list_partner_company_settings(actor=request.user, partner=partner)
    }
    terms = [
        (t.code, f"{t.code} · {t.name}")
        for t in selectors.list_payment_terms(actor=request.user, is_active=True)
    ]
    rows = []
    for company in request.companies:
        settings = existing.get(company.pk)
        form = None
        if has_permission(request.user, services.CREDIT_MANAGE, company):
            if bound is not None and bound["company"].pk == company.pk:
                form = bound["form"]
            else:
                form = CompanySettingsForm(
                    term_choices=terms,
                    prefix=company.code,
                    initial={
                        "credit_limit_amount": settings.credit_limit_amount
                        if settings and settings.credit_limit_amount is not None
                        else "",
                        "customer_payment_term": settings.customer_payment_term.code
                        if settings and settings.customer_payment_term
                        else "",
                        "supplier_payment_term": settings.supplier_payment_term.code
                        if settings and settings.supplier_payment_term
                        else "",
                        "is_blocked": settings.is_blocked if settings else False,
                    },
                )
        rows.append({"company": company, "settings": settings, "form": form})
    return rows


def _can_manage(user, partner: Partner) -> bool:
    """Whether the user holds the manage permission of every role the partner has."""
    return (not partner.is_customer or has_permission(user, services.CUSTOMER_MANAGE)) and (
        not partner.is_supplier or has_permission(user, services.SUPPLIER_MANAGE)
    )


def _render_detail(request, role, partner, bound=None, status=200, state_form=None) -> HttpResponse:
    return render(
        request,
        "partners/partner_detail.html",
        {
            "partner": partner,
            "role": role,
            "labels": ROLES[role],
            "can_edit": has_permission(request.user, ROLES[role]["permission"]),
            "can_manage": _can_manage(request.user, partner),
            "state_form": state_form or ReasonForm(),
            "settings_rows": _settings_rows(request, partner, bound),
        },
        status=status,
    )


@login_required
def partner_detail(request: HttpRequest, role: str, pk: int) -> HttpResponse:
    try:
        partner = _get_partner(request, role, pk)
    except DomainError as exc:
        return _denied(exc)
    return _render_detail(request, role, partner)


@login_required
@require_POST
def company_settings_edit(request: HttpRequest, role: str, pk: int, company_code: str):
    """Save a partner's settings in one of the user's companies (404 for any other)."""
    try:
        partner = _get_partner(request, role, pk)
    except DomainError as exc:
        return _denied(exc)
    company = next((c for c in request.companies if c.code == company_code), None)
    if company is None:
        raise Http404(f"Company {company_code} not found.")
    terms = [
        (t.code, t.code) for t in selectors.list_payment_terms(actor=request.user, is_active=True)
    ]
    form = CompanySettingsForm(request.POST, term_choices=terms, prefix=company.code)

    def save(data):
        text = (data["credit_limit_amount"] or "").strip()
        limit: Decimal | None = parse_decimal(text, field="credit_limit_amount") if text else None
        services.set_partner_company_settings(
            actor=request.user,
            partner_id=partner.pk,
            company_id=company.pk,
            credit_limit_amount=limit,
            customer_payment_term=data["customer_payment_term"],
            supplier_payment_term=data["supplier_payment_term"],
            is_blocked=data["is_blocked"],
        )

    try:
        _, status = submit(form, save, propagate=(PermissionDenied,))
    except PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    if status == 200:
        messages.success(request, f"Settings of {partner.code} in {company.code} saved.")
        return redirect(f"partners:{role}_detail", pk=partner.pk)
    return _render_detail(
        request, role, partner, bound={"company": company, "form": form}, status=status
    )


# --------------------------------------------------------------------------- payment terms


@login_required
def payment_term_list(request: HttpRequest) -> HttpResponse:
    try:
        terms = selectors.list_payment_terms(actor=request.user)
    except DomainError as exc:
        return _denied(exc)
    context = paginate(request, terms)
    context["can_create"] = has_permission(request.user, services.PAYMENT_TERM_MANAGE)
    currency, today = _preview_currency(request), timezone.localdate()
    context.update(
        preview_currency=currency,
        preview_amount=PREVIEW_AMOUNT,
        preview_date=today,
        rows=[
            (
                term,
                selectors.payment_term_installments(
                    term, invoice_date=today, total_amount=PREVIEW_AMOUNT, currency=currency
                ),
            )
            for term in context["object_list"]
        ],
    )
    return render(request, "partners/payment_term_list.html", context)


def _term_lines(data: dict, rows: list[int]) -> list[services.PaymentTermLineInput]:
    """The filled installment rows of the form; ``rows`` gets the form row of each."""
    lines = []
    for i in range(PAYMENT_TERM_LINE_ROWS):
        percent = (data[f"line{i}_percent"] or "").strip()
        if not percent:
            continue
        rows.append(i)
        lines.append(
            services.PaymentTermLineInput(
                percent=parse_decimal(percent, field=f"lines.{len(rows) - 1}.percent"),
                days=data[f"line{i}_days"] or 0,
                is_end_of_month=data[f"line{i}_end_of_month"],
            )
        )
    return lines


def _save_term(request: HttpRequest, form: PaymentTermForm, term_id: int | None):
    """Validate the form and create (term_id None) or update the term: (term, status)."""
    rows: list[int] = []

    def save(data):
        term_input = services.PaymentTermInput(
            code=data["code"],
            name=data["name"],
            description=data["description"],
            lines=tuple(_term_lines(data, rows)),
        )
        if term_id is None:
            return services.create_payment_term(actor=request.user, data=term_input)
        return services.update_payment_term(
            actor=request.user, payment_term_id=term_id, data=term_input
        )

    return submit(form, save, field_map=_term_field(rows))


@login_required
@require_http_methods(["GET", "POST"])
def payment_term_create(request: HttpRequest) -> HttpResponse:
    form = PaymentTermForm(request.POST or None)
    status = 200
    if request.method == "POST":
        term, status = _save_term(request, form, None)
        if status == 200:
            messages.success(request, f"Payment term {term.code} created.")
            return redirect(reverse("partners:payment_term_list"))
    return render(
        request, "partners/payment_term_form.html", {"form": form, "term": None}, status=status
    )


def _term_initial(term) -> dict:
    initial = {"code": term.code, "name": term.name, "description": term.description}
    for i, line in enumerate(term.lines.all()):
        if i >= PAYMENT_TERM_LINE_ROWS:
            break
        initial |= {
            f"line{i}_percent": format(line.percent.normalize(), "f"),
            f"line{i}_days": line.days,
            f"line{i}_end_of_month": line.is_end_of_month,
        }
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def payment_term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a payment term's name, description and installments (4 rows)."""
    try:
        term = selectors.get_payment_term(actor=request.user, payment_term_id=pk)
    except DomainError as exc:
        return _denied(exc)
    if not has_permission(request.user, services.PAYMENT_TERM_MANAGE):
        return HttpResponseForbidden(
            f"{request.user.username} may not change payment terms: it needs the permission "
            f"{services.PAYMENT_TERM_MANAGE}."
        )
    form = PaymentTermForm(request.POST or None, initial=_term_initial(term))
    status = 200
    if request.method == "POST":
        saved, status = _save_term(request, form, term.pk)
        if status == 200:
            messages.success(request, f"Payment term {saved.code} saved.")
            return redirect("partners:payment_term_detail", pk=saved.pk)
    return render(
        request, "partners/payment_term_form.html", {"form": form, "term": term}, status=status
    )


PREVIEW_AMOUNT = Decimal("1000.00")


def _preview_currency(request: HttpRequest) -> str:
    company = getattr(request, "company", None)
    return company.currency if company is not None and company.currency else "EUR"


@login_required
def payment_term_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A payment term's installments and, for an invoice of 1000.00 (or ``?amount=``) dated
    today (or ``?invoice_date=``), the due dates and amounts it gives."""
    try:
        term = selectors.get_payment_term(actor=request.user, payment_term_id=pk)
    except DomainError as exc:
        return _denied(exc)
    currency = _preview_currency(request)
    form = InstallmentPreviewForm(request.GET or None)
    preview = {"amount": PREVIEW_AMOUNT, "invoice_date": timezone.localdate()}

    def read(data):  # the date applies even when the amount is refused
        preview["invoice_date"] = data["invoice_date"] or preview["invoice_date"]
        if text := (data["amount"] or "").strip():
            preview["amount"] = parse_decimal(text, field="amount")

    _, status = submit(form, read) if form.is_bound else (None, 200)
    amount, invoice_date = preview["amount"], preview["invoice_date"]
    places = minor_units(currency)
    amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return render(
        request,
        "partners/payment_term_detail.html",
        {
            "term": term,
            "form": form,
            "currency": currency,
            "amount": amount,
            "invoice_date": invoice_date,
            "installments": selectors.payment_term_installments(
                term, invoice_date=invoice_date, total_amount=amount, currency=currency
            ),
            "can_edit": has_permission(request.user, services.PAYMENT_TERM_MANAGE),
        },
        status=status,
    )


# --------------------------------------------------------------------------- active / inactive


def _role_of(request: HttpRequest, partner: Partner) -> str:
    """The page the user came from (customer or supplier), else the partner's first role."""
    role = request.POST.get("role") or request.GET.get("role") or ""
    if role in ROLES and getattr(partner, f"is_{role}"):
        return role
    return "customer" if partner.is_customer else "supplier"


def _set_active_view(request: HttpRequest, pk: int, service, verb: str) -> HttpResponse:
    try:
        partner = selectors.get_partner(actor=request.user, partner_id=pk)
    except DomainError as exc:
        return _denied(exc)
    role = _role_of(request, partner)
    form = ReasonForm(request.POST)
    try:
        _, status = submit(
            form,
            lambda data: service(actor=request.user, partner_id=partner.pk, reason=data["reason"]),
            propagate=(PermissionDenied,),
        )
    except PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    if status == 200:
        messages.success(request, f"{ROLES[role]['label']} {partner.code} {verb}.")
        return redirect(f"partners:{role}_detail", pk=partner.pk)
    return _render_detail(request, role, partner, status=status, state_form=form)


@login_required
@require_POST
def partner_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop using the partner on new documents (reason to the audit trail)."""
    return _set_active_view(request, pk, services.deactivate_partner, "deactivated")


@login_required
@require_POST
def partner_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Allow an inactive partner again (reason to the audit trail)."""
    return _set_active_view(request, pk, services.reactivate_partner, "reactivated")


# --------------------------------------------------------------------------- addresses, contacts


def _child_page(
    request: HttpRequest,
    pk: int,
    *,
    kind: str,
    form_class,
    load,
    initial,
    save,
    done: str,
) -> HttpResponse:
    """Shared add/edit page of an address or a contact of a partner.

    ``load(partner)`` returns the record being edited (or None to add), ``initial(record)``
    its form values, ``save(partner, record, data)`` calls the service.
    """
    try:
        partner = selectors.get_partner(actor=request.user, partner_id=pk)
        record = load(partner)
    except DomainError as exc:
        return _denied(exc)
    role = _role_of(request, partner)
    if not _can_manage(request.user, partner):
        return HttpResponseForbidden(f"{request.user.username} may not change {partner.code}.")
    form = form_class(request.POST or None, initial=initial(record) if record else None)
    status = 200
    if request.method == "POST":
        _, status = submit(form, lambda data: save(partner, record, data))
        if status == 200:
            messages.success(request, done.format(code=partner.code))
            return redirect(f"partners:{role}_detail", pk=partner.pk)
    return render(
        request,
        f"partners/{kind}_form.html",
        {"form": form, "partner": partner, "record": record, "role": role},
        status=status,
    )


def _remove_child(request: HttpRequest, pk: int, remove, done: str) -> HttpResponse:
    try:
        partner = selectors.get_partner(actor=request.user, partner_id=pk)
        remove(partner)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        return HttpResponseForbidden(exc.message)
    messages.success(request, done.format(code=partner.code))
    return redirect(f"partners:{_role_of(request, partner)}_detail", pk=partner.pk)


def _address_input(data: dict) -> services.AddressInput:
    return services.AddressInput(**{name: data[name] for name in AddressForm.base_fields})


def _contact_input(data: dict) -> services.ContactInput:
    return services.ContactInput(**{name: data[name] for name in ContactForm.base_fields})


def _record_initial(record) -> dict:
    return {
        field.name: getattr(record, field.name)
        for field in record._meta.concrete_fields
        if field.name not in ("id", "partner")
    }


def _find_address(partner: Partner, address_id: int):
    address = next((a for a in partner.addresses.all() if a.pk == address_id), None)
    if address is None:
        raise NotFound(f"Address {address_id} not found for partner {partner.code}.")
    return address


def _find_contact(partner: Partner, contact_id: int):
    contact = next((c for c in partner.contacts.all() if c.pk == contact_id), None)
    if contact is None:
        raise NotFound(f"Contact {contact_id} not found for partner {partner.code}.")
    return contact


@login_required
@require_http_methods(["GET", "POST"])
def address_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_page(
        request, pk, kind="address", form_class=AddressForm,
        load=lambda partner: None,
        initial=_record_initial,
        save=lambda partner, _, data: services.add_address(
            actor=request.user, partner_id=partner.pk, data=_address_input(data)
        ),
        done="Address added to {code}.",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request: HttpRequest, pk: int, address_id: int) -> HttpResponse:
    return _child_page(
        request, pk, kind="address", form_class=AddressForm,
        load=lambda partner: _find_address(partner, address_id),
        initial=_record_initial,
        save=lambda partner, record, data: services.update_address(
            actor=request.user, partner_id=partner.pk, address_id=record.pk,
            data=_address_input(data),
        ),
        done="Address of {code} saved.",
    )  # fmt: skip


@login_required
@require_POST
def address_delete(request: HttpRequest, pk: int, address_id: int) -> HttpResponse:
    return _remove_child(
        request, pk,
        lambda partner: services.remove_address(
            actor=request.user, partner_id=partner.pk, address_id=address_id
        ),
        "Address removed from {code}.",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_page(
        request, pk, kind="contact", form_class=ContactForm,
        load=lambda partner: None,
        initial=_record_initial,
        save=lambda partner, _, data: services.add_contact(
            actor=request.user, partner_id=partner.pk, data=_contact_input(data)
        ),
        done="Contact added to {code}.",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int, contact_id: int) -> HttpResponse:
    return _child_page(
        request, pk, kind="contact", form_class=ContactForm,
        load=lambda partner: _find_contact(partner, contact_id),
        initial=_record_initial,
        save=lambda partner, record, data: services.update_contact(
            actor=request.user, partner_id=partner.pk, contact_id=record.pk,
            data=_contact_input(data),
        ),
        done="Contact of {code} saved.",
    )  # fmt: skip


@login_required
@require_POST
def contact_delete(request: HttpRequest, pk: int, contact_id: int) -> HttpResponse:
    return _remove_child(
        request, pk,
        lambda partner: services.remove_contact(
            actor=request.user, partner_id=partner.pk, contact_id=contact_id
        ),
        "Contact removed from {code}.",
    )  # fmt: skip


# --------------------------------------------------------------------------- customer groups


@login_required
def customer_group_list(request: HttpRequest) -> HttpResponse:
    try:
        groups = selectors.list_customer_groups(actor=request.user)
    except DomainError as exc:
        return _denied(exc)
    context = paginate(request, groups)
    context["can_create"] = has_permission(request.user, services.CUSTOMER_MANAGE)
    return render(request, "partners/customer_group_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def customer_group_create(request: HttpRequest) -> HttpResponse:
    form = CustomerGroupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        group, status = submit(
            form,
            lambda data: services.create_customer_group(
                actor=request.user, code=data["code"], name=data["name"]
            ),
        )
        if status == 200:
            messages.success(request, f"Customer group {group.code} created.")
            return redirect("partners:customer_group_list")
    return render(request, "partners/customer_group_form.html", {"form": form}, status=status)
