"""API shapes of the catalog. Decimals travel as strings: a JSON number is refused (422)."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime

from ninja import Schema

from ordo.core.apiutils import Page


class ProductIn(Schema):
    sku: str
    name: str
    category: str
    stock_unit: str
    sale_unit: str | None = None
    purchase_unit: str | None = None
    gtin: str = ""
    tracking: str = "none"
    description: str = ""
    weight: str | None = None


class ProductPatch(Schema):
    sku: str | None = None
    name: str | None = None
    category: str | None = None
    stock_unit: str | None = None
    sale_unit: str | None = None
    purchase_unit: str | None = None
    gtin: str | None = None
    tracking: str | None = None
    description: str | None = None
    weight: str | None = None
    is_active: bool | None = None


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    description: str
    gtin: str
    category: str
    stock_unit: str
    sale_unit: str
    purchase_unit: str
    tracking: str
    is_active: bool
    weight: str | None
    created_at: datetime
    updated_at: datetime


class ProductPage(Page):
    items: list[ProductOut]


class UnitIn(Schema):
    code: str
    name: str
    category: str
    factor: str = "1"
    rounding: str = "0.0001"
    is_reference: bool = False


class UnitOut(Schema):
    id: int
    code: str
    name: str
    category: str
    factor: str
    rounding: str
    is_reference: bool


class UnitPage(Page):
    items: list[UnitOut]


class UnitCategoryOut(Schema):
    id: int
    code: str
    name: str


class UnitCategoryPage(Page):
    items: list[UnitCategoryOut]


class ProductCategoryIn(Schema):
    code: str
    name: str
    parent: str | None = None
    cost_method: str = "average"


class ProductCategoryOut(Schema):
    id: int
    code: str
    name: str
    parent: str | None
    cost_method: str


class ProductCategoryPage(Page):
    items: list[ProductCategoryOut]


class PriceListIn(Schema):
    company: str
    code: str
    name: str
    currency: str
    valid_from: date | None = None
    valid_to: date | None = None
    is_active: bool = True


class PriceListPatch(Schema):
    name: str | None = None
    currency: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    is_active: bool | None = None


class PriceRuleIn(Schema):
    kind: str
    fixed_price: str | None = None
    discount_percent: str | None = None
    sequence: int = 10
    customer: int | str | None = None
    customer_group: str | None = None
    product: int | str | None = None
    product_category: str | None = None
    min_quantity: str = "0"
    valid_from: date | None = None
    valid_to: date | None = None


class PriceRuleOut(Schema):
    id: int
    sequence: int
    kind: str
    fixed_price: str | None
    discount_percent: str | None
    customer: str | None
    customer_group: str | None
    product: str | None
    product_category: str | None
    min_quantity: str
    valid_from: date | None
    valid_to: date | None


class PriceListOut(Schema):
    id: int
    company: str
    code: str
    name: str
    currency: str
    valid_from: date | None
    valid_to: date | None
    is_active: bool


class PriceListDetailOut(PriceListOut):
    rules: list[PriceRuleOut]


class PriceListPage(Page):
    items: list[PriceListOut]


class SupplierPriceIn(Schema):
    company: str
    supplier: int | str
    product: int | str
    price: str
    currency: str
    min_quantity: str = "0"
    lead_time_days: int | None = None
    supplier_sku: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


class SupplierPriceOut(Schema):
    id: int
    company: str
    supplier: str
    product: str
    price: str
    currency: str
    min_quantity: str
    lead_time_days: int | None
    supplier_sku: str
    valid_from: date | None
    valid_to: date | None


class SupplierPricePage(Page):
    items: list[SupplierPriceOut]


class QuoteIn(Schema):
    company: str
    customer: int | str | None = None
    product: int | str
    quantity: str
    date: dt.date | None = None


class QuoteRuleOut(Schema):
    id: int
    description: str


class QuoteOut(Schema):
    unit_price: str
    currency: str
    rule: QuoteRuleOut | None
    source: str
    price_list: str | None


class UnitPatch(Schema):
    name: str | None = None
    category: str | None = None
    factor: str | None = None
    rounding: str | None = None
    is_reference: bool | None = None


class UnitCategoryIn(Schema):
    code: str
    name: str


class ProductCategoryPatch(Schema):
    name: str | None = None
    parent: str | None = None  # null: a root category
    cost_method: str | None = None


class CompanySettingsIn(Schema):
    list_price: str | None = None
    standard_cost: str | None = None
    is_sellable: bool = True
    is_purchasable: bool = True


class CompanySettingsOut(Schema):
    company: str
    currency: str
    list_price: str | None
    standard_cost: str | None
    is_sellable: bool
    is_purchasable: bool
    is_set: bool


class CompanySettingsList(Schema):
    items: list[CompanySettingsOut]


class PackagingIn(Schema):
    name: str
    quantity: str
    gtin: str = ""


class PackagingOut(Schema):
    id: int
    name: str
    quantity: str
    gtin: str


class PackagingList(Schema):
    items: list[PackagingOut]


class CustomerPriceListOut(Schema):
    customer_id: int
    customer: str
    customer_name: str
    company: str
    price_list: str | None


class CustomerPriceListPage(Page):
    items: list[CustomerPriceListOut]


class CustomerPriceListIn(Schema):
    price_list: str | None
