"""Shared fixtures: two legal entities and a fixed cast of personas, one per role code."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from ordo.governance.permissions import ROLE_CODES


def pytest_collection_modifyitems(config, items):
    if settings.IS_POSTGRES:
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (run by make test with DATABASE_URL=postgres://…)"
    )
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher costs ~0.3 s a user; tests create hundreds of personas.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def company_be(db):
    from ordo.governance.services import CompanyInput, create_company

    return create_company(
        actor=None,
        data=CompanyInput(
            code="ORDO-BE",
            name="Ordo Distribution Belgium NV",
            currency="EUR",
            country="BE",
            vat_number="BE0403019261",
            street="Rue de la Loi 16",
            city="Brussels",
            postal_code="1000",
            endpoint_id="5410000000002",
            endpoint_scheme="0088",
        ),
    )


@pytest.fixture
def company_nl(db):
    from ordo.governance.services import CompanyInput, create_company

    return create_company(
        actor=None,
        data=CompanyInput(
            code="ORDO-NL",
            name="Ordo Distributie Nederland BV",
            currency="EUR",
            country="NL",
            vat_number="NL004495445B01",
            street="Damrak 1",
            city="Amsterdam",
            postal_code="1012 LG",
        ),
    )


@pytest.fixture
def make_user(db):
    """make_user("sales_rep", company_be, username="sam") → a user with that role there."""
    from ordo.governance.services import create_or_update_user

    def make(role: str, *companies, username: str | None = None, password: str = "ordo-test-pw"):
        name = username or f"{role}-{'-'.join(c.code.lower() for c in companies) or 'none'}"
        return create_or_update_user(
            actor=None,
            username=name,
            password=password,
            company_codes=[c.code for c in companies],
            role_codes=[role] if companies else [],
        )

    return make


@pytest.fixture
def personas(company_be, make_user):
    """One user per role code, each a member of ORDO-BE only (the cast of STYLE.md)."""
    return {role: make_user(role, company_be, username=role) for role in ROLE_CODES}


@pytest.fixture
def client_for():
    """client_for(user) → a Django test client signed in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
