"""Partner detail page: contacts and addresses add/edit/remove, deactivate/reactivate,
the active filter; payment term edit and preview; customer groups."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ordo.core.models import AuditEntry
from ordo.partners import services
from ordo.partners.models import Address, Contact, CustomerGroup, PaymentTerm

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(personas, client_for):
    return client_for(personas["master_data_owner"])


def detail(partner, role="customer"):
    return reverse(f"partners:{role}_detail", args=[partner.pk])


# --------------------------------------------------------------------------- contacts


def test_detail_page_has_contact_and_address_buttons_only_for_managers(
    personas, client_for, owner_client, acme
):
    html = owner_client.get(detail(acme)).content.decode()
    ann = acme.contacts.get()
    address = acme.addresses.get()
    assert f'href="{reverse("partners:contact_add", args=[acme.pk])}?role=customer"' in html
    assert (
        f'href="{reverse("partners:contact_edit", args=[acme.pk, ann.pk])}?role=customer"' in html
    )
    assert f'action="{reverse("partners:contact_delete", args=[acme.pk, ann.pk])}"' in html
    assert f'href="{reverse("partners:address_add", args=[acme.pk])}?role=customer"' in html
    assert f'action="{reverse("partners:address_delete", args=[acme.pk, address.pk])}"' in html
    assert html.count(f'action="{reverse("partners:partner_deactivate", args=[acme.pk])}"') == 1
    # a buyer sees the customer but may not change it
    html = client_for(personas["buyer"]).get(detail(acme)).content.decode()
    assert "Ann Peeters" in html
    assert "Add contact" not in html and "Add address" not in html
    assert "Deactivate customer" not in html


def test_add_contact_shows_inline_error_then_saves_and_redirects(owner_client, acme):
    url = reverse("partners:contact_add", args=[acme.pk])
    page = owner_client.get(url, {"role": "customer"})
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("name", "job_title", "email", "phone", "is_primary"):
        assert f'name="{name}"' in html
    response = owner_client.post(url, {"role": "customer", "name": "Bob Claes", "email": "bob@"})
    assert response.status_code == 422
    assert (
        '<div class="error" role="alert" data-field="email">bob@ is not a valid email address.</div>'
        in response.content.decode()
    )
    assert acme.contacts.count() == 1

    response = owner_client.post(
        url, {"role": "customer", "name": "Bob Claes", "email": "bob@acme.example"}
    )
    assert response.status_code == 302
    assert response.url == detail(acme)
    bob = acme.contacts.get(name="Bob Claes")
    assert not bob.is_primary
    page = owner_client.get(response.url).content.decode()
    assert "Contact added to ACME-TRADING." in page
    assert "bob@acme.example" in page


def test_edit_contact_prefills_and_makes_it_primary(personas, owner_client, acme):
    bob = services.add_contact(
        actor=personas["master_data_owner"],
        partner_id=acme.pk,
        data=services.ContactInput(name="Bob Claes"),
    )
    url = reverse("partners:contact_edit", args=[acme.pk, bob.pk])
    assert 'value="Bob Claes"' in owner_client.get(url).content.decode()
    response = owner_client.post(
        url, {"name": "Bob Claes", "phone": "+32 9 000", "is_primary": "on"}
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.is_primary and bob.phone == "+32 9 000"
    assert not acme.contacts.get(name="Ann Peeters").is_primary
    row = AuditEntry.objects.filter(action="partners.contact.updated", target_id=str(bob.pk)).get()
    assert row.changes == {"is_primary": [False, True], "phone": ["", "+32 9 000"]}


def test_remove_contact_is_post_only_and_404_for_another_partners_contact(
    personas, owner_client, acme
):
    ann = acme.contacts.get()
    url = reverse("partners:contact_delete", args=[acme.pk, ann.pk])
    assert owner_client.get(url).status_code == 405
    other = services.create_partner(
        actor=personas["master_data_owner"],
        data=services.PartnerInput(
            code="GLOBEX", name="Globex", is_supplier=True,
            contacts=(services.ContactInput(name="Carla Dupont"),),
        ),
    )  # fmt: skip
    carla = other.contacts.get()
    wrong = reverse("partners:contact_delete", args=[acme.pk, carla.pk])
    assert owner_client.post(wrong).status_code == 404
    assert (
        owner_client.get(reverse("partners:contact_edit", args=[acme.pk, carla.pk])).status_code
        == 404
    )
    response = owner_client.post(url, {"role": "customer"})
    assert response.status_code == 302
    assert response.url == detail(acme)
    assert not Contact.objects.filter(pk=ann.pk).exists()
    assert "Contact removed from ACME-TRADING." in owner_client.get(response.url).content.decode()
    # a supplier's page is where a supplier's contact removal returns
    response = owner_client.post(
        reverse("partners:contact_delete", args=[other.pk, carla.pk]), {"role": "customer"}
    )
    assert response.url == detail(other, "supplier")


def test_contact_pages_refuse_users_without_permission(personas, client_for, acme):
    client = client_for(personas["warehouse_operator"])
    ann = acme.contacts.get()
    assert client.get(reverse("partners:contact_add", args=[acme.pk])).status_code == 403
    assert (
        client.post(reverse("partners:contact_add", args=[acme.pk]), {"name": "X"}).status_code
        == 403
    )
    response = client.post(reverse("partners:contact_delete", args=[acme.pk, ann.pk]))
    assert response.status_code == 403
    assert response.content.decode() == (
        "warehouse_operator may not do this: it needs the permission partners.customer.manage "
        "(Create and edit customers)."
    )
    page = client.get(reverse("partners:contact_add", args=[acme.pk]))
    assert page.content.decode() == "warehouse_operator may not change ACME-TRADING."
    assert acme.contacts.count() == 1
    assert client.get(reverse("partners:contact_add", args=[999])).status_code == 404


# --------------------------------------------------------------------------- addresses


ADDRESS = {"role": "customer", "kind": "delivery", "street": "Kaai 2", "postal_code": "9000",
           "city": "Ghent", "country": "be", "gln": ""}  # fmt: skip


def test_add_address_validates_country_and_gln_inline(owner_client, acme):
    url = reverse("partners:address_add", args=[acme.pk])
    response = owner_client.post(url, ADDRESS | {"country": "XX", "gln": "5410000000003"})
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        'data-field="country">&#x27;XX&#x27; is not an ISO 3166 country code (e.g. BE, DE).</div>'
        in html
    )
    assert (
        'data-field="gln">5410000000003 is not a valid GLN '
        "(the number&#x27;s checksum or check digit is invalid).</div>"
    ) in html
    assert acme.addresses.count() == 1

    response = owner_client.post(url, ADDRESS | {"gln": "5410000000002"})
    assert response.status_code == 302
    assert response.url == detail(acme)
    address = acme.addresses.get(kind="delivery")
    assert (address.country, address.gln, address.is_default) == ("BE", "5410000000002", True)
    html = owner_client.get(detail(acme)).content.decode()
    assert "Kaai 2, 9000 Ghent (BE)" in html and "5410000000002" in html
    assert "Address added to ACME-TRADING." in html


def test_edit_and_remove_address(owner_client, acme):
    address = acme.addresses.get()
    url = reverse("partners:address_edit", args=[acme.pk, address.pk])
    page = owner_client.get(url).content.decode()
    assert 'value="Meir 1"' in page and 'value="Antwerp"' in page
    response = owner_client.post(
        url,
        ADDRESS | {"kind": "invoice", "street": "Meir 2", "city": "Antwerp", "is_default": "on"},
    )
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.street == "Meir 2"
    row = AuditEntry.objects.get(action="partners.address.updated")
    assert row.changes["street"] == ["Meir 1", "Meir 2"]
    response = owner_client.post(reverse("partners:address_delete", args=[acme.pk, address.pk]))
    assert response.status_code == 302
    assert not Address.objects.filter(pk=address.pk).exists()
    assert "No addresses." in owner_client.get(detail(acme)).content.decode()


# --------------------------------------------------------------------------- active / inactive


def test_deactivate_with_reason_then_list_filter_then_reactivate(owner_client, acme):
    url = reverse("partners:partner_deactivate", args=[acme.pk])
    assert owner_client.get(url).status_code == 405
    response = owner_client.post(url, {"role": "customer", "reason": "Duplicate of ACME-NV"})
    assert response.status_code == 302
    assert response.url == detail(acme)
    acme.refresh_from_db()
    assert not acme.is_active
    row = AuditEntry.objects.get(action="partners.partner.deactivated")
    assert row.reason == "Duplicate of ACME-NV"
    assert row.changes == {"is_active": [True, False]}
    html = owner_client.get(detail(acme)).content.decode()
    assert "Customer ACME-TRADING deactivated." in html
    assert f'action="{reverse("partners:partner_reactivate", args=[acme.pk])}"' in html
    assert "Reactivate customer" in html

    listing = reverse("partners:customer_list")
    assert ">ACME-TRADING</a>" not in owner_client.get(listing).content.decode()
    html = owner_client.get(listing, {"active": "inactive"}).content.decode()
    assert ">ACME-TRADING</a>" in html and '<option value="inactive" selected>' in html
    assert ">ACME-TRADING</a>" in owner_client.get(listing, {"active": "all"}).content.decode()

    # deactivating twice is a 409 shown on the page
    response = owner_client.post(url, {"role": "customer"})
    assert response.status_code == 409
    assert "Partner ACME-TRADING is already inactive." in response.content.decode()

    response = owner_client.post(
        reverse("partners:partner_reactivate", args=[acme.pk]), {"reason": "Trading again"}
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.is_active
    assert AuditEntry.objects.get(action="partners.partner.reactivated").reason == "Trading again"
    html = owner_client.get(listing, {"active": "inactive"}).content.decode()
    assert ">ACME-TRADING</a>" not in html and "No inactive customers." in html


def test_deactivate_needs_permission(personas, client_for, acme):
    client = client_for(personas["buyer"])
    response = client.post(reverse("partners:partner_deactivate", args=[acme.pk]))
    assert response.status_code == 403
    acme.refresh_from_db()
    assert acme.is_active
    assert client.post(reverse("partners:partner_deactivate", args=[999])).status_code == 404


# --------------------------------------------------------------------------- payment terms


def test_payment_term_edit_page_prefills_refuses_bad_sum_and_saves(owner_client, term_30_70):
    url = reverse("partners:payment_term_edit", args=[term_30_70.pk])
    html = owner_client.get(url).content.decode()
    assert "Edit payment term 30-70" in html
    assert 'name="line0_percent" value="30"' in html
    assert 'name="line1_percent" value="70"' in html
    assert 'name="line1_days" value="30"' in html
    data = {"code": "30-70", "name": "30 % now, 70 % in 60 days", "line0_percent": "30",
            "line1_percent": "60", "line1_days": "60"}  # fmt: skip
    response = owner_client.post(url, data)
    assert response.status_code == 422
    assert (
        "Payment term 30-70 cannot be saved: the installment percents sum to 90 %, not 100 %."
        in response.content.decode()
    )
    response = owner_client.post(url, data | {"line0_percent": "x"})
    assert response.status_code == 422
    assert (
        'data-field="line0_percent">lines.0.percent must be a decimal number, got &#x27;x&#x27;.'
        in response.content.decode()
    )
    response = owner_client.post(url, data | {"line1_percent": "70"})
    assert response.status_code == 302
    assert response.url == reverse("partners:payment_term_detail", args=[term_30_70.pk])
    lines = list(term_30_70.lines.values_list("percent", "days", "is_end_of_month"))
    assert [(format(p.normalize(), "f"), d, e) for p, d, e in lines] == [
        ("30", 0, False),
        ("70", 60, False),
    ]
    row = AuditEntry.objects.get(action="partners.payment_term.updated")
    assert row.changes["name"] == ["30 % now, 70 % end of next month", "30 % now, 70 % in 60 days"]
    assert row.changes["lines"][0][1] == {
        "days": 30, "is_end_of_month": True, "percent": "70.0000", "sequence": 2,
    }  # fmt: skip


def test_payment_term_edit_refused_without_permission(personas, client_for, term_30_70):
    client = client_for(personas["sales_rep"])
    url = reverse("partners:payment_term_edit", args=[term_30_70.pk])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"code": "30-70", "name": "X", "line0_percent": "100"}).status_code == 403
    )
    assert PaymentTerm.objects.get().name == "30 % now, 70 % end of next month"
    page = client.get(reverse("partners:payment_term_detail", args=[term_30_70.pk]))
    assert page.status_code == 200 and ">Edit</a>" not in page.content.decode()
    assert client.get(reverse("partners:payment_term_edit", args=[999])).status_code == 404


def test_payment_term_page_previews_installments(owner_client, term_30_70):
    url = reverse("partners:payment_term_detail", args=[term_30_70.pk])
    html = owner_client.get(url, {"amount": "1000", "invoice_date": "2026-01-15"}).content.decode()
    assert "For an invoice of 1000.00 EUR dated 2026-01-15:" in html
    assert '<td>2026-01-15</td><td class="num">300.00</td>' in html
    assert '<td>2026-02-28</td><td class="num">700.00</td>' in html
    # by default: 1000.00 EUR dated today
    today = timezone.localdate()
    html = owner_client.get(url).content.decode()
    assert f"For an invoice of 1000.00 EUR dated {today:%Y-%m-%d}:" in html
    assert f'<td>{today:%Y-%m-%d}</td><td class="num">300.00</td>' in html
    end = (today + datetime.timedelta(days=30)).replace(day=1) + datetime.timedelta(days=31)
    end = end.replace(day=1) - datetime.timedelta(days=1)
    assert f'<td>{end:%Y-%m-%d}</td><td class="num">700.00</td>' in html
    response = owner_client.get(url, {"amount": "12,5"})
    assert response.status_code == 422
    assert "amount must be a decimal number, got &#x27;12,5&#x27;." in response.content.decode()
    # the list shows the same preview per term
    html = owner_client.get(reverse("partners:payment_term_list")).content.decode()
    assert "Due for 1000.00 EUR invoiced today" in html
    assert f"300.00 on {today:%Y-%m-%d}; 700.00 on {end:%Y-%m-%d}" in html
    assert f'href="{url}"' in html


# --------------------------------------------------------------------------- customer groups


def test_customer_group_list_and_create(personas, client_for, owner_client, wholesale, acme):
    services.update_partner(
        actor=personas["master_data_owner"],
        partner_id=acme.pk,
        data=services.PartnerInput(code="ACME-TRADING", name="Acme Trading", is_customer=True,
                                   customer_group="WHOLESALE"),
    )  # fmt: skip
    html = owner_client.get(reverse("partners:customer_group_list")).content.decode()
    assert '<td>WHOLESALE</td><td>Wholesale</td><td class="num">1</td>' in html
    assert "New customer group" in html
    url = reverse("partners:customer_group_create")
    response = owner_client.post(url, {"code": "wholesale", "name": "Again"})
    assert response.status_code == 409
    assert (
        "A customer group with code WHOLESALE already exists: Wholesale."
        in response.content.decode()
    )
    response = owner_client.post(url, {"code": "retail", "name": "Retail"})
    assert response.status_code == 302
    assert response.url == reverse("partners:customer_group_list")
    assert CustomerGroup.objects.get(code="RETAIL").name == "Retail"
    assert "Customer group RETAIL created." in owner_client.get(response.url).content.decode()
    assert AuditEntry.objects.filter(action="partners.customer_group.created").count() == 2

    buyer = client_for(personas["buyer"])
    assert (
        "New customer group"
        not in buyer.get(reverse("partners:customer_group_list")).content.decode()
    )
    assert buyer.post(url, {"code": "KEY", "name": "Key accounts"}).status_code == 403
    assert not CustomerGroup.objects.filter(code="KEY").exists()


def test_editing_a_customer_updates_its_address_in_place_and_keeps_the_others(
    personas, owner_client, acme
):
    delivery = services.add_address(
        actor=personas["master_data_owner"],
        partner_id=acme.pk,
        data=services.AddressInput(
            kind="delivery", street="Kaai 5", postal_code="2030", city="Antwerp", country="BE"
        ),
    )
    invoice = acme.addresses.get(kind="invoice")
    response = owner_client.post(
        reverse("partners:customer_edit", args=[acme.pk]),
        {
            "code": "ACME-TRADING",
            "name": "Acme Trading NV",
            "vat_number": "BE0403019261",
            "email": "orders@acme.example",
            "currency": "EUR",
            "street": "Meir 99",
            "postal_code": "2000",
            "city": "Antwerp",
            "country": "BE",
        },
    )
    assert response.status_code == 302
    addresses = {a.pk: (a.kind, a.street) for a in Address.objects.filter(partner=acme)}
    assert addresses == {invoice.pk: ("invoice", "Meir 99"), delivery.pk: ("delivery", "Kaai 5")}
    change = AuditEntry.objects.filter(action="partners.address.updated").latest("id")
    assert change.changes["street"] == ["Meir 1", "Meir 99"]
