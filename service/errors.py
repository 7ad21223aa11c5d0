"""Domain errors mapped to HTTP in one place, all answered in one JSON shape."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.schemas import error_payload

logger = logging.getLogger(__name__)


class ServiceError(Exception):
    status_code = 400
    error = "bad_request"

    def __init__(
        self, message: str, *, field: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers = headers


class NotFound(ServiceError):
    status_code = 404
    error = "not_found"


class InvalidInput(ServiceError):
    status_code = 422
    error = "invalid_input"


class Unauthorized(ServiceError):
    status_code = 401
    error = "unauthorized"


class Forbidden(ServiceError):
    status_code = 403
    error = "forbidden"


class Conflict(ServiceError):
    status_code = 409
    error = "conflict"


class TooManyRequests(ServiceError):
    status_code = 429
    error = "rate_limited"


class Unavailable(ServiceError):
    status_code = 503
    error = "unavailable"


def _field_path(loc: tuple[Any, ...]) -> str:
    # the first element says where the value came from (body, query, path); later ones are field names
    parts = [str(p) for p in (loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc)]
    return ".".join(parts) or "body"


def register_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        details = [{"field": exc.field, "message": exc.message}] if exc.field else []
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else exc.headers
        return JSONResponse(
            error_payload(exc.error, exc.message, details), status_code=exc.status_code, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = []
        for err in exc.errors():
            field = _field_path(tuple(err.get("loc", ())))
            msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
            if err.get("type") == "json_invalid":
                msg = f"malformed JSON: {err.get('ctx', {}).get('error', msg)}"
            elif err.get("type") == "extra_forbidden":
                msg = "unknown field; see the OpenAPI schema at /docs for the allowed fields"
            details.append({"field": field, "message": msg})
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details) or "invalid request"
        return JSONResponse(error_payload("invalid_input", summary, details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        error = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "error"
        )
        return JSONResponse(
            error_payload(error, str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            error_payload("internal_error", "internal server error; the incident was logged"), status_code=500
        )
