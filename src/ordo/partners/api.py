"""REST API of the partners app, mounted at /api/v1/partners."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Status

from ordo.core.apiutils import ERROR_RESPONSES, actor_of, page_params
from ordo.core.money import parse_decimal

from . import selectors, services
from .models import Address, Contact, Partner, PartnerCompanySettings, PaymentTerm
from .schemas import (
    AddressIn,
    AddressOut,
    AddressPatch,
    CompanySettingsIn,
    CompanySettingsOut,
    ContactIn,
    ContactOut,
    ContactPatch,
    CustomerGroupIn,
    CustomerGroupOut,
    PartnerIn,
    PartnerOut,
    PartnerPage,
    PartnerPatch,
    PaymentTermIn,
    PaymentTermOut,
    PaymentTermPatch,
)

router = Router(tags=["partners"])


# --------------------------------------------------------------------------- output helpers


def _summary(partner: Partner) -> dict[str, Any]:
    return {
        "id": partner.pk,
        "code": partner.code,
        "name": partner.name,
        "is_customer": partner.is_customer,
        "is_supplier": partner.is_supplier,
        "customer_group": partner.customer_group.code if partner.customer_group else None,
        "vat_number": partner.vat_number,
        "email": partner.email,
        "currency": partner.currency,
        "is_active": partner.is_active,
    }


def _settings_out(settings: PartnerCompanySettings) -> dict[str, Any]:
    limit = settings.credit_limit_amount
    return {
        "company": settings.company.code,
        "currency": settings.company.currency,
        "credit_limit_amount": None if limit is None else str(limit),
        "customer_payment_term": (
            settings.customer_payment_term.code if settings.customer_payment_term else None
        ),
        "supplier_payment_term": (
            settings.supplier_payment_term.code if settings.supplier_payment_term else None
        ),
        "is_blocked": settings.is_blocked,
    }


def _detail(request: HttpRequest, partner_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    partner = selectors.get_partner(actor=actor, partner_id=partner_id)
    return _summary(partner) | {
        "registration_number": partner.registration_number,
        "phone": partner.phone,
        "website": partner.website,
        "language": partner.language,
        "endpoint_id": partner.endpoint_id,
        "endpoint_scheme": partner.endpoint_scheme,
        "supplier_lead_time_days": partner.supplier_lead_time_days,
        "addresses": list(partner.addresses.all()),
        "contacts": list(partner.contacts.all()),
        "company_settings": [
            _settings_out(s)
            for s in selectors.list_partner_company_settings(actor=actor, partner=partner)
        ],
    }


def _term_out(term: PaymentTerm) -> dict[str, Any]:
    return {
        "id": term.pk,
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "is_active": term.is_active,
        "lines": [
            {
                "sequence": line.sequence,
                "percent": format(line.percent.normalize(), "f"),
                "days": line.days,
                "is_end_of_month": line.is_end_of_month,
            }
            for line in term.lines.all()
        ],
    }


def _address_inputs(items: list[AddressIn]) -> tuple[services.AddressInput, ...]:
    return tuple(services.AddressInput(**item.dict()) for item in items)


def _contact_inputs(items: list[ContactIn]) -> tuple[services.ContactInput, ...]:
    return tuple(services.ContactInput(**item.dict()) for item in items)


# --------------------------------------------------------------------------- payment terms, groups
# (declared before /{partner_id} routes; those use the int converter anyway)


@router.get("/payment-terms", response={200: list[PaymentTermOut], **ERROR_RESPONSES})
def list_payment_terms(request: HttpRequest):
    return [_term_out(t) for t in selectors.list_payment_terms(actor=actor_of(request))]


@router.post("/payment-terms", response={201: PaymentTermOut, **ERROR_RESPONSES})
def create_payment_term(request: HttpRequest, payload: PaymentTermIn):
    term = services.create_payment_term(
        actor=actor_of(request),
        data=services.PaymentTermInput(
            code=payload.code,
            name=payload.name,
            description=payload.description,
            lines=_line_inputs(payload.lines),
        ),
    )
    return Status(
        201, _term_out(selectors.get_payment_term(actor=actor_of(request), payment_term_id=term.pk))
    )


@router.get(
    "/payment-terms/{int:payment_term_id}", response={200: PaymentTermOut, **ERROR_RESPONSES}
)
def get_payment_term(request: HttpRequest, payment_term_id: int):
    return _term_out(
        selectors.get_payment_term(actor=actor_of(request), payment_term_id=payment_term_id)
    )


def _line_inputs(lines) -> tuple[services.PaymentTermLineInput, ...]:
    return tuple(
        services.PaymentTermLineInput(
            percent=parse_decimal(line.percent, field=f"lines.{i}.percent"),
            days=line.days,
            is_end_of_month=line.is_end_of_month,
        )
        for i, line in enumerate(lines)
    )


@router.patch(
    "/payment-terms/{int:payment_term_id}", response={200: PaymentTermOut, **ERROR_RESPONSES}
)
def update_payment_term(request: HttpRequest, payment_term_id: int, payload: PaymentTermPatch):
    """Change a payment term; only the fields sent change, ``lines`` replace all installments."""
    actor = actor_of(request)
    current = selectors.get_payment_term(actor=actor, payment_term_id=payment_term_id)
    sent = payload.dict(exclude_unset=True)
    lines = (
        _line_inputs(payload.lines)
        if payload.lines is not None
        else tuple(
            services.PaymentTermLineInput(
                percent=line.percent, days=line.days, is_end_of_month=line.is_end_of_month
            )
            for line in current.lines.all()
        )
    )
    term = services.update_payment_term(
        actor=actor,
        payment_term_id=payment_term_id,
        data=services.PaymentTermInput(
            code=sent.get("code") or current.code,
            name=sent.get("name") or current.name,
            description=(
                (sent.get("description") or "") if "description" in sent else current.description
            ),
            lines=lines,
        ),
    )
    return _term_out(selectors.get_payment_term(actor=actor, payment_term_id=term.pk))


@router.get("/customer-groups", response={200: list[CustomerGroupOut], **ERROR_RESPONSES})
def list_customer_groups(request: HttpRequest):
    return list(selectors.list_customer_groups(actor=actor_of(request)))


@router.post("/customer-groups", response={201: CustomerGroupOut, **ERROR_RESPONSES})
def create_customer_group(request: HttpRequest, payload: CustomerGroupIn):
    group = services.create_customer_group(
        actor=actor_of(request), code=payload.code, name=payload.name
    )
    return Status(201, group)


# --------------------------------------------------------------------------- partners


@router.get("", response={200: PartnerPage, **ERROR_RESPONSES})
def list_partners(
    request: HttpRequest,
    role: Literal["customer", "supplier"] | None = None,
    search: str | None = None,
    is_active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
):
    limit, offset = page_params(limit, offset)
    qs = selectors.list_partners(
        actor=actor_of(request), role=role, search=search, is_active=is_active
    )
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "items": [_summary(p) for p in qs[offset : offset + limit]],
    }


@router.post("", response={201: PartnerOut, **ERROR_RESPONSES})
def create_partner(request: HttpRequest, payload: PartnerIn):
    partner = services.create_partner(
        actor=actor_of(request),
        data=services.PartnerInput(
            **payload.dict(exclude={"addresses", "contacts", "customer_group"}),
            customer_group=payload.customer_group or "",
            addresses=_address_inputs(payload.addresses),
            contacts=_contact_inputs(payload.contacts),
        ),
    )
    return Status(201, _detail(request, partner.pk))


@router.get("/{int:partner_id}", response={200: PartnerOut, **ERROR_RESPONSES})
def get_partner(request: HttpRequest, partner_id: int):
    return _detail(request, partner_id)


@router.patch("/{int:partner_id}", response={200: PartnerOut, **ERROR_RESPONSES})
def update_partner(request: HttpRequest, partner_id: int, payload: PartnerPatch):
    actor = actor_of(request)
    current = selectors.get_partner(actor=actor, partner_id=partner_id)
    sent = payload.dict(exclude_unset=True)
    values: dict[str, Any] = {
        name: getattr(current, name)
        for name in (
            "code",
            "name",
            "is_customer",
            "is_supplier",
            "vat_number",
            "registration_number",
            "email",
            "phone",
            "website",
            "language",
            "currency",
            "endpoint_id",
            "endpoint_scheme",
            "supplier_lead_time_days",
        )
    }
    values["customer_group"] = current.customer_group.code if current.customer_group else ""
    for name, value in sent.items():
        if name in ("addresses", "contacts"):
            continue
        if value is None and name in ("code", "name", "is_customer", "is_supplier"):
            continue  # null for a required field keeps the current value
        values[name] = "" if value is None and name != "supplier_lead_time_days" else value
    partner = services.update_partner(
        actor=actor,
        partner_id=partner_id,
        data=services.PartnerInput(
            **values,
            addresses=_address_inputs(payload.addresses) if payload.addresses is not None else None,
            contacts=_contact_inputs(payload.contacts) if payload.contacts is not None else None,
        ),
    )
    return _detail(request, partner.pk)


@router.put(
    "/{int:partner_id}/company-settings/{company_code}",
    response={200: CompanySettingsOut, **ERROR_RESPONSES},
)
def set_company_settings(
    request: HttpRequest, partner_id: int, company_code: str, payload: CompanySettingsIn
):
    limit = (
        None
        if payload.credit_limit_amount is None
        else parse_decimal(payload.credit_limit_amount, field="credit_limit_amount")
    )
    settings = services.set_partner_company_settings(
        actor=actor_of(request),
        partner_id=partner_id,
        company_id=company_code,
        credit_limit_amount=limit,
        customer_payment_term=payload.customer_payment_term or "",
        supplier_payment_term=payload.supplier_payment_term or "",
        is_blocked=payload.is_blocked,
    )
    return _settings_out(settings)


@router.post("/{int:partner_id}/deactivate", response={200: PartnerOut, **ERROR_RESPONSES})
def deactivate_partner(request: HttpRequest, partner_id: int, reason: str = ""):
    """``reason`` (query parameter) goes to the audit trail."""
    services.deactivate_partner(
        actor=actor_of(request),
        partner_id=partner_id,
        reason=reason,
    )
    return _detail(request, partner_id)


@router.post("/{int:partner_id}/reactivate", response={200: PartnerOut, **ERROR_RESPONSES})
def reactivate_partner(request: HttpRequest, partner_id: int, reason: str = ""):
    """``reason`` (query parameter) goes to the audit trail."""
    services.reactivate_partner(
        actor=actor_of(request),
        partner_id=partner_id,
        reason=reason,
    )
    return _detail(request, partner_id)


# --------------------------------------------------------------------------- addresses, contacts


def _merged(current: Address | Contact, sent: dict[str, Any], names: tuple[str, ...]) -> dict:
    """The record's current values overridden by the fields sent (null text = blank)."""
    values = {name: getattr(current, name) for name in names}
    for name, value in sent.items():
        if value is None:
            if isinstance(values[name], bool):
                continue
            value = ""
        values[name] = value
    return values


ADDRESS_FIELDS = ("kind", "street", "street2", "postal_code", "city", "country", "gln")
CONTACT_FIELDS = ("name", "job_title", "email", "phone")


@router.get("/{int:partner_id}/addresses", response={200: list[AddressOut], **ERROR_RESPONSES})
def list_addresses(request: HttpRequest, partner_id: int):
    return list(
        selectors.get_partner(actor=actor_of(request), partner_id=partner_id).addresses.all()
    )


@router.post("/{int:partner_id}/addresses", response={201: AddressOut, **ERROR_RESPONSES})
def add_address(request: HttpRequest, partner_id: int, payload: AddressIn):
    address = services.add_address(
        actor=actor_of(request), partner_id=partner_id, data=services.AddressInput(**payload.dict())
    )
    return Status(201, address)


@router.patch(
    "/{int:partner_id}/addresses/{int:address_id}", response={200: AddressOut, **ERROR_RESPONSES}
)
def update_address(request: HttpRequest, partner_id: int, address_id: int, payload: AddressPatch):
    actor = actor_of(request)
    current = selectors.get_address(actor=actor, partner_id=partner_id, address_id=address_id)
    values = _merged(current, payload.dict(exclude_unset=True), (*ADDRESS_FIELDS, "is_default"))
    return services.update_address(
        actor=actor,
        partner_id=partner_id,
        address_id=address_id,
        data=services.AddressInput(**values),
    )


@router.delete(
    "/{int:partner_id}/addresses/{int:address_id}", response={204: None, **ERROR_RESPONSES}
)
def remove_address(request: HttpRequest, partner_id: int, address_id: int):
    services.remove_address(actor=actor_of(request), partner_id=partner_id, address_id=address_id)
    return Status(204, None)


@router.get("/{int:partner_id}/contacts", response={200: list[ContactOut], **ERROR_RESPONSES})
def list_contacts(request: HttpRequest, partner_id: int):
    return list(
        selectors.get_partner(actor=actor_of(request), partner_id=partner_id).contacts.all()
    )


@router.post("/{int:partner_id}/contacts", response={201: ContactOut, **ERROR_RESPONSES})
def add_contact(request: HttpRequest, partner_id: int, payload: ContactIn):
    contact = services.add_contact(
        actor=actor_of(request), partner_id=partner_id, data=services.ContactInput(**payload.dict())
    )
    return Status(201, contact)


@router.patch(
    "/{int:partner_id}/contacts/{int:contact_id}", response={200: ContactOut, **ERROR_RESPONSES}
)
def update_contact(request: HttpRequest, partner_id: int, contact_id: int, payload: ContactPatch):
    actor = actor_of(request)
    current = selectors.get_contact(actor=actor, partner_id=partner_id, contact_id=contact_id)
    values = _merged(current, payload.dict(exclude_unset=True), (*CONTACT_FIELDS, "is_primary"))
    return services.update_contact(
        actor=actor,
        partner_id=partner_id,
        contact_id=contact_id,
        data=services.ContactInput(**values),
    )


@router.delete(
    "/{int:partner_id}/contacts/{int:contact_id}", response={204: None, **ERROR_RESPONSES}
)
def remove_contact(request: HttpRequest, partner_id: int, contact_id: int):
    services.remove_contact(actor=actor_of(request), partner_id=partner_id, contact_id=contact_id)
    return Status(204, None)
