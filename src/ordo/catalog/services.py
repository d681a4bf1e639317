"""Writes of the catalog: units, categories, products, prices, supplier prices, imports.

Every service is keyword-only with the acting user first, checks the permission, collects
every content problem before writing, writes, records audit and emits an event in one
transaction.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from ordo.core.audit import diff, record_audit, record_audit_bulk, snapshot
from ordo.core.errors import (
    DuplicateRecord,
    InvalidInput,
    NotFound,
    UnitCategoryMismatch,
    ValidationErrors,
)
from ordo.core.events import emit
from ordo.core.models import Company, User
from ordo.core.money import ROUNDING, parse_decimal, validate_currency
from ordo.governance.access import has_permission, require, visible_company_ids
from ordo.partners.models import CustomerGroup, Partner

from .domain import clean_gtin
from .errors import DuplicateGtin, DuplicateSku, PriceListNotFound, ProductNotFound, UnknownUnit
from .models import (
    CostMethod,
    CustomerPriceList,
    Packaging,
    PriceList,
    PriceRule,
    Product,
    ProductCategory,
    ProductCompanySettings,
    RuleKind,
    SupplierPrice,
    Tracking,
    Unit,
    UnitCategory,
)

CHUNK = 5000  # ids per IN (...) list: below SQLite's variable limit


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _places(value: Decimal | None, places: int = 4) -> Decimal | None:
    """The value as the database keeps it (4 places for prices and quantities), half up."""
    return None if value is None else value.quantize(Decimal(1).scaleb(-places), ROUNDING)


def _update_from_values(model, objects: list, field_names: list[str]) -> None:
    """Write ``field_names`` of many rows with one ``WITH v AS (VALUES …) UPDATE … FROM v``
    per batch (PostgreSQL and SQLite ≥ 3.33); Django's ``bulk_update`` builds a CASE per
    field and row, which is far slower for thousands of rows."""
    if not objects:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    columns = [meta.pk.column] + [f.column for f in fields]
    qn = connection.ops.quote_name
    is_postgres = connection.vendor == "postgresql"

    def cast(field) -> str:
        value = f"v.{qn(field.column)}"
        return f"CAST({value} AS {field.cast_db_type(connection)})" if is_postgres else value

    assignments = ", ".join(f"{qn(f.column)} = {cast(f)}" for f in fields)
    table = qn(meta.db_table)
    max_params = connection.features.max_query_params or 30000
    batch = max(1, min(1000, max_params // len(columns)))
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch):
            chunk = objects[start : start + batch]
            params: list = []
            for obj in chunk:
                params.append(obj.pk)
                for field in fields:
                    params.append(field.get_db_prep_save(getattr(obj, field.attname), connection))
            sql = (
                f"WITH v ({', '.join(qn(c) for c in columns)}) AS (VALUES "
                + ", ".join([row_sql] * len(chunk))
                + f") UPDATE {table} SET {assignments} FROM v "
                f"WHERE {table}.{qn(meta.pk.column)} = v.{qn(meta.pk.column)}"
            )
            cursor.execute(sql, params)


def _raise_if(errors: list) -> None:
    if len(errors) == 1 and isinstance(errors[0], InvalidInput):
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)


# --- units -------------------------------------------------------------------------------


@transaction.atomic
def create_unit_category(*, actor: User | None, code: str, name: str) -> UnitCategory:
    """Create a unit category (count, weight…). Duplicate code → 409."""
    if actor is not None:
        require(actor, "catalog.unit.manage")
    code, name = code.strip().upper(), name.strip()
    errors = []
    if not code:
        errors.append(InvalidInput("Code is required.", field="code", code="unit_category.code"))
    if not name:
        errors.append(InvalidInput("Name is required.", field="name", code="unit_category.name"))
    _raise_if(errors)
    existing = UnitCategory.objects.filter(code=code).first()
    if existing is not None:
        raise DuplicateRecord(
            f"A unit category with code {code} already exists: {existing.name}.",
            code="unit_category.duplicate",
            details={"id": existing.pk},
        )
    category = UnitCategory.objects.create(code=code, name=name)
    record_audit(
        actor=actor,
        action="catalog.unit_category.created",
        target=category,
        after=snapshot(category),
    )
    return category


@dataclass(frozen=True, kw_only=True)
class UnitInput:
    code: str
    name: str
    category: str  # unit category code
    factor: Decimal = Decimal(1)
    rounding: Decimal = Decimal("0.0001")
    is_reference: bool = False


def _clean_unit(data: UnitInput, *, current: Unit | None = None) -> dict:
    errors: list[InvalidInput] = []
    code = data.code.strip().upper()
    if not code:
        errors.append(InvalidInput("Unit code is required.", field="code", code="unit.code"))
    if not data.name.strip():
        errors.append(InvalidInput("Unit name is required.", field="name", code="unit.name"))
    category = UnitCategory.objects.filter(code=data.category.strip().upper()).first()
    if category is None:
        errors.append(
            InvalidInput(
                f"Unknown unit category {data.category!r}.",
                field="category",
                code="unit_category.unknown",
            )
        )
    if data.factor <= 0:
        errors.append(
            InvalidInput(
                f"Factor must be greater than zero, got {data.factor}.",
                field="factor",
                code="unit.factor_not_positive",
            )
        )
    if data.rounding <= 0:
        errors.append(
            InvalidInput(
                f"Rounding must be greater than zero, got {data.rounding}.",
                field="rounding",
                code="unit.rounding_not_positive",
            )
        )
    if data.is_reference and data.factor != 1:
        errors.append(
            InvalidInput(
                "A reference unit has factor 1.", field="factor", code="unit.reference_factor"
            )
        )
    if category is not None and data.is_reference:
        other = Unit.objects.filter(category=category, is_reference=True)
        if current is not None:
            other = other.exclude(pk=current.pk)
        other = other.first()
        if other is not None:
            errors.append(
                InvalidInput(
                    f"{category.name} already has a reference unit: {other.code}.",
                    field="is_reference",
                    code="unit.duplicate_reference",
                )
            )
    if current is not None and category is not None and current.category_id != category.pk:
        used = Product.objects.filter(stock_unit=current).exists() or (
            Product.objects.filter(sale_unit=current).exists()
            or Product.objects.filter(purchase_unit=current).exists()
        )
        if used:
            errors.append(
                InvalidInput(
                    f"Unit {current.code} is used by products; its category cannot change.",
                    field="category",
                    code="unit.in_use",
                )
            )
    _raise_if(errors)
    return {
        "code": code,
        "name": data.name.strip(),
        "category": category,
        "factor": _places(data.factor, 6),
        "rounding": _places(data.rounding, 6),
        "is_reference": data.is_reference,
    }


@transaction.atomic
def create_unit(*, actor: User | None, data: UnitInput) -> Unit:
    """Create a unit of measure. Unknown category → 422; duplicate code → 409."""
    if actor is not None:
        require(actor, "catalog.unit.manage")
    values = _clean_unit(data)
    existing = Unit.objects.filter(code=values["code"]).first()
    if existing is not None:
        raise DuplicateRecord(
            f"A unit with code {existing.code} already exists: {existing.name}.",
            code="unit.duplicate",
            details={"id": existing.pk},
        )
    unit = Unit.objects.create(**values)
    record_audit(actor=actor, action="catalog.unit.created", target=unit, after=snapshot(unit))
    return unit


@transaction.atomic
def update_unit(*, actor: User | None, unit_id: int, data: UnitInput) -> Unit:
    """Change a unit's name, factor, rounding (its code stays)."""
    if actor is not None:
        require(actor, "catalog.unit.manage")
    unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(f"Unit {unit_id} not found.", code="unit.not_found")
    values = _clean_unit(dataclasses.replace(data, code=unit.code), current=unit)
    before = snapshot(unit)
    for key, value in values.items():
        setattr(unit, key, value)
    unit.save()
    record_audit(
        actor=actor, action="catalog.unit.updated", target=unit, before=before, after=snapshot(unit)
    )
    return unit


# --- product categories -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProductCategoryInput:
    code: str
    name: str
    parent: str | None = None  # parent category code
    cost_method: str = CostMethod.AVERAGE


def _clean_product_category(data: ProductCategoryInput, current: ProductCategory | None) -> dict:
    errors: list[InvalidInput] = []
    code = data.code.strip().upper()
    if not code:
        errors.append(
            InvalidInput("Category code is required.", field="code", code="product_category.code")
        )
    if not data.name.strip():
        errors.append(
            InvalidInput("Category name is required.", field="name", code="product_category.name")
        )
    if data.cost_method not in CostMethod.values:
        errors.append(
            InvalidInput(
                f"Unknown cost method {data.cost_method!r}: use average or fifo.",
                field="cost_method",
                code="product_category.cost_method",
            )
        )
    parent = None
    if data.parent:
        parent = ProductCategory.objects.filter(code=data.parent.strip().upper()).first()
        if parent is None:
            errors.append(
                InvalidInput(
                    f"Unknown product category {data.parent!r}.",
                    field="parent",
                    code="product_category.unknown",
                )
            )
        elif current is not None:
            # Refuse a cycle: the new parent may not be the category itself or below it.
            parents = dict(ProductCategory.objects.values_list("id", "parent_id"))
            node: int | None = parent.pk
            while node is not None:
                if node == current.pk:
                    errors.append(
                        InvalidInput(
                            f"{parent.code} is {current.code} itself or one of its subcategories.",
                            field="parent",
                            code="product_category.cycle",
                        )
                    )
                    break
                node = parents.get(node)
    _raise_if(errors)
    return {
        "code": code,
        "name": data.name.strip(),
        "parent": parent,
        "cost_method": data.cost_method,
    }


@transaction.atomic
def create_product_category(*, actor: User | None, data: ProductCategoryInput) -> ProductCategory:
    """Create a product category. Duplicate code → 409."""
    if actor is not None:
        require(actor, "catalog.product.manage")
    values = _clean_product_category(data, None)
    existing = ProductCategory.objects.filter(code=values["code"]).first()
    if existing is not None:
        raise DuplicateRecord(
            f"A product category with code {existing.code} already exists: {existing.name}.",
            code="product_category.duplicate",
            details={"id": existing.pk},
        )
    category = ProductCategory.objects.create(**values)
    record_audit(
        actor=actor,
        action="catalog.product_category.created",
        target=category,
        after=snapshot(category),
    )
    return category


@transaction.atomic
def update_product_category(
    *, actor: User | None, category_id: int, data: ProductCategoryInput
) -> ProductCategory:
    """Rename a category, move it in the tree (no cycles) or change its cost method."""
    if actor is not None:
        require(actor, "catalog.product.manage")
    category = ProductCategory.objects.select_for_update().filter(pk=category_id).first()
    if category is None:
        raise NotFound(
            f"Product category {category_id} not found.", code="product_category.not_found"
        )
    values = _clean_product_category(dataclasses.replace(data, code=category.code), category)
    before = snapshot(category)
    for key, value in values.items():
        setattr(category, key, value)
    category.save()
    record_audit(
        actor=actor,
        action="catalog.product_category.updated",
        target=category,
        before=before,
        after=snapshot(category),
    )
    return category


# --- products ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProductInput:
    sku: str
    name: str
    category: str  # product category code
    stock_unit: str  # unit codes; sale and purchase units default to the stock unit
    sale_unit: str | None = None
    purchase_unit: str | None = None
    gtin: str = ""
    tracking: str = Tracking.NONE
    description: str = ""
    weight: Decimal | None = None


def product_input_of(product: Product) -> ProductInput:
    """The current values of a product as an input (for partial updates)."""
    return ProductInput(
        sku=product.sku,
        name=product.name,
        category=product.category.code,
        stock_unit=product.stock_unit.code,
        sale_unit=product.sale_unit.code,
        purchase_unit=product.purchase_unit.code,
        gtin=product.gtin,
        tracking=product.tracking,
        description=product.description,
        weight=product.weight,
    )


def _clean_product(data: ProductInput, current: Product | None) -> dict:
    errors: list[InvalidInput] = []
    sku = data.sku.strip().upper()
    if not sku:
        errors.append(InvalidInput("SKU is required.", field="sku", code="product.sku_required"))
    name = data.name.strip()
    if not name:
        errors.append(
            InvalidInput("Product name is required.", field="name", code="product.name_required")
        )
    gtin = ""
    try:
        gtin = clean_gtin(data.gtin)
    except InvalidInput as exc:
        errors.append(exc)
    category = ProductCategory.objects.filter(code=(data.category or "").strip().upper()).first()
    if category is None:
        errors.append(
            InvalidInput(
                f"Unknown product category {data.category!r}.",
                field="category",
                code="product_category.unknown",
            )
        )
    if data.tracking not in Tracking.values:
        errors.append(
            InvalidInput(
                f"Unknown tracking {data.tracking!r}: use none, lot or serial.",
                field="tracking",
                code="product.tracking",
            )
        )
    if data.weight is not None and data.weight < 0:
        errors.append(
            InvalidInput(
                f"Weight must not be negative, got {data.weight}.",
                field="weight",
                code="product.weight_negative",
            )
        )
    codes = {
        "stock_unit": (data.stock_unit or "").strip().upper(),
        "sale_unit": (data.sale_unit or data.stock_unit or "").strip().upper(),
        "purchase_unit": (data.purchase_unit or data.stock_unit or "").strip().upper(),
    }
    units = {u.code: u for u in Unit.objects.filter(code__in=set(codes.values()))}
    found: dict[str, Unit] = {}
    for field, code in codes.items():
        if code in units:
            found[field] = units[code]
        elif field == "stock_unit" or code != codes["stock_unit"]:
            errors.append(UnknownUnit(f"Unknown unit {code!r}.", field=field))
    stock = found.get("stock_unit")
    for field in ("sale_unit", "purchase_unit"):
        unit = found.get(field)
        if stock is not None and unit is not None and unit.category_id != stock.category_id:
            errors.append(_unit_mismatch(field, unit, stock))
    _raise_if(errors)
    duplicate = Product.objects.filter(sku=sku)
    if current is not None:
        duplicate = duplicate.exclude(pk=current.pk)
    duplicate = duplicate.first()
    if duplicate is not None:
        raise DuplicateSku(
            f"A product with SKU {sku} already exists: {duplicate.name}.",
            details={"id": duplicate.pk, "field": "sku"},
        )
    if gtin:
        duplicate = Product.objects.filter(gtin=gtin)
        if current is not None:
            duplicate = duplicate.exclude(pk=current.pk)
        duplicate = duplicate.first()
        if duplicate is not None:
            raise DuplicateGtin(
                f"GTIN {gtin} is already used by {duplicate.sku} {duplicate.name}.",
                details={"id": duplicate.pk, "field": "gtin"},
            )
    return {
        "sku": sku,
        "name": name,
        "description": data.description.strip(),
        "gtin": gtin,
        "category": category,
        "stock_unit": found["stock_unit"],
        "sale_unit": found["sale_unit"],
        "purchase_unit": found["purchase_unit"],
        "tracking": data.tracking,
        "weight": _places(data.weight),
    }


def _unit_mismatch(field: str, unit: Unit, stock: Unit) -> InvalidInput:
    label = field.replace("_", " ")
    return UnitCategoryMismatch(
        f"The {label} {unit.code} is not in the category of the stock unit {stock.code}: "
        "they cannot convert.",
        field=field,
        code="unit.category_mismatch",
        details={"unit": unit.code, "stock_unit": stock.code},
    )


@transaction.atomic
def create_product(*, actor: User | None, data: ProductInput) -> Product:
    """Create a product.

    Raises InvalidInput/ValidationErrors (422: invalid GTIN, unknown unit or category,
    sale/purchase unit of another category), DuplicateSku / DuplicateGtin (409).
    """
    if actor is not None:
        require(actor, "catalog.product.manage")
    values = _clean_product(data, None)
    product = Product.objects.create(**values)
    record_audit(
        actor=actor, action="catalog.product.created", target=product, after=snapshot(product)
    )
    emit("catalog.product.created", product_id=product.pk)
    return product


@transaction.atomic
def update_product(*, actor: User | None, product_id: int, data: ProductInput) -> Product:
    """Replace a product's fields with ``data`` (build it from ``product_input_of`` to patch)."""
    if actor is not None:
        require(actor, "catalog.product.manage")
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound(f"Product {product_id} not found.")
    values = _clean_product(data, product)
    before = snapshot(product, ["sku", *PRODUCT_FIELDS])
    for key, value in values.items():
        setattr(product, key, value)
    product.save()
    record_audit(
        actor=actor,
        action="catalog.product.updated",
        target=product,
        before=before,
        after=snapshot(product, ["sku", *PRODUCT_FIELDS]),
    )
    emit("catalog.product.updated", product_id=product.pk)
    return product


@transaction.atomic
def set_product_active(*, actor: User | None, product_id: int, is_active: bool) -> Product:
    """Activate or deactivate a product (inactive products cannot be ordered)."""
    if actor is not None:
        require(actor, "catalog.product.manage")
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound(f"Product {product_id} not found.")
    if product.is_active != is_active:
        before = snapshot(product, ["is_active"])
        product.is_active = is_active
        product.save(update_fields=["is_active", "updated_at"])
        action = "activated" if is_active else "deactivated"
        record_audit(
            actor=actor,
            action=f"catalog.product.{action}",
            target=product,
            before=before,
            after=snapshot(product, ["is_active"]),
        )
        emit(f"catalog.product.{action}", product_id=product.pk)
    return product


def deactivate_product(*, actor: User | None, product_id: int) -> Product:
    """Stop a product being sold or bought; its history stays."""
    return set_product_active(actor=actor, product_id=product_id, is_active=False)


def _product(product_id: int) -> Product:
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound(f"Product {product_id} not found.")
    return product


@transaction.atomic
def add_packaging(
    *, actor: User | None, product_id: int, name: str, quantity: Decimal, gtin: str = ""
) -> Packaging:
    """Add a packaging (box, pallet) of ``quantity`` stock units to a product."""
    if actor is not None:
        require(actor, "catalog.product.manage")
    product = _product(product_id)
    errors: list[InvalidInput] = []
    if not name.strip():
        errors.append(InvalidInput("Name is required.", field="name", code="packaging.name"))
    if quantity <= 0:
        errors.append(
            InvalidInput(
                f"Quantity must be greater than zero, got {quantity}.",
                field="quantity",
                code="packaging.quantity_not_positive",
            )
        )
    try:
        gtin = clean_gtin(gtin)
    except InvalidInput as exc:
        errors.append(exc)
    _raise_if(errors)
    if Packaging.objects.filter(product=product, name=name.strip()).exists():
        raise DuplicateRecord(
            f"{product.sku} already has a packaging named {name.strip()}.",
            code="packaging.duplicate",
        )
    packaging = Packaging.objects.create(
        product=product, name=name.strip(), quantity=_places(quantity), gtin=gtin
    )
    record_audit(
        actor=actor, action="catalog.packaging.created", target=packaging, after=snapshot(packaging)
    )
    emit("catalog.packaging.created", product_id=product.pk, packaging_id=packaging.pk)
    return packaging


@transaction.atomic
def remove_packaging(*, actor: User | None, product_id: int, packaging_id: int) -> None:
    """Remove a packaging from a product (catalog.product.manage).

    Raises ProductNotFound for an unknown product and NotFound (packaging.not_found) for a
    packaging that is not this product's. Documents keep their own quantities, so nothing
    else refers to a packaging row.
    """
    if actor is not None:
        require(actor, "catalog.product.manage")
    product = _product(product_id)
    packaging = (
        Packaging.objects.select_for_update().filter(pk=packaging_id, product=product).first()
    )
    if packaging is None:
        raise NotFound(
            f"Packaging {packaging_id} of {product.sku} not found.", code="packaging.not_found"
        )
    record_audit(
        actor=actor,
        action="catalog.packaging.removed",
        target=packaging,
        before=snapshot(packaging),
    )
    packaging.delete()
    emit("catalog.packaging.removed", product_id=product.pk, packaging_id=packaging_id)


@transaction.atomic
def set_product_company_settings(
    *,
    actor: User | None,
    product_id: int,
    company: Company,
    list_price: Decimal | None,
    standard_cost: Decimal | None,
    is_sellable: bool = True,
    is_purchasable: bool = True,
) -> ProductCompanySettings:
    """Set a product's list price, standard cost (company currency) and whether it may be
    sold / bought in one company. Needs catalog.price.manage in that company; a negative
    price or cost → 422 naming the field."""
    if actor is not None:
        require(actor, "catalog.price.manage", company)
    product = _product(product_id)
    errors: list[InvalidInput] = []
    for field, value in (("list_price", list_price), ("standard_cost", standard_cost)):
        if value is not None and value < 0:
            errors.append(
                InvalidInput(
                    f"{field.replace('_', ' ').capitalize()} must not be negative, got {value}.",
                    field=field,
                    code=f"product.{field}_negative",
                )
            )
    _raise_if(errors)
    settings, created = ProductCompanySettings.objects.select_for_update().get_or_create(
        product=product, company=company
    )
    before = None if created else snapshot(settings)
    settings.list_price = _places(list_price)
    settings.standard_cost = _places(standard_cost)
    settings.is_sellable = is_sellable
    settings.is_purchasable = is_purchasable
    settings.save()
    record_audit(
        actor=actor,
        action="catalog.product.company_settings_set",
        target=settings,
        company=company,
        before=before,
        after=snapshot(settings),
    )
    emit("catalog.product.company_settings_set", product_id=product.pk, company_id=company.pk)
    return settings


# --- price lists and rules ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PriceListInput:
    code: str
    name: str
    currency: str
    valid_from: date | None = None
    valid_to: date | None = None
    is_active: bool = True


def _clean_price_list(data: PriceListInput) -> dict:
    errors: list[InvalidInput] = []
    code = data.code.strip().upper()
    if not code:
        errors.append(InvalidInput("Code is required.", field="code", code="price_list.code"))
    if not data.name.strip():
        errors.append(InvalidInput("Name is required.", field="name", code="price_list.name"))
    currency = ""
    try:
        currency = validate_currency(data.currency)
    except InvalidInput as exc:
        errors.append(exc)
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        errors.append(
            InvalidInput(
                f"valid_to {data.valid_to} is before valid_from {data.valid_from}.",
                field="valid_to",
                code="price_list.dates",
            )
        )
    _raise_if(errors)
    return {
        "code": code,
        "name": data.name.strip(),
        "currency": currency,
        "valid_from": data.valid_from,
        "valid_to": data.valid_to,
        "is_active": data.is_active,
    }


@transaction.atomic
def create_price_list(*, actor: User | None, company: Company, data: PriceListInput) -> PriceList:
    """Create a price list in a company. Duplicate code there → 409; unknown currency → 422."""
    if actor is not None:
        require(actor, "catalog.price.manage", company)
    values = _clean_price_list(data)
    existing = PriceList.objects.filter(company=company, code=values["code"]).first()
    if existing is not None:
        raise DuplicateRecord(
            f"A price list with code {existing.code} already exists in {company.code}: "
            f"{existing.name}.",
            code="price_list.duplicate_code",
            details={"id": existing.pk},
        )
    price_list = PriceList.objects.create(company=company, **values)
    record_audit(
        actor=actor,
        action="catalog.price_list.created",
        target=price_list,
        company=company,
        after=snapshot(price_list),
    )
    return price_list


def _lock_price_list(actor: User | None, price_list_id: int) -> PriceList:
    qs = PriceList.objects.select_for_update().select_related("company").filter(pk=price_list_id)
    if actor is not None:
        qs = qs.filter(company_id__in=visible_company_ids(actor))
    price_list = qs.first()
    if price_list is None:
        raise PriceListNotFound(f"Price list {price_list_id} not found.")
    return price_list


@transaction.atomic
def update_price_list(*, actor: User | None, price_list_id: int, data: PriceListInput) -> PriceList:
    """Change a price list's name, currency, validity or active flag (its code stays)."""
    price_list = _lock_price_list(actor, price_list_id)
    if actor is not None:
        require(actor, "catalog.price.manage", price_list.company)
    values = _clean_price_list(dataclasses.replace(data, code=price_list.code))
    before = snapshot(price_list)
    for key, value in values.items():
        setattr(price_list, key, value)
    price_list.save()
    record_audit(
        actor=actor,
        action="catalog.price_list.updated",
        target=price_list,
        company=price_list.company,
        before=before,
        after=snapshot(price_list),
    )
    return price_list


@dataclass(frozen=True, kw_only=True)
class PriceRuleInput:
    kind: str
    fixed_price: Decimal | None = None
    discount_percent: Decimal | None = None
    sequence: int = 10
    customer_id: int | None = None
    customer_group_id: int | None = None
    product_id: int | None = None
    product_category_id: int | None = None
    min_quantity: Decimal = Decimal(0)
    valid_from: date | None = None
    valid_to: date | None = None


def price_rule_problems(
    *,
    kind: str,
    fixed_price: Decimal | None,
    discount_percent: Decimal | None,
    min_quantity: Decimal,
    valid_from: date | None,
    valid_to: date | None,
) -> list[tuple[str, str, str]]:
    """Every content problem of a rule as (field, message, code); empty when valid."""
    problems = []
    if kind == RuleKind.FIXED:
        if fixed_price is None:
            problems.append(
                ("fixed_price", "A fixed price rule needs a fixed price.", "price_rule.fixed_price")
            )
        elif fixed_price < 0:
            problems.append(
                (
                    "fixed_price",
                    f"Fixed price must not be negative, got {fixed_price}.",
                    "price_rule.fixed_price",
                )
            )
        if discount_percent is not None:
            problems.append(
                (
                    "discount_percent",
                    "A fixed price rule takes no discount percent.",
                    "price_rule.kind_fields",
                )
            )
    elif kind == RuleKind.DISCOUNT:
        if discount_percent is None:
            problems.append(
                (
                    "discount_percent",
                    "A discount rule needs a discount percent.",
                    "price_rule.discount_percent",
                )
            )
        elif not Decimal(0) <= discount_percent <= Decimal(100):
            problems.append(
                (
                    "discount_percent",
                    f"Discount percent must be between 0 and 100, got {discount_percent}.",
                    "price_rule.discount_percent",
                )
            )
        if fixed_price is not None:
            problems.append(
                ("fixed_price", "A discount rule takes no fixed price.", "price_rule.kind_fields")
            )
    else:
        problems.append(
            ("kind", f"Unknown rule kind {kind!r}: use fixed or discount.", "price_rule.kind")
        )
    if min_quantity < 0:
        problems.append(
            (
                "min_quantity",
                f"Minimum quantity must not be negative, got {min_quantity}.",
                "price_rule.min_quantity_negative",
            )
        )
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(
            (
                "valid_to",
                f"valid_to {valid_to} is before valid_from {valid_from}.",
                "price_rule.dates",
            )
        )
    return problems


@transaction.atomic
def add_price_rule(*, actor: User | None, price_list_id: int, data: PriceRuleInput) -> PriceRule:
    """Add a rule to a price list (permission catalog.price.manage in its company)."""
    price_list = _lock_price_list(actor, price_list_id)
    if actor is not None:
        require(actor, "catalog.price.manage", price_list.company)
    errors = [
        InvalidInput(message, field=field, code=code)
        for field, message, code in price_rule_problems(
            kind=data.kind,
            fixed_price=data.fixed_price,
            discount_percent=data.discount_percent,
            min_quantity=data.min_quantity,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
        )
    ]
    if data.customer_id is not None:
        customer = Partner.objects.filter(pk=data.customer_id).first()
        if customer is None or not customer.is_customer:
            errors.append(
                InvalidInput(
                    f"Customer {data.customer_id} not found.",
                    field="customer",
                    code="customer.unknown",
                )
            )
    if (
        data.customer_group_id is not None
        and not CustomerGroup.objects.filter(pk=data.customer_group_id).exists()
    ):
        errors.append(
            InvalidInput(
                f"Customer group {data.customer_group_id} not found.",
                field="customer_group",
                code="customer_group.unknown",
            )
        )
    if data.product_id is not None and not Product.objects.filter(pk=data.product_id).exists():
        errors.append(
            InvalidInput(
                f"Product {data.product_id} not found.", field="product", code="product.unknown"
            )
        )
    if (
        data.product_category_id is not None
        and not ProductCategory.objects.filter(pk=data.product_category_id).exists()
    ):
        errors.append(
            InvalidInput(
                f"Product category {data.product_category_id} not found.",
                field="product_category",
                code="product_category.unknown",
            )
        )
    _raise_if(errors)
    rule = PriceRule.objects.create(
        price_list=price_list,
        sequence=data.sequence,
        customer_id=data.customer_id,
        customer_group_id=data.customer_group_id,
        product_id=data.product_id,
        product_category_id=data.product_category_id,
        min_quantity=_places(data.min_quantity),
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        kind=data.kind,
        fixed_price=_places(data.fixed_price),
        discount_percent=_places(data.discount_percent),
    )
    record_audit(
        actor=actor,
        action="catalog.price_rule.created",
        target=rule,
        company=price_list.company,
        after=snapshot(rule),
    )
    emit("catalog.price_list.changed", price_list_id=price_list.pk)
    return rule


@transaction.atomic
def delete_price_rule(*, actor: User | None, price_rule_id: int) -> None:
    """Remove a rule from its price list."""
    rule = PriceRule.objects.select_related("price_list__company").filter(pk=price_rule_id).first()
    if (
        rule is not None
        and actor is not None
        and rule.price_list.company_id not in visible_company_ids(actor)
    ):
        rule = None
    if rule is None:
        raise NotFound(f"Price rule {price_rule_id} not found.", code="price_rule.not_found")
    company = rule.price_list.company
    if actor is not None:
        require(actor, "catalog.price.manage", company)
    before = snapshot(rule)
    record_audit(
        actor=actor,
        action="catalog.price_rule.deleted",
        target=rule,
        company=company,
        before=before,
    )
    rule.delete()
    emit("catalog.price_list.changed", price_list_id=before["price_list"])


@transaction.atomic
def set_customer_price_list(
    *, actor: User | None, customer_id: int, company: Company, price_list_id: int | None
) -> CustomerPriceList | None:
    """Make a price list the customer's default in a company (None removes it)."""
    if actor is not None:
        require(actor, "catalog.price.manage", company)
    # Lock the customer (FOR NO KEY UPDATE: documents referencing it are not blocked) so
    # that first-time writers take turns instead of racing to insert the same row.
    customer = (
        Partner.objects.select_for_update(no_key=True)
        .filter(pk=customer_id, is_customer=True)
        .first()
    )
    if customer is None:
        raise NotFound(f"Customer {customer_id} not found.", code="customer.not_found")
    current = CustomerPriceList.objects.select_for_update().filter(
        customer=customer, company=company
    )
    current = current.first()
    if price_list_id is None:
        if current is not None:
            record_audit(
                actor=actor,
                action="catalog.customer_price_list.removed",
                target=current,
                company=company,
                before=snapshot(current),
            )
            current.delete()
        return None
    price_list = PriceList.objects.filter(pk=price_list_id, company=company).first()
    if price_list is None:
        raise PriceListNotFound(f"Price list {price_list_id} not found.")
    before = snapshot(current) if current is not None else None
    if current is None:
        current = CustomerPriceList(customer=customer, company=company)
    current.price_list = price_list
    current.save()
    record_audit(
        actor=actor,
        action="catalog.customer_price_list.set",
        target=current,
        company=company,
        before=before,
        after=snapshot(current),
    )
    return current


# --- supplier prices ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SupplierPriceInput:
    supplier_id: int
    product_id: int
    price: Decimal
    currency: str
    min_quantity: Decimal = Decimal(0)
    lead_time_days: int | None = None
    supplier_sku: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


@transaction.atomic
def create_supplier_price(
    *, actor: User | None, company: Company, data: SupplierPriceInput
) -> SupplierPrice:
    """Record a supplier's price for a product in a company."""
    if actor is not None:
        require(actor, "catalog.supplier_price.manage", company)
    errors: list[InvalidInput] = []
    supplier = Partner.objects.filter(pk=data.supplier_id).first()
    if supplier is None or not supplier.is_supplier:
        label = supplier.code if supplier is not None else str(data.supplier_id)
        errors.append(
            InvalidInput(
                f"{label} is not a supplier.", field="supplier", code="supplier_price.not_supplier"
            )
        )
    if not Product.objects.filter(pk=data.product_id).exists():
        errors.append(
            InvalidInput(
                f"Product {data.product_id} not found.", field="product", code="product.unknown"
            )
        )
    currency = ""
    try:
        currency = validate_currency(data.currency)
    except InvalidInput as exc:
        errors.append(exc)
    if data.price < 0:
        errors.append(
            InvalidInput(
                f"Price must not be negative, got {data.price}.",
                field="price",
                code="supplier_price.negative",
            )
        )
    if data.min_quantity < 0:
        errors.append(
            InvalidInput(
                f"Minimum quantity must not be negative, got {data.min_quantity}.",
                field="min_quantity",
                code="supplier_price.min_quantity_negative",
            )
        )
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        errors.append(
            InvalidInput(
                f"valid_to {data.valid_to} is before valid_from {data.valid_from}.",
                field="valid_to",
                code="supplier_price.dates",
            )
        )
    _raise_if(errors)
    lead_time = data.lead_time_days
    if lead_time is None:
        lead_time = supplier.supplier_lead_time_days
    supplier_price = SupplierPrice.objects.create(
        supplier=supplier,
        product_id=data.product_id,
        company=company,
        price=_places(data.price),
        currency=currency,
        min_quantity=_places(data.min_quantity),
        lead_time_days=lead_time,
        supplier_sku=data.supplier_sku.strip(),
        valid_from=data.valid_from,
        valid_to=data.valid_to,
    )
    record_audit(
        actor=actor,
        action="catalog.supplier_price.created",
        target=supplier_price,
        company=company,
        after=snapshot(supplier_price),
    )
    return supplier_price


# --- bulk imports -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportSummary:
    created: int
    updated: int


def _import_error(row: int, column: str, message: str, code: str) -> dict:
    return {"row": row, "column": column, "field": column, "message": message, "code": code}


def _raise_import_errors(errors: list[dict]) -> None:
    if errors:
        errors.sort(key=lambda e: (e["row"], e["column"]))
        raise ValidationErrors(
            errors,
            message=f"{len(errors)} problem(s) in the file; nothing was imported.",
            code="import.invalid_rows",
        )


def _cell(row: dict, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


PRODUCT_COLUMNS = [
    "name",
    "description",
    "gtin",
    "category",
    "stock_unit",
    "sale_unit",
    "purchase_unit",
    "tracking",
    "weight",
]
PRODUCT_FIELDS = PRODUCT_COLUMNS


@transaction.atomic
def import_products(*, actor: User | None, rows: list[dict[str, str]]) -> ImportSummary:
    """Create or update (by SKU) every product of a spreadsheet, or none.

    Columns: sku, name, gtin, category (code), stock_unit, sale_unit, purchase_unit (unit
    codes; sale and purchase default to the stock unit), tracking, description, weight.
    ``rows[i]`` is spreadsheet row i + 2. Every problem of every row is reported at once
    (ValidationErrors, code import.invalid_rows) and nothing is written. A bounded number
    of queries whatever the row count.
    """
    if actor is not None:
        require(actor, "imports.run")
        require(actor, "catalog.product.manage")
    errors: list[dict] = []
    units = {u.code: u for u in Unit.objects.all()}
    categories = {c.code: c for c in ProductCategory.objects.all()}
    skus = [_cell(r, "sku").upper() for r in rows]
    existing: dict[str, Product] = {}
    for chunk in _chunks(sorted({s for s in skus if s})):
        existing.update({p.sku: p for p in Product.objects.filter(sku__in=chunk)})

    cleaned: list[tuple[int, str, dict]] = []
    seen_skus: dict[str, int] = {}
    seen_gtins: dict[str, int] = {}
    file_gtins: dict[str, str] = {}
    gtin_rows: list[tuple[int, str, str]] = []
    for index, row in enumerate(rows):
        n = index + 2
        sku = skus[index]
        row_errors: list[dict] = []
        if not sku:
            row_errors.append(_import_error(n, "sku", "SKU is required.", "product.sku_required"))
        elif sku in seen_skus:
            row_errors.append(
                _import_error(
                    n,
                    "sku",
                    f"SKU {sku} appears twice in the file (rows {seen_skus[sku]} and {n}).",
                    "product.duplicate_sku",
                )
            )
        else:
            seen_skus[sku] = n
        name = _cell(row, "name")
        if not name:
            row_errors.append(
                _import_error(n, "name", "Product name is required.", "product.name_required")
            )
        gtin = ""
        try:
            gtin = clean_gtin(_cell(row, "gtin"))
        except InvalidInput as exc:
            row_errors.append(_import_error(n, "gtin", exc.message, exc.code))
        file_gtins[sku] = gtin
        if gtin:
            gtin_rows.append((n, sku, gtin))
            if gtin in seen_gtins:
                row_errors.append(
                    _import_error(
                        n,
                        "gtin",
                        f"GTIN {gtin} appears twice in the file (rows {seen_gtins[gtin]} and {n}).",
                        "product.duplicate_gtin",
                    )
                )
            else:
                seen_gtins[gtin] = n
        category_code = _cell(row, "category").upper()
        category = categories.get(category_code)
        if category is None:
            message = (
                f"Unknown product category {category_code!r}."
                if category_code
                else "Category is required."
            )
            row_errors.append(_import_error(n, "category", message, "product_category.unknown"))
        stock_code = _cell(row, "stock_unit").upper()
        found: dict[str, Unit | None] = {}
        for column in ("stock_unit", "sale_unit", "purchase_unit"):
            code = _cell(row, column).upper() or stock_code
            unit = units.get(code)
            found[column] = unit
            if unit is None and (column == "stock_unit" or code != stock_code):
                message = f"Unknown unit {code!r}." if code else "Stock unit is required."
                row_errors.append(_import_error(n, column, message, "unit.unknown"))
        stock = found["stock_unit"]
        for column in ("sale_unit", "purchase_unit"):
            unit = found[column]
            if stock is not None and unit is not None and unit.category_id != stock.category_id:
                exc = _unit_mismatch(column, unit, stock)
                row_errors.append(_import_error(n, column, exc.message, exc.code))
        tracking = _cell(row, "tracking").lower() or Tracking.NONE
        if tracking not in Tracking.values:
            row_errors.append(
                _import_error(
                    n,
                    "tracking",
                    f"Unknown tracking {tracking!r}: use none, lot or serial.",
                    "product.tracking",
                )
            )
        weight = None
        if _cell(row, "weight"):
            try:
                weight = parse_decimal(_cell(row, "weight"), field="weight", places=4)
                if weight < 0:
                    row_errors.append(
                        _import_error(
                            n,
                            "weight",
                            f"Weight must not be negative, got {weight}.",
                            "product.weight_negative",
                        )
                    )
            except InvalidInput as exc:
                row_errors.append(_import_error(n, "weight", exc.message, exc.code))
        if row_errors:
            errors.extend(row_errors)
            continue
        cleaned.append(
            (
                n,
                sku,
                {
                    "name": name,
                    "description": _cell(row, "description"),
                    "gtin": gtin,
                    "category": category,
                    "stock_unit": stock,
                    "sale_unit": found["sale_unit"],
                    "purchase_unit": found["purchase_unit"],
                    "tracking": tracking,
                    "weight": weight,
                },
            )
        )

    # GTINs already held by another product in the database.
    gtins = sorted(seen_gtins)
    holders: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(gtins):
        holders.update(
            {
                g: (s, nm)
                for g, s, nm in Product.objects.filter(gtin__in=chunk).values_list(
                    "gtin", "sku", "name"
                )
            }
        )
    for n, sku, gtin in gtin_rows:
        holder = holders.get(gtin)
        if holder is None or holder[0] == sku:
            continue
        # Another product holds it: fine only if this file moves that product to another GTIN.
        if file_gtins.get(holder[0], gtin) == gtin:
            errors.append(
                _import_error(
                    n,
                    "gtin",
                    f"GTIN {gtin} is already used by {holder[0]} {holder[1]}.",
                    "product.duplicate_gtin",
                )
            )
    _raise_import_errors(errors)

    to_create: list[Product] = []
    to_update: list[Product] = []
    update_changes: list[dict] = []
    for _n, sku, values in cleaned:
        product = existing.get(sku)
        if product is None:
            to_create.append(Product(sku=sku, **values))
            continue
        before = snapshot(product, PRODUCT_FIELDS)
        for key, value in values.items():
            setattr(product, key, value)
        after = snapshot(product, PRODUCT_FIELDS)
        changes = diff(before, after)
        if changes:
            to_update.append(product)
            update_changes.append(changes)
    if to_update:
        # Free GTINs first so a swap inside the file does not trip the unique index.
        Product.objects.filter(pk__in=[p.pk for p in to_update]).exclude(gtin="").update(gtin="")
        from django.utils import timezone

        now = timezone.now()
        for product in to_update:
            product.updated_at = now
        _update_from_values(Product, to_update, [*PRODUCT_COLUMNS, "updated_at"])
    Product.objects.bulk_create(to_create, batch_size=1000)
    if to_create and to_create[0].pk is None:  # backends that do not return ids
        ids = dict(
            Product.objects.filter(sku__in=[p.sku for p in to_create]).values_list("sku", "id")
        )
        for product in to_create:
            product.pk = ids[product.sku]
    record_audit_bulk(
        actor=actor,
        action="catalog.product.imported",
        targets=to_create,
        changes_by_target=[snapshot(p) for p in to_create],
    )
    record_audit_bulk(
        actor=actor,
        action="catalog.product.import_updated",
        targets=to_update,
        changes_by_target=update_changes,
    )
    emit("catalog.products.imported", created=len(to_create), updated=len(to_update))
    return ImportSummary(created=len(to_create), updated=len(to_update))


def _parse_import_date(value: str, n: int, column: str, errors: list[dict]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(
            _import_error(
                n,
                column,
                f"{column} must be an ISO date such as 2026-11-26, got {value!r}.",
                "date.invalid",
            )
        )
        return None


def _parse_import_decimal(value: str, n: int, column: str, errors: list[dict]) -> Decimal | None:
    if not value:
        return None
    try:
        return parse_decimal(value, field=column, places=4)
    except InvalidInput as exc:
        errors.append(_import_error(n, column, exc.message, exc.code))
        return None


@transaction.atomic
def import_prices(*, actor: User | None, rows: list[dict[str, str]]) -> ImportSummary:
    """Create or update price rules from a spreadsheet, all or nothing.

    Columns: price_list (code), company (code), product (SKU), customer (partner code,
    optional), customer_group (code, optional), min_quantity, fixed_price,
    discount_percent (exactly one of the two), valid_from, valid_to (ISO dates). A row
    whose price list, product, customer, group, minimum quantity and dates equal an
    existing rule's updates that rule's price. ``rows[i]`` is spreadsheet row i + 2.
    """
    if actor is not None:
        require(actor, "imports.run")
        require(actor, "catalog.price.manage")
    errors: list[dict] = []
    company_codes = {_cell(r, "company").upper() for r in rows} - {""}
    companies = {c.code: c for c in Company.objects.filter(code__in=company_codes)}
    if actor is not None:
        visible = visible_company_ids(actor)
        companies = {k: c for k, c in companies.items() if c.pk in visible}
    price_lists = {
        (pl.company_id, pl.code): pl
        for pl in PriceList.objects.filter(company__in=list(companies.values()))
    }
    skus = sorted({_cell(r, "product").upper() for r in rows} - {""})
    products: dict[str, int] = {}
    for chunk in _chunks(skus):
        products.update(Product.objects.filter(sku__in=chunk).values_list("sku", "id"))
    partner_codes = sorted({_cell(r, "customer").upper() for r in rows} - {""})
    customers: dict[str, tuple[int, bool]] = {}
    for chunk in _chunks(partner_codes):
        customers.update(
            {
                code: (pk, is_customer)
                for code, pk, is_customer in Partner.objects.filter(code__in=chunk).values_list(
                    "code", "id", "is_customer"
                )
            }
        )
    groups = dict(CustomerGroup.objects.values_list("code", "id"))

    parsed: list[tuple[int, dict]] = []
    seen_keys: dict[tuple, int] = {}
    for index, row in enumerate(rows):
        n = index + 2
        row_errors: list[dict] = []
        company_code = _cell(row, "company").upper()
        company = companies.get(company_code)
        if company is None:
            message = (
                f"Company {company_code} not found." if company_code else "Company is required."
            )
            row_errors.append(_import_error(n, "company", message, "company.not_found"))
        elif actor is not None and not has_permission(actor, "catalog.price.manage", company):
            row_errors.append(
                _import_error(
                    n,
                    "company",
                    f"{actor.username} may not manage prices in {company.code}.",
                    "permission.denied",
                )
            )
        list_code = _cell(row, "price_list").upper()
        price_list = price_lists.get((company.pk, list_code)) if company is not None else None
        if company is not None and price_list is None:
            message = (
                f"Price list {list_code} not found in {company.code}."
                if list_code
                else "Price list is required."
            )
            row_errors.append(_import_error(n, "price_list", message, "price_list.not_found"))
        sku = _cell(row, "product").upper()
        product_id = products.get(sku)
        if product_id is None:
            message = f"Unknown product {sku}." if sku else "Product is required."
            row_errors.append(_import_error(n, "product", message, "product.unknown"))
        customer_code = _cell(row, "customer").upper()
        customer_id = None
        if customer_code:
            found = customers.get(customer_code)
            if found is None or not found[1]:
                row_errors.append(
                    _import_error(
                        n, "customer", f"Unknown customer {customer_code}.", "customer.unknown"
                    )
                )
            else:
                customer_id = found[0]
        group_code = _cell(row, "customer_group").upper()
        group_id = None
        if group_code:
            group_id = groups.get(group_code)
            if group_id is None:
                row_errors.append(
                    _import_error(
                        n,
                        "customer_group",
                        f"Unknown customer group {group_code}.",
                        "customer_group.unknown",
                    )
                )
        min_quantity = _parse_import_decimal(
            _cell(row, "min_quantity"), n, "min_quantity", row_errors
        )
        fixed_price = _parse_import_decimal(_cell(row, "fixed_price"), n, "fixed_price", row_errors)
        discount = _parse_import_decimal(
            _cell(row, "discount_percent"), n, "discount_percent", row_errors
        )
        valid_from = _parse_import_date(_cell(row, "valid_from"), n, "valid_from", row_errors)
        valid_to = _parse_import_date(_cell(row, "valid_to"), n, "valid_to", row_errors)
        has_fixed = bool(_cell(row, "fixed_price"))
        has_discount = bool(_cell(row, "discount_percent"))
        if has_fixed == has_discount:
            row_errors.append(
                _import_error(
                    n,
                    "fixed_price",
                    "Give either a fixed price or a discount percent (exactly one).",
                    "price_rule.kind_fields",
                )
            )
        kind = RuleKind.FIXED if has_fixed else RuleKind.DISCOUNT
        if not row_errors:
            for field, message, code in price_rule_problems(
                kind=kind,
                fixed_price=fixed_price,
                discount_percent=discount,
                min_quantity=min_quantity or Decimal(0),
                valid_from=valid_from,
                valid_to=valid_to,
            ):
                row_errors.append(_import_error(n, field, message, code))
        if row_errors:
            errors.extend(row_errors)
            continue
        values = {
            "price_list_id": price_list.pk,
            "product_id": product_id,
            "customer_id": customer_id,
            "customer_group_id": group_id,
            "min_quantity": min_quantity or Decimal("0.0000"),
            "valid_from": valid_from,
            "valid_to": valid_to,
            "kind": kind,
            "fixed_price": fixed_price,
            "discount_percent": discount,
        }
        key = _rule_key(values)
        if key in seen_keys:
            errors.append(
                _import_error(
                    n,
                    "product",
                    f"The same rule for {sku} appears twice in the file "
                    f"(rows {seen_keys[key]} and {n}).",
                    "price_rule.duplicate",
                )
            )
            continue
        seen_keys[key] = n
        parsed.append((n, values | {"_company": price_list.company_id}))
    _raise_import_errors(errors)

    existing: dict[tuple, PriceRule] = {}
    list_ids = sorted({v["price_list_id"] for _, v in parsed})
    product_ids = sorted({v["product_id"] for _, v in parsed})
    for chunk in _chunks(product_ids):
        for rule in PriceRule.objects.filter(price_list_id__in=list_ids, product_id__in=chunk):
            existing.setdefault(_rule_key(rule.__dict__), rule)
    to_create: list[PriceRule] = []
    to_update: list[PriceRule] = []
    update_changes: list[dict] = []
    for _n, values in parsed:
        values = dict(values)
        values.pop("_company")
        rule = existing.get(_rule_key(values))
        if rule is None:
            to_create.append(PriceRule(**values))
            continue
        before = snapshot(rule, ["kind", "fixed_price", "discount_percent"])
        rule.kind = values["kind"]
        rule.fixed_price = values["fixed_price"]
        rule.discount_percent = values["discount_percent"]
        changes = diff(before, snapshot(rule, ["kind", "fixed_price", "discount_percent"]))
        if changes:
            to_update.append(rule)
            update_changes.append(changes)
    PriceRule.objects.bulk_create(to_create, batch_size=1000)
    _update_from_values(PriceRule, to_update, ["kind", "fixed_price", "discount_percent"])
    record_audit_bulk(
        actor=actor,
        action="catalog.price_rule.imported",
        targets=to_create,
        changes_by_target=[snapshot(r) for r in to_create],
    )
    record_audit_bulk(
        actor=actor,
        action="catalog.price_rule.import_updated",
        targets=to_update,
        changes_by_target=update_changes,
    )
    for list_id in list_ids:
        emit("catalog.price_list.changed", price_list_id=list_id)
    return ImportSummary(created=len(to_create), updated=len(to_update))


def _rule_key(values: dict) -> tuple:
    min_quantity = values["min_quantity"]
    return (
        values["price_list_id"],
        values["product_id"],
        values["customer_id"],
        values["customer_group_id"],
        Decimal(min_quantity).normalize() if min_quantity is not None else Decimal(0),
        values["valid_from"],
        values["valid_to"],
    )
