"""``ordo demo`` loads the regional distributor through the services, and only once."""

from io import StringIO

import pytest
from django.core.management import call_command
from stdnum import ean

from ordo.governance.permissions import ROLE_CODES

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_regional_distributor_and_a_second_run_writes_nothing(client):
    from ordo.catalog.models import Packaging, PriceList, PriceRule, Product, SupplierPrice
    from ordo.core.models import AuditEntry, Company, User
    from ordo.governance.models import ApprovalPolicy, Membership
    from ordo.partners.models import Partner

    call_command("demo", stdout=StringIO())

    assert list(Company.objects.values_list("code", flat=True)) == ["ORDO-BE", "ORDO-NL"]
    assert Partner.objects.filter(is_customer=True).count() == 36
    assert Partner.objects.filter(is_supplier=True).count() == 12
    assert Product.objects.count() == 194
    assert all(ean.is_valid(g) for g in Product.objects.values_list("gtin", flat=True))
    assert Packaging.objects.count() == 194
    assert PriceList.objects.count() == 6
    assert PriceRule.objects.count() > 100
    assert SupplierPrice.objects.count() == 194
    assert ApprovalPolicy.objects.count() == 6
    roles_held = set(Membership.objects.values_list("role__code", flat=True))
    assert roles_held == set(ROLE_CODES)
    assert User.objects.count() == 11
    # Everything went through the services: each record has its audit row.
    assert AuditEntry.objects.filter(action="catalog.product.imported").count() == 194
    assert AuditEntry.objects.filter(action="partners.partner.created").count() == 48
    # The books: six invoices and two bills per company, paid in part, and a statement
    # of four lines waiting in the workbench with three suggestions.
    from ordo.accounting import banking
    from ordo.accounting.models import BankStatement, Invoice, Payment

    assert Invoice.objects.filter(kind="customer_invoice", state="paid").count() == 2
    assert Invoice.objects.filter(kind="customer_invoice").count() == 12
    assert Invoice.objects.filter(kind="supplier_bill").count() == 4
    assert Payment.objects.count() == 6
    accountant = User.objects.get(username="accountant")
    for statement in BankStatement.objects.all():
        found = banking.suggestions_for(accountant, statement.pk)
        assert [s.suggestion.rule for s in found] == [
            "reference_amount",
            "partner_amount",
            "reference_amount",
        ]
    audit_rows = AuditEntry.objects.count()

    call_command("demo", stdout=StringIO())
    assert AuditEntry.objects.count() == audit_rows
    assert Product.objects.count() == 194

    out = StringIO()
    call_command("integrity", stdout=out)
    assert out.getvalue().strip().endswith("All integrity invariants hold.")
    assert client.login(username="sales_rep", password="ordo-demo")
