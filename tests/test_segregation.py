"""The segregation matrix: every persona × two companies × every list and detail path.

A user of one company must never see a record of the other: lists leave it out, detail
paths answer 404 (never 403 with its name), and no response body carries one of the
other company's marker values. New API GET paths must be added to DETAIL_CASES (the
test fails on an unknown one), so an endpoint cannot ship without this check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from ordo.api import api
from ordo.governance.permissions import ROLE_CODES

pytestmark = pytest.mark.django_db

PARAM = re.compile(r"\{(\w+)\}")


@dataclass
class Secrets:
    """Records that belong to ``company`` only, and strings that betray them."""

    company: object
    ids: dict[str, object]
    markers: list[str]


def _shared_master_data(admin):
    from ordo.catalog import services as catalog
    from ordo.partners import services as partners

    catalog.create_unit_category(actor=admin, code="COUNT", name="Count")
    catalog.create_unit(
        actor=admin,
        data=catalog.UnitInput(
            code="PCE", name="Piece", category="COUNT", factor=Decimal(1), is_reference=True
        ),
    )
    catalog.create_product_category(
        actor=admin, data=catalog.ProductCategoryInput(code="BEV", name="Beverages")
    )
    product = catalog.create_product(
        actor=admin,
        data=catalog.ProductInput(
            sku="WIDGET-RED",
            name="Widget red",
            category="BEV",
            stock_unit="PCE",
            gtin="4006381333931",
        ),
    )
    customer = partners.create_partner(
        actor=admin,
        data=partners.PartnerInput(
            code="ACME-TRADING", name="Acme Trading", is_customer=True, is_supplier=True
        ),
    )
    return product, customer


def _secrets_of(company, admin, product, customer, tag: str) -> Secrets:
    """Give ``company`` one record of every per-company kind, each carrying a marker."""
    from ordo.catalog import services as catalog
    from ordo.governance import approvals
    from ordo.governance.domain import Hold
    from ordo.imports.services import run_import
    from ordo.partners import services as partners

    n = 1 if tag == "A" else 2
    price_list = catalog.create_price_list(
        actor=admin,
        company=company,
        data=catalog.PriceListInput(
            code=f"SECRET-{tag}", name=f"Secret list {tag}", currency="EUR"
        ),
    )
    partners.set_partner_company_settings(
        actor=admin,
        partner_id=customer.pk,
        company_id=company.pk,
        credit_limit_amount=Decimal(f"98765{n}.32"),
    )
    catalog.set_product_company_settings(
        actor=admin,
        product_id=product.pk,
        company=company,
        list_price=Decimal(f"987{n}.54"),
        standard_cost=Decimal(f"876{n}.4321"),
    )
    supplier_price = catalog.create_supplier_price(
        actor=admin,
        company=company,
        data=catalog.SupplierPriceInput(
            supplier_id=customer.pk,
            product_id=product.pk,
            price=Decimal(f"765{n}.4321"),
            currency="EUR",
            supplier_sku=f"SECRET-SKU-{tag}",
        ),
    )
    policy = approvals.create_approval_policy(
        actor=admin,
        company=company,
        data=approvals.PolicyInput(
            name=f"Secret policy {tag}",
            document_type="test.order",
            metric="amount",
            threshold="1000",
            approver_role="manager",
        ),
    )
    request = approvals.request_approval(
        actor=admin,
        company=company,
        document_type="test.order",
        document_id=f"{tag}-1",
        document_label=f"SECRET-ORDER-{tag}",
        holds=[
            Hold(
                policy_id=policy.pk,
                approver_role_code="manager",
                reason_text=f"Secret reason {tag}",
            )
        ],
    )
    run = run_import(
        actor=admin,
        kind="customers",
        filename=f"secret-{tag}.csv",
        content=f"code,name\nSECRET-CUSTOMER-{tag},Secret customer {tag}\n".encode(),
    )
    entry = _posted_journal_entry(company, admin, customer, tag, n)
    tax = _secret_tax(company, admin, tag)
    invoice, bill, payment, statement = _secret_documents(company, admin, customer, tax, tag, n)
    return Secrets(
        company=company,
        ids={
            "entry_id": entry.pk,
            "company_id": company.pk,
            "price_list_id": price_list.pk,
            "request_id": request.pk,
            "policy_id": policy.pk,
            "import_id": run.import_id,
            "supplier_price_id": supplier_price.pk,
            "tax_id": tax.pk,
            "invoice_id": invoice.pk,
            "bill_id": bill.pk,
            "payment_id": payment.pk,
            "statement_id": statement.pk,
        },
        markers=[  # the company code comes first (see the ?company= check)
            company.code,
            company.name,
            f"SECRET-{tag}",
            f"Secret list {tag}",
            f"98765{n}.32",
            f"987{n}.54",
            f"876{n}.4321",
            f"765{n}.4321",
            f"SECRET-SKU-{tag}",
            f"Secret policy {tag}",
            f"SECRET-ORDER-{tag}",
            f"Secret reason {tag}",
            f"Secret entry {tag}",
            f"5432{n}.19",
            f"Secret tax {tag}",
            f"BILLREF-{tag}-SECRET",
            f"Secret invoice line {tag}",
            f"PAYREF-{tag}-SECRET",
            f"STMTREF-{tag}-SECRET",
        ],
    )


def _secret_documents(company, admin, customer, tax, tag: str, n: int):
    """A posted invoice, a draft bill and a payment of ``company`` carrying markers."""
    import datetime as dt

    from ordo.accounting import invoicing, payments
    from ordo.accounting import services as accounting
    from ordo.accounting.invoicing import InvoiceLineInput

    accounting.install_default_taxes(actor=admin, company=company)
    invoice = invoicing.create_and_post_invoice(
        actor=admin,
        company=company,
        kind="customer_invoice",
        partner_id=customer.pk,
        invoice_date=dt.date(2026, 3, 15),
        lines=[InvoiceLineInput(f"Secret invoice line {tag}", Decimal(1), Decimal("10"), tax.code)],
    )
    bill = invoicing.create_invoice(
        actor=admin,
        company=company,
        kind="supplier_bill",
        partner_id=customer.pk,
        invoice_date=dt.date(2026, 3, 15),
        partner_reference=f"BILLREF-{tag}-SECRET",
        lines=[
            InvoiceLineInput(f"Secret invoice line {tag}", Decimal(1), Decimal("10"), "VAT21-P")
        ],
    )
    payment = payments.register_payment(
        actor=admin,
        company=company,
        direction="inbound",
        partner_id=customer.pk,
        amount=Decimal("3.00"),
        payment_date=dt.date(2026, 3, 20),
        reference=f"PAYREF-{tag}-SECRET",
    )
    from ordo.accounting import banking
    from ordo.accounting.tests.test_banking import camt053

    (statement,) = banking.import_bank_statement(
        actor=admin,
        company=company,
        data=camt053([("3.00", f"STMTREF-{tag}-SECRET", "Acme")], statement_id=f"STMT-{tag}"),
    )
    return invoice, bill, payment, statement


def _posted_journal_entry(company, admin, customer, tag: str, n: int):
    """A posted journal entry of ``company`` whose label and amount are markers."""
    import datetime as dt

    from ordo.accounting import services as accounting

    accounting.install_chart(actor=admin, company=company)
    accounting.create_fiscal_year(
        actor=admin, company=company, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31)
    )
    return accounting.post_entry_now(
        actor=admin,
        company=company,
        journal_code="SAL",
        entry_date=dt.date(2026, 3, 15),
        label=f"Secret entry {tag}",
        lines=[
            accounting.LineInput(
                account_code="4000", debit=Decimal(f"5432{n}.19"), partner_id=customer.pk
            ),
            accounting.LineInput(account_code="7000", credit=Decimal(f"5432{n}.19")),
        ],
    )


def _secret_tax(company, admin, tag: str):
    """A tax of ``company`` (its chart is installed) whose name is a marker."""
    from ordo.accounting import services as accounting

    return accounting.create_tax(
        actor=admin,
        company=company,
        code=f"SECRET-TAX-{tag}",
        name=f"Secret tax {tag}",
        kind="sale",
        rate="21",
        vat_category="S",
        account="4500",
    )


@pytest.fixture
def world(company_be, company_nl, make_user):
    """Both companies with secrets; a persona of every role in each company alone."""
    group_admin = make_user("admin", company_be, company_nl, username="group-admin")
    product, customer = _shared_master_data(group_admin)
    secrets = {
        company_be.code: _secrets_of(
            company_be, make_user("admin", company_be, username="admin-be"), product, customer, "A"
        ),
        company_nl.code: _secrets_of(
            company_nl, make_user("admin", company_nl, username="admin-nl"), product, customer, "B"
        ),
    }
    users = {
        (role, c.code): make_user(role, c, username=f"{role}-of-{c.pk}")
        for role in ROLE_CODES
        for c in (company_be, company_nl)
    }
    return {"secrets": secrets, "users": users, "product": product, "customer": customer}


# Each API detail path with the id it is given in the matrix: another company's record.
DETAIL_CASES = {
    "/api/v1/approvals/{request_id}": "request_id",
    "/api/v1/approval-policies/{policy_id}": "policy_id",
    "/api/v1/companies/{company_id}": "company_id",
    "/api/v1/price-lists/{price_list_id}": "price_list_id",
    "/api/v1/imports/runs/{import_id}": "import_id",
    "/api/v1/journal-entries/{entry_id}": "entry_id",
    "/api/v1/taxes/{tax_id}": "tax_id",
    "/api/v1/invoices/{invoice_id}": "invoice_id",
    "/api/v1/invoices/{invoice_id}/pdf": "invoice_id",
    "/api/v1/invoices/{invoice_id}/ubl": "invoice_id",
    "/api/v1/bills/{invoice_id}": ("invoice_id", "bill_id"),
    "/api/v1/bills/{invoice_id}/pdf": ("invoice_id", "bill_id"),
    "/api/v1/payments/{payment_id}": "payment_id",
    "/api/v1/bank-statements/{statement_id}": "statement_id",
    "/api/v1/bank-statements/{statement_id}/suggestions": "statement_id",
}
# Detail paths of group-wide master data: visible to all, but must not carry per-company secrets.
SHARED_DETAIL = {
    "/api/v1/partners/{partner_id}": "customer",
    "/api/v1/products/{product_id}": "product",
    "/api/v1/partners/{partner_id}/addresses": "customer",
    "/api/v1/partners/{partner_id}/contacts": "customer",
    "/api/v1/products/{product_id}/company-settings": "product",
    "/api/v1/products/{product_id}/packagings": "product",
    "/api/v1/partners/payment-terms/{payment_term_id}": None,
    "/api/v1/imports/templates/{kind}": None,
}


def _get_paths():
    schema = api.get_openapi_schema()
    return sorted(path for path, ops in schema["paths"].items() if "get" in ops)


def _assert_no_leak(response, secrets: Secrets, where: str):
    body = response.content.decode()
    leaked = [m for m in secrets.markers if m in body]
    assert not leaked, f"{where} shows {leaked} of {secrets.company.code}"


def test_every_api_detail_path_is_in_the_matrix():
    unknown = [
        p
        for p in _get_paths()
        if PARAM.search(p) and p not in DETAIL_CASES and p not in SHARED_DETAIL
    ]
    assert unknown == [], f"add these GET paths to the segregation matrix: {unknown}"


@pytest.mark.parametrize("own, other", [("ORDO-BE", "ORDO-NL"), ("ORDO-NL", "ORDO-BE")])
def test_no_persona_sees_the_other_company_through_the_api(world, client_for, own, other):
    secrets = world["secrets"][other]
    for role in ROLE_CODES:
        client = client_for(world["users"][(role, own)])
        for path in _get_paths():
            if PARAM.search(path):
                continue
            response = client.get(path, {"company": own})
            assert response.status_code in (200, 403), (
                f"{role}@{own} GET {path}: {response.status_code}"
            )
            _assert_no_leak(response, secrets, f"{role}@{own} GET {path}")
            # Asking for the other company by code is answered exactly as for a code that
            # does not exist (the code typed may be echoed back; nothing else may show).
            response = client.get(path, {"company": other})
            unknown = client.get(path, {"company": "NO-SUCH-CO"})
            assert response.status_code in (200, 403, 404), (
                f"{role}@{own} GET {path}?company={other}: {response.status_code}"
            )
            assert response.status_code == unknown.status_code
            assert (
                response.content.decode().replace(other, "NO-SUCH-CO") == unknown.content.decode()
            )
            echo = Secrets(secrets.company, secrets.ids, secrets.markers[1:])
            _assert_no_leak(response, echo, f"{role}@{own} GET {path}?company={other}")
        for path, key in DETAIL_CASES.items():
            param, key = key if isinstance(key, tuple) else (key, key)
            url = path.replace("{" + param + "}", str(secrets.ids[key]))
            response = client.get(url)
            assert response.status_code == 404, f"{role}@{own} GET {url}: {response.status_code}"
            assert response.json()["code"].endswith("not_found"), response.json()
            _assert_no_leak(response, secrets, f"{role}@{own} GET {url}")
        for path, key in SHARED_DETAIL.items():
            if key is None:
                continue
            url = PARAM.sub(str(world[key].pk), path)
            response = client.get(url)
            assert response.status_code in (200, 403), (
                f"{role}@{own} GET {url}: {response.status_code}"
            )
            _assert_no_leak(response, secrets, f"{role}@{own} GET {url}")


def _web_pages(world, secrets):
    """(url, must be 404) for the browser pages: lists, and the other company's details."""
    lists = [
        reverse(name)
        for name in (
            "partners:customer_list",
            "partners:supplier_list",
            "partners:payment_term_list",
            "partners:customer_group_list",
            "catalog:product_list",
            "catalog:category_list",
            "catalog:unit_list",
            "catalog:pricelist_list",
            "catalog:customer_pricelists",
            "catalog:supplier_price_list",
            "governance:approval_inbox",
            "governance:audit_list",
            "governance:company_list",
            "governance:policy_list",
            "imports:start",
            "web:home",
        )
    ]
    shared = [
        reverse("partners:customer_detail", args=[world["customer"].pk]),
        reverse("partners:supplier_detail", args=[world["customer"].pk]),
        reverse("catalog:product_detail", args=[world["product"].pk]),
    ]
    hidden = [
        reverse("governance:company_detail", args=[secrets.ids["company_id"]]),
        reverse("catalog:pricelist_detail", args=[secrets.ids["price_list_id"]]),
        reverse("governance:approval_detail", args=[secrets.ids["request_id"]]),
        reverse("imports:result", args=[secrets.ids["import_id"]]),
    ]
    return [(u, False) for u in lists + shared] + [(u, True) for u in hidden]


@pytest.mark.parametrize("own, other", [("ORDO-BE", "ORDO-NL"), ("ORDO-NL", "ORDO-BE")])
def test_no_persona_sees_the_other_company_in_the_browser(world, client_for, own, other):
    secrets = world["secrets"][other]
    for role in ROLE_CODES:
        client = client_for(world["users"][(role, own)])
        for url, must_hide in _web_pages(world, secrets):
            response = client.get(url)
            if must_hide:
                assert response.status_code == 404, (
                    f"{role}@{own} GET {url}: {response.status_code}"
                )
            else:
                assert response.status_code in (200, 403), (
                    f"{role}@{own} GET {url}: {response.status_code}"
                )
            _assert_no_leak(response, secrets, f"{role}@{own} GET {url}")
