from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ordo.core"
    label = "core"
    verbose_name = "Ordo kernel"
