from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "ordo.imports"
    label = "imports"
