"""Puts the company the user works in on the request (``request.company``).

The choice is kept in the session; it is always one of the user's own companies, so a
stale or forged session value silently falls back to their first company.
"""

from __future__ import annotations

from ordo.governance.access import visible_companies

SESSION_KEY = "ordo_company_id"


class CurrentCompanyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.company = None
        request.companies = []
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            companies = list(visible_companies(user))
            request.companies = companies
            wanted = request.session.get(SESSION_KEY)
            request.company = next(
                (c for c in companies if c.pk == wanted), companies[0] if companies else None
            )
        return self.get_response(request)
