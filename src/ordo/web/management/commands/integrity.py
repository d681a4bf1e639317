"""``ordo check``: the integrity invariants that exist so far.

Each app contributes checks in its ``checks.py`` as ``INTEGRITY_CHECKS``: callables that
return a list of breach descriptions (empty when the invariant holds).
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError


def collect_checks():
    for config in apps.get_app_configs():
        if not config.name.startswith("ordo."):
            continue
        try:
            module = import_module(f"{config.name}.checks")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.checks":
                continue
            raise
        yield from getattr(module, "INTEGRITY_CHECKS", [])


class Command(BaseCommand):
    help = "Verify Ordo's integrity invariants; non-zero exit on any breach."

    def handle(self, **options):
        breaches = []
        for check in collect_checks():
            found = check()
            name = check.__doc__.strip().splitlines()[0] if check.__doc__ else check.__name__
            status = "OK" if not found else f"BREACH ({len(found)})"
            self.stdout.write(f"[{status}] {name}")
            for item in found:
                self.stdout.write(f"    - {item}")
            breaches.extend(found)
        if breaches:
            raise CommandError(f"{len(breaches)} integrity breach(es) found.")
        self.stdout.write("All integrity invariants hold.")
