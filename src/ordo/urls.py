from django.contrib import admin
from django.urls import include, path

from ordo.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("partners/", include("ordo.partners.urls")),
    path("catalog/", include("ordo.catalog.urls")),
    path("imports/", include("ordo.imports.urls")),
    path("accounting/", include("ordo.accounting.urls")),
    path("governance/", include("ordo.governance.urls")),
    path("", include("ordo.web.urls")),
]
