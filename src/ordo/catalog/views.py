"""HTML pages of the catalog: products, categories, units, price lists and a price check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ordo.core.errors import DomainError, InvalidInput, PermissionDenied
from ordo.core.webutils import error_status, paginate, submit
from ordo.governance.access import has_permission, require
from ordo.partners.models import CustomerGroup, Partner

from . import pricing, selectors, services
from .forms import (
    CompanySettingsForm,
    CustomerPriceListForm,
    PackagingForm,
    PriceCheckForm,
    PriceListEditForm,
    PriceListForm,
    PriceRuleForm,
    ProductCategoryForm,
    ProductForm,
    SupplierPriceForm,
    UnitCategoryForm,
    UnitForm,
)
from .models import Product, ProductCategory, UnitCategory


def _product_form(request, *args, **kwargs) -> ProductForm:
    return ProductForm(
        *args,
        units=selectors.list_units(request.user),
        categories=selectors.list_product_categories(request.user),
        **kwargs,
    )


def _get_or_404(fn, *args):
    try:
        return fn(*args)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        raise


@login_required
def product_list(request):
    search = request.GET.get("q", "").strip()
    qs = selectors.list_products(request.user, search=search)
    context = paginate(request, qs) | {
        "q": search,
        "can_manage": has_permission(request.user, "catalog.product.manage"),
    }
    return render(request, "catalog/product_list.html", context)


def _product_input(cleaned: dict) -> services.ProductInput:
    return services.ProductInput(
        sku=cleaned["sku"],
        name=cleaned["name"],
        category=cleaned["category"],
        stock_unit=cleaned["stock_unit"],
        sale_unit=cleaned["sale_unit"] or None,
        purchase_unit=cleaned["purchase_unit"] or None,
        gtin=cleaned["gtin"],
        tracking=cleaned["tracking"],
        weight=cleaned["weight"],
        description=cleaned["description"],
    )


@login_required
def product_create(request):
    form = _product_form(request, request.POST or None)
    status = 200
    if request.method == "POST":
        product, status = submit(
            form,
            lambda data: services.create_product(actor=request.user, data=_product_input(data)),
        )
        if status == 200:
            messages.success(request, f"Product {product.sku} created.")
            return redirect("catalog:product_detail", product_id=product.pk)
    return render(
        request, "catalog/product_form.html", {"form": form, "product": None}, status=status
    )


@login_required
def product_edit(request, product_id: int):
    product = _get_or_404(selectors.get_product, request.user, product_id)
    initial = services.product_input_of(product).__dict__
    form = _product_form(request, request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        _, status = submit(
            form,
            lambda data: services.update_product(
                actor=request.user, product_id=product.pk, data=_product_input(data)
            ),
        )
        if status == 200:
            messages.success(request, f"Product {product.sku} saved.")
            return redirect("catalog:product_detail", product_id=product.pk)
    return render(
        request, "catalog/product_form.html", {"form": form, "product": product}, status=status
    )


def _settings_form(row: selectors.CompanyProductSettings, data=None) -> CompanySettingsForm:
    return CompanySettingsForm(
        data,
        prefix=row.company.code,
        initial={
            "list_price": row.list_price,
            "standard_cost": row.standard_cost,
            "is_sellable": row.is_sellable,
            "is_purchasable": row.is_purchasable,
        },
    )


def _product_detail_context(
    request, product, *, bound_settings=None, packaging_form=None, action_error=""
) -> dict:
    """The product page: settings in the user's companies only, each with an edit form
    where the user holds catalog.price.manage there (``bound_settings`` = (code, form)
    re-shows a refused one)."""
    rows = []
    for row in selectors.list_product_settings_by_company(request.user, product):
        form = None
        if bound_settings is not None and bound_settings[0] == row.company.code:
            form = bound_settings[1]
        elif has_permission(request.user, "catalog.price.manage", row.company):
            form = _settings_form(row)
        rows.append({"row": row, "form": form})
    return {
        "product": product,
        "packagings": selectors.list_packagings(request.user, product),
        "packaging_form": packaging_form or PackagingForm(),
        "company_rows": rows,
        "supplier_prices": selectors.list_supplier_prices(request.user, product_id=product.pk),
        "can_manage": has_permission(request.user, "catalog.product.manage"),
        "can_add_supplier_price": has_permission(request.user, "catalog.supplier_price.manage"),
        "action_error": action_error,
    }


@login_required
def product_detail(request, product_id: int):
    product = _get_or_404(selectors.get_product, request.user, product_id)
    return render(request, "catalog/product_detail.html", _product_detail_context(request, product))


@require_POST
@login_required
def product_company_settings(request, product_id: int, company_code: str):
    """Save a product's list price, cost and flags in one of the user's companies; any
    other company answers 404 (never its name)."""
    product = _get_or_404(selectors.get_product, request.user, product_id)
    company = next((c for c in request.companies if c.code == company_code), None)
    if company is None:
        raise Http404(f"Company {company_code} not found.")
    form = CompanySettingsForm(request.POST, prefix=company.code)
    _, status = submit(
        form,
        lambda data: services.set_product_company_settings(
            actor=request.user,
            product_id=product.pk,
            company=company,
            list_price=data["list_price"],
            standard_cost=data["standard_cost"],
            is_sellable=data["is_sellable"],
            is_purchasable=data["is_purchasable"],
        ),
    )
    if status == 200:
        messages.success(request, f"Settings of {product.sku} in {company.code} saved.")
        return redirect("catalog:product_detail", product_id=product.pk)
    context = _product_detail_context(request, product, bound_settings=(company.code, form))
    return render(request, "catalog/product_detail.html", context, status=status)


@require_POST
@login_required
def packaging_add(request, product_id: int):
    product = _get_or_404(selectors.get_product, request.user, product_id)
    form = PackagingForm(request.POST)
    packaging, status = submit(
        form,
        lambda data: services.add_packaging(
            actor=request.user,
            product_id=product.pk,
            name=data["name"],
            quantity=data["quantity"],
            gtin=data["gtin"],
        ),
    )
    if status == 200:
        messages.success(request, f"Packaging {packaging.name} added to {product.sku}.")
        return redirect("catalog:product_detail", product_id=product.pk)
    context = _product_detail_context(request, product, packaging_form=form)
    return render(request, "catalog/product_detail.html", context, status=status)


@require_POST
@login_required
def packaging_delete(request, product_id: int, packaging_id: int):
    product = _get_or_404(selectors.get_product, request.user, product_id)
    try:
        services.remove_packaging(
            actor=request.user, product_id=product.pk, packaging_id=packaging_id
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        context = _product_detail_context(request, product, action_error=exc.message)
        return render(request, "catalog/product_detail.html", context, status=error_status(exc))
    messages.success(request, f"Packaging removed from {product.sku}.")
    return redirect("catalog:product_detail", product_id=product.pk)


@login_required
def category_list(request):
    form = ProductCategoryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        category, status = submit(
            form,
            lambda data: services.create_product_category(
                actor=request.user, data=_category_input(data)
            ),
        )
        if status == 200:
            messages.success(request, f"Category {category.code} created.")
            return redirect("catalog:category_list")
    context = {
        "categories": selectors.list_product_categories(request.user),
        "form": form,
        "can_manage": has_permission(request.user, "catalog.product.manage"),
    }
    return render(request, "catalog/category_list.html", context, status=status)


@login_required
def unit_list(request):
    form = UnitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        unit, status = submit(
            form,
            lambda data: services.create_unit(actor=request.user, data=services.UnitInput(**data)),
        )
        if status == 200:
            messages.success(request, f"Unit {unit.code} created.")
            return redirect("catalog:unit_list")
    context = {
        "units": selectors.list_units(request.user),
        "form": form,
        "can_manage": has_permission(request.user, "catalog.unit.manage"),
    }
    return render(request, "catalog/unit_list.html", context, status=status)


@login_required
def pricelist_list(request):
    qs = selectors.list_price_lists(request.user)
    context = paginate(request, qs) | {
        "can_manage": request.company is not None
        and has_permission(request.user, "catalog.price.manage", request.company)
    }
    return render(request, "catalog/pricelist_list.html", context)


@login_required
def pricelist_create(request):
    form = PriceListForm(request.POST or None)
    status = 200
    if request.method == "POST":

        def save(data):
            if request.company is None:
                raise InvalidInput("Choose a company first.", code="company.required")
            return services.create_price_list(
                actor=request.user, company=request.company, data=services.PriceListInput(**data)
            )

        price_list, status = submit(form, save)
        if status == 200:
            messages.success(request, f"Price list {price_list.code} created.")
            return redirect("catalog:pricelist_detail", price_list_id=price_list.pk)
    return render(request, "catalog/pricelist_form.html", {"form": form}, status=status)


def _pricelist_context(
    request, price_list, rule_form=None, check_form=None, quote=None, action_error=""
):
    return {
        "price_list": price_list,
        "rules": selectors.list_price_rules(price_list),
        "rule_form": rule_form or PriceRuleForm(),
        "check_form": check_form or PriceCheckForm(),
        "quote": quote,
        "can_manage": has_permission(request.user, "catalog.price.manage", price_list.company),
        "action_error": action_error,
    }


@login_required
def pricelist_detail(request, price_list_id: int):
    price_list = _get_or_404(selectors.get_price_list, request.user, price_list_id)
    return render(request, "catalog/pricelist_detail.html", _pricelist_context(request, price_list))


def _code_lookup(model, field: str, value: str, form_field: str, label: str):
    if not value:
        return None
    found = model.objects.filter(**{field: value.strip().upper()}).first()
    if found is None:
        raise InvalidInput(
            f"{label} {value} not found.", field=form_field, code=f"{form_field}.unknown"
        )
    return found.pk


@require_POST
@login_required
def pricelist_add_rule(request, price_list_id: int):
    price_list = _get_or_404(selectors.get_price_list, request.user, price_list_id)
    form = PriceRuleForm(request.POST)

    def save(data):
        rule_input = services.PriceRuleInput(
            kind=data["kind"],
            fixed_price=data["fixed_price"],
            discount_percent=data["discount_percent"],
            sequence=data["sequence"],
            customer_id=_code_lookup(Partner, "code", data["customer"], "customer", "Customer"),
            customer_group_id=_code_lookup(
                CustomerGroup,
                "code",
                data["customer_group"],
                "customer_group",
                "Customer group",
            ),
            product_id=_code_lookup(Product, "sku", data["product"], "product", "Product"),
            product_category_id=_code_lookup(
                ProductCategory,
                "code",
                data["product_category"],
                "product_category",
                "Category",
            ),
            min_quantity=data["min_quantity"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
        )
        services.add_price_rule(actor=request.user, price_list_id=price_list.pk, data=rule_input)

    _, status = submit(form, save)
    if status == 200:
        messages.success(request, "Rule added.")
        return redirect("catalog:pricelist_detail", price_list_id=price_list.pk)
    return render(
        request,
        "catalog/pricelist_detail.html",
        _pricelist_context(request, price_list, rule_form=form),
        status=status,
    )


@require_POST
@login_required
def pricelist_price_check(request, price_list_id: int):
    """The price this list gives a customer for a quantity (htmx fragment or full page)."""
    price_list = _get_or_404(selectors.get_price_list, request.user, price_list_id)
    form = PriceCheckForm(request.POST)

    def check(data):
        customer_id = _code_lookup(Partner, "code", data["customer"], "customer", "Customer")
        product_id = _code_lookup(Product, "sku", data["product"], "product", "Product")
        return pricing.check_price(
            actor=request.user,
            price_list=price_list,
            customer_id=customer_id,
            product_id=product_id,
            quantity=data["quantity"],
            on_date=data["on_date"] or timezone.localdate(),
        )

    quote, status = submit(form, check)
    context = _pricelist_context(request, price_list, check_form=form, quote=quote)
    template = (
        "catalog/_price_check.html"
        if request.headers.get("HX-Request")
        else "catalog/pricelist_detail.html"
    )
    return render(request, template, context, status=status)


# --------------------------------------------------------------------------- master-data forms


def _forbidden(request, exc: PermissionDenied):
    """A page refused for lack of permission: 403 with the reason (the service's message)."""
    return render(
        request, "catalog/denied.html", {"message": exc.message, "code": exc.code}, status=403
    )


def _form_page(request, *, permission: str, company=None, form, save, template, context=None):
    """Without the permission: 403 with the reason. GET shows the form; POST validates
    the shape, calls
    ``save(cleaned_data)`` and redirects to its return value, or re-renders the form with
    the service's errors at their status."""
    try:
        require(request.user, permission, company)
    except PermissionDenied as exc:
        return _forbidden(request, exc)  # the service would refuse the POST the same way
    status = 200
    if request.method == "POST":
        response, status = submit(form, save)
        if status == 200:
            return response
    return render(request, template, {"form": form, **(context or {})}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request):
    def save(data):
        unit = services.create_unit(actor=request.user, data=services.UnitInput(**data))
        messages.success(request, f"Unit {unit.code} created.")
        return redirect("catalog:unit_list")

    return _form_page(
        request,
        permission="catalog.unit.manage",
        form=UnitForm(request.POST or None),
        save=save,
        template="catalog/unit_form.html",
        context={"unit": None, "unit_categories": UnitCategory.objects.all()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, unit_id: int):
    unit = _get_or_404(selectors.get_unit_by_id, request.user, unit_id)
    form = UnitForm(
        request.POST or None,
        initial={
            "code": unit.code,
            "name": unit.name,
            "category": unit.category.code,
            "factor": unit.factor.normalize(),
            "rounding": unit.rounding.normalize(),
            "is_reference": unit.is_reference,
        },
    )
    form.fields["code"].disabled = True

    def save(data):
        services.update_unit(
            actor=request.user,
            unit_id=unit.pk,
            data=services.UnitInput(**(data | {"code": unit.code})),
        )
        messages.success(request, f"Unit {unit.code} saved.")
        return redirect("catalog:unit_list")

    return _form_page(
        request,
        permission="catalog.unit.manage",
        form=form,
        save=save,
        template="catalog/unit_form.html",
        context={"unit": unit, "unit_categories": UnitCategory.objects.all()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_category_create(request):
    def save(data):
        category = services.create_unit_category(
            actor=request.user, code=data["code"], name=data["name"]
        )
        messages.success(request, f"Unit category {category.code} created.")
        return redirect("catalog:unit_list")

    return _form_page(
        request,
        permission="catalog.unit.manage",
        form=UnitCategoryForm(request.POST or None),
        save=save,
        template="catalog/unit_category_form.html",
    )


def _category_input(data: dict, code: str | None = None) -> services.ProductCategoryInput:
    return services.ProductCategoryInput(
        code=code or data["code"],
        name=data["name"],
        parent=data["parent"] or None,
        cost_method=data["cost_method"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_create(request):
    def save(data):
        category = services.create_product_category(actor=request.user, data=_category_input(data))
        messages.success(request, f"Category {category.code} created.")
        return redirect("catalog:category_list")

    return _form_page(
        request,
        permission="catalog.product.manage",
        form=ProductCategoryForm(request.POST or None),
        save=save,
        template="catalog/category_form.html",
        context={"category": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, category_id: int):
    category = _get_or_404(selectors.get_product_category, request.user, category_id)
    form = ProductCategoryForm(
        request.POST or None,
        initial={
            "code": category.code,
            "name": category.name,
            "parent": category.parent.code if category.parent_id else "",
            "cost_method": category.cost_method,
        },
    )
    form.fields["code"].disabled = True

    def save(data):
        services.update_product_category(
            actor=request.user,
            category_id=category.pk,
            data=_category_input(data, code=category.code),
        )
        messages.success(request, f"Category {category.code} saved.")
        return redirect("catalog:category_list")

    return _form_page(
        request,
        permission="catalog.product.manage",
        form=form,
        save=save,
        template="catalog/category_form.html",
        context={"category": category},
    )


# --------------------------------------------------------------------------- price lists


@login_required
@require_http_methods(["GET", "POST"])
def pricelist_edit(request, price_list_id: int):
    price_list = _get_or_404(selectors.get_price_list, request.user, price_list_id)
    form = PriceListEditForm(
        request.POST or None,
        initial={
            "code": price_list.code,
            "name": price_list.name,
            "currency": price_list.currency,
            "valid_from": price_list.valid_from,
            "valid_to": price_list.valid_to,
            "is_active": price_list.is_active,
        },
    )

    def save(data):
        services.update_price_list(
            actor=request.user,
            price_list_id=price_list.pk,
            data=services.PriceListInput(**(data | {"code": price_list.code})),
        )
        messages.success(request, f"Price list {price_list.code} saved.")
        return redirect("catalog:pricelist_detail", price_list_id=price_list.pk)

    return _form_page(
        request,
        permission="catalog.price.manage",
        company=price_list.company,
        form=form,
        save=save,
        template="catalog/pricelist_form.html",
        context={"price_list": price_list},
    )


@require_POST
@login_required
def pricelist_delete_rule(request, price_list_id: int, rule_id: int):
    """Remove a rule of this price list (another list's or company's rule → 404)."""
    price_list = _get_or_404(selectors.get_price_list, request.user, price_list_id)
    rule = _get_or_404(selectors.get_price_rule, request.user, rule_id)
    if rule.price_list_id != price_list.pk:
        raise Http404(f"Price rule {rule_id} not found.")
    try:
        services.delete_price_rule(actor=request.user, price_rule_id=rule.pk)
    except DomainError as exc:
        context = _pricelist_context(request, price_list, action_error=exc.message)
        return render(request, "catalog/pricelist_detail.html", context, status=error_status(exc))
    messages.success(request, f"Rule {rule_id} removed from {price_list.code}.")
    return redirect("catalog:pricelist_detail", price_list_id=price_list.pk)


# --------------------------------------------------------------------------- customers' lists


@login_required
@require_http_methods(["GET", "POST"])
def customer_pricelists(request):
    """Customers with their default price list in the current company, and a form per
    row to change it (catalog.price.manage in that company)."""
    company = request.company
    if company is None:
        raise Http404("Choose a company first.")
    price_lists = list(selectors.list_price_lists(request.user, company_id=company.pk))
    search = request.GET.get("q", "").strip()
    qs = selectors.list_customer_price_lists(request.user, company, search=search)
    can_manage = has_permission(request.user, "catalog.price.manage", company)
    bound, status = None, 200
    if request.method == "POST":
        form = CustomerPriceListForm(request.POST, price_lists=price_lists)
        link, status = submit(
            form,
            lambda data: services.set_customer_price_list(
                actor=request.user,
                customer_id=data["customer"],
                company=company,
                price_list_id=int(data["price_list"]) if data["price_list"] else None,
            ),
        )
        if status == 200:
            customer = qs.get(pk=form.cleaned_data["customer"])
            label = link.price_list.code if link is not None else "the company default"
            messages.success(request, f"{customer.code} now buys from {label} in {company.code}.")
            return redirect(request.get_full_path())
        bound = form
    context = paginate(request, qs) | {"q": search, "company": company, "can_manage": can_manage}
    rows = []
    for customer in context["object_list"]:
        form = None
        if bound is not None and str(bound.data.get("customer")) == str(customer.pk):
            form = bound
        elif can_manage:
            form = CustomerPriceListForm(
                initial={"customer": customer.pk, "price_list": customer.price_list_id or ""},
                price_lists=price_lists,
            )
        rows.append({"customer": customer, "form": form})
    context["rows"] = rows
    context["refused"] = bound if bound is not None and bound.errors else None
    return render(request, "catalog/customer_pricelists.html", context, status=status)


# --------------------------------------------------------------------------- supplier catalogue


@login_required
def supplier_price_list(request):
    """Supplier prices in the user's companies, filtered by supplier code and/or SKU."""
    supplier_code = request.GET.get("supplier", "").strip().upper()
    sku = request.GET.get("product", "").strip().upper()
    filters, unknown = {}, []
    if supplier_code:
        supplier = Partner.objects.filter(code=supplier_code, is_supplier=True).first()
        if supplier is None:
            unknown.append(f"Unknown supplier {supplier_code}.")
        else:
            filters["supplier_id"] = supplier.pk
    if sku:
        product = selectors.find_product(sku)
        if product is None:
            unknown.append(f"Unknown product {sku}.")
        else:
            filters["product_id"] = product.pk
    qs = selectors.list_supplier_prices(request.user, **filters)
    if unknown:
        qs = qs.none()
    context = paginate(request, qs) | {
        "supplier": supplier_code,
        "product": sku,
        "unknown": unknown,
        "can_manage": has_permission(request.user, "catalog.supplier_price.manage"),
    }
    return render(request, "catalog/supplier_price_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def supplier_price_create(request):
    companies = [
        c
        for c in request.companies
        if has_permission(request.user, "catalog.supplier_price.manage", c)
    ]
    initial = {
        "company": request.company.code if request.company in companies else "",
        "product": request.GET.get("product", ""),
        "supplier": request.GET.get("supplier", ""),
        "currency": request.company.currency if request.company else "EUR",
    }
    form = SupplierPriceForm(request.POST or None, initial=initial, companies=companies)

    def save(data):
        company = next(c for c in companies if c.code == data["company"])
        supplier_id = _code_lookup(Partner, "code", data["supplier"], "supplier", "Supplier")
        product_id = _code_lookup(Product, "sku", data["product"], "product", "Product")
        price = services.create_supplier_price(
            actor=request.user,
            company=company,
            data=services.SupplierPriceInput(
                supplier_id=supplier_id,
                product_id=product_id,
                price=data["price"],
                currency=data["currency"],
                min_quantity=data["min_quantity"],
                lead_time_days=data["lead_time_days"],
                supplier_sku=data["supplier_sku"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            ),
        )
        messages.success(request, f"Supplier price recorded in {company.code}.")
        return redirect(f"{reverse('catalog:supplier_price_list')}?product={price.product.sku}")

    return _form_page(
        request,
        permission="catalog.supplier_price.manage",
        form=form,
        save=save,
        template="catalog/supplier_price_form.html",
    )
