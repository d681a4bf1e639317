"""Partner services: validation, permissions, audit, per-company settings, bulk import."""

from decimal import Decimal

import pytest
from django.conf import settings

from ordo.core.errors import DuplicateRecord, InvalidInput, NotFound, PermissionDenied
from ordo.core.models import AuditEntry
from ordo.partners import services
from ordo.partners.models import Address, Partner, PartnerCompanySettings, PaymentTerm
from ordo.partners.services import PartnerInput

pytestmark = pytest.mark.django_db


def customer(**overrides):
    values = {"code": "acme-trading", "name": "Acme Trading", "is_customer": True}
    return PartnerInput(**(values | overrides))


# --------------------------------------------------------------------------- create / update


def test_sales_rep_creates_a_customer_with_compact_vat_and_upper_code(personas):
    partner = services.create_partner(
        actor=personas["sales_rep"], data=customer(vat_number="BE 0403.019.261")
    )
    assert partner.code == "ACME-TRADING"
    assert partner.vat_number == "BE0403019261"
    assert partner.is_customer and not partner.is_supplier


def test_invalid_vat_is_refused_naming_field_and_value(personas):
    with pytest.raises(InvalidInput) as info:
        services.create_partner(
            actor=personas["sales_rep"], data=customer(vat_number="BE0000000000")
        )
    assert info.value.status == 422
    assert info.value.code == "vat.invalid"
    assert info.value.message == (
        "BE0000000000 is not a valid VAT number (the number has an invalid format)."
    )
    assert info.value.details == {"field": "vat_number", "value": "BE0000000000"}
    assert not Partner.objects.exists()


def test_every_bad_field_is_reported_at_once(personas):
    with pytest.raises(InvalidInput) as info:
        services.create_partner(
            actor=personas["sales_rep"],
            data=customer(vat_number="BE0000000000", email="not-an-email", currency="XXZ"),
        )
    assert info.value.code == "validation.errors"
    assert [(e["field"], e["code"]) for e in info.value.details["errors"]] == [
        ("vat_number", "vat.invalid"),
        ("email", "email.invalid"),
        ("currency", "currency.unknown"),
    ]


def test_duplicate_code_is_a_409_naming_the_existing_partner(personas, acme):
    with pytest.raises(DuplicateRecord) as info:
        services.create_partner(actor=personas["sales_rep"], data=customer(name="Other"))
    assert info.value.status == 409
    assert info.value.code == "partner.duplicate"
    assert info.value.message == "A partner with code ACME-TRADING already exists: Acme Trading."


def test_warehouse_operator_may_not_create_a_customer(personas):
    with pytest.raises(PermissionDenied) as info:
        services.create_partner(actor=personas["warehouse_operator"], data=customer())
    assert info.value.status == 403
    assert info.value.code == "permission.denied"
    assert "partners.customer.manage" in info.value.message
    assert not Partner.objects.exists()


def test_a_partner_that_is_both_needs_both_permissions(personas):
    with pytest.raises(PermissionDenied) as info:
        services.create_partner(actor=personas["sales_rep"], data=customer(is_supplier=True))
    assert info.value.details == {"permission": "partners.supplier.manage"}
    both = services.create_partner(
        actor=personas["master_data_owner"], data=customer(is_supplier=True)
    )
    assert both.is_customer and both.is_supplier


def test_a_partner_needs_a_role(personas):
    with pytest.raises(InvalidInput) as info:
        services.create_partner(
            actor=personas["master_data_owner"], data=customer(is_customer=False)
        )
    assert info.value.code == "partner.no_role"


def test_supplier_lead_time_and_endpoint(personas):
    partner = services.create_partner(
        actor=personas["buyer"],
        data=PartnerInput(
            code="WIDGETS-INC",
            name="Widgets Inc",
            is_supplier=True,
            supplier_lead_time_days=14,
            endpoint_id="5410000000002",
            endpoint_scheme="0088",
        ),
    )
    assert partner.supplier_lead_time_days == 14
    assert (partner.endpoint_id, partner.endpoint_scheme) == ("5410000000002", "0088")
    with pytest.raises(InvalidInput) as info:
        services.create_partner(
            actor=personas["buyer"],
            data=PartnerInput(
                code="BAD-GLN",
                name="Bad",
                is_supplier=True,
                endpoint_id="123",
                endpoint_scheme="0088",
            ),
        )
    assert info.value.code == "endpoint.invalid"
    assert info.value.details["field"] == "endpoint_id"


def test_create_writes_audit_with_after_and_update_with_before_and_after(personas, acme):
    created = AuditEntry.objects.get(action="partners.partner.created", target_id=str(acme.pk))
    assert created.actor == personas["master_data_owner"]
    assert created.changes["name"] == [None, "Acme Trading"]
    assert created.changes["addresses"][1][0]["city"] == "Antwerp"

    services.update_partner(
        actor=personas["sales_rep"],
        partner_id=acme.pk,
        data=customer(name="Acme Trading NV", vat_number="BE0403019261"),
    )
    updated = AuditEntry.objects.get(action="partners.partner.updated", target_id=str(acme.pk))
    assert updated.changes["name"] == ["Acme Trading", "Acme Trading NV"]
    assert "vat_number" not in updated.changes
    # addresses were not sent: kept as they were
    assert Address.objects.filter(partner=acme).count() == 1


def test_update_of_unknown_partner_is_404(personas):
    with pytest.raises(NotFound) as info:
        services.update_partner(actor=personas["sales_rep"], partner_id=999, data=customer())
    assert info.value.code == "partner.not_found"
    assert info.value.message == "Partner 999 not found."


def test_deactivate_twice_is_a_409(personas, acme):
    services.deactivate_partner(actor=personas["sales_rep"], partner_id=acme.pk, reason="Closed")
    acme.refresh_from_db()
    assert acme.is_active is False
    with pytest.raises(DuplicateRecord.__mro__[1]) as info:  # Conflict
        services.deactivate_partner(actor=personas["sales_rep"], partner_id=acme.pk)
    assert info.value.message == "Partner ACME-TRADING is already inactive."
    assert AuditEntry.objects.filter(action="partners.partner.deactivated").get().reason == "Closed"


# --------------------------------------------------------------------------- company settings


def test_credit_controller_sets_credit_limit_and_terms(personas, acme, term_30_70, company_be):
    settings = services.set_partner_company_settings(
        actor=personas["credit_controller"],
        partner_id=acme.pk,
        company_id="ORDO-BE",
        credit_limit_amount=Decimal("5000"),
        customer_payment_term="30-70",
    )
    assert settings.credit_limit_amount == Decimal("5000.00")
    assert settings.customer_payment_term == term_30_70
    entry = AuditEntry.objects.get(action="partners.company_settings.updated")
    assert entry.company == company_be
    assert entry.changes["credit_limit_amount"] == [None, "5000.00"]


def test_company_settings_for_another_company_is_404(personas, acme, company_nl):
    with pytest.raises(NotFound) as info:
        services.set_partner_company_settings(
            actor=personas["credit_controller"],
            partner_id=acme.pk,
            company_id="ORDO-NL",
            credit_limit_amount=Decimal("1"),
        )
    assert info.value.status == 404
    assert info.value.message == "Company ORDO-NL not found."
    assert not PartnerCompanySettings.objects.exists()


def test_company_settings_need_credit_permission(personas, acme):
    with pytest.raises(PermissionDenied):
        services.set_partner_company_settings(
            actor=personas["sales_rep"], partner_id=acme.pk, company_id="ORDO-BE"
        )


def test_company_settings_validate_all_fields(personas, acme):
    with pytest.raises(InvalidInput) as info:
        services.set_partner_company_settings(
            actor=personas["credit_controller"],
            partner_id=acme.pk,
            company_id="ORDO-BE",
            credit_limit_amount=Decimal("-1"),
            customer_payment_term="NOPE",
        )
    assert [(e["field"], e["code"], e["message"]) for e in info.value.details["errors"]] == [
        (
            "credit_limit_amount",
            "partner.credit_limit_negative",
            "credit_limit_amount must not be negative, got -1.",
        ),
        ("customer_payment_term", "payment_term.unknown", "Payment term NOPE not found."),
    ]


# --------------------------------------------------------------------------- payment terms


def test_payment_term_percents_must_sum_to_100(personas):
    with pytest.raises(InvalidInput) as info:
        services.create_payment_term(
            actor=personas["accountant"],
            data=services.PaymentTermInput(
                code="BAD",
                name="Bad",
                lines=(
                    services.PaymentTermLineInput(percent=Decimal("30")),
                    services.PaymentTermLineInput(percent=Decimal("60"), days=30),
                ),
            ),
        )
    assert info.value.status == 422
    assert info.value.code == "payment_term.percent_sum"
    assert info.value.message == (
        "Payment term BAD cannot be saved: the installment percents sum to 90 %, not 100 %."
    )
    assert not PaymentTerm.objects.exists()


def test_payment_term_needs_permission_and_unique_code(personas, term_30_70):
    with pytest.raises(PermissionDenied):
        services.create_payment_term(
            actor=personas["sales_rep"],
            data=services.PaymentTermInput(
                code="X", name="X", lines=(services.PaymentTermLineInput(percent=Decimal(100)),)
            ),
        )
    with pytest.raises(DuplicateRecord) as info:
        services.create_payment_term(
            actor=personas["accountant"],
            data=services.PaymentTermInput(
                code="30-70", name="X", lines=(services.PaymentTermLineInput(percent=Decimal(100)),)
            ),
        )
    assert info.value.code == "payment_term.duplicate"
    assert info.value.message == (
        "A payment term with code 30-70 already exists: 30 % now, 70 % end of next month."
    )


def test_update_payment_term_replaces_lines_and_audits(personas, term_30_70):
    services.update_payment_term(
        actor=personas["accountant"],
        payment_term_id=term_30_70.pk,
        data=services.PaymentTermInput(
            code="30-70",
            name="Net",
            lines=(services.PaymentTermLineInput(percent=Decimal(100), days=30),),
        ),
    )
    assert [(line.percent, line.days) for line in term_30_70.lines.all()] == [(Decimal("100"), 30)]
    entry = AuditEntry.objects.get(action="partners.payment_term.updated")
    assert entry.changes["name"] == ["30 % now, 70 % end of next month", "Net"]


def test_customer_group_duplicate(personas, wholesale):
    with pytest.raises(DuplicateRecord) as info:
        services.create_customer_group(
            actor=personas["master_data_owner"], code="wholesale", name="Again"
        )
    assert info.value.message == "A customer group with code WHOLESALE already exists: Wholesale."


# --------------------------------------------------------------------------- bulk import


def row(n, **overrides):
    values = {
        "code": f"CUST-{n:05d}",
        "name": f"Customer {n}",
        "vat_number": "",
        "email": f"c{n}@example.com",
        "street": f"Street {n}",
        "postal_code": "1000",
        "city": "Brussels",
        "country": "BE",
        "customer_group": "WHOLESALE",
        "currency": "EUR",
        "payment_term": "30-70",
        "credit_limit": "1000.00",
        "company": "ORDO-BE",
    }
    return values | overrides


def test_import_is_all_or_nothing_and_lists_every_bad_row(personas, wholesale, term_30_70):
    rows = [
        row(1),
        row(2, vat_number="BE0000000000"),
        row(3, country="XX", credit_limit="12.345"),
        row(4, customer_group="RETAIL", company="ORDO-NL"),
        row(5, code="CUST-00001"),
    ]
    with pytest.raises(InvalidInput) as info:
        services.import_partners(actor=personas["master_data_owner"], role="customer", rows=rows)
    assert info.value.status == 422
    assert info.value.code == "import.invalid_rows"
    assert info.value.message == "6 problem(s) in the file; nothing was imported."
    assert [(e["row"], e["column"], e["code"]) for e in info.value.details["errors"]] == [
        (3, "vat_number", "vat.invalid"),
        (4, "country", "country.unknown"),
        (4, "credit_limit", "money.too_many_decimals"),
        (5, "customer_group", "customer_group.unknown"),
        (5, "company", "company.not_found"),
        (6, "code", "import.duplicate_code"),
    ]
    errors = info.value.details["errors"]
    assert errors[0]["message"] == (
        "BE0000000000 is not a valid VAT number (the number has an invalid format)."
    )
    assert errors[4]["message"] == "Company ORDO-NL not found."
    assert errors[5]["message"] == "Code CUST-00001 appears twice in the file (first on row 2)."
    assert not Partner.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="partners.partner").exists()


def test_import_unknown_columns_are_one_error(personas):
    with pytest.raises(InvalidInput) as info:
        services.import_partners(
            actor=personas["master_data_owner"],
            role="supplier",
            rows=[{"code": "S1", "name": "S", "colour": "red", "credit_limit": "5"}],
        )
    errors = info.value.details["errors"]
    assert len(errors) == 1
    assert errors[0]["row"] == 1
    assert errors[0]["column"] == "colour, credit_limit"
    assert errors[0]["code"] == "import.unknown_columns"
    assert errors[0]["message"].startswith("Unknown columns colour, credit_limit: a supplier file")


def test_import_needs_imports_run_and_role_permission(personas):
    with pytest.raises(PermissionDenied) as info:
        services.import_partners(actor=personas["sales_rep"], role="customer", rows=[row(1)])
    assert info.value.details == {"permission": "imports.run"}


def test_import_upserts_by_code_and_counts(personas, wholesale, term_30_70, acme, company_be):
    summary = services.import_partners(
        actor=personas["master_data_owner"],
        role="customer",
        rows=[
            row(1),
            {"code": "acme-trading", "name": "", "city": "Ghent", "street": "Veldstraat 1",
             "country": "BE", "credit_limit": "2500", "company": "ORDO-BE"},
        ],
    )  # fmt: skip
    assert summary == services.ImportSummary(created=1, updated=1)
    acme.refresh_from_db()
    assert acme.name == "Acme Trading"  # blank cell keeps the value
    assert [a.city for a in acme.addresses.all()] == ["Ghent"]
    assert PartnerCompanySettings.objects.get(partner=acme).credit_limit_amount == Decimal(
        "2500.00"
    )
    new = Partner.objects.get(code="CUST-00001")
    assert new.customer_group == wholesale
    settings = PartnerCompanySettings.objects.get(partner=new, company=company_be)
    assert settings.customer_payment_term == term_30_70
    assert (
        AuditEntry.objects.filter(action="partners.partner.updated", target_id=str(acme.pk))
        .get()
        .changes["invoice_address"][1]["city"]
        == "Ghent"
    )
    assert AuditEntry.objects.filter(
        action="partners.partner.created", target_id=str(new.pk)
    ).exists()


# PostgreSQL writes 1 000 rows per INSERT; Django caps SQLite at 999 parameters per
# statement, so there each bulk INSERT is split in ~20 statements per 1 000 rows (still a
# fixed number per batch, never one per row: a per-row query would add 1 000).
MAX_IMPORT_QUERIES = 30 if settings.IS_POSTGRES else 100


def test_import_1_row_with_few_queries(
    personas, wholesale, term_30_70, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        services.import_partners(
            actor=personas["master_data_owner"], role="customer", rows=[row(1)]
        )


def test_import_1000_rows_with_bounded_queries(
    personas, wholesale, term_30_70, django_assert_max_num_queries
):
    actor = personas["master_data_owner"]
    rows = [row(n) for n in range(1000)]
    with django_assert_max_num_queries(MAX_IMPORT_QUERIES):
        summary = services.import_partners(actor=actor, role="customer", rows=rows)
    assert summary == services.ImportSummary(created=1000, updated=0)
    assert Partner.objects.count() == 1000
    assert Address.objects.count() == 1000
    assert PartnerCompanySettings.objects.count() == 1000

    rows = [row(n, name=f"Renamed {n}", credit_limit="2000") for n in range(1000)]
    with django_assert_max_num_queries(MAX_IMPORT_QUERIES):
        summary = services.import_partners(actor=actor, role="customer", rows=rows)
    assert summary == services.ImportSummary(created=0, updated=1000)
    assert Partner.objects.filter(name__startswith="Renamed").count() == 1000
    assert (
        PartnerCompanySettings.objects.filter(credit_limit_amount=Decimal("2000")).count() == 1000
    )
    assert AuditEntry.objects.filter(action="partners.partner.updated").count() == 1000


# --------------------------------------------------------------------------- integrity checks


def test_integrity_checks_hold_and_name_a_broken_term(personas, term_30_70, acme):
    from ordo.partners.checks import INTEGRITY_CHECKS, payment_term_percents_sum_to_100

    assert all(check() == [] for check in INTEGRITY_CHECKS)
    assert all(check.__doc__ for check in INTEGRITY_CHECKS)
    term_30_70.lines.filter(sequence=2).update(percent=Decimal("60"))
    assert payment_term_percents_sum_to_100() == [
        "Payment term 30-70 installments sum to 90 %, not 100 %."
    ]


def test_import_suppliers_checks_lead_time_and_company_permission(personas, term_30_70):
    rows = [
        {"code": "SUP-1", "name": "Widgets Inc", "lead_time_days": "14"},
        {"code": "SUP-2", "name": "Gadgets BV", "lead_time_days": "two weeks"},
        {"code": "SUP-3", "name": "Parts NV", "payment_term": "30-70"},
        {"code": "", "name": "No code"},
    ]
    with pytest.raises(InvalidInput) as info:
        services.import_partners(actor=personas["admin"], role="supplier", rows=rows)
    assert [(e["row"], e["column"], e["code"], e["message"]) for e in info.value.details["errors"]] == [
        (3, "lead_time_days", "partner.lead_time_invalid",
         "lead_time_days must be a whole number of days, 0 or more, not 'two weeks'."),
        (4, "company", "import.company_required",
         "company is required when payment_term or credit_limit is given: they are set per company."),
        (5, "code", "code.required", "Partner code is required."),
    ]  # fmt: skip
    summary = services.import_partners(
        actor=personas["admin"],
        role="supplier",
        rows=[rows[0], rows[2] | {"company": "ORDO-BE"}],
    )
    assert summary == services.ImportSummary(created=2, updated=0)
    assert Partner.objects.get(code="SUP-1").supplier_lead_time_days == 14
    settings = PartnerCompanySettings.objects.get(partner__code="SUP-3")
    assert settings.supplier_payment_term == term_30_70


def test_import_of_a_customer_that_is_also_a_supplier_needs_both(personas, monkeypatch):
    services.create_partner(actor=personas["admin"], data=customer(is_supplier=True))
    row = {"code": "ACME-TRADING", "name": "Acme"}
    actor = personas["master_data_owner"]
    assert services.import_partners(actor=actor, role="customer", rows=[row]) == (
        services.ImportSummary(created=0, updated=1)
    )
    # without partners.supplier.manage (no stock role has imports.run but not it)
    real = services.has_permission
    monkeypatch.setattr(
        services,
        "has_permission",
        lambda user, perm, company=None: (
            perm != "partners.supplier.manage" and real(user, perm, company)
        ),
    )
    with pytest.raises(InvalidInput) as info:
        services.import_partners(actor=actor, role="customer", rows=[row])
    assert info.value.details["errors"] == [
        {
            "row": 2,
            "column": "code",
            "message": "ACME-TRADING is also a supplier: updating it needs the permission "
            "partners.supplier.manage.",
            "code": "permission.denied",
        }
    ]
