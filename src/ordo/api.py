"""The one NinjaAPI at /api/v1: authentication, the error envelope, and every router."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from ordo.accounting.api import router as accounting_router
from ordo.accounting.api_banking import router as banking_router
from ordo.accounting.api_documents import router as documents_router
from ordo.accounting.api_reports import closing_router
from ordo.accounting.api_reports import router as reports_router
from ordo.catalog.api import pricing_router
from ordo.catalog.api import router as catalog_router
from ordo.core.errors import DomainError
from ordo.governance.api import router as governance_router
from ordo.governance.services import authenticate_token
from ordo.imports.api import router as imports_router
from ordo.partners.api import router as partners_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        return authenticate_token(token)


class Session(SessionAuth):
    """The browser session; CSRF is checked on unsafe methods (as for any form)."""

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


class OrdoAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """As ninja's, but remember a refused value that was a JSON number (see below)."""
        error = super().validation_error_from_error_contexts(error_contexts)
        inputs = [
            item.get("input")
            for context in error_contexts
            for item in context.pydantic_validation_error.errors(include_url=False)
        ]
        for item, value in zip(error.errors, inputs, strict=False):
            if isinstance(value, int | float) and not isinstance(value, bool):
                item["json_number"] = value
        return error


api = OrdoAPI(
    title="Ordo API",
    version="1",
    description='Ordo ERP REST API. Money travels as decimal strings ("12.50"). '
    "Errors share one envelope: {code, message, details}.",
    auth=[BearerToken(), Session()],
    urls_namespace="api",
    docs_url="/docs",
)


def _envelope(request, status: int, code: str, message: str, details: dict | None = None):
    return api.create_response(
        request, {"code": code, "message": message, "details": details or {}}, status=status
    )


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return _envelope(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    errors = []
    for err in exc.errors:
        loc = [
            str(p)
            for p in err.get("loc", ())
            if p not in ("body", "payload", "query", "path", "data")
        ]
        field = ".".join(loc) or "body"
        number = err.get("json_number")
        if err.get("type") == "string_type" and number is not None:
            # Money and quantities travel as decimal strings: a JSON number has often been
            # through a binary float in the client already, so it is refused by name.
            message = (
                f'{field} must be a decimal string such as "12.50", not the JSON number {number}.'
            )
            code = "decimal.json_number_refused"
        else:
            message = f"{field}: {err.get('msg', 'invalid')}"
            code = "validation." + str(err.get("type", "invalid"))
        errors.append({"field": field, "message": message, "code": code})
    first = errors[0] if errors else {"field": "body", "message": "Invalid request."}
    message = first["message"] if len(errors) == 1 else "; ".join(e["message"] for e in errors)
    return _envelope(
        request, 422, "validation.invalid", message, {"field": first["field"], "errors": errors}
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _envelope(
        request,
        401,
        "auth.required",
        "Sign in, or send a valid API token as 'Authorization: Bearer <token>'.",
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return _envelope(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _envelope(request, exc.status_code, f"http.{exc.status_code}", str(exc))


api.add_router("/", governance_router)
api.add_router("/partners", partners_router)
api.add_router("/", catalog_router)
api.add_router("/pricing", pricing_router)
api.add_router("/imports", imports_router)
api.add_router("/", accounting_router)
api.add_router("/", documents_router)
api.add_router("/", banking_router)
api.add_router("/reports", reports_router)
api.add_router("/", closing_router)
