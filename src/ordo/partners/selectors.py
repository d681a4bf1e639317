"""Reads of the partners app.

Partners, payment terms and customer groups are group-wide master data: any member of a
company holding partners.partner.view sees them. Per-company settings are only shown for
the reader's own companies.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from ordo.core.models import User
from ordo.core.money import minor_units
from ordo.governance.access import require, visible_company_ids

from .domain import Installment, InstallmentRule, installment_schedule
from .errors import AddressNotFound, ContactNotFound, PartnerNotFound, PaymentTermNotFound
from .models import (
    Address,
    Contact,
    CustomerGroup,
    Partner,
    PartnerCompanySettings,
    PaymentTerm,
    PaymentTermLine,
)

VIEW = "partners.partner.view"


def list_partners(
    *,
    actor: User,
    role: str | None = None,
    search: str | None = None,
    is_active: bool | None = None,
) -> QuerySet[Partner]:
    """Partners ordered by code; ``role`` customer|supplier; ``search`` in code, name, VAT."""
    require(actor, VIEW)
    qs = Partner.objects.select_related("customer_group").order_by("code")
    if role == "customer":
        qs = qs.filter(is_customer=True)
    elif role == "supplier":
        qs = qs.filter(is_supplier=True)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    text = (search or "").strip()
    if text:
        compact = text.replace(" ", "").replace(".", "").upper()
        qs = qs.filter(
            Q(code__icontains=text)
            | Q(name__icontains=text)
            | Q(vat_number__icontains=compact or text)
        )
    return qs


def get_partner(*, actor: User, partner_id: int) -> Partner:
    """One partner with its addresses and contacts, or PartnerNotFound (404)."""
    require(actor, VIEW)
    partner = (
        Partner.objects.select_related("customer_group")
        .prefetch_related(
            Prefetch("addresses", queryset=Address.objects.order_by("kind", "-is_default", "id")),
            Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary", "name")),
        )
        .filter(pk=partner_id)
        .first()
    )
    if partner is None:
        raise PartnerNotFound(f"Partner {partner_id} not found.")
    return partner


def find_partner_by_code(*, actor: User, code: str) -> Partner | None:
    require(actor, VIEW)
    return Partner.objects.filter(code=(code or "").strip().upper()).first()


def list_partner_company_settings(*, actor: User, partner: Partner) -> list[PartnerCompanySettings]:
    """The partner's settings in the reader's companies only (others are never shown)."""
    return list(
        PartnerCompanySettings.objects.filter(
            partner=partner, company_id__in=visible_company_ids(actor)
        )
        .select_related("company", "customer_payment_term", "supplier_payment_term")
        .order_by("company__code")
    )


def list_payment_terms(*, actor: User, is_active: bool | None = None) -> QuerySet[PaymentTerm]:
    require(actor, VIEW)
    qs = PaymentTerm.objects.prefetch_related(
        Prefetch("lines", queryset=PaymentTermLine.objects.order_by("sequence"))
    ).order_by("code")
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs


def get_payment_term(*, actor: User, payment_term_id: int) -> PaymentTerm:
    """One payment term with its lines, or PaymentTermNotFound (404)."""
    term = list_payment_terms(actor=actor).filter(pk=payment_term_id).first()
    if term is None:
        raise PaymentTermNotFound(f"Payment term {payment_term_id} not found.")
    return term


def list_customer_groups(*, actor: User) -> QuerySet[CustomerGroup]:
    """Customer groups by code, each annotated with ``customer_count``."""
    require(actor, VIEW)
    return CustomerGroup.objects.annotate(customer_count=Count("customers")).order_by("code")


def get_address(*, actor: User, partner_id: int, address_id: int) -> Address:
    """One address of a partner, or PartnerNotFound / AddressNotFound (404)."""
    partner = get_partner(actor=actor, partner_id=partner_id)
    address = next((a for a in partner.addresses.all() if a.pk == address_id), None)
    if address is None:
        raise AddressNotFound(f"Address {address_id} not found for partner {partner.code}.")
    return address


def get_contact(*, actor: User, partner_id: int, contact_id: int) -> Contact:
    """One contact of a partner, or PartnerNotFound / ContactNotFound (404)."""
    partner = get_partner(actor=actor, partner_id=partner_id)
    contact = next((c for c in partner.contacts.all() if c.pk == contact_id), None)
    if contact is None:
        raise ContactNotFound(f"Contact {contact_id} not found for partner {partner.code}.")
    return contact


def payment_term_installments(
    term: PaymentTerm, *, invoice_date: datetime.date, total_amount: Decimal, currency: str
) -> list[Installment]:
    """Due dates and amounts of an invoice under ``term`` (its lines as loaded), through
    ``domain.installment_schedule``; [] for a term without valid lines."""
    rules = [
        InstallmentRule(percent=line.percent, days=line.days, is_end_of_month=line.is_end_of_month)
        for line in term.lines.all()
    ]
    try:
        return installment_schedule(
            rules,
            invoice_date=invoice_date,
            total_amount=total_amount,
            minor_units=minor_units(currency),
        )
    except ValueError:
        return []
