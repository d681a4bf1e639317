import datetime as dt

import pytest

from ordo.accounting import services
from ordo.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _body(**overrides):
    return {
        "company": "ORDO-BE",
        "code": "ICSUP",
        "name": "Intra-EU supply",
        "kind": "sale",
        "rate": "0",
        "vat_category": "K",
        "exemption_reason_code": "VATEX-EU-IC",
        "account": "4500",
    } | overrides


@pytest.fixture
def api(ledger, client_for):
    return client_for(ledger)


def test_a_tax_is_created_read_and_listed(api):
    response = api.post("/api/v1/taxes", _body(), content_type="application/json")
    assert response.status_code == 201
    tax = response.json()
    assert tax == {
        "id": tax["id"],
        "company": "ORDO-BE",
        "code": "ICSUP",
        "name": "Intra-EU supply",
        "kind": "sale",
        "rate": "0.0000",
        "vat_category": "K",
        "exemption_reason": "",
        "exemption_reason_code": "VATEX-EU-IC",
        "is_price_included": False,
        "account": "4500",
        "is_active": True,
    }
    detail = api.get(f"/api/v1/taxes/{tax['id']}").json()
    assert detail["rate"] == "0.0000"
    listing = api.get("/api/v1/taxes", {"company": "ORDO-BE", "kind": "sale"}).json()
    assert [t["code"] for t in listing["items"]] == ["ICSUP"]
    assert api.get("/api/v1/taxes", {"company": "ORDO-BE", "kind": "purchase"}).json()["count"] == 0


def test_an_exempt_tax_without_reason_names_the_field(api):
    response = api.post(
        "/api/v1/taxes",
        _body(code="EX", vat_category="E", exemption_reason_code=""),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "accounting.tax_exemption_reason_required",
        "message": "A tax of VAT category E needs an exemption reason "
        "(text or a VATEX code such as VATEX-EU-IC).",
        "details": {"field": "exemption_reason"},
    }


def test_a_json_number_rate_is_refused(api):
    response = api.post(
        "/api/v1/taxes", _body(rate=21, vat_category="S"), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "rate"


def test_patch_changes_a_tax_and_validates_it(api):
    tax = api.post("/api/v1/taxes", _body(), content_type="application/json").json()
    response = api.patch(
        f"/api/v1/taxes/{tax['id']}",
        {"name": "Intra-Community supply", "is_active": False},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["is_active"]) == (
        "Intra-Community supply",
        False,
    )
    response = api.patch(
        f"/api/v1/taxes/{tax['id']}", {"account": "4100"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "accounting.tax_account_role"
    assert AuditEntry.objects.filter(action="accounting.tax.updated").count() == 1


def test_another_companys_tax_is_not_found(api, company_nl, make_user, client_for):
    tax = api.post("/api/v1/taxes", _body(), content_type="application/json").json()
    other = client_for(make_user("accountant", company_nl, username="nl-accountant"))
    for response in (
        other.get(f"/api/v1/taxes/{tax['id']}"),
        other.patch(f"/api/v1/taxes/{tax['id']}", {"name": "x"}, content_type="application/json"),
    ):
        assert response.status_code == 404
        assert response.json() == {
            "code": "accounting.tax_not_found",
            "message": f"Tax {tax['id']} not found.",
            "details": {},
        }


def test_a_sales_rep_is_forbidden(api, personas, client_for):
    rep = client_for(personas["sales_rep"])
    assert rep.get("/api/v1/taxes", {"company": "ORDO-BE"}).status_code == 403
    assert rep.post("/api/v1/taxes", _body(), content_type="application/json").status_code == 403
    response = rep.post(
        "/api/v1/tax-rounding",
        {"company": "ORDO-BE", "rounding": "document"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_tax_rounding_is_set(api):
    response = api.post(
        "/api/v1/tax-rounding",
        {"company": "ORDO-BE", "rounding": "document"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"company": "ORDO-BE", "tax_rounding": "document"}


def test_exchange_rates_and_conversion(api, ledger, company_be):
    response = api.post(
        "/api/v1/exchange-rates",
        {"company": "ORDO-BE", "currency": "usd", "date": "2026-03-10", "rate": "0.915"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json() | {"id": 0} == {
        "id": 0,
        "company": "ORDO-BE",
        "currency": "USD",
        "date": "2026-03-10",
        "rate": "0.915",
    }
    services.add_exchange_rate(
        actor=ledger, company=company_be, currency="GBP", rate_date=dt.date(2026, 3, 1), rate="1.17"
    )
    listing = api.get("/api/v1/exchange-rates", {"company": "ORDO-BE", "currency": "USD"}).json()
    assert [(r["currency"], r["rate"]) for r in listing["items"]] == [("USD", "0.91500000")]

    response = api.post(
        "/api/v1/exchange-rates/convert",
        {"company": "ORDO-BE", "currency": "USD", "amount": "10.01", "date": "2026-03-15"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "amount": "10.01",
        "currency": "USD",
        "rate": "0.91500000",
        "rate_date": "2026-03-10",
        "company_amount": "9.16",
        "company_currency": "EUR",
    }


def test_conversion_without_a_rate_is_a_conflict(api):
    response = api.post(
        "/api/v1/exchange-rates/convert",
        {"company": "ORDO-BE", "currency": "USD", "amount": "10.00", "date": "2026-03-15"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "accounting.no_exchange_rate",
        "message": "No EUR rate for USD on or before 2026-03-15 in ORDO-BE.",
        "details": {"currency": "USD", "date": "2026-03-15"},
    }


def test_a_duplicate_rate_and_a_json_number_are_refused(api):
    body = {"company": "ORDO-BE", "currency": "USD", "date": "2026-03-10", "rate": "0.915"}
    api.post("/api/v1/exchange-rates", body, content_type="application/json")
    response = api.post("/api/v1/exchange-rates", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (
        409,
        "accounting.exchange_rate_duplicate",
    )
    response = api.post(
        "/api/v1/exchange-rates/convert",
        {"company": "ORDO-BE", "currency": "USD", "amount": 10.5, "date": "2026-03-15"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "amount"
