"""Integrity checks of the partners app, run by ``ordo check``."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum

from .models import Address, Partner, PaymentTerm


def _plain(total) -> str:
    return format(Decimal(str(total or 0)).normalize(), "f")


def payment_term_percents_sum_to_100() -> list[str]:
    """Every payment term's installment percents sum to exactly 100."""
    rows = PaymentTerm.objects.annotate(total=Sum("lines__percent")).exclude(total=Decimal(100))
    return [
        f"Payment term {term.code} installments sum to {_plain(term.total)} %, not 100 %."
        for term in rows.order_by("code")
    ]


def partners_have_a_role() -> list[str]:
    """Every partner is a customer, a supplier, or both."""
    return [
        f"Partner {code} is neither a customer nor a supplier."
        for code in Partner.objects.filter(is_customer=False, is_supplier=False)
        .order_by("code")
        .values_list("code", flat=True)
    ]


def partners_have_at_most_one_default_address_per_kind() -> list[str]:
    """No partner has two default addresses of the same kind."""
    rows = (
        Address.objects.filter(is_default=True)
        .values("partner__code", "kind")
        .annotate(n=Count("id"))
        .filter(Q(n__gt=1))
        .order_by("partner__code", "kind")
    )
    return [
        f"Partner {row['partner__code']} has {row['n']} default {row['kind']} addresses."
        for row in rows
    ]


INTEGRITY_CHECKS = [
    payment_term_percents_sum_to_100,
    partners_have_a_role,
    partners_have_at_most_one_default_address_per_kind,
]
