"""REST API of the catalog: products, units, categories, price lists, supplier prices
(mounted at /api/v1/) and price quotes (mounted at /api/v1/pricing)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from ordo.core.apiutils import ERROR_RESPONSES, actor_of, page_of
from ordo.core.errors import InvalidInput, NotFound, ValidationErrors
from ordo.core.money import parse_decimal
from ordo.governance.access import get_visible_company
from ordo.partners.models import CustomerGroup, Partner

from . import pricing, selectors, services
from .models import (
    Packaging,
    PriceList,
    PriceRule,
    Product,
    ProductCategory,
    SupplierPrice,
    Unit,
)
from .schemas import (
    CompanySettingsIn,
    CompanySettingsList,
    CompanySettingsOut,
    CustomerPriceListIn,
    CustomerPriceListOut,
    CustomerPriceListPage,
    PackagingIn,
    PackagingList,
    PackagingOut,
    PriceListDetailOut,
    PriceListIn,
    PriceListPage,
    PriceListPatch,
    PriceRuleIn,
    PriceRuleOut,
    ProductCategoryIn,
    ProductCategoryOut,
    ProductCategoryPage,
    ProductCategoryPatch,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    QuoteIn,
    QuoteOut,
    SupplierPriceIn,
    SupplierPriceOut,
    SupplierPricePage,
    UnitCategoryIn,
    UnitCategoryOut,
    UnitCategoryPage,
    UnitIn,
    UnitOut,
    UnitPage,
    UnitPatch,
)

router = Router(tags=["catalog"])
pricing_router = Router(tags=["pricing"])


# --------------------------------------------------------------------------- output helpers


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _product_out(product: Product) -> dict[str, Any]:
    return {
        "id": product.pk,
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "gtin": product.gtin,
        "category": product.category.code,
        "stock_unit": product.stock_unit.code,
        "sale_unit": product.sale_unit.code,
        "purchase_unit": product.purchase_unit.code,
        "tracking": product.tracking,
        "is_active": product.is_active,
        "weight": _dec(product.weight),
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


def _unit_out(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "category": unit.category.code,
        "factor": str(unit.factor),
        "rounding": str(unit.rounding),
        "is_reference": unit.is_reference,
    }


def _category_out(category: ProductCategory) -> dict[str, Any]:
    return {
        "id": category.pk,
        "code": category.code,
        "name": category.name,
        "parent": category.parent.code if category.parent_id else None,
        "cost_method": category.cost_method,
    }


def _price_list_out(price_list: PriceList) -> dict[str, Any]:
    return {
        "id": price_list.pk,
        "company": price_list.company.code,
        "code": price_list.code,
        "name": price_list.name,
        "currency": price_list.currency,
        "valid_from": price_list.valid_from,
        "valid_to": price_list.valid_to,
        "is_active": price_list.is_active,
    }


def _rule_out(rule: PriceRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "sequence": rule.sequence,
        "kind": rule.kind,
        "fixed_price": _dec(rule.fixed_price),
        "discount_percent": _dec(rule.discount_percent),
        "customer": rule.customer.code if rule.customer_id else None,
        "customer_group": rule.customer_group.code if rule.customer_group_id else None,
        "product": rule.product.sku if rule.product_id else None,
        "product_category": rule.product_category.code if rule.product_category_id else None,
        "min_quantity": str(rule.min_quantity),
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
    }


def _supplier_price_out(price: SupplierPrice) -> dict[str, Any]:
    return {
        "id": price.pk,
        "company": price.company.code,
        "supplier": price.supplier.code,
        "product": price.product.sku,
        "price": str(price.price),
        "currency": price.currency,
        "min_quantity": str(price.min_quantity),
        "lead_time_days": price.lead_time_days,
        "supplier_sku": price.supplier_sku,
        "valid_from": price.valid_from,
        "valid_to": price.valid_to,
    }


def _optional_decimal(value: str | None, field: str) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    return parse_decimal(value, field=field)


def _raise_all(errors: list[InvalidInput]) -> None:
    """Report every bad field at once (one error as itself, several as ValidationErrors)."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)


def _partner(reference: int | str, *, field: str, role: str) -> Partner:
    if isinstance(reference, int) or str(reference).isdigit():
        partner = Partner.objects.filter(pk=int(reference)).first()
    else:
        partner = Partner.objects.filter(code=str(reference).strip().upper()).first()
    if partner is None:
        raise InvalidInput(
            f"{role.capitalize()} {reference} not found.", field=field, code=f"{role}.unknown"
        )
    return partner


def _product_ref(reference: int | str, *, field: str = "product") -> Product:
    product = selectors.find_product(reference)
    if product is None:
        raise InvalidInput(f"Product {reference} not found.", field=field, code="product.unknown")
    return product


# --------------------------------------------------------------------------- products


@router.get("/products", response={200: ProductPage, **ERROR_RESPONSES})
def list_products(
    request: HttpRequest,
    search: str = "",
    category: str | None = None,
    is_active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
):
    qs = selectors.list_products(
        actor_of(request), search=search, category=category, is_active=is_active
    )
    return page_of(qs, limit, offset, _product_out)


@router.post("/products", response={201: ProductOut, **ERROR_RESPONSES})
def create_product(request: HttpRequest, payload: ProductIn):
    data = services.ProductInput(
        **payload.dict(exclude={"weight"}), weight=_optional_decimal(payload.weight, "weight")
    )
    product = services.create_product(actor=actor_of(request), data=data)
    return Status(201, _product_out(selectors.get_product(actor_of(request), product.pk)))


@router.get("/products/{product_id}", response={200: ProductOut, **ERROR_RESPONSES})
def get_product(request: HttpRequest, product_id: int):
    return _product_out(selectors.get_product(actor_of(request), product_id))


@router.patch("/products/{product_id}", response={200: ProductOut, **ERROR_RESPONSES})
def update_product(request: HttpRequest, product_id: int, payload: ProductPatch):
    actor = actor_of(request)
    product = selectors.get_product(actor, product_id)
    changes = payload.dict(exclude_unset=True)
    is_active = changes.pop("is_active", None)
    if "weight" in changes:
        changes["weight"] = _optional_decimal(changes["weight"], "weight")
    if changes:
        data = dataclasses.replace(
            services.product_input_of(product),
            **{
                k: ("" if v is None and k in ("gtin", "description") else v)
                for k, v in changes.items()
            },
        )
        services.update_product(actor=actor, product_id=product.pk, data=data)
    if is_active is not None:
        services.set_product_active(actor=actor, product_id=product.pk, is_active=is_active)
    return _product_out(selectors.get_product(actor, product_id))


# --------------------------------------------------------------------------- units


@router.get("/units", response={200: UnitPage, **ERROR_RESPONSES})
def list_units(
    request: HttpRequest, category: str | None = None, limit: int = 100, offset: int = 0
):
    return page_of(
        selectors.list_units(actor_of(request), category=category), limit, offset, _unit_out
    )


@router.post("/units", response={201: UnitOut, **ERROR_RESPONSES})
def create_unit(request: HttpRequest, payload: UnitIn):
    unit = services.create_unit(
        actor=actor_of(request),
        data=services.UnitInput(
            code=payload.code,
            name=payload.name,
            category=payload.category,
            factor=parse_decimal(payload.factor, field="factor"),
            rounding=parse_decimal(payload.rounding, field="rounding"),
            is_reference=payload.is_reference,
        ),
    )
    return Status(201, _unit_out(unit))


@router.get("/units/categories", response={200: UnitCategoryPage, **ERROR_RESPONSES})
def list_unit_categories(request: HttpRequest, limit: int = 100, offset: int = 0):
    return page_of(
        selectors.list_unit_categories(actor_of(request)),
        limit,
        offset,
        lambda c: {"id": c.pk, "code": c.code, "name": c.name},
    )


@router.post("/units/categories", response={201: UnitCategoryOut, **ERROR_RESPONSES})
def create_unit_category(request: HttpRequest, payload: UnitCategoryIn):
    category = services.create_unit_category(
        actor=actor_of(request), code=payload.code, name=payload.name
    )
    return Status(201, {"id": category.pk, "code": category.code, "name": category.name})


@router.patch("/units/{unit_id}", response={200: UnitOut, **ERROR_RESPONSES})
def update_unit(request: HttpRequest, unit_id: int, payload: UnitPatch):
    """Change a unit's name, category, factor, rounding or reference flag (not its code)."""
    actor = actor_of(request)
    unit = selectors.get_unit_by_id(actor, unit_id)
    changes = payload.dict(exclude_unset=True)
    errors = []
    values: dict[str, Any] = {}
    for field in ("factor", "rounding"):
        if changes.get(field) is not None:
            try:
                values[field] = parse_decimal(changes[field], field=field)
            except InvalidInput as exc:
                errors.append(exc)
    _raise_all(errors)
    data = services.UnitInput(
        code=unit.code,
        name=changes.get("name") or unit.name,
        category=changes.get("category") or unit.category.code,
        factor=values.get("factor", unit.factor),
        rounding=values.get("rounding", unit.rounding),
        is_reference=(
            unit.is_reference if changes.get("is_reference") is None else changes["is_reference"]
        ),
    )
    services.update_unit(actor=actor, unit_id=unit.pk, data=data)
    return _unit_out(selectors.get_unit_by_id(actor, unit.pk))


@router.get("/product-categories", response={200: ProductCategoryPage, **ERROR_RESPONSES})
def list_product_categories(request: HttpRequest, limit: int = 100, offset: int = 0):
    return page_of(
        selectors.list_product_categories(actor_of(request)), limit, offset, _category_out
    )


@router.post("/product-categories", response={201: ProductCategoryOut, **ERROR_RESPONSES})
def create_product_category(request: HttpRequest, payload: ProductCategoryIn):
    category = services.create_product_category(
        actor=actor_of(request), data=services.ProductCategoryInput(**payload.dict())
    )
    return Status(201, _category_out(category))


@router.patch(
    "/product-categories/{category_id}", response={200: ProductCategoryOut, **ERROR_RESPONSES}
)
def update_product_category(request: HttpRequest, category_id: int, payload: ProductCategoryPatch):
    """Rename, move (``parent``: a category code, null for the root) or change the cost
    method of a category; its code stays."""
    actor = actor_of(request)
    category = selectors.get_product_category(actor, category_id)
    changes = payload.dict(exclude_unset=True)
    data = services.ProductCategoryInput(
        code=category.code,
        name=changes.get("name") or category.name,
        parent=changes.get("parent", category.parent.code if category.parent_id else None),
        cost_method=changes.get("cost_method") or category.cost_method,
    )
    services.update_product_category(actor=actor, category_id=category.pk, data=data)
    return _category_out(selectors.get_product_category(actor, category.pk))


# --------------------------------------------------------------------------- per company


def _settings_out(row: selectors.CompanyProductSettings) -> dict[str, Any]:
    return {
        "company": row.company.code,
        "currency": row.company.currency,
        "list_price": _dec(row.list_price),
        "standard_cost": _dec(row.standard_cost),
        "is_sellable": row.is_sellable,
        "is_purchasable": row.is_purchasable,
        "is_set": row.is_set,
    }


@router.get(
    "/products/{product_id}/company-settings",
    response={200: CompanySettingsList, **ERROR_RESPONSES},
)
def list_company_settings(request: HttpRequest, product_id: int):
    """The product's list price, cost and flags in each of the caller's companies only."""
    actor = actor_of(request)
    product = selectors.get_product(actor, product_id)
    rows = selectors.list_product_settings_by_company(actor, product)
    return {"items": [_settings_out(r) for r in rows]}


@router.put(
    "/products/{product_id}/company-settings/{company_code}",
    response={200: CompanySettingsOut, **ERROR_RESPONSES},
)
def put_company_settings(
    request: HttpRequest, product_id: int, company_code: str, payload: CompanySettingsIn
):
    """Replace the product's settings in one of the caller's companies (another → 404)."""
    actor = actor_of(request)
    product = selectors.get_product(actor, product_id)
    company = get_visible_company(actor, company_code)
    errors = []
    prices: dict[str, Decimal | None] = {}
    for field in ("list_price", "standard_cost"):
        try:
            prices[field] = _optional_decimal(getattr(payload, field), field)
        except InvalidInput as exc:
            errors.append(exc)
    _raise_all(errors)
    services.set_product_company_settings(
        actor=actor,
        product_id=product.pk,
        company=company,
        list_price=prices["list_price"],
        standard_cost=prices["standard_cost"],
        is_sellable=payload.is_sellable,
        is_purchasable=payload.is_purchasable,
    )
    row = next(
        r
        for r in selectors.list_product_settings_by_company(actor, product)
        if r.company.pk == company.pk
    )
    return _settings_out(row)


# --------------------------------------------------------------------------- packagings


def _packaging_out(packaging: Packaging) -> dict[str, Any]:
    return {
        "id": packaging.pk,
        "name": packaging.name,
        "quantity": str(packaging.quantity),
        "gtin": packaging.gtin,
    }


@router.get("/products/{product_id}/packagings", response={200: PackagingList, **ERROR_RESPONSES})
def list_packagings(request: HttpRequest, product_id: int):
    actor = actor_of(request)
    product = selectors.get_product(actor, product_id)
    return {"items": [_packaging_out(p) for p in selectors.list_packagings(actor, product)]}


@router.post("/products/{product_id}/packagings", response={201: PackagingOut, **ERROR_RESPONSES})
def add_packaging(request: HttpRequest, product_id: int, payload: PackagingIn):
    actor = actor_of(request)
    product = selectors.get_product(actor, product_id)
    packaging = services.add_packaging(
        actor=actor,
        product_id=product.pk,
        name=payload.name,
        quantity=parse_decimal(payload.quantity, field="quantity"),
        gtin=payload.gtin,
    )
    return Status(201, _packaging_out(packaging))


@router.delete(
    "/products/{product_id}/packagings/{packaging_id}",
    response={204: None, **ERROR_RESPONSES},
)
def remove_packaging(request: HttpRequest, product_id: int, packaging_id: int):
    actor = actor_of(request)
    product = selectors.get_product(actor, product_id)
    services.remove_packaging(actor=actor, product_id=product.pk, packaging_id=packaging_id)
    return Status(204, None)


# --------------------------------------------------------------------------- price lists


@router.get("/price-lists", response={200: PriceListPage, **ERROR_RESPONSES})
def list_price_lists(
    request: HttpRequest,
    company: str | None = None,
    is_active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
):
    actor = actor_of(request)
    company_id = get_visible_company(actor, company).pk if company else None
    qs = selectors.list_price_lists(actor, company_id=company_id, is_active=is_active)
    return page_of(qs, limit, offset, _price_list_out)


def _price_list_detail(actor, price_list_id: int) -> dict[str, Any]:
    price_list = selectors.get_price_list(actor, price_list_id)
    return _price_list_out(price_list) | {
        "rules": [_rule_out(r) for r in selectors.list_price_rules(price_list)]
    }


@router.post("/price-lists", response={201: PriceListDetailOut, **ERROR_RESPONSES})
def create_price_list(request: HttpRequest, payload: PriceListIn):
    actor = actor_of(request)
    company = get_visible_company(actor, payload.company)
    price_list = services.create_price_list(
        actor=actor,
        company=company,
        data=services.PriceListInput(**payload.dict(exclude={"company"})),
    )
    return Status(201, _price_list_detail(actor, price_list.pk))


@router.get("/price-lists/{price_list_id}", response={200: PriceListDetailOut, **ERROR_RESPONSES})
def get_price_list(request: HttpRequest, price_list_id: int):
    return _price_list_detail(actor_of(request), price_list_id)


@router.patch("/price-lists/{price_list_id}", response={200: PriceListDetailOut, **ERROR_RESPONSES})
def update_price_list(request: HttpRequest, price_list_id: int, payload: PriceListPatch):
    actor = actor_of(request)
    price_list = selectors.get_price_list(actor, price_list_id)
    current = {
        "code": price_list.code,
        "name": price_list.name,
        "currency": price_list.currency,
        "valid_from": price_list.valid_from,
        "valid_to": price_list.valid_to,
        "is_active": price_list.is_active,
    }
    services.update_price_list(
        actor=actor,
        price_list_id=price_list.pk,
        data=services.PriceListInput(**(current | payload.dict(exclude_unset=True))),
    )
    return _price_list_detail(actor, price_list.pk)


@router.post("/price-lists/{price_list_id}/rules", response={201: PriceRuleOut, **ERROR_RESPONSES})
def add_price_rule(request: HttpRequest, price_list_id: int, payload: PriceRuleIn):
    actor = actor_of(request)
    selectors.get_price_list(actor, price_list_id)  # 404 before any content check
    customer_id = group_id = product_id = category_id = None
    if payload.customer is not None:
        customer_id = _partner(payload.customer, field="customer", role="customer").pk
    if payload.customer_group:
        group = CustomerGroup.objects.filter(code=payload.customer_group.strip().upper()).first()
        if group is None:
            raise InvalidInput(
                f"Customer group {payload.customer_group} not found.",
                field="customer_group",
                code="customer_group.unknown",
            )
        group_id = group.pk
    if payload.product is not None:
        product_id = _product_ref(payload.product).pk
    if payload.product_category:
        category = ProductCategory.objects.filter(
            code=payload.product_category.strip().upper()
        ).first()
        if category is None:
            raise InvalidInput(
                f"Unknown product category {payload.product_category!r}.",
                field="product_category",
                code="product_category.unknown",
            )
        category_id = category.pk
    rule = services.add_price_rule(
        actor=actor,
        price_list_id=price_list_id,
        data=services.PriceRuleInput(
            kind=payload.kind,
            fixed_price=_optional_decimal(payload.fixed_price, "fixed_price"),
            discount_percent=_optional_decimal(payload.discount_percent, "discount_percent"),
            sequence=payload.sequence,
            customer_id=customer_id,
            customer_group_id=group_id,
            product_id=product_id,
            product_category_id=category_id,
            min_quantity=parse_decimal(payload.min_quantity, field="min_quantity"),
            valid_from=payload.valid_from,
            valid_to=payload.valid_to,
        ),
    )
    return Status(201, _rule_out(rule))


@router.delete(
    "/price-lists/{price_list_id}/rules/{rule_id}", response={204: None, **ERROR_RESPONSES}
)
def delete_price_rule(request: HttpRequest, price_list_id: int, rule_id: int):
    """Remove a rule; another company's list (or a rule of another list) answers 404."""
    actor = actor_of(request)
    price_list = selectors.get_price_list(actor, price_list_id)
    rule = selectors.get_price_rule(actor, rule_id)
    if rule.price_list_id != price_list.pk:
        raise NotFound(f"Price rule {rule_id} not found.", code="price_rule.not_found")
    services.delete_price_rule(actor=actor, price_rule_id=rule.pk)
    return Status(204, None)


# --------------------------------------------------------------------------- customer lists


def _customer_price_list_out(customer: Partner, company) -> dict[str, Any]:
    return {
        "customer_id": customer.pk,
        "customer": customer.code,
        "customer_name": customer.name,
        "company": company.code,
        "price_list": customer.price_list_code,
    }


@router.get("/customer-price-lists", response={200: CustomerPriceListPage, **ERROR_RESPONSES})
def list_customer_price_lists(
    request: HttpRequest, company: str, search: str = "", limit: int = 50, offset: int = 0
):
    """Every customer with their default price list code in ``company`` (null: none, the
    company's DEFAULT list applies). ``company`` must be one of the caller's."""
    actor = actor_of(request)
    found = get_visible_company(actor, company)
    qs = selectors.list_customer_price_lists(actor, found, search=search)
    return page_of(qs, limit, offset, lambda c: _customer_price_list_out(c, found))


@router.put(
    "/customer-price-lists/{customer_id}/{company_code}",
    response={200: CustomerPriceListOut, **ERROR_RESPONSES},
)
def put_customer_price_list(
    request: HttpRequest, customer_id: int, company_code: str, payload: CustomerPriceListIn
):
    """Set (``price_list``: a code of that company's lists) or clear (null) a customer's
    default price list in one of the caller's companies."""
    actor = actor_of(request)
    company = get_visible_company(actor, company_code)
    price_list_id = None
    if payload.price_list is not None and payload.price_list.strip():
        code = payload.price_list.strip().upper()
        price_list = PriceList.objects.filter(company=company, code=code).first()
        if price_list is None:
            raise InvalidInput(
                f"Price list {code} not found in {company.code}.",
                field="price_list",
                code="price_list.unknown",
            )
        price_list_id = price_list.pk
    services.set_customer_price_list(
        actor=actor, customer_id=customer_id, company=company, price_list_id=price_list_id
    )
    customer = selectors.list_customer_price_lists(actor, company).get(pk=customer_id)
    return _customer_price_list_out(customer, company)


# --------------------------------------------------------------------------- supplier prices


@router.get("/supplier-prices", response={200: SupplierPricePage, **ERROR_RESPONSES})
def list_supplier_prices(
    request: HttpRequest,
    company: str | None = None,
    product: str | None = None,
    supplier: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    actor = actor_of(request)
    company_id = get_visible_company(actor, company).pk if company else None
    product_id = _product_ref(product).pk if product else None
    supplier_id = _partner(supplier, field="supplier", role="supplier").pk if supplier else None
    qs = selectors.list_supplier_prices(
        actor, company_id=company_id, product_id=product_id, supplier_id=supplier_id
    )
    return page_of(qs, limit, offset, _supplier_price_out)


@router.post("/supplier-prices", response={201: SupplierPriceOut, **ERROR_RESPONSES})
def create_supplier_price(request: HttpRequest, payload: SupplierPriceIn):
    actor = actor_of(request)
    company = get_visible_company(actor, payload.company)
    price = services.create_supplier_price(
        actor=actor,
        company=company,
        data=services.SupplierPriceInput(
            supplier_id=_partner(payload.supplier, field="supplier", role="supplier").pk,
            product_id=_product_ref(payload.product).pk,
            price=parse_decimal(payload.price, field="price"),
            currency=payload.currency,
            min_quantity=parse_decimal(payload.min_quantity, field="min_quantity"),
            lead_time_days=payload.lead_time_days,
            supplier_sku=payload.supplier_sku,
            valid_from=payload.valid_from,
            valid_to=payload.valid_to,
        ),
    )
    price = SupplierPrice.objects.select_related("company", "supplier", "product").get(pk=price.pk)
    return Status(201, _supplier_price_out(price))


# --------------------------------------------------------------------------- pricing


@pricing_router.post("/quote", response={200: QuoteOut, **ERROR_RESPONSES})
def quote(request: HttpRequest, payload: QuoteIn):
    actor = actor_of(request)
    company = get_visible_company(actor, payload.company)
    customer_id = None
    if payload.customer is not None:
        customer = _partner(payload.customer, field="customer", role="customer")
        if not customer.is_customer:
            raise InvalidInput(
                f"{customer.code} is not a customer.", field="customer", code="customer.unknown"
            )
        customer_id = customer.pk
    product = _product_ref(payload.product)
    on_date = payload.date or timezone.localdate()
    result = pricing.quote_price(
        actor=actor,
        company=company,
        customer_id=customer_id,
        product_id=product.pk,
        quantity=parse_decimal(payload.quantity, field="quantity"),
        on_date=on_date,
    )
    price_list = (
        PriceList.objects.filter(pk=result.price_list_id).values_list("code", flat=True).first()
        if result.price_list_id
        else None
    )
    return {
        "unit_price": str(result.unit_price),
        "currency": result.currency,
        "rule": (
            {"id": result.rule_id, "description": result.rule_description}
            if result.rule_id is not None
            else None
        ),
        "source": result.source,
        "price_list": price_list,
    }


__all__ = ["pricing_router", "router"]
