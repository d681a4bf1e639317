"""Products, units of measure, price lists and supplier prices.

Products and units are group-wide master data; list prices, standard costs, price lists
and supplier prices belong to one company.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ordo.core.models import Company
from ordo.partners.models import CustomerGroup, Partner


class UnitCategory(models.Model):
    """Units that convert into one another (count, weight, length…)."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "unit categories"

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit of measure: ``factor`` reference units of its category make one of it."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    category = models.ForeignKey(UnitCategory, on_delete=models.PROTECT, related_name="units")
    factor = models.DecimalField(max_digits=18, decimal_places=6, default=1)
    rounding = models.DecimalField(max_digits=18, decimal_places=6, default="0.0001")
    is_reference = models.BooleanField(default=False)

    class Meta:
        ordering = ["category__code", "factor", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(factor__gt=0),
                name="unit_factor_positive",
                violation_error_code="unit.factor_not_positive",
            ),
            models.CheckConstraint(
                condition=Q(rounding__gt=0),
                name="unit_rounding_positive",
                violation_error_code="unit.rounding_not_positive",
            ),
            models.CheckConstraint(
                condition=Q(is_reference=False) | Q(factor=1),
                name="unit_reference_factor_one",
                violation_error_code="unit.reference_factor",
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(is_reference=True),
                name="unit_one_reference_per_category",
                violation_error_code="unit.duplicate_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CostMethod(models.TextChoices):
    AVERAGE = "average", "Moving average"
    FIFO = "fifo", "FIFO"


class ProductCategory(models.Model):
    """A node of the product tree; pricing rules and cost method attach here."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    cost_method = models.CharField(
        max_length=10, choices=CostMethod.choices, default=CostMethod.AVERAGE
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "product categories"
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_method__in=["average", "fifo"]),
                name="product_category_cost_method_valid",
                violation_error_code="product_category.cost_method",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tracking(models.TextChoices):
    NONE = "none", "Not tracked"
    LOT = "lot", "By lot"
    SERIAL = "serial", "By serial number"


class Product(models.Model):
    """A good the group buys, stocks or sells. Quantities are kept in ``stock_unit``;
    sale and purchase units belong to the same unit category."""

    sku = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    description = models.TextField(blank=True)
    gtin = models.CharField(max_length=14, blank=True)
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="products")
    stock_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    sale_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    purchase_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    tracking = models.CharField(max_length=10, choices=Tracking.choices, default=Tracking.NONE)
    is_active = models.BooleanField(default=True)
    weight = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)  # kg
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["gtin"],
                condition=~Q(gtin=""),
                name="product_gtin_unique",
                violation_error_code="product.duplicate_gtin",
            ),
            models.CheckConstraint(
                condition=Q(tracking__in=["none", "lot", "serial"]),
                name="product_tracking_valid",
                violation_error_code="product.tracking",
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gte=0),
                name="product_weight_nonneg",
                violation_error_code="product.weight_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class Packaging(models.Model):
    """A way the product is packed (box of 12, pallet): ``quantity`` stock units each."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="packagings")
    name = models.CharField(max_length=100)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    gtin = models.CharField(max_length=14, blank=True)

    class Meta:
        ordering = ["product", "quantity"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="packaging_quantity_positive",
                violation_error_code="packaging.quantity_not_positive",
            ),
            models.UniqueConstraint(
                fields=["product", "name"],
                name="packaging_unique_name",
                violation_error_code="packaging.duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.quantity})"


class ProductCompanySettings(models.Model):
    """What differs per company: list price and standard cost (company currency)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="company_settings")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    list_price = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    standard_cost = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    is_sellable = models.BooleanField(default=True)
    is_purchasable = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "product company settings"
        constraints = [
            models.UniqueConstraint(
                fields=["product", "company"],
                name="product_company_settings_unique",
                violation_error_code="product.settings_duplicate",
            ),
            models.CheckConstraint(
                condition=Q(list_price__isnull=True) | Q(list_price__gte=0),
                name="product_list_price_nonneg",
                violation_error_code="product.list_price_negative",
            ),
            models.CheckConstraint(
                condition=Q(standard_cost__isnull=True) | Q(standard_cost__gte=0),
                name="product_standard_cost_nonneg",
                violation_error_code="product.standard_cost_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.company_id}"


class PriceList(models.Model):
    """A company's set of price rules in one currency."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["company", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"],
                name="price_list_code_unique",
                violation_error_code="price_list.duplicate_code",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="price_list_dates_ordered",
                violation_error_code="price_list.dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RuleKind(models.TextChoices):
    FIXED = "fixed", "Fixed price"
    DISCOUNT = "discount", "Discount on list price"


class PriceRule(models.Model):
    """One line of a price list: who and what it applies to, from which quantity, when,
    and either a fixed unit price or a discount on the list price."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="rules")
    sequence = models.PositiveIntegerField(default=10)
    customer = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer_group = models.ForeignKey(
        CustomerGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product_category = models.ForeignKey(
        ProductCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    min_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=RuleKind.choices)
    fixed_price = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    discount_percent = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["price_list", "sequence", "id"]
        indexes = [models.Index(fields=["price_list", "product"], name="price_rule_list_product")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="fixed")
                    & Q(fixed_price__isnull=False)
                    & Q(fixed_price__gte=0)
                    & Q(discount_percent__isnull=True)
                )
                | (
                    Q(kind="discount")
                    & Q(discount_percent__isnull=False)
                    & Q(discount_percent__gte=0)
                    & Q(discount_percent__lte=100)
                    & Q(fixed_price__isnull=True)
                ),
                name="price_rule_kind_fields",
                violation_error_code="price_rule.kind_fields",
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__gte=0),
                name="price_rule_min_quantity_nonneg",
                violation_error_code="price_rule.min_quantity_negative",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="price_rule_dates_ordered",
                violation_error_code="price_rule.dates",
            ),
        ]

    def __str__(self) -> str:
        return f"rule {self.pk} of price list {self.price_list_id}"


class CustomerPriceList(models.Model):
    """The price list a customer is quoted from in a company."""

    customer = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    price_list = models.ForeignKey(PriceList, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "company"],
                name="customer_price_list_unique",
                violation_error_code="customer_price_list.duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} @ {self.company_id}: {self.price_list_id}"


class SupplierPrice(models.Model):
    """What a supplier charges a company for a product, from a quantity, in a period."""

    supplier = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="supplier_prices")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(max_digits=18, decimal_places=4)
    currency = models.CharField(max_length=3)
    min_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    lead_time_days = models.PositiveIntegerField(null=True, blank=True)
    supplier_sku = models.CharField(max_length=60, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["product", "supplier", "min_quantity"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="supplier_price_nonneg",
                violation_error_code="supplier_price.negative",
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__gte=0),
                name="supplier_price_min_quantity_nonneg",
                violation_error_code="supplier_price.min_quantity_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id}/{self.product_id}: {self.price} {self.currency}"
