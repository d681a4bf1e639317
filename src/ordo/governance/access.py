"""Who may do what, where: permission checks and company visibility.

Services call ``require``; every read path filters through ``visible_company_ids`` so a
record of another company answers 404, never 403 with its name.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ordo.core.errors import NotFound, PermissionDenied
from ordo.core.models import Company, User

from .models import Membership
from .permissions import PERMISSIONS


def _permission_cache(user: User) -> dict[int, frozenset[str]]:
    cache = getattr(user, "_ordo_permissions", None)
    if cache is None:
        cache: dict[int, set[str]] = {}
        rows = Membership.objects.filter(user=user, company__is_active=True).values_list(
            "company_id", "role__permissions__code"
        )
        for company_id, code in rows:
            cache.setdefault(company_id, set())
            if code:
                cache[company_id].add(code)
        cache = {k: frozenset(v) for k, v in cache.items()}
        user._ordo_permissions = cache
    return cache


def forget_permissions(user: User) -> None:
    """Drop the per-object cache after memberships change."""
    if hasattr(user, "_ordo_permissions"):
        del user._ordo_permissions


def permissions_by_company(user: User) -> dict[int, frozenset[str]]:
    """The user's permissions in each of their (active) companies."""
    if user is None or not user.is_authenticated:
        return {}
    return dict(_permission_cache(user))


def visible_company_ids(user: User) -> frozenset[int]:
    """Companies the user is a member of (and so may see documents of)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    return frozenset(_permission_cache(user))


def visible_companies(user: User) -> QuerySet[Company]:
    return Company.objects.filter(pk__in=visible_company_ids(user)).order_by("code")


def has_permission(user: User, permission: str, company: Company | int | None = None) -> bool:
    """True if the user holds ``permission`` in ``company`` (or in any company if None)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cache = _permission_cache(user)
    if company is None:
        return any(permission in perms for perms in cache.values())
    company_id = company if isinstance(company, int) else company.pk
    return permission in cache.get(company_id, frozenset())


def require(user: User, permission: str, company: Company | int | None = None) -> None:
    """Raise PermissionDenied unless the user holds the permission (where it applies)."""
    if not has_permission(user, permission, company):
        where = ""
        if isinstance(company, Company):
            where = f" in {company.code}"
        raise PermissionDenied(
            f"{getattr(user, 'username', 'Anonymous')} may not do this{where}: "
            f"it needs the permission {permission} ({PERMISSIONS[permission]}).",
            details={"permission": permission},
        )


def require_member(user: User) -> None:
    """Group-wide master data is visible to anyone who belongs to at least one company."""
    if not visible_company_ids(user):
        raise PermissionDenied(
            f"{getattr(user, 'username', 'Anonymous')} belongs to no company.",
            code="permission.no_company",
        )


def get_visible_company(user: User, company_id_or_code: int | str) -> Company:
    """The company by id or code if the user is a member of it, else NotFound."""
    ids = visible_company_ids(user)
    qs = Company.objects.filter(pk__in=ids)
    if isinstance(company_id_or_code, int) or str(company_id_or_code).isdigit():
        company = qs.filter(pk=int(company_id_or_code)).first()
    else:
        company = qs.filter(code=company_id_or_code).first()
    if company is None:
        raise NotFound(f"Company {company_id_or_code} not found.", code="company.not_found")
    return company
