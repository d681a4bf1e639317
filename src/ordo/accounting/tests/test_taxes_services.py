import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from ordo.accounting import selectors, services
from ordo.accounting.models import AccountingSettings, ExchangeRate, Tax
from ordo.core.errors import DomainError
from ordo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

D = Decimal


def _tax(actor, company, **overrides):
    args = {
        "code": "VAT21",
        "name": "VAT 21 %",
        "kind": "sale",
        "rate": "21",
        "vat_category": "S",
        "account": "4500",
    } | overrides
    return services.create_tax(actor=actor, company=company, **args)


def _error(call):
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value


def test_a_sale_tax_is_created_and_audited(ledger, company_be):
    tax = _tax(ledger, company_be)
    assert (tax.rate, tax.account.code, tax.is_active) == (D("21"), "4500", True)
    entry = AuditEntry.objects.get(action="accounting.tax.created")
    assert entry.changes["code"] == [None, "VAT21"]
    assert entry.changes["rate"] == [None, "21.0000"]


def test_a_duplicate_code_is_a_conflict(ledger, company_be):
    _tax(ledger, company_be)
    error = _error(lambda: _tax(ledger, company_be, name="Other"))
    assert (error.status, error.code) == (409, "accounting.tax_duplicate_code")
    assert error.message == "A tax with code VAT21 already exists in ORDO-BE: VAT 21 %."


def test_exempt_without_a_reason_names_exemption_reason(ledger, company_be):
    error = _error(lambda: _tax(ledger, company_be, code="EX", rate="0", vat_category="E"))
    assert (error.status, error.code) == (422, "accounting.tax_exemption_reason_required")
    assert error.details["field"] == "exemption_reason"
    assert error.message == (
        "A tax of VAT category E needs an exemption reason "
        "(text or a VATEX code such as VATEX-EU-IC)."
    )


def test_a_rate_on_zero_rated_is_refused(ledger, company_be):
    error = _error(lambda: _tax(ledger, company_be, code="Z", rate="6", vat_category="Z"))
    assert (error.status, error.code, error.details["field"]) == (
        422,
        "accounting.tax_rate_category",
        "rate",
    )
    assert error.message == "A tax of VAT category Z must have a rate of 0 %, got 6 %."


def test_the_wrong_account_role_is_refused(ledger, company_be):
    error = _error(lambda: _tax(ledger, company_be, account="4100"))
    assert (error.status, error.code, error.details["field"]) == (
        422,
        "accounting.tax_account_role",
        "account",
    )
    assert error.message == (
        "Account 4100 VAT recoverable on purchases has role tax_receivable: "
        "a sale tax posts to an account with role tax_payable."
    )


def test_every_problem_is_reported_at_once(ledger, company_be):
    error = _error(
        lambda: _tax(
            ledger,
            company_be,
            code="",
            kind="both",
            rate="0.12345",
            vat_category="S",
            exemption_reason="why",
            account="9999",
        )
    )
    assert (error.status, error.code) == (422, "validation.errors")
    assert [e["field"] for e in error.details["errors"]] == [
        "code",
        "kind",
        "rate",
        "exemption_reason",
        "account",
    ]


def test_a_float_rate_is_refused(ledger, company_be):
    error = _error(lambda: _tax(ledger, company_be, rate=21.0))
    assert (error.code, error.details["field"]) == ("decimal.float_refused", "rate")


def test_the_database_refuses_a_rate_on_an_exempt_tax(ledger, company_be):
    tax = _tax(ledger, company_be)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tax.objects.filter(pk=tax.pk).update(vat_category="E", exemption_reason="x")


def test_update_revalidates_and_audits_the_change(ledger, company_be):
    tax = _tax(ledger, company_be)
    services.update_tax(actor=ledger, tax_id=tax.pk, changes={"rate": "20.5"})
    tax.refresh_from_db()
    assert tax.rate == D("20.5")
    entry = AuditEntry.objects.get(action="accounting.tax.updated")
    assert entry.changes == {"rate": ["21.0000", "20.5000"]}

    error = _error(
        lambda: services.update_tax(actor=ledger, tax_id=tax.pk, changes={"vat_category": "K"})
    )
    assert [e["field"] for e in error.details["errors"]] == ["rate", "exemption_reason"]


def test_deactivate_is_audited_once(ledger, company_be):
    tax = _tax(ledger, company_be)
    services.deactivate_tax(actor=ledger, tax_id=tax.pk, reason="rate abolished")
    services.deactivate_tax(actor=ledger, tax_id=tax.pk)
    tax.refresh_from_db()
    assert tax.is_active is False
    assert AuditEntry.objects.filter(action="accounting.tax.deactivated").count() == 1


def test_another_companys_tax_is_not_found(ledger, company_be, company_nl, make_user):
    tax = _tax(ledger, company_be)
    outsider = make_user("accountant", company_nl, username="nl-accountant")
    for call in (
        lambda: selectors.get_tax(outsider, tax.pk),
        lambda: services.update_tax(actor=outsider, tax_id=tax.pk, changes={"name": "x"}),
        lambda: services.deactivate_tax(actor=outsider, tax_id=tax.pk),
    ):
        error = _error(call)
        assert (error.status, error.code, error.message) == (
            404,
            "accounting.tax_not_found",
            f"Tax {tax.pk} not found.",
        )


def test_a_sales_rep_may_not_manage_or_see_taxes(ledger, company_be, personas):
    error = _error(lambda: _tax(personas["sales_rep"], company_be))
    assert error.status == 403
    assert _error(lambda: selectors.list_taxes(personas["sales_rep"], company_be)).status == 403


def test_default_taxes_install_once(ledger, company_be):
    first = services.install_default_taxes(actor=ledger, company=company_be)
    assert first.created == 16
    Tax.objects.filter(company=company_be, code="ICSUP-P").delete()
    assert services.install_default_taxes(actor=ledger, company=company_be).created == 1
    taxes = {t.code: t for t in selectors.list_taxes(ledger, company_be)}
    assert len(taxes) == 16
    assert (taxes["VAT21"].rate, taxes["VAT21"].account.code) == (D("21.0000"), "4500")
    assert (taxes["VAT6-P"].kind, taxes["VAT6-P"].account.code) == ("purchase", "4100")
    assert (taxes["ICSUP"].vat_category, taxes["ICSUP"].exemption_reason_code) == (
        "K",
        "VATEX-EU-IC",
    )
    assert taxes["EXEMPT"].exemption_reason == "Exempt from VAT"
    assert [t.code for t in selectors.list_taxes(ledger, company_be, "sale")][:3] == [
        "EXEMPT",
        "EXPORT",
        "ICSUP",
    ]
    assert AuditEntry.objects.filter(action="accounting.tax.created").count() == 17


def test_default_taxes_need_the_chart(company_be, personas):
    error = _error(
        lambda: services.install_default_taxes(actor=personas["accountant"], company=company_be)
    )
    assert (error.status, error.code) == (422, "accounting.tax_account_missing")
    assert error.message == (
        "ORDO-BE has no active account with role tax_payable: install the chart of accounts first."
    )


def test_tax_rounding_is_a_company_setting(ledger, company_be):
    assert selectors.tax_rounding_of(company_be) == "line"
    services.set_tax_rounding(actor=ledger, company=company_be, rounding="document")
    assert selectors.tax_rounding_of(company_be) == "document"
    assert AccountingSettings.objects.count() == 1
    entry = AuditEntry.objects.get(action="accounting.settings.tax_rounding")
    assert entry.changes == {"tax_rounding": ["line", "document"]}
    error = _error(
        lambda: services.set_tax_rounding(actor=ledger, company=company_be, rounding="cash")
    )
    assert (error.status, error.code, error.details["field"]) == (
        422,
        "accounting.tax_rounding_unknown",
        "rounding",
    )


# --------------------------------------------------------------------------- exchange rates


def _rate(actor, company, day, rate="0.91500000", currency="USD"):
    return services.add_exchange_rate(
        actor=actor, company=company, currency=currency, rate_date=day, rate=rate
    )


def test_exchange_rates_are_added_and_looked_up(ledger, company_be, django_assert_num_queries):
    _rate(ledger, company_be, dt.date(2026, 3, 1), "0.92")
    _rate(ledger, company_be, dt.date(2026, 3, 10), "0.915")
    _rate(ledger, company_be, dt.date(2026, 3, 20), "0.93")
    assert AuditEntry.objects.filter(action="accounting.exchange_rate.created").count() == 3
    with django_assert_num_queries(1):
        point = selectors.exchange_rate_on(company_be, "USD", dt.date(2026, 3, 15))
    assert (point.rate_date, point.rate) == (dt.date(2026, 3, 10), D("0.91500000"))
    with django_assert_num_queries(0):
        assert selectors.exchange_rate_on(company_be, "EUR", dt.date(2026, 3, 15)).rate == 1


def test_no_rate_on_or_before_the_date(ledger, company_be):
    _rate(ledger, company_be, dt.date(2026, 3, 20))
    error = _error(lambda: selectors.exchange_rate_on(company_be, "USD", dt.date(2026, 3, 15)))
    assert (error.status, error.code, error.message) == (
        409,
        "accounting.no_exchange_rate",
        "No EUR rate for USD on or before 2026-03-15 in ORDO-BE.",
    )


def test_rates_are_kept_per_company(ledger, company_be, company_nl, make_user):
    _rate(ledger, company_be, dt.date(2026, 3, 1))
    error = _error(lambda: selectors.exchange_rate_on(company_nl, "USD", dt.date(2026, 3, 15)))
    assert error.code == "accounting.no_exchange_rate"


def test_a_duplicate_date_is_a_conflict(ledger, company_be):
    _rate(ledger, company_be, dt.date(2026, 3, 1))
    error = _error(lambda: _rate(ledger, company_be, dt.date(2026, 3, 1), "0.95"))
    assert (error.status, error.code, error.message) == (
        409,
        "accounting.exchange_rate_duplicate",
        "ORDO-BE already has a USD rate for 2026-03-01: 0.91500000.",
    )


def test_bad_rates_are_refused(ledger, company_be):
    error = _error(lambda: _rate(ledger, company_be, dt.date(2026, 3, 1), currency="EUR"))
    assert (error.status, error.code, error.message) == (
        422,
        "accounting.exchange_rate_same_currency",
        "EUR is the currency of ORDO-BE: it needs no exchange rate.",
    )
    error = _error(lambda: _rate(ledger, company_be, dt.date(2026, 3, 1), "0", currency="XXZ"))
    assert [(e["field"], e["code"]) for e in error.details["errors"]] == [
        ("currency", "currency.unknown"),
        ("rate", "accounting.exchange_rate_not_positive"),
    ]
    error = _error(lambda: _rate(ledger, company_be, dt.date(2026, 3, 1), "0.123456789"))
    assert (error.code, error.details["field"]) == ("accounting.exchange_rate_precision", "rate")
    assert ExchangeRate.objects.count() == 0


def test_a_sales_rep_may_not_add_rates(ledger, company_be, personas):
    error = _error(lambda: _rate(personas["sales_rep"], company_be, dt.date(2026, 3, 1)))
    assert error.status == 403
