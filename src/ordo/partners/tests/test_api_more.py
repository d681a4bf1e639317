"""/api/v1/partners/{id}/contacts|addresses, PATCH payment terms, reactivate:
status codes, exact error codes and messages, audit rows."""

import pytest

from ordo.core.models import AuditEntry
from ordo.partners import services
from ordo.partners.models import Address, Contact

pytestmark = pytest.mark.django_db

BASE = "/api/v1/partners"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


@pytest.fixture
def api(personas, client_for):
    return client_for(personas["master_data_owner"])


@pytest.fixture
def globex(personas):
    return services.create_partner(
        actor=personas["master_data_owner"],
        data=services.PartnerInput(
            code="GLOBEX", name="Globex", is_supplier=True,
            contacts=(services.ContactInput(name="Carla Dupont"),),
            addresses=(services.AddressInput(street="Rue 1", city="Liège", country="BE"),),
        ),
    )  # fmt: skip


# --------------------------------------------------------------------------- contacts


def test_contacts_list_add_patch_delete(api, acme):
    url = f"{BASE}/{acme.pk}/contacts"
    ann = acme.contacts.get()
    assert api.get(url).json() == [
        {"id": ann.pk, "name": "Ann Peeters", "job_title": "", "email": "ann@acme.example",
         "phone": "", "is_primary": True},
    ]  # fmt: skip
    response = post(api, url, {"name": "Bob Claes", "job_title": "Buyer", "is_primary": True})
    assert response.status_code == 201, response.json()
    bob = response.json()
    assert bob == {"id": bob["id"], "name": "Bob Claes", "job_title": "Buyer", "email": "",
                   "phone": "", "is_primary": True}  # fmt: skip
    assert [c["name"] for c in api.get(url).json()] == ["Bob Claes", "Ann Peeters"]

    response = patch(api, f"{url}/{ann.pk}", {"phone": "+32 3 000 00 00", "job_title": None})
    assert response.status_code == 200
    assert response.json() == {"id": ann.pk, "name": "Ann Peeters", "job_title": "",
                               "email": "ann@acme.example", "phone": "+32 3 000 00 00",
                               "is_primary": False}  # fmt: skip
    row = AuditEntry.objects.filter(
        action="partners.contact.updated", target_id=str(ann.pk)
    ).order_by("id")
    assert [r.changes for r in row] == [
        {"is_primary": [True, False]},  # demoted when Bob became primary
        {"phone": ["", "+32 3 000 00 00"]},
    ]

    response = api.delete(f"{url}/{bob['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert not Contact.objects.filter(pk=bob["id"]).exists()
    assert api.get(url).json()[0]["is_primary"] is True  # Ann is primary again


def test_contact_errors(api, personas, client_for, acme, globex):
    url = f"{BASE}/{acme.pk}/contacts"
    response = post(api, url, {"name": "Bob", "email": "bob@"})
    assert response.status_code == 422
    assert response.json() == {
        "code": "email.invalid",
        "message": "bob@ is not a valid email address.",
        "details": {"field": "email", "value": "bob@"},
    }
    response = post(api, url, {"email": "bob@acme.example"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation.invalid"
    assert response.json()["details"]["field"] == "name"

    carla = globex.contacts.get()
    for response in (
        patch(api, f"{url}/{carla.pk}", {"name": "X"}),
        api.delete(f"{url}/{carla.pk}"),
    ):
        assert response.status_code == 404
        assert response.json() == {
            "code": "contact.not_found",
            "message": f"Contact {carla.pk} not found for partner ACME-TRADING.",
            "details": {},
        }
    response = api.get(f"{BASE}/999/contacts")
    assert response.status_code == 404
    assert response.json()["message"] == "Partner 999 not found."

    response = post(client_for(personas["buyer"]), url, {"name": "Bob"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission.denied"
    assert response.json()["details"] == {"permission": "partners.customer.manage"}
    # the buyer manages suppliers
    assert (
        post(
            client_for(personas["buyer"]), f"{BASE}/{globex.pk}/contacts", {"name": "Dirk"}
        ).status_code
        == 201
    )
    assert Contact.objects.filter(partner=acme).count() == 1


# --------------------------------------------------------------------------- addresses


DELIVERY = {"kind": "delivery", "street": "Kaai 2", "postal_code": "9000", "city": "Ghent",
            "country": "be", "gln": "5410000000002"}  # fmt: skip


def test_addresses_list_add_patch_delete(api, acme):
    url = f"{BASE}/{acme.pk}/addresses"
    main = acme.addresses.get()
    response = post(api, url, DELIVERY)
    assert response.status_code == 201, response.json()
    added = response.json()
    assert added == DELIVERY | {
        "id": added["id"],
        "country": "BE",
        "street2": "",
        "is_default": True,
    }
    second = post(api, url, DELIVERY | {"street": "Dok 5", "gln": "", "is_default": True}).json()
    assert second["is_default"] is True
    body = api.get(url).json()
    assert [(a["kind"], a["street"], a["is_default"]) for a in body] == [
        ("delivery", "Dok 5", True),
        ("delivery", "Kaai 2", False),
        ("invoice", "Meir 1", True),
    ]

    response = patch(api, f"{url}/{main.pk}", {"street2": "Bus 3", "postal_code": None})
    assert response.status_code == 200
    assert response.json() == {"id": main.pk, "kind": "invoice", "street": "Meir 1",
                               "street2": "Bus 3", "postal_code": "", "city": "Antwerp",
                               "country": "BE", "gln": "", "is_default": True}  # fmt: skip
    row = AuditEntry.objects.get(action="partners.address.updated", target_id=str(main.pk))
    assert row.changes == {"postal_code": ["2000", ""], "street2": ["", "Bus 3"]}

    response = api.delete(f"{url}/{second['id']}")
    assert response.status_code == 204
    assert Address.objects.get(pk=added["id"]).is_default  # promoted
    assert AuditEntry.objects.get(action="partners.address.removed").target_id == str(second["id"])


def test_address_errors(api, personas, client_for, acme, globex):
    url = f"{BASE}/{acme.pk}/addresses"
    response = post(api, url, DELIVERY | {"gln": "5410000000003"})
    assert response.status_code == 422
    assert response.json() == {
        "code": "gln.invalid",
        "message": "5410000000003 is not a valid GLN (the number's checksum or check digit is invalid).",
        "details": {"field": "gln", "value": "5410000000003"},
    }
    response = post(api, url, DELIVERY | {"country": "Belgium", "city": ""})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation.errors"
    assert [(e["field"], e["code"]) for e in body["details"]["errors"]] == [
        ("city", "field.required"),
        ("country", "country.unknown"),
    ]
    assert body["message"] == (
        "City is required.; 'Belgium' is not an ISO 3166 country code (e.g. BE, DE)."
    )
    other = globex.addresses.get()
    response = patch(api, f"{url}/{other.pk}", {"city": "Ghent"})
    assert response.status_code == 404
    assert response.json()["code"] == "address.not_found"
    assert response.json()["message"] == f"Address {other.pk} not found for partner ACME-TRADING."
    response = client_for(personas["sales_rep"]).delete(f"{BASE}/{globex.pk}/addresses/{other.pk}")
    assert response.status_code == 403
    assert response.json()["details"] == {"permission": "partners.supplier.manage"}
    assert Address.objects.filter(pk=other.pk).exists()
    assert acme.addresses.count() == 1


# --------------------------------------------------------------------------- payment terms


def test_patch_payment_term_name_then_lines(api, personas, client_for, term_30_70):
    url = f"{BASE}/payment-terms/{term_30_70.pk}"
    response = patch(api, url, {"name": "30/70 EOM"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "30/70 EOM" and body["code"] == "30-70"
    assert [(line["percent"], line["days"]) for line in body["lines"]] == [("30", 0), ("70", 30)]

    response = patch(
        api,
        url,
        {"lines": [{"percent": "50"}, {"percent": "50", "days": 60}], "description": "half"},
    )
    assert response.status_code == 200
    assert response.json()["description"] == "half"
    assert response.json()["lines"] == [
        {"sequence": 1, "percent": "50", "days": 0, "is_end_of_month": False},
        {"sequence": 2, "percent": "50", "days": 60, "is_end_of_month": False},
    ]
    rows = list(AuditEntry.objects.filter(action="partners.payment_term.updated").order_by("id"))
    assert rows[0].changes == {"name": ["30 % now, 70 % end of next month", "30/70 EOM"]}
    assert rows[1].changes["description"] == ["", "half"]

    response = patch(api, url, {"lines": [{"percent": "50"}, {"percent": "40"}]})
    assert response.status_code == 422
    assert response.json() == {
        "code": "payment_term.percent_sum",
        "message": "Payment term 30-70 cannot be saved: the installment percents sum to 90 %, not 100 %.",
        "details": {"field": "lines", "total": "90"},
    }
    response = patch(api, url, {"lines": [{"percent": 100}]})
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "lines.0.percent"
    response = patch(api, f"{BASE}/payment-terms/999", {"name": "X"})
    assert response.status_code == 404
    assert response.json()["message"] == "Payment term 999 not found."
    response = patch(client_for(personas["sales_rep"]), url, {"name": "X"})
    assert response.status_code == 403
    assert response.json()["details"] == {"permission": "partners.payment_term.manage"}


# --------------------------------------------------------------------------- reactivate


def test_deactivate_and_reactivate_with_reason(api, acme):
    response = api.post(f"{BASE}/{acme.pk}/deactivate?reason=Closed")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    response = api.post(f"{BASE}/{acme.pk}/reactivate?reason=Reopened")
    assert response.status_code == 200
    assert response.json()["is_active"] is True
    reasons = AuditEntry.objects.filter(action__startswith="partners.partner.").exclude(
        action="partners.partner.created"
    )
    assert [(r.action, r.reason) for r in reasons.order_by("id")] == [
        ("partners.partner.deactivated", "Closed"),
        ("partners.partner.reactivated", "Reopened"),
    ]
    response = api.post(f"{BASE}/{acme.pk}/reactivate")
    assert response.status_code == 409
    assert response.json() == {
        "code": "partner.state_unchanged",
        "message": "Partner ACME-TRADING is already active.",
        "details": {},
    }
