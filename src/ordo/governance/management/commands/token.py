"""``ordo token create USERNAME`` prints a new API token; ``ordo token revoke USERNAME [--token-id ID]``."""

from django.core.management.base import BaseCommand, CommandError

from ordo.core.errors import DomainError
from ordo.governance.services import create_api_token, revoke_api_tokens


class Command(BaseCommand):
    help = "Create or revoke API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it (shown once)")
        create.add_argument("username")
        create.add_argument("--name", default="")
        revoke = sub.add_parser("revoke", help="revoke all of a user's tokens, or one")
        revoke.add_argument("username")
        revoke.add_argument("--token-id", type=int, default=None)

    def handle(self, *, action, username, **options):
        try:
            if action == "create":
                token, raw = create_api_token(
                    actor=None, username=username, name=options.get("name", "")
                )
                self.stdout.write(raw)
                self.stderr.write(
                    f"Token {token.pk} created for {username}; it is shown only once."
                )
            else:
                count = revoke_api_tokens(
                    actor=None, username=username, token_id=options.get("token_id")
                )
                self.stdout.write(f"Revoked {count} token(s) of {username}.")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
