from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ordo.demo"
    label = "demo"
    verbose_name = "Demo data"
