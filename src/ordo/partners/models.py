"""Customers and suppliers (group-wide) and their per-company settings."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ordo.core.models import Company


class CustomerGroup(models.Model):
    """A set of customers priced or handled alike (wholesale, retail, key accounts)."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PaymentTerm(models.Model):
    """How an invoice falls due, in one or more installments (30 % now, 70 % at 60 days)."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=250, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PaymentTermLine(models.Model):
    """One installment: ``percent`` of the total, due ``days`` after the invoice date
    (then moved to the month's end if ``is_end_of_month``). The percents sum to 100."""

    payment_term = models.ForeignKey(PaymentTerm, on_delete=models.CASCADE, related_name="lines")
    sequence = models.PositiveSmallIntegerField()
    percent = models.DecimalField(max_digits=7, decimal_places=4)
    days = models.PositiveIntegerField(default=0)
    is_end_of_month = models.BooleanField(default=False)

    class Meta:
        ordering = ["payment_term", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment_term", "sequence"], name="payment_term_line_unique"
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100),
                name="payment_term_line_percent_range",
                violation_error_code="payment_term.percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent}% at {self.days} days"


class Partner(models.Model):
    """A customer, a supplier, or both: one group-wide record per business partner."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    is_customer = models.BooleanField(default=False)
    is_supplier = models.BooleanField(default=False)
    customer_group = models.ForeignKey(
        CustomerGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="customers"
    )
    vat_number = models.CharField(max_length=32, blank=True, db_index=True)
    registration_number = models.CharField(max_length=64, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, default="en")
    currency = models.CharField(max_length=3, blank=True)  # default currency of their documents
    # Electronic address for e-documents: Peppol endpoint id and EAS scheme (0088 = GLN).
    endpoint_id = models.CharField(max_length=64, blank=True)
    endpoint_scheme = models.CharField(max_length=4, blank=True)
    supplier_lead_time_days = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_customer=True) | Q(is_supplier=True),
                name="partner_is_customer_or_supplier",
                violation_error_code="partner.no_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AddressKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    DELIVERY = "delivery", "Delivery"
    OTHER = "other", "Other"


class Address(models.Model):
    """A postal address of a partner; at most one default per kind (invoice, delivery, other)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=10, choices=AddressKind.choices, default=AddressKind.INVOICE)
    street = models.CharField(max_length=200)
    street2 = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2)
    gln = models.CharField(max_length=13, blank=True)  # delivery point GLN for EDI
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["partner", "kind", "-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "kind"],
                condition=Q(is_default=True),
                name="address_one_default_per_kind",
                violation_error_code="address.default_twice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city} ({self.country})"


class Contact(models.Model):
    """A person at the partner; at most one is the primary contact."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["partner", "-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(is_primary=True),
                name="contact_one_primary",
                violation_error_code="contact.primary_twice",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerCompanySettings(models.Model):
    """What differs per legal entity: credit limit (in the company's currency), payment
    terms as customer and as supplier, and whether the partner is blocked there."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="company_settings")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    credit_limit_amount = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True
    )
    customer_payment_term = models.ForeignKey(
        PaymentTerm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supplier_payment_term = models.ForeignKey(
        PaymentTerm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_blocked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "company"],
                name="partner_company_settings_unique",
                violation_error_code="partner.settings_duplicate",
            ),
            models.CheckConstraint(
                condition=Q(credit_limit_amount__isnull=True) | Q(credit_limit_amount__gte=0),
                name="partner_credit_limit_nonneg",
                violation_error_code="partner.credit_limit_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.code} @ {self.company_id}"
