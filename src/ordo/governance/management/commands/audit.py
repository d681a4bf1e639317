"""``ordo audit verify``: seal what is pending, then prove the hash chain."""

from django.core.management.base import BaseCommand, CommandError

from ordo.core.chain import seal_pending, verify_chain


class Command(BaseCommand):
    help = "Audit trail tools."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="seal pending rows, then verify the whole chain")
        verify.add_argument(
            "--no-seal", action="store_true", help="verify only what is sealed already"
        )

    def handle(self, *, action, **options):
        if not options.get("no_seal"):
            seal_pending()
        report = verify_chain()
        if not report.is_intact:
            raise CommandError(report.describe())
        self.stdout.write(report.describe())
