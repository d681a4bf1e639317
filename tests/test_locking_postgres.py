"""Concurrency tests for every ``select_for_update`` path (PostgreSQL only).

Each test releases several threads at once with a barrier; each thread uses its own
connection and closes it at the end. The edit tests prove there is no lost update: the
audit rows of the edits, in id order, form one chain where each row's "before" is the
previous row's "after" (a lost update would show two rows starting from the same value).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models.signals import pre_save

from ordo.catalog import services as catalog
from ordo.core.audit import record_audit
from ordo.core.chain import seal_pending, verify_chain
from ordo.core.models import AuditEntry
from ordo.governance.services import CompanyInput, update_company
from ordo.partners import services as partners

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

WRITERS = 6


def run_at_once(work: Callable[[int], Any], count: int) -> list[BaseException]:
    """Run ``work(0..count-1)`` in ``count`` threads released together; their errors."""
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(count)

    def runner(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@contextlib.contextmanager
def creation_rendezvous(model, count: int, timeout: float = 3.0) -> Iterator[None]:
    """Hold every thread about to INSERT a new ``model`` row until ``count`` are there.

    This makes the race on the first creation certain instead of likely. When the service
    serialises creation properly only one thread ever gets there: it waits ``timeout``
    seconds, the barrier breaks, and it (and every later one) goes on at once.
    """
    barrier = threading.Barrier(count, timeout=timeout)

    def hold(sender, instance, **kwargs):
        if instance._state.adding:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    uid = f"creation-rendezvous-{model._meta.label_lower}"
    pre_save.connect(hold, sender=model, dispatch_uid=uid, weak=False)
    try:
        yield
    finally:
        pre_save.disconnect(sender=model, dispatch_uid=uid)


def assert_no_errors(errors: list[BaseException]) -> None:
    assert errors == [], "threads raised: " + "; ".join(f"{type(e).__name__}: {e}" for e in errors)


def assert_serialised(
    *, action: str, target, field: str, initial: Any, written: list[Any], final: Any
) -> None:
    """Exactly one audit row per write, chained before→after in id order, none lost."""
    rows = list(
        AuditEntry.objects.filter(
            action=action, target_type=target._meta.label_lower, target_id=str(target.pk)
        ).order_by("id")
    )
    assert len(rows) == len(written), [r.changes for r in rows]
    current = initial
    afters = []
    for row in rows:
        if field in row.changes:
            before, after = row.changes[field]
            assert before == current, (
                f"lost update: audit row {row.pk} changed {field} from {before!r}, "
                f"but the previous write left {current!r}"
            )
            current = after
        # an absent field means this write did not change it: the value stays ``current``
        afters.append(current)
    assert sorted(map(str, afters)) == sorted(map(str, written))
    assert final in written
    assert str(final) == str(current)


# --------------------------------------------------------------------------- audit chain


def test_concurrent_sealers_give_gapless_seal_numbers_and_an_intact_chain(company_be):
    threads_count, per_thread = 4, 25

    def writer(index: int) -> None:
        for n in range(per_thread):
            with transaction.atomic():
                record_audit(
                    actor=None,
                    action="tests.locking.row",
                    target=company_be,
                    company=company_be,
                    after={"thread": index, "n": n},
                )
            seal_pending()

    assert_no_errors(run_at_once(writer, threads_count))
    seal_pending()

    total = AuditEntry.objects.count()
    assert AuditEntry.objects.filter(action="tests.locking.row").count() == 100
    numbers = list(AuditEntry.objects.order_by("seal_number").values_list("seal_number", flat=True))
    assert numbers == list(range(1, total + 1))
    report = verify_chain()
    assert report.is_intact, report.describe()
    assert (report.checked, report.unsealed) == (total, 0)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def customer(personas):
    return partners.create_partner(
        actor=personas["master_data_owner"],
        data=partners.PartnerInput(
            code="ACME-TRADING", name="Acme Trading", is_customer=True, currency="EUR"
        ),
    )


@pytest.fixture
def product(db):
    catalog.create_unit_category(actor=None, code="COUNT", name="Count")
    catalog.create_unit(
        actor=None,
        data=catalog.UnitInput(
            code="PCE", name="Piece", category="COUNT", rounding=Decimal(1), is_reference=True
        ),
    )
    catalog.create_product_category(
        actor=None, data=catalog.ProductCategoryInput(code="TOOLS", name="Tools")
    )
    return catalog.create_product(
        actor=None,
        data=catalog.ProductInput(
            sku="WIDGET-RED", name="Widget red", category="TOOLS", stock_unit="PCE"
        ),
    )


# --------------------------------------------------------------------------- group-wide edits


def test_concurrent_partner_edits_lose_no_update(personas, customer):
    actor = personas["master_data_owner"]
    names = [f"Acme {i + 1}" for i in range(WRITERS)]

    def edit(index: int) -> None:
        partners.update_partner(
            actor=actor,
            partner_id=customer.pk,
            data=partners.PartnerInput(
                code="ACME-TRADING", name=names[index], is_customer=True, currency="EUR"
            ),
        )

    assert_no_errors(run_at_once(edit, WRITERS))
    customer.refresh_from_db()
    assert_serialised(
        action="partners.partner.updated",
        target=customer,
        field="name",
        initial="Acme Trading",
        written=names,
        final=customer.name,
    )


def test_concurrent_product_edits_lose_no_update(personas, product):
    actor = personas["master_data_owner"]
    names = [f"Widget {i + 1}" for i in range(WRITERS)]
    base = catalog.product_input_of(product)

    def edit(index: int) -> None:
        catalog.update_product(
            actor=actor, product_id=product.pk, data=dataclasses.replace(base, name=names[index])
        )

    assert_no_errors(run_at_once(edit, WRITERS))
    product.refresh_from_db()
    assert_serialised(
        action="catalog.product.updated",
        target=product,
        field="name",
        initial="Widget red",
        written=names,
        final=product.name,
    )


def test_concurrent_company_edits_lose_no_update(personas, company_be):
    actor = personas["admin"]
    names = [f"Ordo Belgium {i + 1}" for i in range(WRITERS)]
    base = CompanyInput(
        code=company_be.code,
        name=company_be.name,
        currency=company_be.currency,
        country=company_be.country,
        vat_number=company_be.vat_number,
        street=company_be.street,
        city=company_be.city,
        postal_code=company_be.postal_code,
        endpoint_id=company_be.endpoint_id,
        endpoint_scheme=company_be.endpoint_scheme,
    )

    def edit(index: int) -> None:
        update_company(
            actor=actor, company_id=company_be.pk, data=dataclasses.replace(base, name=names[index])
        )

    assert_no_errors(run_at_once(edit, WRITERS))
    company_be.refresh_from_db()
    assert_serialised(
        action="core.company.updated",
        target=company_be,
        field="name",
        initial="Ordo Distribution Belgium NV",
        written=names,
        final=company_be.name,
    )


# --------------------------------------------------------------------------- per-company rows


def test_concurrent_partner_company_settings_from_no_row_lose_no_update(
    personas, company_be, customer
):
    from ordo.partners.models import PartnerCompanySettings

    actor = personas["credit_controller"]
    limits = [Decimal(1001 + i) for i in range(WRITERS)]

    def edit(index: int) -> None:
        partners.set_partner_company_settings(
            actor=actor,
            partner_id=customer.pk,
            company_id=company_be.pk,
            credit_limit_amount=limits[index],
        )

    assert not PartnerCompanySettings.objects.exists()
    with creation_rendezvous(PartnerCompanySettings, WRITERS):
        errors = run_at_once(edit, WRITERS)
    assert_no_errors(errors)
    settings = PartnerCompanySettings.objects.get()
    assert_serialised(
        action="partners.company_settings.updated",
        target=settings,
        field="credit_limit_amount",
        initial=None,
        written=[f"{limit}.00" for limit in limits],
        final=str(settings.credit_limit_amount),
    )


def test_concurrent_product_company_settings_from_no_row_lose_no_update(
    personas, company_be, product
):
    from ordo.catalog.models import ProductCompanySettings

    actor = personas["master_data_owner"]
    prices = [Decimal(1001 + i) for i in range(WRITERS)]

    def edit(index: int) -> None:
        catalog.set_product_company_settings(
            actor=actor,
            product_id=product.pk,
            company=company_be,
            list_price=prices[index],
            standard_cost=Decimal(500),
        )

    assert not ProductCompanySettings.objects.exists()
    with creation_rendezvous(ProductCompanySettings, WRITERS):
        errors = run_at_once(edit, WRITERS)
    assert_no_errors(errors)
    settings = ProductCompanySettings.objects.get()
    assert_serialised(
        action="catalog.product.company_settings_set",
        target=settings,
        field="list_price",
        initial=None,
        written=[f"{price}.0000" for price in prices],
        final=str(settings.list_price),
    )


def test_concurrent_customer_price_list_from_no_row_lose_no_update(personas, company_be, customer):
    from ordo.catalog.models import CustomerPriceList

    actor = personas["master_data_owner"]
    price_lists = [
        catalog.create_price_list(
            actor=actor,
            company=company_be,
            data=catalog.PriceListInput(code=f"PL{i + 1}", name=f"List {i + 1}", currency="EUR"),
        ).pk
        for i in range(WRITERS)
    ]

    def edit(index: int) -> None:
        catalog.set_customer_price_list(
            actor=actor,
            customer_id=customer.pk,
            company=company_be,
            price_list_id=price_lists[index],
        )

    assert not CustomerPriceList.objects.exists()
    with creation_rendezvous(CustomerPriceList, WRITERS):
        errors = run_at_once(edit, WRITERS)
    assert_no_errors(errors)
    assignment = CustomerPriceList.objects.get()
    assert_serialised(
        action="catalog.customer_price_list.set",
        target=assignment,
        field="price_list",
        initial=None,
        written=price_lists,
        final=assignment.price_list_id,
    )
