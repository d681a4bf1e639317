"""``ordo company create CODE --name N --currency EUR --country BE [--vat …]`` and ``ordo company list``.

The first company of a fresh install is made here (the web pages need a member of a
company to sign in and act).
"""

from django.core.management.base import BaseCommand, CommandError

from ordo.core.errors import DomainError
from ordo.core.models import Company
from ordo.governance.services import CompanyInput, create_company


class Command(BaseCommand):
    help = "Create or list companies (legal entities)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="register a legal entity")
        create.add_argument("code")
        create.add_argument("--name", required=True)
        create.add_argument("--currency", required=True, help="ISO 4217, e.g. EUR")
        create.add_argument("--country", required=True, help="ISO 3166, e.g. BE")
        create.add_argument("--vat", default="", dest="vat_number")
        create.add_argument("--iban", default="")
        create.add_argument("--street", default="")
        create.add_argument("--postal-code", default="", dest="postal_code")
        create.add_argument("--city", default="")
        create.add_argument("--endpoint-id", default="", dest="endpoint_id")
        create.add_argument("--endpoint-scheme", default="", dest="endpoint_scheme")
        sub.add_parser("list", help="list companies")

    def handle(self, *, action, **options):
        if action == "list":
            for company in Company.objects.order_by("code"):
                self.stdout.write(
                    f"{company.code}\t{company.name}\t{company.country}\t{company.currency}"
                )
            return
        fields = {
            k: options[k]
            for k in (
                "code",
                "name",
                "currency",
                "country",
                "vat_number",
                "iban",
                "street",
                "postal_code",
                "city",
                "endpoint_id",
                "endpoint_scheme",
            )
        }
        try:
            company = create_company(actor=None, data=CompanyInput(**fields))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Company {company.code} created: {company.name}.")
