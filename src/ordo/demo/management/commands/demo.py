"""``ordo demo``: load the regional distributor demo (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from ordo.core.errors import DomainError
from ordo.demo.loader import DemoLoader


class Command(BaseCommand):
    help = "Load the demo companies, users, partners, products and price lists (safe to re-run)."

    def handle(self, **options):
        try:
            DemoLoader(say=self.stdout.write).run()
        except DomainError as exc:
            details = exc.details.get("errors")
            raise CommandError(f"{exc.message}" + (f"\n{details[:5]}" if details else "")) from exc
