from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.start, name="start"),
    path("runs/<int:import_id>/", views.result, name="result"),
    path("templates/<str:kind>/", views.template, name="template"),
]
