"""/api/v1/partners: status codes, exact error codes and messages, decimal strings."""

import pytest

from ordo.partners.models import Partner

pytestmark = pytest.mark.django_db

BASE = "/api/v1/partners"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def put(client, url, data):
    return client.put(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


ACME = {
    "code": "ACME-TRADING",
    "name": "Acme Trading",
    "is_customer": True,
    "vat_number": "BE0403019261",
    "currency": "EUR",
    "addresses": [{"street": "Meir 1", "postal_code": "2000", "city": "Antwerp", "country": "BE"}],
    "contacts": [{"name": "Ann Peeters", "email": "ann@acme.example"}],
}


@pytest.fixture
def api_client(personas, client_for):
    return client_for(personas["master_data_owner"])


def test_create_customer_201_and_detail(api_client):
    response = post(api_client, BASE, ACME)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "ACME-TRADING"
    assert body["addresses"][0]["city"] == "Antwerp"
    assert body["contacts"][0]["name"] == "Ann Peeters"
    assert body["company_settings"] == []
    assert api_client.get(f"{BASE}/{body['id']}").json() == body


def test_invalid_vat_422(api_client):
    response = post(api_client, BASE, ACME | {"vat_number": "BE0000000000"})
    assert response.status_code == 422
    assert response.json() == {
        "code": "vat.invalid",
        "message": "BE0000000000 is not a valid VAT number (the number has an invalid format).",
        "details": {"field": "vat_number", "value": "BE0000000000"},
    }


def test_duplicate_409(api_client):
    post(api_client, BASE, ACME)
    response = post(api_client, BASE, ACME | {"name": "Other"})
    assert response.status_code == 409
    assert response.json()["code"] == "partner.duplicate"
    assert response.json()["message"] == (
        "A partner with code ACME-TRADING already exists: Acme Trading."
    )


def test_warehouse_operator_403(personas, client_for):
    response = post(client_for(personas["warehouse_operator"]), BASE, ACME)
    assert response.status_code == 403
    assert response.json()["code"] == "permission.denied"
    assert response.json()["details"] == {"permission": "partners.customer.manage"}


def test_unknown_partner_404(api_client):
    response = api_client.get(f"{BASE}/999")
    assert response.status_code == 404
    assert response.json() == {
        "code": "partner.not_found",
        "message": "Partner 999 not found.",
        "details": {},
    }


def test_list_role_filter_search_and_pagination(api_client):
    post(api_client, BASE, ACME)
    for n in range(3):
        post(api_client, BASE, {"code": f"SUP-{n}", "name": f"Supplier {n}", "is_supplier": True})
    body = api_client.get(BASE, {"role": "supplier", "limit": 2, "offset": 1}).json()
    assert body["count"] == 3 and body["limit"] == 2 and body["offset"] == 1
    assert [p["code"] for p in body["items"]] == ["SUP-1", "SUP-2"]
    body = api_client.get(BASE, {"role": "customer"}).json()
    assert [p["code"] for p in body["items"]] == ["ACME-TRADING"]
    body = api_client.get(BASE, {"search": "acme"}).json()
    assert [p["code"] for p in body["items"]] == ["ACME-TRADING"]
    response = api_client.get(BASE, {"limit": 0})
    assert response.status_code == 422
    assert response.json()["code"] == "pagination.invalid"


def test_patch_changes_only_sent_fields(api_client):
    partner_id = post(api_client, BASE, ACME).json()["id"]
    response = patch(api_client, f"{BASE}/{partner_id}", {"name": "Acme Trading NV"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "Acme Trading NV"
    assert body["vat_number"] == "BE0403019261"
    assert len(body["addresses"]) == 1


@pytest.fixture
def acme_id(api_client):
    return post(api_client, BASE, ACME).json()["id"]


def test_company_settings_put_and_detail_shows_only_own_companies(
    personas, client_for, acme_id, company_nl
):
    client = client_for(personas["credit_controller"])
    post(
        client,
        f"{BASE}/payment-terms",
        {"code": "NET30", "name": "Net 30", "lines": [{"percent": "100", "days": 30}]},
    )
    response = put(
        client,
        f"{BASE}/{acme_id}/company-settings/ORDO-BE",
        {"credit_limit_amount": "5000.00", "customer_payment_term": "NET30"},
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "company": "ORDO-BE",
        "currency": "EUR",
        "credit_limit_amount": "5000.00",
        "customer_payment_term": "NET30",
        "supplier_payment_term": None,
        "is_blocked": False,
    }
    settings = client.get(f"{BASE}/{acme_id}").json()["company_settings"]
    assert [s["company"] for s in settings] == ["ORDO-BE"]
    assert settings[0]["credit_limit_amount"] == "5000.00"


def test_company_settings_of_another_company_404(personas, client_for, acme_id, company_nl):
    response = put(
        client_for(personas["credit_controller"]),
        f"{BASE}/{acme_id}/company-settings/ORDO-NL",
        {"credit_limit_amount": "1.00"},
    )
    assert response.status_code == 404
    assert response.json()["code"] == "company.not_found"
    assert response.json()["message"] == "Company ORDO-NL not found."


def test_other_company_settings_are_never_shown(
    personas, client_for, make_user, acme_id, company_nl
):
    nl_controller = make_user("credit_controller", company_nl, username="nl-controller")
    put(
        client_for(nl_controller),
        f"{BASE}/{acme_id}/company-settings/ORDO-NL",
        {"credit_limit_amount": "9999.00"},
    )
    be_view = client_for(personas["credit_controller"]).get(f"{BASE}/{acme_id}").json()
    assert be_view["company_settings"] == []
    nl_view = client_for(nl_controller).get(f"{BASE}/{acme_id}").json()
    assert [s["company"] for s in nl_view["company_settings"]] == ["ORDO-NL"]


def test_credit_limit_as_json_number_is_422_naming_the_field(personas, client_for, acme_id):
    response = put(
        client_for(personas["credit_controller"]),
        f"{BASE}/{acme_id}/company-settings/ORDO-BE",
        {"credit_limit_amount": 5000.5},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["details"]["field"] == "credit_limit_amount"
    assert body["message"] == (
        'credit_limit_amount must be a decimal string such as "12.50", not the JSON number 5000.5.'
    )
    assert body["details"]["errors"][0]["code"] == "decimal.json_number_refused"


def test_credit_limit_junk_string_is_422(personas, client_for, acme_id):
    response = put(
        client_for(personas["credit_controller"]),
        f"{BASE}/{acme_id}/company-settings/ORDO-BE",
        {"credit_limit_amount": "lots"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "decimal.invalid",
        "message": "credit_limit_amount must be a decimal number, got 'lots'.",
        "details": {"field": "credit_limit_amount", "value": "lots"},
    }


def test_payment_terms_create_list_and_percent_sum(personas, client_for):
    client = client_for(personas["accountant"])
    response = post(
        client,
        f"{BASE}/payment-terms",
        {
            "code": "30-70",
            "name": "30/70",
            "lines": [{"percent": "30"}, {"percent": "60", "days": 30}],
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "payment_term.percent_sum"
    assert response.json()["message"] == (
        "Payment term 30-70 cannot be saved: the installment percents sum to 90 %, not 100 %."
    )
    response = post(
        client,
        f"{BASE}/payment-terms",
        {
            "code": "30-70",
            "name": "30/70",
            "lines": [{"percent": "30"}, {"percent": "70", "days": 30, "is_end_of_month": True}],
        },
    )
    assert response.status_code == 201
    assert response.json()["lines"] == [
        {"sequence": 1, "percent": "30", "days": 0, "is_end_of_month": False},
        {"sequence": 2, "percent": "70", "days": 30, "is_end_of_month": True},
    ]
    listed = client.get(f"{BASE}/payment-terms").json()
    assert [t["code"] for t in listed] == ["30-70"]
    response = post(
        client, f"{BASE}/payment-terms", {"code": "X", "name": "X", "lines": [{"percent": 100}]}
    )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "lines.0.percent"


def test_customer_groups(api_client):
    response = post(
        api_client, f"{BASE}/customer-groups", {"code": "wholesale", "name": "Wholesale"}
    )
    assert response.status_code == 201
    assert response.json()["code"] == "WHOLESALE"
    assert [g["code"] for g in api_client.get(f"{BASE}/customer-groups").json()] == ["WHOLESALE"]
    response = post(api_client, BASE, ACME | {"customer_group": "RETAIL"})
    assert response.status_code == 422
    assert response.json()["message"] == "Customer group RETAIL not found."
    assert not Partner.objects.exists()


def test_list_query_count_does_not_grow_with_partners(
    api_client, personas, django_assert_max_num_queries
):
    from ordo.partners import services

    for n in range(25):
        services.create_partner(
            actor=personas["master_data_owner"],
            data=services.PartnerInput(code=f"C-{n}", name=f"C {n}", is_customer=True),
        )
    with django_assert_max_num_queries(8):
        body = api_client.get(BASE, {"limit": 25}).json()
    assert body["count"] == 25


def test_detail_query_count(api_client, acme_id, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert api_client.get(f"{BASE}/{acme_id}").status_code == 200
