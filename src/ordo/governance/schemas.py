"""Shapes of governance's JSON: decimals travel as strings, never JSON numbers."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema

from ordo.core.apiutils import Page


class CompanyIn(Schema):
    code: str
    name: str
    currency: str
    country: str
    vat_number: str = ""
    registration_number: str = ""
    street: str = ""
    city: str = ""
    postal_code: str = ""
    iban: str = ""
    endpoint_id: str = ""
    endpoint_scheme: str = ""


class CompanyPatch(Schema):
    code: str | None = None
    name: str | None = None
    currency: str | None = None
    country: str | None = None
    vat_number: str | None = None
    registration_number: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    iban: str | None = None
    endpoint_id: str | None = None
    endpoint_scheme: str | None = None


class CompanyOut(Schema):
    id: int
    code: str
    name: str
    currency: str
    country: str
    vat_number: str
    registration_number: str
    street: str
    city: str
    postal_code: str
    iban: str
    endpoint_id: str
    endpoint_scheme: str
    is_active: bool


class ApprovalOut(Schema):
    id: int
    company: str
    document_type: str
    document_id: str
    document_label: str
    requested_by: str
    requested_at: datetime.datetime
    approver_roles: list[str]
    reasons: list[str]
    status: str
    decided_by: str | None
    decided_at: datetime.datetime | None
    decision_reason: str


class ApprovalPage(Page):
    items: list[ApprovalOut]


class DecisionIn(Schema):
    reason: str = ""


class PolicyIn(Schema):
    company: int | str  # id or code of one of the caller's companies
    name: str
    document_type: str
    metric: str
    operator: str = "gt"
    threshold: str  # decimal string, e.g. "10" or "5000.00"
    approver_role: str  # role code


class PolicyOut(Schema):
    id: int
    company: str
    name: str
    document_type: str
    metric: str
    operator: str
    threshold: str
    approver_role: str
    is_active: bool


class PolicyPage(Page):
    items: list[PolicyOut]


class AuditOut(Schema):
    id: int
    occurred_at: datetime.datetime
    actor: str
    company: str | None
    action: str
    target_type: str
    target_id: str
    target_label: str
    changes: dict[str, Any]
    reason: str
    seal_number: int | None


class AuditPage(Page):
    items: list[AuditOut]


class CompanyAccessOut(Schema):
    id: int
    code: str
    name: str
    roles: list[str]
    permissions: list[str]


class MeOut(Schema):
    username: str
    full_name: str
    companies: list[CompanyAccessOut]
