from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("approvals/", views.approval_inbox, name="approval_inbox"),
    path("approvals/<int:pk>/", views.approval_detail, name="approval_detail"),
    path("audit/", views.audit_list, name="audit_list"),
    path("companies/", views.company_list, name="company_list"),
    path("companies/new/", views.company_create, name="company_create"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/new/", views.policy_create, name="policy_create"),
    path("policies/<int:pk>/deactivate/", views.policy_deactivate, name="policy_deactivate"),
]
