import pytest

from ordo.accounting import services
from ordo.accounting.models import JournalEntry, Period

from .conftest import MARCH_15, sale_lines

pytestmark = pytest.mark.django_db


def _entry_body(**overrides):
    body = {
        "company": "ORDO-BE",
        "journal": "SAL",
        "date": "2026-03-15",
        "label": "Invoice 1",
        "lines": [
            {"account": "4000", "debit": "121.00"},
            {"account": "7000", "credit": "100.00"},
            {"account": "4500", "credit": "21.00"},
        ],
    }
    return body | overrides


@pytest.fixture
def api(ledger, client_for):
    return client_for(ledger)


def test_accounts_list_is_paginated(api):
    response = api.get("/api/v1/accounts", {"company": "ORDO-BE", "limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (90, 2, 0)
    assert [a["code"] for a in body["items"]] == ["1000", "1010"]
    assert body["items"][0] == {
        "id": body["items"][0]["id"],
        "company": "ORDO-BE",
        "code": "1000",
        "name": "Share capital",
        "type": "equity",
        "role": "other",
        "is_reconcilable": False,
        "is_active": True,
    }


def test_another_company_is_not_found(api, company_nl):
    response = api.get("/api/v1/accounts", {"company": "ORDO-NL"})
    assert response.status_code == 404
    assert response.json() == {
        "code": "company.not_found",
        "message": "Company ORDO-NL not found.",
        "details": {},
    }


def test_an_account_is_created_and_a_duplicate_refused(api):
    body = {"company": "ORDO-BE", "code": "6999", "name": "Sundry", "type": "expense"}
    response = api.post("/api/v1/accounts", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["role"] == "other"
    response = api.post("/api/v1/accounts", body, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "accounting.account_duplicate_code"


def test_journals_and_periods_are_listed(api):
    journals = api.get("/api/v1/journals", {"company": "ORDO-BE"}).json()
    assert [(j["code"], j["default_account"]) for j in journals["items"]] == [
        ("BNK1", "5500"),
        ("CSH", "5700"),
        ("MISC", None),
        ("PUR", None),
        ("SAL", None),
        ("STK", None),
    ]
    periods = api.get("/api/v1/periods", {"company": "ORDO-BE"}).json()
    assert periods["count"] == 12
    assert periods["items"][2] | {"id": 0} == {
        "id": 0,
        "company": "ORDO-BE",
        "fiscal_year": "2026",
        "name": "2026-03",
        "start_date": "2026-03-01",
        "end_date": "2026-03-31",
        "state": "open",
    }


def test_a_fiscal_year_is_created_and_an_overlap_refused(api):
    body = {"company": "ORDO-BE", "start_date": "2027-01-01", "end_date": "2027-12-31"}
    response = api.post("/api/v1/fiscal-years", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["name"] == "2027"
    assert len(response.json()["periods"]) == 12
    response = api.post("/api/v1/fiscal-years", body, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "accounting.fiscal_year_overlap"


def test_a_period_is_locked_and_unlocked(api, company_be):
    period = Period.objects.get(company=company_be, name="2026-03")
    url = f"/api/v1/periods/{period.pk}/lock"
    response = api.post(
        url, {"state": "soft_locked", "reason": "VAT return"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["state"]) == (200, "soft_locked")
    response = api.post(url, {"state": "hard_locked"}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (422, "accounting.reason_required")
    assert response.json()["message"] == "Give a reason for changing period 2026-03 of ORDO-BE."
    response = api.post(
        url, {"state": "hard_locked", "reason": "VAT filed"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["state"]) == (200, "hard_locked")
    response = api.post(url, {"state": "open", "reason": "oops"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "state.invalid_transition"


def test_an_entry_is_drafted_posted_and_reversed(api):
    response = api.post("/api/v1/journal-entries", _entry_body(), content_type="application/json")
    assert response.status_code == 201
    entry = response.json()
    assert (entry["state"], entry["number"], entry["period"]) == ("draft", "", "2026-03")
    assert (entry["total_debit"], entry["total_credit"]) == ("121.00", "121.00")
    assert [(x["account"], x["debit"], x["credit"]) for x in entry["lines"]] == [
        ("4000", "121.00", "0.00"),
        ("7000", "0.00", "100.00"),
        ("4500", "0.00", "21.00"),
    ]

    response = api.post(f"/api/v1/journal-entries/{entry['id']}/post")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["number"]) == ("posted", "SAL/2026-00001")
    assert response.json()["posted_by"] == "accountant"

    response = api.post(f"/api/v1/journal-entries/{entry['id']}/post")
    assert response.status_code == 409

    response = api.post(
        f"/api/v1/journal-entries/{entry['id']}/reverse",
        {"date": "2026-03-31", "reason": "Wrong customer"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (response.json()["number"], response.json()["reversal_of"]) == (
        "SAL/2026-00002",
        entry["id"],
    )

    listing = api.get("/api/v1/journal-entries", {"company": "ORDO-BE", "state": "posted"})
    assert listing.status_code == 200
    assert [e["number"] for e in listing.json()["items"]] == ["SAL/2026-00002", "SAL/2026-00001"]


def test_posting_an_unbalanced_entry_is_422_naming_the_difference(api):
    body = _entry_body(
        lines=[{"account": "4000", "debit": "100.00"}, {"account": "7000", "credit": "90.00"}]
    )
    entry = api.post("/api/v1/journal-entries", body, content_type="application/json").json()
    response = api.post(f"/api/v1/journal-entries/{entry['id']}/post")
    assert response.status_code == 422
    assert response.json()["code"] == "accounting.unbalanced"
    assert response.json()["message"] == (
        "Journal entry of 2026-03-15 does not balance: debit 100.00 EUR, credit 90.00 EUR, "
        "difference 10.00 EUR."
    )


def test_a_json_number_for_a_debit_is_refused(api):
    body = _entry_body(
        lines=[{"account": "4000", "debit": 100.0}, {"account": "7000", "credit": "100.00"}]
    )
    response = api.post("/api/v1/journal-entries", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"]["errors"][0]["code"] == "decimal.json_number_refused"
    assert response.json()["message"] == (
        'lines.0.debit must be a decimal string such as "12.50", not the JSON number 100.0.'
    )
    assert not JournalEntry.objects.exists()


def test_junk_amounts_are_listed_per_line(api):
    body = _entry_body(
        lines=[{"account": "4000", "debit": "ten"}, {"account": "7000", "credit": "1,5"}]
    )
    response = api.post("/api/v1/journal-entries", body, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["details"]["errors"]] == [
        "lines.0.debit",
        "lines.1.credit",
    ]


def test_another_companys_entry_is_404(ledger, company_be, company_nl, make_user, client_for):
    entry = services.create_journal_entry(
        actor=ledger,
        company=company_be,
        journal_code="SAL",
        entry_date=MARCH_15,
        lines=sale_lines(),
    )
    outsider = client_for(make_user("accountant", company_nl, username="nl-accountant"))
    for response in (
        outsider.get(f"/api/v1/journal-entries/{entry.pk}"),
        outsider.post(f"/api/v1/journal-entries/{entry.pk}/post"),
    ):
        assert response.status_code == 404
        assert response.json() == {
            "code": "accounting.entry_not_found",
            "message": f"Journal entry {entry.pk} not found.",
            "details": {},
        }


def test_a_member_without_ledger_view_is_403(ledger, personas, client_for):
    response = client_for(personas["sales_rep"]).get(
        "/api/v1/journal-entries", {"company": "ORDO-BE"}
    )
    assert response.status_code == 403
    assert response.json()["details"] == {"permission": "accounting.ledger.view"}


def test_the_auditor_reads_but_cannot_post(ledger, company_be, personas, client_for):
    entry = services.create_journal_entry(
        actor=ledger,
        company=company_be,
        journal_code="SAL",
        entry_date=MARCH_15,
        lines=sale_lines(),
    )
    auditor = client_for(personas["auditor"])
    assert auditor.get(f"/api/v1/journal-entries/{entry.pk}").status_code == 200
    assert auditor.post(f"/api/v1/journal-entries/{entry.pk}/post").status_code == 403
