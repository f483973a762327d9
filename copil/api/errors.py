"""Errors of the API: always JSON, with the path of the field concerned for invalid input (422), the French
message otherwise; never a traceback."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from copil.records.actions import StaleRecord

logger = logging.getLogger("copil.api")

# French messages for the validation errors pydantic reports most (its own messages are English).
_PYDANTIC_MESSAGES = {
    "missing": gettext_noop("required value missing"),
    "extra_forbidden": gettext_noop("unknown field"),
    "literal_error": gettext_noop("value not among the accepted values"),
    "string_too_long": gettext_noop("text too long"),
    "string_too_short": gettext_noop("required value missing"),
    "too_short": gettext_noop("too few items"),
    "too_long": gettext_noop("too many items"),
    "int_parsing": gettext_noop("invalid whole number"),
    "int_type": gettext_noop("invalid whole number"),
    "int_from_float": gettext_noop("invalid whole number"),
    "decimal_parsing": gettext_noop("invalid number"),
    "decimal_type": gettext_noop("invalid number"),
    "date_parsing": gettext_noop("invalid date"),
    "date_from_datetime_parsing": gettext_noop("invalid date"),
    "date_type": gettext_noop("invalid date"),
    "datetime_parsing": gettext_noop("invalid date and time"),
    "datetime_from_date_parsing": gettext_noop("invalid date and time"),
    "datetime_type": gettext_noop("invalid date and time"),
    "bool_parsing": gettext_noop("invalid yes/no value"),
    "bool_type": gettext_noop("invalid yes/no value"),
    "string_type": gettext_noop("a text is expected"),
    "list_type": gettext_noop("a list is expected"),
    "model_attributes_type": gettext_noop("an object is expected"),
    "dict_type": gettext_noop("an object is expected"),
    "greater_than": gettext_noop("value out of range"),
    "greater_than_equal": gettext_noop("value out of range"),
    "less_than": gettext_noop("value out of range"),
    "less_than_equal": gettext_noop("value out of range"),
    "string_pattern_mismatch": gettext_noop("invalid value"),
    "json_invalid": gettext_noop("invalid JSON"),
}


class FieldErrors(Exception):
    """Invalid input, as (field path, French reason, type[, code]) tuples; answered with 422. `code`: the stable
    `copil.formats.ErrorCode` of a refused cell or field."""

    def __init__(self, errors: list[tuple[list, str, str] | tuple[list, str, str, str]]):
        super().__init__(errors)
        self.errors = errors


def _message(error: dict[str, Any]) -> str:
    key = _PYDANTIC_MESSAGES.get(str(error.get("type", "")))
    return _(key) if key else str(error.get("msg", ""))


def _location(loc: Any) -> list[str | int]:
    """Pydantic's location without the Python parameter names ninja adds (`payload`, `filters`)."""
    parts = [part if isinstance(part, int) else str(part) for part in (loc or [])]
    if len(parts) >= 2 and parts[0] in {"body", "query", "path"} and parts[1] in {"payload", "filters"}:
        del parts[1]
    return parts


def _field_errors(request: HttpRequest, api: NinjaAPI, errors: list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"detail": errors}, status=422)


def install(api: NinjaAPI) -> None:
    """Register the API's exception handlers."""

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"loc": _location(error.get("loc")), "msg": _message(error), "type": str(error.get("type", "invalid"))}
            for error in exc.errors
        ]
        return _field_errors(request, api, errors)

    @api.exception_handler(FieldErrors)
    def invalid_values(request: HttpRequest, exc: FieldErrors) -> HttpResponse:
        errors = []
        for loc, msg, kind, *code in exc.errors:
            error = {"loc": list(loc), "msg": msg, "type": kind}
            if code:
                error["code"] = code[0]
            errors.append(error)
        return _field_errors(request, api, errors)

    @api.exception_handler(ValidationError)
    def invalid_model(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = []
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                errors += [{"loc": ["body", name], "msg": message, "type": "invalid"} for message in messages]
        else:
            errors = [{"loc": ["body"], "msg": message, "type": "invalid"} for message in exc.messages]
        return _field_errors(request, api, errors)

    @api.exception_handler(StaleRecord)
    def stale(request: HttpRequest, exc: StaleRecord) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=409)

    @api.exception_handler(PermissionDenied)
    def denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc) or _("Access denied.")}, status=403)

    @api.exception_handler(AuthorizationError)
    def forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return api.create_response(request, {"detail": _("Access denied.")}, status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("Missing, unknown or revoked API token (Authorization: Bearer …).")}, status=401
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return api.create_response(request, {"detail": _("Internal error: it has been logged.")}, status=500)
