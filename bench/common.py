"""Shared set-up for the benchmarks: a company, an acting user, reference master data."""

from __future__ import annotations

import resource
import time
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, reset_queries


def setup_reference_data():
    """Create (once) a company, an admin acting user, units and a product category."""
    from ordo.catalog import services as catalog
    from ordo.catalog.models import ProductCategory, Unit
    from ordo.core.models import Company, User
    from ordo.governance.services import (
        CompanyInput,
        create_company,
        create_or_update_user,
        ensure_roles,
    )

    ensure_roles()
    company = Company.objects.filter(code="BENCH").first() or create_company(
        actor=None,
        data=CompanyInput(code="BENCH", name="Bench Distribution NV", currency="EUR", country="BE"),
    )
    admin = User.objects.filter(username="bench-admin").first() or create_or_update_user(
        actor=None,
        username="bench-admin",
        password="bench-password",
        company_codes=["BENCH"],
        role_codes=["admin"],
    )
    if not Unit.objects.filter(code="PCE").exists():
        catalog.create_unit_category(actor=admin, code="COUNT", name="Count")
        catalog.create_unit(
            actor=admin,
            data=catalog.UnitInput(
                code="PCE", name="Piece", category="COUNT", factor=Decimal(1), is_reference=True
            ),
        )
        catalog.create_unit(
            actor=admin,
            data=catalog.UnitInput(
                code="BOX12",
                name="Box of 12",
                category="COUNT",
                factor=Decimal(12),
                rounding=Decimal(1),
            ),
        )
    if not ProductCategory.objects.filter(code="BENCH").exists():
        catalog.create_product_category(
            actor=admin, data=catalog.ProductCategoryInput(code="BENCH", name="Bench")
        )
    return company, admin


@contextmanager
def measured(result: dict, key: str = "seconds"):
    """Time the block (wall clock) and count its SQL queries into ``result``."""
    from django.conf import settings

    debug = settings.DEBUG
    settings.DEBUG = True  # so the connection records queries
    reset_queries()
    start = time.perf_counter()
    try:
        yield
    finally:
        result[key] = round(time.perf_counter() - start, 3)
        result["queries"] = len(connection.queries)
        settings.DEBUG = debug
        reset_queries()


def peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
