"""What the routers share: paging parameters and links, error docs, domain errors turned into HTTP ones."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Query, Request

from db import writes
from service.errors import Conflict, InvalidInput, NotFound
from service.schemas import ErrorResponse

MAX_LIMIT = 200
DEFAULT_LIMIT = 50

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, 1..{MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")]

_DESCRIPTIONS = {
    401: "No API key, or an invalid one",
    403: "The API key lacks the scope",
    404: "Not found",
    409: "Conflicts with the stored state",
    413: "Request body too large",
    422: "Invalid input; `details[].field` names each bad field",
    429: "Too many requests; retry after `Retry-After` seconds",
    503: "Not available yet",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for error codes, all in the one error shape."""
    return {code: {"model": ErrorResponse, "description": _DESCRIPTIONS[code]} for code in codes}


def page_link(request: Request, **params: Any) -> str:
    """Relative URL of this request with some query parameters replaced (proxies keep their host)."""
    url = request.url.remove_query_params(list(params)).include_query_params(
        **{k: v for k, v in params.items() if v is not None}
    )
    return f"{url.path}?{url.query}"


def offset_next(request: Request, *, offset: int, limit: int, total: int) -> str | None:
    return page_link(request, offset=offset + limit) if offset + limit < total else None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The last id of the previous page; opaque to clients so the ordering may change later."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind == "id" and value.isdigit():
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidInput(
        "cursor is not one this API issued; copy it from the `next` link of the previous page",
        field="cursor",
    )


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the store's reference errors into 404 / 409 / 422 answers naming the field."""
    try:
        yield
    except writes.UnknownRecord as exc:
        raise NotFound(str(exc), field=exc.field) from exc
    except writes.UnknownValue as exc:
        raise InvalidInput(str(exc), field=exc.field) from exc
    except writes.DuplicateRecord as exc:
        raise Conflict(str(exc), field=exc.field) from exc
