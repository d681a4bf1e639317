"""``ordo createuser USERNAME --password P --company CODE --role ROLE`` (repeatable)."""

from django.core.management.base import BaseCommand, CommandError

from ordo.core.errors import DomainError
from ordo.governance.permissions import ROLE_CODES
from ordo.governance.services import create_or_update_user, ensure_roles


class Command(BaseCommand):
    help = "Create a user (or add memberships): every role given applies in every company given."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--password", help="required for a new user; replaces the old one otherwise"
        )
        parser.add_argument(
            "--company", action="append", default=[], dest="companies", metavar="CODE"
        )
        parser.add_argument(
            "--role",
            action="append",
            default=[],
            dest="roles",
            metavar="ROLE",
            help=f"one of: {', '.join(ROLE_CODES)}",
        )
        parser.add_argument("--email", default="")

    def handle(self, *, username, password, companies, roles, email, **options):
        if roles and not companies:
            raise CommandError("--role needs at least one --company to apply in.")
        ensure_roles()
        try:
            user = create_or_update_user(
                actor=None,
                username=username,
                password=password,
                company_codes=companies,
                role_codes=roles,
                email=email,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"User {user.username}: roles {', '.join(roles) or '-'} in {', '.join(companies) or '-'}."
        )
