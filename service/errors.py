"""The project's errors (``db.errors``) mapped to HTTP in one place, all answered in one JSON shape.

The HTTP handlers and the batch command both go through :func:`error_answer` and
:func:`validation_details`, so an error reads the same wherever it is met.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from db.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PartnermatchError,
    TooManyRequests,
    Unauthorized,
    Unavailable,
)
from service.common import error_payload

logger = logging.getLogger(__name__)

# (status, error code) by class; a subclass answers as its nearest listed ancestor
HTTP_ERRORS: dict[type[PartnermatchError], tuple[int, str]] = {
    InvalidInput: (422, "invalid_input"),
    NotFound: (404, "not_found"),
    Conflict: (409, "conflict"),
    Unauthorized: (401, "unauthorized"),
    Forbidden: (403, "forbidden"),
    TooManyRequests: (429, "rate_limited"),
    Unavailable: (503, "unavailable"),
    PartnermatchError: (400, "bad_request"),
}


def error_answer(exc: PartnermatchError, *, prefix: str = "") -> tuple[int, dict[str, Any]]:
    """Status and body for ``exc``; ``prefix`` goes before the message (a batch line's place)."""
    status, error = next(HTTP_ERRORS[c] for c in type(exc).__mro__ if c in HTTP_ERRORS)
    details = [{"field": exc.field, "message": exc.message}] if exc.field else []
    if details and exc.candidates:
        details[0]["candidates"] = exc.candidates
    return status, error_payload(error, f"{prefix}{exc.message}", details)


def _field_path(loc: Sequence[Any]) -> str:
    # the first element says where the value came from (body, query, path); later ones are field names
    parts = [str(p) for p in (loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc)]
    return ".".join(parts) or "body"


def validation_details(errors: Sequence[Any]) -> list[dict[str, str]]:
    """pydantic's errors as ``{"field", "message"}`` pairs, worded for the person who sent them."""
    details = []
    for err in errors:
        field = _field_path(tuple(err.get("loc", ())))
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if err.get("type") == "json_invalid":
            msg = f"malformed JSON: {err.get('ctx', {}).get('error', msg)}"
        elif err.get("type") == "extra_forbidden":
            msg = "unknown field; see the OpenAPI schema at /docs for the allowed fields"
        details.append({"field": field, "message": msg})
    return details


def validation_answer(errors: Sequence[Any], *, prefix: str = "") -> dict[str, Any]:
    details = validation_details(errors)
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details) or "invalid request"
    return error_payload("invalid_input", f"{prefix}{summary}", details)


# an outage (server down, connection lost, SQLite locked past its timeout) is worth a retry
DATABASE_UNAVAILABLE = (
    "the database cannot be reached right now, so the request was not completed; retry in a few seconds"
)
RETRY_AFTER_SECONDS = 5


def is_outage(exc: DBAPIError) -> bool:
    return isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated


def _internal_error() -> JSONResponse:
    return JSONResponse(
        error_payload("internal_error", "internal server error; the incident was logged"), status_code=500
    )


def _path_methods(app: FastAPI) -> list[tuple[re.Pattern[str], list[str]]]:
    table = getattr(app.state, "allow_table", None)
    if table is None:
        table = [
            (
                re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$"),
                sorted(m.upper() for m in ops if m in _HTTP_METHODS),
            )
            # the most specific first: /v1/models/rollback before /v1/models/{version}
            for path, ops in sorted(app.openapi().get("paths", {}).items(), key=lambda p: p[0].count("{"))
        ]
        app.state.allow_table = table
    return table


_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def allowed_methods(request: Request) -> list[str] | None:
    """The methods the OpenAPI schema documents for this path (Starlette names only one route's);
    a path that fits a literal and a templated entry is answered for the literal one."""
    for pattern, methods in _path_methods(request.app):
        if pattern.match(request.url.path):
            return methods
    return None


def register_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PartnermatchError)
    async def _domain_error(_: Request, exc: PartnermatchError) -> JSONResponse:
        status, body = error_answer(exc)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else exc.headers
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(validation_answer(exc.errors()), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 400:
            # a body FastAPI could not parse (not JSON, not UTF-8): invalid input like any other
            message = f"malformed request body: {exc.detail}"
            body = error_payload("invalid_input", message, [{"field": "body", "message": message}])
            return JSONResponse(body, status_code=422, headers=headers or None)
        if exc.status_code == 405 and (methods := allowed_methods(request)):
            headers["Allow"] = ", ".join(methods)
        error = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "error"
        )
        return JSONResponse(
            error_payload(error, str(exc.detail)), status_code=exc.status_code, headers=headers or None
        )

    @app.exception_handler(DBAPIError)
    async def _database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if not is_outage(exc):
            logger.exception("unhandled database error on %s %s", request.method, request.url.path)
            return _internal_error()
        logger.warning(
            "database unavailable on %s %s: %s", request.method, request.url.path, str(exc.orig).strip()[:200]
        )
        return JSONResponse(
            error_payload("unavailable", DATABASE_UNAVAILABLE),
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return _internal_error()
