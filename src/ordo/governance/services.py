"""Writes of governance: companies, users and roles, API tokens.

``actor=None`` means the system administrator at the command line (``ordo createuser``,
``ordo demo``): the operating-system account that runs Ordo is trusted to bootstrap it.
Every other caller passes the signed-in user, whose permissions are checked.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ordo.core.audit import record_audit, snapshot
from ordo.core.errors import DuplicateRecord, InvalidInput, NotFound, ValidationErrors
from ordo.core.events import emit
from ordo.core.models import Company, User

from .access import forget_permissions, require, visible_company_ids
from .models import ApiToken, Membership, Permission, Role
from .permissions import PERMISSIONS, ROLES
from .validation import clean_country, clean_endpoint, clean_iban, clean_vat_number


def ensure_roles() -> None:
    """Make the Permission and Role tables match ``permissions.py`` (idempotent)."""
    existing = {p.code: p for p in Permission.objects.all()}
    for code, description in PERMISSIONS.items():
        if code not in existing:
            existing[code] = Permission.objects.create(code=code, description=description)
        elif existing[code].description != description:
            Permission.objects.filter(pk=existing[code].pk).update(description=description)
    for code, (name, perms) in ROLES.items():
        role, _ = Role.objects.update_or_create(code=code, defaults={"name": name})
        role.permissions.set([existing[p] for p in perms])


@dataclass(frozen=True, kw_only=True)
class CompanyInput:
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


def _clean_company(data: CompanyInput) -> dict:
    from ordo.core.money import validate_currency

    errors: list[InvalidInput] = []
    values: dict = {}
    code = data.code.strip().upper()
    if not code:
        errors.append(
            InvalidInput("Company code is required.", field="code", code="company.code_required")
        )
    if not data.name.strip():
        errors.append(
            InvalidInput("Company name is required.", field="name", code="company.name_required")
        )
    for field, fn in (
        ("currency", validate_currency),
        ("country", clean_country),
        ("vat_number", clean_vat_number),
        ("iban", clean_iban),
    ):
        try:
            values[field] = fn(getattr(data, field), field=field)
        except InvalidInput as exc:
            errors.append(exc)
    try:
        values["endpoint_id"], values["endpoint_scheme"] = clean_endpoint(
            data.endpoint_id, data.endpoint_scheme
        )
    except InvalidInput as exc:
        errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
    values.update(
        code=code,
        name=data.name.strip(),
        registration_number=data.registration_number.strip(),
        street=data.street.strip(),
        city=data.city.strip(),
        postal_code=data.postal_code.strip(),
    )
    return values


@transaction.atomic
def create_company(*, actor: User | None, data: CompanyInput) -> Company:
    """Register a legal entity. Raises InvalidInput, DuplicateRecord (code taken)."""
    if actor is not None:
        require(actor, "core.company.manage")
    values = _clean_company(data)
    if existing := Company.objects.filter(code=values["code"]).first():
        raise DuplicateRecord(
            f"A company with code {existing.code} already exists: {existing.name}.",
            code="company.duplicate",
            details={"id": existing.pk},
        )
    company = Company.objects.create(**values)
    record_audit(
        actor=actor,
        action="core.company.created",
        target=company,
        company=company,
        after=snapshot(company),
    )
    emit("core.company.created", company_id=company.pk)
    return company


@transaction.atomic
def update_company(*, actor: User | None, company_id: int, data: CompanyInput) -> Company:
    """Change a legal entity's details. Raises NotFound (not one of the actor's companies),
    PermissionDenied, InvalidInput, DuplicateRecord."""
    companies = Company.objects.select_for_update().filter(pk=company_id)
    if actor is not None:
        companies = companies.filter(pk__in=visible_company_ids(actor))
    company = companies.first()
    if company is None:
        raise NotFound(f"Company {company_id} not found.", code="company.not_found")
    if actor is not None:
        require(actor, "core.company.manage", company)
    values = _clean_company(data)
    if values["code"] != company.code and Company.objects.filter(code=values["code"]).exists():
        raise DuplicateRecord(
            f"A company with code {values['code']} already exists.", code="company.duplicate"
        )
    before = snapshot(company)
    for key, value in values.items():
        setattr(company, key, value)
    company.save()
    record_audit(
        actor=actor,
        action="core.company.updated",
        target=company,
        company=company,
        before=before,
        after=snapshot(company),
    )
    return company


@transaction.atomic
def create_or_update_user(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    company_codes: list[str],
    role_codes: list[str],
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create the user (or find them) and grant every role in every company given.

    Running it again for the same user adds memberships; a new password replaces the old.
    """
    errors: list[InvalidInput] = []
    username = username.strip()
    if not username:
        errors.append(
            InvalidInput("Username is required.", field="username", code="user.username_required")
        )
    companies = list(Company.objects.filter(code__in=company_codes))
    missing = sorted(set(company_codes) - {c.code for c in companies})
    if missing:
        errors.append(
            InvalidInput(
                f"Unknown company code(s): {', '.join(missing)}.",
                field="company",
                code="company.unknown",
                details={"value": missing},
            )
        )
    roles = list(Role.objects.filter(code__in=role_codes))
    missing_roles = sorted(set(role_codes) - {r.code for r in roles})
    if missing_roles:
        errors.append(
            InvalidInput(
                f"Unknown role code(s): {', '.join(missing_roles)}; known: {', '.join(ROLES)}.",
                field="role",
                code="role.unknown",
                details={"value": missing_roles},
            )
        )
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
    for company in companies:
        if actor is not None:
            require(actor, "governance.user.manage", company)
    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    if created:
        if not password:
            raise InvalidInput(
                "A new user needs a password.", field="password", code="user.password_required"
            )
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    user.save()
    if created:
        record_audit(
            actor=actor,
            action="core.user.created",
            target=user,
            after={"username": username, "email": email},
        )
    elif password:
        record_audit(actor=actor, action="core.user.password_changed", target=user)
    for company in companies:
        for role in roles:
            _, new = Membership.objects.get_or_create(user=user, company=company, role=role)
            if new:
                record_audit(
                    actor=actor,
                    action="governance.role.granted",
                    target=user,
                    company=company,
                    after={"company": company.code, "role": role.code},
                )
    forget_permissions(user)
    return user


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, actor: User | None, username: str, name: str = "") -> tuple[ApiToken, str]:
    """Issue a bearer token for a user; the raw token is returned once and never stored."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"User {username} not found.", code="user.not_found")
    if actor is not None and actor != user:
        require(actor, "governance.user.manage")
    raw = "ordo_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, prefix=raw[:12], token_hash=_hash_token(raw), name=name
    )
    record_audit(
        actor=actor,
        action="governance.token.created",
        target=token,
        after={"user": user.username, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def revoke_api_tokens(*, actor: User | None, username: str, token_id: int | None = None) -> int:
    """Revoke all of a user's active tokens, or only ``token_id``. Returns how many."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"User {username} not found.", code="user.not_found")
    if actor is not None and actor != user:
        require(actor, "governance.user.manage")
    tokens = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if token_id is not None:
        tokens = tokens.filter(pk=token_id)
        if not tokens.exists():
            raise NotFound(
                f"No active token {token_id} for user {username}.", code="token.not_found"
            )
    now = timezone.now()
    revoked = list(tokens)
    for token in revoked:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record_audit(
            actor=actor,
            action="governance.token.revoked",
            target=token,
            after={"user": user.username, "prefix": token.prefix},
        )
    return len(revoked)


def authenticate_token(raw: str) -> User | None:
    """The active user behind a bearer token, or None. Updates last use at most once a minute."""
    if not raw or not raw.startswith("ordo_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
