"""Reads of the catalog for UI, API and other apps.

Products, units and categories are group-wide: visible to anyone with a membership.
Price lists, company settings and supplier prices are visible only in the user's
companies; another company's record answers NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery

from ordo.core.errors import NotFound
from ordo.core.models import Company, User
from ordo.core.quantities import UnitSpec
from ordo.governance.access import require_member, visible_companies, visible_company_ids
from ordo.partners.models import Partner

from .domain import convert
from .errors import PriceListNotFound, ProductNotFound, UnknownUnit
from .models import (
    CustomerPriceList,
    Packaging,
    PriceList,
    PriceRule,
    Product,
    ProductCategory,
    ProductCompanySettings,
    SupplierPrice,
    Unit,
    UnitCategory,
)


def list_products(
    actor: User,
    *,
    search: str = "",
    category: str | None = None,
    is_active: bool | None = None,
) -> QuerySet[Product]:
    """Products matching a search on SKU, name or GTIN (case-insensitive), a category code
    (including its subcategories) and an active flag; slice it for a page."""
    require_member(actor)
    qs = Product.objects.select_related("category", "stock_unit", "sale_unit", "purchase_unit")
    if search:
        qs = qs.filter(
            Q(sku__icontains=search) | Q(name__icontains=search) | Q(gtin=search.strip())
        )
    if category:
        qs = qs.filter(category_id__in=category_and_descendant_ids(category))
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs.order_by("sku")


def category_and_descendant_ids(code: str) -> list[int]:
    """The ids of the category with that code and of every category below it."""
    rows = list(ProductCategory.objects.values_list("id", "code", "parent_id"))
    root = next((pk for pk, c, _ in rows if c == code.strip().upper()), None)
    if root is None:
        return []
    children: dict[int | None, list[int]] = {}
    for pk, _, parent in rows:
        children.setdefault(parent, []).append(pk)
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(children.get(node, []))
    return found


def category_ancestors() -> dict[int, tuple[int, ...]]:
    """For every category id: itself then its ancestors up to the root (one query)."""
    parents = dict(ProductCategory.objects.values_list("id", "parent_id"))
    result = {}
    for pk in parents:
        chain, node = [], pk
        while node is not None and node not in chain:
            chain.append(node)
            node = parents.get(node)
        result[pk] = tuple(chain)
    return result


def get_product(actor: User, product_id: int) -> Product:
    """One product or ProductNotFound ("Product 12 not found.")."""
    require_member(actor)
    product = (
        Product.objects.select_related("category", "stock_unit", "sale_unit", "purchase_unit")
        .filter(pk=product_id)
        .first()
    )
    if product is None:
        raise ProductNotFound(f"Product {product_id} not found.")
    return product


def find_product(reference: int | str) -> Product | None:
    """A product by id or SKU, or None."""
    if isinstance(reference, int) or str(reference).isdigit():
        found = Product.objects.filter(pk=int(reference)).first()
        if found is not None or isinstance(reference, int):
            return found
    return Product.objects.filter(sku=str(reference).strip().upper()).first()


def list_product_company_settings(actor: User, product: Product) -> list[ProductCompanySettings]:
    """A product's settings in the actor's companies only."""
    return list(
        ProductCompanySettings.objects.filter(
            product=product, company_id__in=visible_company_ids(actor)
        )
        .select_related("company")
        .order_by("company__code")
    )


@dataclass(frozen=True, slots=True)
class CompanyProductSettings:
    """A product's settings in one company; the defaults where none were saved yet."""

    company: Company
    list_price: Decimal | None
    standard_cost: Decimal | None
    is_sellable: bool
    is_purchasable: bool
    is_set: bool


def list_product_settings_by_company(actor: User, product: Product) -> list[CompanyProductSettings]:
    """One row per company the actor belongs to (by code): the product's saved settings
    there, or the defaults (no list price, no cost, sellable, purchasable). Never another
    company's. Two queries."""
    saved = {s.company_id: s for s in list_product_company_settings(actor, product)}
    rows = []
    for company in visible_companies(actor):
        settings = saved.get(company.pk)
        rows.append(
            CompanyProductSettings(
                company=company,
                list_price=settings.list_price if settings else None,
                standard_cost=settings.standard_cost if settings else None,
                is_sellable=settings.is_sellable if settings else True,
                is_purchasable=settings.is_purchasable if settings else True,
                is_set=settings is not None,
            )
        )
    return rows


def list_packagings(actor: User, product: Product) -> QuerySet[Packaging]:
    """A product's packagings, smallest first."""
    require_member(actor)
    return Packaging.objects.filter(product=product).order_by("quantity", "name")


def get_unit_by_id(actor: User, unit_id: int) -> Unit:
    """A unit by id, or NotFound (404 unit.not_found)."""
    require_member(actor)
    unit = Unit.objects.select_related("category").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(f"Unit {unit_id} not found.", code="unit.not_found")
    return unit


def get_product_category(actor: User, category_id: int) -> ProductCategory:
    """A product category by id, or NotFound (404 product_category.not_found)."""
    require_member(actor)
    category = ProductCategory.objects.select_related("parent").filter(pk=category_id).first()
    if category is None:
        raise NotFound(
            f"Product category {category_id} not found.", code="product_category.not_found"
        )
    return category


def list_customer_price_lists(
    actor: User, company: Company, *, search: str = ""
) -> QuerySet[Partner]:
    """Customers (by code) with their default price list in ``company`` annotated as
    ``price_list_id``, ``price_list_code`` and ``price_list_name`` (None where they have
    none: they are quoted from the company's DEFAULT list). ``company`` must be one of
    the actor's (else NotFound). One query per page."""
    if company.pk not in visible_company_ids(actor):
        raise NotFound(f"Company {company.code} not found.", code="company.not_found")
    links = CustomerPriceList.objects.filter(customer=OuterRef("pk"), company=company)
    qs = (
        Partner.objects.filter(is_customer=True)
        .select_related("customer_group")
        .annotate(
            price_list_id=Subquery(links.values("price_list_id")[:1]),
            price_list_code=Subquery(links.values("price_list__code")[:1]),
            price_list_name=Subquery(links.values("price_list__name")[:1]),
        )
    )
    text = search.strip()
    if text:
        qs = qs.filter(Q(code__icontains=text) | Q(name__icontains=text))
    return qs.order_by("code")


def list_units(actor: User, *, category: str | None = None) -> QuerySet[Unit]:
    require_member(actor)
    qs = Unit.objects.select_related("category")
    if category:
        qs = qs.filter(category__code=category.strip().upper())
    return qs


def list_unit_categories(actor: User) -> QuerySet[UnitCategory]:
    require_member(actor)
    return UnitCategory.objects.all()


def list_product_categories(actor: User) -> QuerySet[ProductCategory]:
    require_member(actor)
    return ProductCategory.objects.select_related("parent")


def get_unit(code: str) -> Unit:
    """A unit by code, or UnknownUnit (422 unit.unknown)."""
    unit = Unit.objects.select_related("category").filter(code=code.strip().upper()).first()
    if unit is None:
        raise UnknownUnit(f"Unknown unit {code!r}.", field="unit")
    return unit


def unit_spec(unit: Unit) -> UnitSpec:
    """The pure description of a unit that ``core.quantities`` works with."""
    return UnitSpec(
        code=unit.code, category=unit.category.code, factor=unit.factor, rounding=unit.rounding
    )


def convert_units(value: Decimal, source: Unit, target: Unit) -> Decimal:
    """Convert a quantity between two units (422 unit.category_mismatch across categories)."""
    return convert(value, unit_spec(source), unit_spec(target))


def list_price_lists(
    actor: User, *, company_id: int | None = None, is_active: bool | None = None
) -> QuerySet[PriceList]:
    """Price lists of the actor's companies (optionally one of them)."""
    ids = visible_company_ids(actor)
    qs = PriceList.objects.select_related("company").filter(company_id__in=ids)
    if company_id is not None:
        qs = qs.filter(company_id=company_id)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs.order_by("company__code", "code")


def get_price_list(actor: User, price_list_id: int) -> PriceList:
    """A price list of one of the actor's companies, or PriceListNotFound (404)."""
    price_list = (
        PriceList.objects.select_related("company")
        .filter(pk=price_list_id, company_id__in=visible_company_ids(actor))
        .first()
    )
    if price_list is None:
        raise PriceListNotFound(f"Price list {price_list_id} not found.")
    return price_list


def list_price_rules(price_list: PriceList) -> QuerySet[PriceRule]:
    return PriceRule.objects.filter(price_list=price_list).select_related(
        "customer", "customer_group", "product", "product_category"
    )


def list_supplier_prices(
    actor: User,
    *,
    company_id: int | None = None,
    product_id: int | None = None,
    supplier_id: int | None = None,
) -> QuerySet[SupplierPrice]:
    """Supplier prices in the actor's companies, filtered."""
    qs = SupplierPrice.objects.select_related("supplier", "product", "company").filter(
        company_id__in=visible_company_ids(actor)
    )
    if company_id is not None:
        qs = qs.filter(company_id=company_id)
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    if supplier_id is not None:
        qs = qs.filter(supplier_id=supplier_id)
    return qs.order_by("product__sku", "supplier__code", "min_quantity", "id")


def find_customer_price_list(customer_id: int, company_id: int) -> PriceList | None:
    """The customer's default price list in the company, else the company's DEFAULT list."""
    link = (
        CustomerPriceList.objects.select_related("price_list")
        .filter(customer_id=customer_id, company_id=company_id)
        .first()
    )
    if link is not None:
        return link.price_list
    return PriceList.objects.filter(company_id=company_id, code="DEFAULT").first()


def get_price_rule(actor: User, rule_id: int) -> PriceRule:
    rule = (
        PriceRule.objects.select_related("price_list__company")
        .filter(pk=rule_id, price_list__company_id__in=visible_company_ids(actor))
        .first()
    )
    if rule is None:
        raise NotFound(f"Price rule {rule_id} not found.", code="price_rule.not_found")
    return rule
