"""Addresses and contacts one at a time: defaults per kind, primary contact, GLN and
country validation, permissions, audit rows with before/after; the installment preview."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from ordo.core.errors import InvalidInput, PermissionDenied, ValidationErrors
from ordo.core.models import AuditEntry
from ordo.partners import selectors, services
from ordo.partners.errors import AddressNotFound, ContactNotFound, PartnerNotFound
from ordo.partners.models import Address, Contact

pytestmark = pytest.mark.django_db


def audit_rows(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def delivery(street="Kaai 2", **kwargs):
    return services.AddressInput(
        kind="delivery", street=street, city="Ghent", country="BE", **kwargs
    )


@pytest.fixture
def owner(personas):
    return personas["master_data_owner"]


# --------------------------------------------------------------------------- contacts


def test_first_contact_is_primary_and_a_new_primary_demotes_the_old_one(owner, acme):
    ann = acme.contacts.get()
    assert ann.is_primary
    bob = services.add_contact(
        actor=owner,
        partner_id=acme.pk,
        data=services.ContactInput(name="Bob Claes", email="bob@acme.example", is_primary=True),
    )
    ann.refresh_from_db()
    assert bob.is_primary and not ann.is_primary
    [added] = audit_rows("partners.contact.added")
    assert added.target_id == str(bob.pk)
    assert added.changes == {
        "email": [None, "bob@acme.example"],
        "is_primary": [None, True],
        "name": [None, "Bob Claes"],
        "partner": [None, "ACME-TRADING"],
    }
    [demoted] = audit_rows("partners.contact.updated")
    assert demoted.target_id == str(ann.pk)
    assert demoted.changes == {"is_primary": [True, False]}
    assert demoted.reason == "Another contact of ACME-TRADING became the primary contact."


def test_a_partner_without_contacts_gets_its_first_as_primary(owner, personas):
    partner = services.create_partner(
        actor=owner, data=services.PartnerInput(code="GLOBEX", name="Globex", is_customer=True)
    )
    contact = services.add_contact(
        actor=owner, partner_id=partner.pk, data=services.ContactInput(name="Carla Dupont")
    )
    assert contact.is_primary


def test_update_contact_audits_before_and_after(owner, acme):
    ann = acme.contacts.get()
    services.update_contact(
        actor=owner,
        partner_id=acme.pk,
        contact_id=ann.pk,
        data=services.ContactInput(
            name="Ann Peeters", job_title="Buyer", email="ann.peeters@acme.example",
            is_primary=True,
        ),
    )  # fmt: skip
    ann.refresh_from_db()
    assert (ann.job_title, ann.email) == ("Buyer", "ann.peeters@acme.example")
    [row] = audit_rows("partners.contact.updated")
    assert row.actor == owner
    assert row.changes == {
        "email": ["ann@acme.example", "ann.peeters@acme.example"],
        "job_title": ["", "Buyer"],
    }


def test_contact_fields_are_validated_all_at_once(owner, acme):
    with pytest.raises(ValidationErrors) as exc:
        services.add_contact(
            actor=owner, partner_id=acme.pk, data=services.ContactInput(name=" ", email="nope")
        )
    assert [(e["field"], e["code"], e["message"]) for e in exc.value.errors] == [
        ("name", "field.required", "Contact name is required."),
        ("email", "email.invalid", "nope is not a valid email address."),
    ]
    assert acme.contacts.count() == 1
    assert not audit_rows("partners.contact.added")


def test_remove_primary_contact_promotes_the_next_by_name(owner, acme):
    ann = acme.contacts.get()
    zoe = services.add_contact(
        actor=owner, partner_id=acme.pk, data=services.ContactInput(name="Zoe Maes")
    )
    bob = services.add_contact(
        actor=owner, partner_id=acme.pk, data=services.ContactInput(name="Bob Claes")
    )
    services.remove_contact(actor=owner, partner_id=acme.pk, contact_id=ann.pk, reason="Left")
    assert not Contact.objects.filter(pk=ann.pk).exists()
    bob.refresh_from_db()
    zoe.refresh_from_db()
    assert bob.is_primary and not zoe.is_primary
    [removed] = audit_rows("partners.contact.removed")
    assert removed.target_id == str(ann.pk)
    assert removed.reason == "Left"
    assert removed.changes == {
        "email": ["ann@acme.example", None],
        "is_primary": [True, None],
        "name": ["Ann Peeters", None],
        "partner": ["ACME-TRADING", None],
    }
    [promoted] = audit_rows("partners.contact.updated")
    assert promoted.target_id == str(bob.pk)
    assert promoted.changes == {"is_primary": [False, True]}


def test_contact_of_another_partner_is_404(owner, acme):
    other = services.create_partner(
        actor=owner,
        data=services.PartnerInput(
            code="GLOBEX", name="Globex", is_customer=True,
            contacts=(services.ContactInput(name="Carla Dupont"),),
        ),
    )  # fmt: skip
    carla = other.contacts.get()
    with pytest.raises(ContactNotFound) as exc:
        services.remove_contact(actor=owner, partner_id=acme.pk, contact_id=carla.pk)
    assert exc.value.status == 404
    assert exc.value.code == "contact.not_found"
    assert exc.value.message == f"Contact {carla.pk} not found for partner ACME-TRADING."
    assert Contact.objects.filter(pk=carla.pk).exists()
    with pytest.raises(PartnerNotFound):
        services.add_contact(actor=owner, partner_id=999, data=services.ContactInput(name="Nobody"))


def test_contacts_need_the_partners_manage_permission(personas, acme):
    with pytest.raises(PermissionDenied) as exc:
        services.add_contact(
            actor=personas["buyer"], partner_id=acme.pk, data=services.ContactInput(name="X")
        )
    assert exc.value.status == 403
    assert exc.value.details == {"permission": "partners.customer.manage"}
    with pytest.raises(PermissionDenied):
        services.remove_contact(
            actor=personas["warehouse_operator"],
            partner_id=acme.pk,
            contact_id=acme.contacts.get().pk,
        )
    assert acme.contacts.count() == 1
    # a customer service agent manages customers
    services.add_contact(
        actor=personas["customer_service"], partner_id=acme.pk, data=services.ContactInput(name="X")
    )


def test_a_partner_that_is_both_needs_both_permissions_for_its_contacts(personas, owner):
    both = services.create_partner(
        actor=owner,
        data=services.PartnerInput(code="BOTH", name="Both", is_customer=True, is_supplier=True),
    )
    with pytest.raises(PermissionDenied) as exc:
        services.add_contact(
            actor=personas["sales_rep"], partner_id=both.pk, data=services.ContactInput(name="X")
        )
    assert exc.value.details == {"permission": "partners.supplier.manage"}


def test_two_primary_contacts_in_one_partner_are_refused(owner):
    with pytest.raises(InvalidInput) as exc:
        services.create_partner(
            actor=owner,
            data=services.PartnerInput(
                code="GLOBEX", name="Globex", is_customer=True,
                contacts=(
                    services.ContactInput(name="A", is_primary=True),
                    services.ContactInput(name="B", is_primary=True),
                ),
            ),
        )  # fmt: skip
    assert exc.value.code == "contact.primary_twice"
    assert exc.value.message == "Only one contact can be the primary contact."


def test_the_database_holds_one_primary_contact_and_one_default_per_kind(acme):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(partner=acme, name="Second", is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.create(
            partner=acme, kind="invoice", street="X", city="Y", country="BE", is_default=True
        )
    # a default of another kind is fine
    Address.objects.create(
        partner=acme, kind="delivery", street="X", city="Y", country="BE", is_default=True
    )


# --------------------------------------------------------------------------- addresses


def test_first_address_of_a_kind_is_its_default_and_gln_is_validated(owner, acme):
    address = services.add_address(
        actor=owner, partner_id=acme.pk, data=delivery(gln=" 5410000000002 ", postal_code="9000")
    )
    assert address.is_default and address.gln == "5410000000002"
    second = services.add_address(actor=owner, partner_id=acme.pk, data=delivery("Dok 5"))
    assert not second.is_default
    invoice = acme.addresses.get(kind="invoice")
    assert invoice.is_default  # other kinds are untouched
    [first, _] = audit_rows("partners.address.added")
    assert first.changes == {
        "city": [None, "Ghent"],
        "country": [None, "BE"],
        "gln": [None, "5410000000002"],
        "is_default": [None, True],
        "kind": [None, "delivery"],
        "partner": [None, "ACME-TRADING"],
        "postal_code": [None, "9000"],
        "street": [None, "Kaai 2"],
    }


def test_address_country_and_gln_errors_are_reported_together(owner, acme):
    with pytest.raises(ValidationErrors) as exc:
        services.add_address(
            actor=owner,
            partner_id=acme.pk,
            data=services.AddressInput(
                kind="delivery", street="Kaai 2", city="Ghent", country="XX", gln="5410000000003"
            ),
        )
    assert [(e["field"], e["code"], e["message"]) for e in exc.value.errors] == [
        ("country", "country.unknown", "'XX' is not an ISO 3166 country code (e.g. BE, DE)."),
        (
            "gln",
            "gln.invalid",
            "5410000000003 is not a valid GLN (the number's checksum or check digit is invalid).",
        ),
    ]
    assert acme.addresses.count() == 1


def test_gln_must_have_13_digits_and_kind_must_be_known(owner, acme):
    with pytest.raises(InvalidInput) as exc:
        services.add_address(actor=owner, partner_id=acme.pk, data=delivery(gln="96385074"))
    assert (exc.value.field, exc.value.message) == (
        "gln",
        "96385074 is not a valid GLN (a GLN has 13 digits).",
    )
    with pytest.raises(InvalidInput) as exc:
        services.add_address(
            actor=owner,
            partner_id=acme.pk,
            data=services.AddressInput(kind="billing", street="X", city="Y", country="BE"),
        )
    assert exc.value.code == "address.kind_unknown"
    assert (
        exc.value.message
        == "'billing' is not an address kind: use one of invoice, delivery, other."
    )


def test_create_partner_validates_each_address_gln(owner):
    with pytest.raises(InvalidInput) as exc:
        services.create_partner(
            actor=owner,
            data=services.PartnerInput(
                code="GLOBEX", name="Globex", is_customer=True, addresses=(delivery(gln="123"),)
            ),
        )
    assert exc.value.field == "addresses.0.gln"
    assert exc.value.code == "gln.invalid"


def test_new_default_address_demotes_the_old_one_audited(owner, acme):
    old = acme.addresses.get()
    new = services.add_address(
        actor=owner,
        partner_id=acme.pk,
        data=services.AddressInput(
            street="Meir 99", city="Antwerp", country="BE", postal_code="2000", is_default=True
        ),
    )
    old.refresh_from_db()
    assert new.is_default and not old.is_default
    [demoted] = audit_rows("partners.address.updated")
    assert demoted.target_id == str(old.pk)
    assert demoted.changes == {"is_default": [True, False]}
    assert demoted.reason == "Another invoice address of ACME-TRADING became the default."


def test_moving_the_default_to_another_kind_promotes_the_oldest_left(owner, acme):
    main = acme.addresses.get()
    second = services.add_address(
        actor=owner,
        partner_id=acme.pk,
        data=services.AddressInput(street="Meir 99", city="Antwerp", country="BE"),
    )
    third = services.add_address(
        actor=owner,
        partner_id=acme.pk,
        data=services.AddressInput(street="Meir 100", city="Antwerp", country="BE"),
    )
    moved = services.update_address(
        actor=owner,
        partner_id=acme.pk,
        address_id=main.pk,
        data=services.AddressInput(
            kind="delivery", street="Meir 1", postal_code="2000", city="Antwerp", country="BE"
        ),
    )
    second.refresh_from_db()
    third.refresh_from_db()
    assert moved.kind == "delivery" and moved.is_default  # first delivery address
    assert second.is_default and not third.is_default
    rows = audit_rows("partners.address.updated")
    assert [(r.target_id, r.changes) for r in rows] == [
        (str(second.pk), {"is_default": [False, True]}),
        (str(main.pk), {"kind": ["invoice", "delivery"]}),
    ]


def test_remove_default_address_promotes_the_oldest_of_its_kind(owner, acme):
    main = acme.addresses.get()
    later = services.add_address(
        actor=owner,
        partner_id=acme.pk,
        data=services.AddressInput(street="Meir 99", city="Antwerp", country="BE"),
    )
    services.remove_address(actor=owner, partner_id=acme.pk, address_id=main.pk)
    later.refresh_from_db()
    assert later.is_default
    [removed] = audit_rows("partners.address.removed")
    assert removed.target_id == str(main.pk)
    assert removed.changes["street"] == ["Meir 1", None]
    assert removed.changes["is_default"] == [True, None]
    with pytest.raises(AddressNotFound) as exc:
        services.remove_address(actor=owner, partner_id=acme.pk, address_id=main.pk)
    assert exc.value.message == f"Address {main.pk} not found for partner ACME-TRADING."


def test_address_services_need_permission(personas, acme):
    with pytest.raises(PermissionDenied):
        services.add_address(actor=personas["buyer"], partner_id=acme.pk, data=delivery())
    with pytest.raises(PermissionDenied):
        services.update_address(
            actor=personas["accountant"],
            partner_id=acme.pk,
            address_id=acme.addresses.get().pk,
            data=delivery(),
        )
    assert acme.addresses.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="partners.address").exists()


# --------------------------------------------------------------------------- preview


def test_payment_term_installments_for_a_preview(personas, term_30_70):
    term = selectors.get_payment_term(actor=personas["sales_rep"], payment_term_id=term_30_70.pk)
    schedule = selectors.payment_term_installments(
        term,
        invoice_date=datetime.date(2026, 1, 15),
        total_amount=Decimal("1000.00"),
        currency="EUR",
    )
    assert schedule == [
        (datetime.date(2026, 1, 15), Decimal("300.00")),
        (datetime.date(2026, 2, 28), Decimal("700.00")),
    ]
    assert selectors.payment_term_installments(
        term, invoice_date=datetime.date(2026, 1, 15), total_amount=Decimal("1000"), currency="JPY"
    ) == [
        (datetime.date(2026, 1, 15), Decimal("300")),
        (datetime.date(2026, 2, 28), Decimal("700")),
    ]


def test_saving_a_partner_with_its_invoice_address_keeps_the_address_id(personas, acme):
    from ordo.core.models import AuditEntry
    from ordo.partners.models import Address

    owner = personas["master_data_owner"]
    invoice = acme.addresses.get(kind="invoice")
    data = services.PartnerInput(
        code="ACME-TRADING", name="Acme Trading NV", is_customer=True, vat_number="BE0403019261",
        email="orders@acme.example", currency="EUR",
    )  # fmt: skip
    before = AuditEntry.objects.filter(action="partners.address.updated").count()

    services.update_partner_with_invoice_address(
        actor=owner, partner_id=acme.pk, data=data,
        street="Meir 1", postal_code="2000", city="Antwerp", country="BE",
    )  # fmt: skip
    assert AuditEntry.objects.filter(action="partners.address.updated").count() == before

    services.update_partner_with_invoice_address(
        actor=owner, partner_id=acme.pk, data=data,
        street="Meir 2", postal_code="2000", city="Antwerp", country="BE",
    )  # fmt: skip
    assert list(Address.objects.filter(partner=acme).values_list("pk", "street")) == [
        (invoice.pk, "Meir 2")
    ]
    assert AuditEntry.objects.filter(action="partners.address.updated").count() == before + 1
