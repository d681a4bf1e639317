"""The ``ordo`` command: a thin shell over Django management commands.

    ordo migrate | demo | createuser | token create|revoke | audit verify | check | worker | serve

``ordo check`` runs Ordo's integrity invariants (Django's own system check stays
available as ``ordo django-check``). Any other word is passed to Django's manage.py.
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "check": "integrity",
    "django-check": "check",
    "token": "token",
    "audit": "audit",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ordo.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
