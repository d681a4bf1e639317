from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from ordo.governance.models import Membership

pytestmark = pytest.mark.django_db


def memberships(username):
    return sorted(
        Membership.objects.filter(user__username=username).values_list(
            "company__code", "role__code"
        )
    )


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue().strip()


def test_createuser_grants_roles_in_companies(company_be, company_nl):
    output = run(
        "createuser",
        "alice",
        "--password",
        "alice-pw-123",
        "--company",
        "ORDO-BE",
        "--role",
        "sales_rep",
        "--role",
        "customer_service",
    )

    assert output == "User alice: roles sales_rep, customer_service in ORDO-BE."
    assert memberships("alice") == [("ORDO-BE", "customer_service"), ("ORDO-BE", "sales_rep")]


def test_createuser_again_adds_a_membership(company_be, company_nl):
    run(
        "createuser",
        "alice",
        "--password",
        "alice-pw-123",
        "--company",
        "ORDO-BE",
        "--role",
        "sales_rep",
    )
    run("createuser", "alice", "--company", "ORDO-NL", "--role", "manager")

    assert memberships("alice") == [("ORDO-BE", "sales_rep"), ("ORDO-NL", "manager")]


def test_createuser_with_an_unknown_role_names_it(company_be):
    with pytest.raises(CommandError) as exc:
        run(
            "createuser",
            "bob",
            "--password",
            "bob-pw-1234",
            "--company",
            "ORDO-BE",
            "--role",
            "pope",
        )

    assert str(exc.value).startswith("Unknown role code(s): pope; known: admin, sales_rep,")
    assert memberships("bob") == []


def test_createuser_with_an_unknown_company_names_it(db):
    with pytest.raises(CommandError) as exc:
        run(
            "createuser", "bob", "--password", "bob-pw-1234", "--company", "NOPE", "--role", "admin"
        )

    assert str(exc.value) == "Unknown company code(s): NOPE."


def test_a_cli_token_authenticates_until_revoked(company_be):
    run(
        "createuser",
        "alice",
        "--password",
        "alice-pw-123",
        "--company",
        "ORDO-BE",
        "--role",
        "auditor",
    )
    token = run("token", "create", "alice", "--name", "ci")
    client = Client()

    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    revoked = run("token", "revoke", "alice")
    after = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert token.startswith("ordo_")
    assert me.status_code == 200
    assert me.json()["username"] == "alice"
    assert [c["roles"] for c in me.json()["companies"]] == [["auditor"]]
    assert revoked == "Revoked 1 token(s) of alice."
    assert after.status_code == 401
    assert after.json()["code"] == "auth.required"


def test_a_token_for_an_unknown_user_is_refused(db):
    with pytest.raises(CommandError) as exc:
        run("token", "create", "ghost")
    assert str(exc.value) == "User ghost not found."


def test_ordo_check_passes_on_a_consistent_database(personas):
    output = run("integrity")

    assert output.endswith("All integrity invariants hold.")
    assert "[OK] The audit chain verifies (invariant 5)." in output


def test_company_create_registers_a_legal_entity_and_refuses_a_bad_vat_number(db):
    from ordo.core.models import Company

    out = StringIO()
    call_command(
        "company",
        "create",
        "ACME",
        "--name",
        "Acme NV",
        "--currency",
        "EUR",
        "--country",
        "BE",
        "--vat",
        "BE0403019261",
        stdout=out,
    )
    assert out.getvalue().strip() == "Company ACME created: Acme NV."
    assert Company.objects.get(code="ACME").vat_number == "BE0403019261"
    with pytest.raises(CommandError) as refused:
        call_command(
            "company",
            "create",
            "BAD",
            "--name",
            "Bad NV",
            "--currency",
            "EUR",
            "--country",
            "BE",
            "--vat",
            "BE0403019262",
        )
    assert str(refused.value).startswith("BE0403019262 is not a valid VAT number")
    assert not Company.objects.filter(code="BAD").exists()
