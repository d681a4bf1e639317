from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:product_id>/", views.product_detail, name="product_detail"),
    path("products/<int:product_id>/edit/", views.product_edit, name="product_edit"),
    path(
        "products/<int:product_id>/companies/<str:company_code>/",
        views.product_company_settings,
        name="product_company_settings",
    ),
    path("products/<int:product_id>/packagings/", views.packaging_add, name="packaging_add"),
    path(
        "products/<int:product_id>/packagings/<int:packaging_id>/delete/",
        views.packaging_delete,
        name="packaging_delete",
    ),
    path("categories/", views.category_list, name="category_list"),
    path("categories/new/", views.category_create, name="category_create"),
    path("categories/<int:category_id>/edit/", views.category_edit, name="category_edit"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("units/categories/new/", views.unit_category_create, name="unit_category_create"),
    path("price-lists/", views.pricelist_list, name="pricelist_list"),
    path("price-lists/new/", views.pricelist_create, name="pricelist_create"),
    path("price-lists/<int:price_list_id>/", views.pricelist_detail, name="pricelist_detail"),
    path("price-lists/<int:price_list_id>/edit/", views.pricelist_edit, name="pricelist_edit"),
    path(
        "price-lists/<int:price_list_id>/rules/",
        views.pricelist_add_rule,
        name="pricelist_add_rule",
    ),
    path(
        "price-lists/<int:price_list_id>/rules/<int:rule_id>/delete/",
        views.pricelist_delete_rule,
        name="pricelist_delete_rule",
    ),
    path(
        "price-lists/<int:price_list_id>/price-check/",
        views.pricelist_price_check,
        name="pricelist_price_check",
    ),
    path("customer-price-lists/", views.customer_pricelists, name="customer_pricelists"),
    path("supplier-prices/", views.supplier_price_list, name="supplier_price_list"),
    path("supplier-prices/new/", views.supplier_price_create, name="supplier_price_create"),
]
