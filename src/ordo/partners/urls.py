from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("customers/", views.partner_list, {"role": "customer"}, name="customer_list"),
    path("customers/new/", views.partner_create, {"role": "customer"}, name="customer_create"),
    path("customers/<int:pk>/", views.partner_detail, {"role": "customer"}, name="customer_detail"),
    path(
        "customers/<int:pk>/edit/", views.partner_edit, {"role": "customer"}, name="customer_edit"
    ),
    path(
        "customers/<int:pk>/company-settings/<str:company_code>/",
        views.company_settings_edit,
        {"role": "customer"},
        name="customer_company_settings",
    ),
    path("suppliers/", views.partner_list, {"role": "supplier"}, name="supplier_list"),
    path("suppliers/new/", views.partner_create, {"role": "supplier"}, name="supplier_create"),
    path("suppliers/<int:pk>/", views.partner_detail, {"role": "supplier"}, name="supplier_detail"),
    path(
        "suppliers/<int:pk>/edit/", views.partner_edit, {"role": "supplier"}, name="supplier_edit"
    ),
    path(
        "suppliers/<int:pk>/company-settings/<str:company_code>/",
        views.company_settings_edit,
        {"role": "supplier"},
        name="supplier_company_settings",
    ),
    path("payment-terms/", views.payment_term_list, name="payment_term_list"),
    path("payment-terms/new/", views.payment_term_create, name="payment_term_create"),
    path("payment-terms/<int:pk>/", views.payment_term_detail, name="payment_term_detail"),
    path("payment-terms/<int:pk>/edit/", views.payment_term_edit, name="payment_term_edit"),
    path("customer-groups/", views.customer_group_list, name="customer_group_list"),
    path("customer-groups/new/", views.customer_group_create, name="customer_group_create"),
    # A partner's own records; ?role=customer|supplier (or a hidden field) picks the
    # detail page to return to.
    path("<int:pk>/deactivate/", views.partner_deactivate, name="partner_deactivate"),
    path("<int:pk>/reactivate/", views.partner_reactivate, name="partner_reactivate"),
    path("<int:pk>/addresses/new/", views.address_add, name="address_add"),
    path("<int:pk>/addresses/<int:address_id>/edit/", views.address_edit, name="address_edit"),
    path(
        "<int:pk>/addresses/<int:address_id>/delete/",
        views.address_delete,
        name="address_delete",
    ),
    path("<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path(
        "<int:pk>/contacts/<int:contact_id>/delete/",
        views.contact_delete,
        name="contact_delete",
    ),
]
