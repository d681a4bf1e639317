"""Input shapes of the catalog's HTML forms (rules live in services)."""

from __future__ import annotations

from django import forms

from .models import CostMethod, RuleKind, Tracking


class ProductForm(forms.Form):
    sku = forms.CharField(max_length=60, label="SKU")
    name = forms.CharField(max_length=200)
    category = forms.ChoiceField(help_text="Product category")
    stock_unit = forms.ChoiceField()
    sale_unit = forms.ChoiceField(required=False, help_text="Defaults to the stock unit")
    purchase_unit = forms.ChoiceField(required=False, help_text="Defaults to the stock unit")
    gtin = forms.CharField(max_length=20, required=False, label="GTIN")
    tracking = forms.ChoiceField(choices=Tracking.choices, initial=Tracking.NONE)
    weight = forms.DecimalField(required=False, min_value=0, decimal_places=4, help_text="kg")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, units=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        unit_choices = [(u.code, f"{u.code} · {u.name}") for u in units]
        self.fields["category"].choices = [("", "—")] + [
            (c.code, f"{c.code} · {c.name}") for c in categories
        ]
        self.fields["stock_unit"].choices = [("", "—"), *unit_choices]
        self.fields["sale_unit"].choices = [("", "same as stock unit"), *unit_choices]
        self.fields["purchase_unit"].choices = [("", "same as stock unit"), *unit_choices]


class ProductCategoryForm(forms.Form):
    code = forms.CharField(max_length=30)
    name = forms.CharField(max_length=100)
    parent = forms.CharField(max_length=30, required=False, help_text="Parent category code")
    cost_method = forms.ChoiceField(choices=CostMethod.choices)


class UnitForm(forms.Form):
    code = forms.CharField(max_length=20)
    name = forms.CharField(max_length=100)
    category = forms.CharField(max_length=30, help_text="Unit category code (COUNT, WEIGHT…)")
    factor = forms.DecimalField(decimal_places=6, initial=1)
    rounding = forms.DecimalField(decimal_places=6, initial="0.0001")
    is_reference = forms.BooleanField(required=False)


class PriceListForm(forms.Form):
    code = forms.CharField(max_length=30)
    name = forms.CharField(max_length=100)
    currency = forms.CharField(max_length=3, initial="EUR")
    valid_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PriceRuleForm(forms.Form):
    kind = forms.ChoiceField(choices=RuleKind.choices)
    fixed_price = forms.DecimalField(required=False, decimal_places=4)
    discount_percent = forms.DecimalField(required=False, decimal_places=4)
    product = forms.CharField(max_length=60, required=False, help_text="SKU (blank: any)")
    product_category = forms.CharField(max_length=30, required=False, help_text="Category code")
    customer = forms.CharField(max_length=30, required=False, help_text="Customer code")
    customer_group = forms.CharField(max_length=30, required=False, help_text="Group code")
    min_quantity = forms.DecimalField(decimal_places=4, initial=0)
    sequence = forms.IntegerField(min_value=0, initial=10)
    valid_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PriceCheckForm(forms.Form):
    customer = forms.CharField(max_length=30, required=False, help_text="Customer code")
    product = forms.CharField(max_length=60, help_text="SKU")
    quantity = forms.DecimalField(decimal_places=4, initial=1)
    on_date = forms.DateField(
        required=False, label="Date", widget=forms.DateInput(attrs={"type": "date"})
    )


class UnitCategoryForm(forms.Form):
    code = forms.CharField(max_length=30, help_text="COUNT, WEIGHT, LENGTH…")
    name = forms.CharField(max_length=100)


class CompanySettingsForm(forms.Form):
    """A product's settings in one company; prefixed with the company code on the page."""

    list_price = forms.DecimalField(required=False, decimal_places=4, max_digits=18)
    standard_cost = forms.DecimalField(required=False, decimal_places=4, max_digits=18)
    is_sellable = forms.BooleanField(required=False, label="Sellable")
    is_purchasable = forms.BooleanField(required=False, label="Purchasable")


class PackagingForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Box, pallet…")
    quantity = forms.DecimalField(decimal_places=4, max_digits=18, help_text="In stock units")
    gtin = forms.CharField(max_length=20, required=False, label="GTIN")


class PriceListEditForm(PriceListForm):
    is_active = forms.BooleanField(required=False, label="Active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = True
        self.fields["code"].required = False


class CustomerPriceListForm(forms.Form):
    customer = forms.IntegerField(widget=forms.HiddenInput)
    price_list = forms.ChoiceField(required=False, label="Price list")

    def __init__(self, *args, price_lists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_list"].choices = [("", "— company default —")] + [
            (str(pl.pk), f"{pl.code} · {pl.name} ({pl.currency})") for pl in price_lists
        ]


class SupplierPriceForm(forms.Form):
    company = forms.ChoiceField()
    supplier = forms.CharField(max_length=30, help_text="Supplier code")
    product = forms.CharField(max_length=60, help_text="SKU")
    price = forms.DecimalField(decimal_places=4, max_digits=18)
    currency = forms.CharField(max_length=3, initial="EUR")
    min_quantity = forms.DecimalField(decimal_places=4, max_digits=18, initial=0)
    lead_time_days = forms.IntegerField(
        required=False, min_value=0, help_text="Days; blank: the supplier's default"
    )
    supplier_sku = forms.CharField(max_length=60, required=False, label="Supplier SKU")
    valid_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [(c.code, f"{c.code} · {c.name}") for c in companies]
