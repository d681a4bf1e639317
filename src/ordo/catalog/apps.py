from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "ordo.catalog"
    label = "catalog"
