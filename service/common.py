"""What every domain of the API shares: the error shape, paging, and a few field validators."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request, Response
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo
from starlette.datastructures import URL

from db.errors import InvalidInput, NotFound

MAX_NEEDS_CHARS = 4000
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
ISO2 = re.compile(r"^[A-Z]{2}$")
# what the schema promises for a country code (either case); whether it names a country is the store's
ISO2_PATTERN = r"^[A-Za-z]{2}$"
# some character that str.strip() keeps (Python's whitespace, which differs from regex \s), as
# not_blank requires: so that the schema already says a blank text is refused
NOT_BLANK_PATTERN = r"[^\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
# the stores' id columns are 32-bit INTEGERs (PostgreSQL refuses a larger value with an error, which
# would be a 500): a larger id is refused as input, never sent to the database
MAX_ID = 2**31 - 1

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, 1..{MAX_LIMIT}")]
# beyond this a page is empty anyway; the bound keeps the number inside what the stores take
MAX_OFFSET = 10_000_000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")]

# --------------------------------------------------------------------------- errors


class CandidateRef(BaseModel):
    """A record the input may have meant."""

    id: int
    name: str
    country: str
    admin_area: str | None = None
    population: int | None = None
    latitude: float | None = None
    longitude: float | None = None


class ErrorDetail(BaseModel):
    field: str | None = None
    message: str
    candidates: list[CandidateRef] | None = Field(
        None, description="When a name fits several records: those it may mean; pick one by its id"
    )


class ErrorResponse(BaseModel):
    """The one shape of every error answer."""

    error: str
    message: str
    details: list[ErrorDetail] = []


def error_payload(error: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    # unset: a detail lists candidates only when it has some
    return ErrorResponse(
        error=error, message=message, details=[ErrorDetail(**d) for d in details or []]
    ).model_dump(exclude_unset=True)


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


# the answers that say when to try again
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds until the client may retry", "schema": {"type": "integer"}}
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for error codes, all in the one error shape."""
    return {
        code: {
            "model": ErrorResponse,
            "description": _DESCRIPTIONS[code],
            **({"headers": _RETRY_AFTER} if code in (429, 503) else {}),
        }
        for code in codes
    }


# --------------------------------------------------------------------------- fields

T = TypeVar("T")


def _as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(_as_utc)]


def _json_number(value: Any) -> Any:
    # pydantic's lax mode would read true as 1 and "12" as 12; the schema says number
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError("must be a number (not a string or true/false)")
    return value


# for JSON body fields typed int or float (and their optional forms): numbers only
JsonNumber = BeforeValidator(_json_number)
# the id of a stored row, as a query, a path or a body gives it
StoreId = Annotated[int, Field(ge=1, le=MAX_ID)]
Id = Annotated[StoreId, JsonNumber]
Text300 = Annotated[str, Field(min_length=1, max_length=300)]
Name200 = Annotated[str, Field(min_length=1, max_length=200)]


def upper_iso2(value: str, field: str) -> str:
    code = value.upper()  # no stripping: the schema's pattern allows no spaces either
    if not ISO2.match(code):
        raise ValueError(f"{field}: {value!r} is not an ISO 3166-1 alpha-2 country code such as 'JP' or 'DE'")
    return code


def not_blank(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    if not stripped:
        raise ValueError(f"{field} is empty; write some text or leave the field out")
    return stripped


# the validators of the field types below: their errors name the field they check
def _upper_iso2(value: str, info: ValidationInfo) -> str:
    return upper_iso2(value, str(info.field_name))


def _upper_iso2_list(values: list[str], info: ValidationInfo) -> list[str]:
    return [upper_iso2(v, str(info.field_name)) for v in values]


def _not_blank(value: str | None, info: ValidationInfo) -> str | None:
    return not_blank(value, str(info.field_name))


# read in upper case
Iso2 = Annotated[
    str,
    Field(pattern=ISO2_PATTERN, description="ISO 3166-1 alpha-2 code", examples=["JP"]),
    AfterValidator(_upper_iso2),
]
# a list of them, checked as a whole (so the error names the list)
Iso2List = Annotated[
    list[str],
    Field(json_schema_extra={"items": {"type": "string", "pattern": ISO2_PATTERN}}),
    AfterValidator(_upper_iso2_list),
]
# for text fields, with pattern=NOT_BLANK_PATTERN in their Field: read stripped of surrounding blanks
NotBlank = AfterValidator(_not_blank)


def request_config(*examples: dict[str, Any], **schema: Any) -> ConfigDict:
    """A request body's config: unknown fields refused, ``examples`` (and more JSON schema) shown."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples), **schema})


def response_config(*examples: dict[str, Any]) -> ConfigDict:
    """An answer's config: ``examples`` shown."""
    return ConfigDict(json_schema_extra={"examples": list(examples)})


def given(*fields: str) -> list[dict[str, Any]]:
    """JSON-schema alternatives, one a field: that field is there and not null (for anyOf, oneOf)."""
    return [{"required": [f], "properties": {f: {"not": {"type": "null"}}}} for f in fields]


# --------------------------------------------------------------------------- answers


def or_not_found(row: T | None, message: str, *, field: str) -> T:
    """``row``, read by the id the request gave in ``field``; :class:`NotFound` when there is none."""
    if row is None:
        raise NotFound(message, field=field)
    return row


def created_at(response: Response, location: str, item: T) -> T:
    """``item``, answered with the ``Location`` of what the request created."""
    response.headers["Location"] = location
    return item


def upserted(response: Response, item: T, created: bool) -> T:
    """The answer of a PUT that creates or replaces: 201 when it created ``item``, else 200."""
    if created:
        response.status_code = 201
    return item


# --------------------------------------------------------------------------- paging


class Page(BaseModel, Generic[T]):
    """One page of a list; follow ``next`` until it is null."""

    items: list[T]
    total: int = Field(description="Rows matching the filters, over all pages")
    limit: int
    offset: int | None = Field(None, description="Offset of this page (null when paging by cursor)")
    next: str | None = Field(None, description="URL of the next page; null on the last one")


@dataclass(frozen=True)
class PageQuery:
    """Which page a list request asks for, and its URL to link the next page from."""

    url: URL
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def link(self, **params: Any) -> str:
        """Relative URL of this request with some query parameters replaced (proxies keep their host)."""
        url = self.url.remove_query_params(list(params)).include_query_params(
            **{k: v for k, v in params.items() if v is not None}
        )
        return f"{url.path}?{url.query}"

    def next_offset(self, total: int) -> str | None:
        return self.link(offset=self.offset + self.limit) if self.offset + self.limit < total else None

    def of(self, items: list[Any], total: int) -> dict[str, Any]:
        """The fields of an offset-paged answer (``XPage(**page.of(items, total))``)."""
        return {
            "items": items,
            "total": total,
            "limit": self.limit,
            "offset": self.offset,
            "next": self.next_offset(total),
        }


def page_query(request: Request, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> PageQuery:
    return PageQuery(url=request.url, limit=limit, offset=offset)


PageDep = Annotated[PageQuery, Depends(page_query)]


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The last id of the previous page; opaque to clients so the ordering may change later."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind == "id" and value.isdigit() and int(value) < 2**63:  # ids are 64-bit
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidInput(
        "cursor is not one this API issued; copy it from the `next` link of the previous page",
        field="cursor",
    )
