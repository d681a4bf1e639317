from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "ordo.partners"
    label = "partners"
