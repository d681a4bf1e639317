"""API shapes of the partners app. Money and percents travel as decimal strings."""

from __future__ import annotations

from ninja import Schema

from ordo.core.apiutils import Page


class AddressIn(Schema):
    kind: str = "invoice"
    street: str
    street2: str = ""
    postal_code: str = ""
    city: str
    country: str
    gln: str = ""
    is_default: bool = False


class AddressOut(AddressIn):
    id: int


class AddressPatch(Schema):
    """Only the fields sent change."""

    kind: str | None = None
    street: str | None = None
    street2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    gln: str | None = None
    is_default: bool | None = None


class ContactIn(Schema):
    name: str
    job_title: str = ""
    email: str = ""
    phone: str = ""
    is_primary: bool = False


class ContactOut(ContactIn):
    id: int


class ContactPatch(Schema):
    """Only the fields sent change."""

    name: str | None = None
    job_title: str | None = None
    email: str | None = None
    phone: str | None = None
    is_primary: bool | None = None


class PartnerIn(Schema):
    code: str
    name: str
    is_customer: bool = False
    is_supplier: bool = False
    customer_group: str | None = None
    vat_number: str = ""
    registration_number: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    language: str = "en"
    currency: str = ""
    endpoint_id: str = ""
    endpoint_scheme: str = ""
    supplier_lead_time_days: int | None = None
    addresses: list[AddressIn] = []
    contacts: list[ContactIn] = []


class PartnerPatch(Schema):
    """Only the fields sent change; ``addresses``/``contacts`` when sent replace the lists."""

    code: str | None = None
    name: str | None = None
    is_customer: bool | None = None
    is_supplier: bool | None = None
    customer_group: str | None = None
    vat_number: str | None = None
    registration_number: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    language: str | None = None
    currency: str | None = None
    endpoint_id: str | None = None
    endpoint_scheme: str | None = None
    supplier_lead_time_days: int | None = None
    addresses: list[AddressIn] | None = None
    contacts: list[ContactIn] | None = None


class PartnerSummaryOut(Schema):
    id: int
    code: str
    name: str
    is_customer: bool
    is_supplier: bool
    customer_group: str | None
    vat_number: str
    email: str
    currency: str
    is_active: bool


class CompanySettingsOut(Schema):
    company: str
    currency: str
    credit_limit_amount: str | None
    customer_payment_term: str | None
    supplier_payment_term: str | None
    is_blocked: bool


class PartnerOut(PartnerSummaryOut):
    registration_number: str
    phone: str
    website: str
    language: str
    endpoint_id: str
    endpoint_scheme: str
    supplier_lead_time_days: int | None
    addresses: list[AddressOut]
    contacts: list[ContactOut]
    company_settings: list[CompanySettingsOut]


class PartnerPage(Page):
    items: list[PartnerSummaryOut]


class CompanySettingsIn(Schema):
    credit_limit_amount: str | None = None
    customer_payment_term: str | None = None
    supplier_payment_term: str | None = None
    is_blocked: bool = False


class PaymentTermLineIn(Schema):
    percent: str
    days: int = 0
    is_end_of_month: bool = False


class PaymentTermIn(Schema):
    code: str
    name: str
    description: str = ""
    lines: list[PaymentTermLineIn]


class PaymentTermPatch(Schema):
    """Only the fields sent change; ``lines`` when sent replace all installments."""

    code: str | None = None
    name: str | None = None
    description: str | None = None
    lines: list[PaymentTermLineIn] | None = None


class PaymentTermLineOut(Schema):
    sequence: int
    percent: str
    days: int
    is_end_of_month: bool


class PaymentTermOut(Schema):
    id: int
    code: str
    name: str
    description: str
    is_active: bool
    lines: list[PaymentTermLineOut]


class CustomerGroupIn(Schema):
    code: str
    name: str


class CustomerGroupOut(Schema):
    id: int
    code: str
    name: str
