from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "ordo.accounting"
    label = "accounting"
    verbose_name = "Accounting"
