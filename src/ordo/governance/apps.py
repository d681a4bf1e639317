from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    # Infrastructure, not a business rule: keep the role/permission tables equal to
    # permissions.py after every migrate, so new permissions reach existing installs.
    from .services import ensure_roles

    ensure_roles()


class GovernanceConfig(AppConfig):
    name = "ordo.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self):
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="ordo.governance.sync_roles")
