"""Sectors and funding schemes; schemes can be added, edited and imported by an admin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response

from db import repositories, writes
from db.tables import FundingScheme
from models.advice.catalogue import scheme_json_schema
from models.advice.scheme_import import filter_schemes, import_schemes, load_regions, parse_schemes
from models.funding import RegionResolver
from service.auth import AdminKey, ReadKey
from service.catalogue import commit_and_expire
from service.deps import SessionDep, SettingsDep
from service.errors import InvalidInput, NotFound
from service.routes._common import Limit, Offset, domain_errors, errors, offset_next
from service.schemas import (
    EligibilityRead,
    FundingSchemeImportRead,
    FundingSchemePage,
    FundingSchemeRead,
    SectorPage,
    SectorRead,
)

router = APIRouter()

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
SCHEME_EXAMPLE: dict[str, Any] = {
    "id": "city-climate-fund",
    "name": "City climate partnership fund",
    "operator": "Example Foundation",
    "kind": "grant",
    "funder_countries": ["DE"],
    "eligibility": {
        "applicant_countries": ["EU27"],
        "partner_countries": ["ODA-eligible"],
        "applicant_types": ["local government"],
        "min_population": None,
        "partner_count": {"min": 1, "max": 3},
        "income_groups": ["L", "LM", "UM"],
        "requires": ["co-financing of 10%"],
    },
    "sectors": ["low-carbon", "energy"],
    "description": "Grants for climate partnerships between European and partner cities.",
}


def _record_schema() -> dict[str, Any]:
    schema = scheme_json_schema()
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    return schema


def scheme_read(row: FundingScheme) -> FundingSchemeRead:
    record = row.record or {}
    return FundingSchemeRead(
        id=row.id,
        name=row.name,
        operator=row.operator,
        kind=row.kind,
        description=row.description or "",
        sectors=list(row.sectors or []),
        funder_countries=record.get("funder_countries"),
        eligibility=EligibilityRead.model_validate(row.eligibility or {}),
        typical_amount=record.get("typical_amount"),
        duration=record.get("duration"),
        active_years=record.get("active_years"),
        aliases=record.get("aliases") or [],
        sources=record.get("sources") or [],
        uncertain=bool(record.get("uncertain", False)),
        note=record.get("note"),
        source=row.source,
        origin=row.origin,
    )


@router.get(
    "/sectors",
    response_model=SectorPage,
    tags=["sectors"],
    summary="The cooperation sector taxonomy",
    responses=errors(401, 403, 422),
)
def list_sectors(
    request: Request, session: SessionDep, _: ReadKey, limit: Limit = 50, offset: Offset = 0
) -> SectorPage:
    rows = repositories.list_sectors(session)
    return SectorPage(
        items=[SectorRead.model_validate(s) for s in rows[offset : offset + limit]],
        total=len(rows),
        limit=limit,
        offset=offset,
        next=offset_next(request, offset=offset, limit=limit, total=len(rows)),
    )


@router.get(
    "/sectors/{sector_id}",
    response_model=SectorRead,
    tags=["sectors"],
    summary="One sector",
    responses=errors(401, 403, 404),
)
def get_sector(session: SessionDep, _: ReadKey, sector_id: Annotated[str, Path(max_length=60)]) -> SectorRead:
    sector = repositories.get_sector(session, sector_id=sector_id)
    if sector is None:
        raise NotFound(f"sector {sector_id!r} does not exist; see /v1/sectors", field="sector_id")
    return SectorRead.model_validate(sector)


@router.get(
    "/funding-schemes",
    response_model=FundingSchemePage,
    tags=["funding schemes"],
    summary="Funding schemes, optionally for a sector and a country",
    responses=errors(401, 403, 422),
)
def list_funding_schemes(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _: ReadKey,
    sector: Annotated[str | None, Query(max_length=60, description="Schemes that fund this sector")] = None,
    country: Annotated[
        str | None,
        Query(
            min_length=2,
            max_length=2,
            description="Schemes naming this ISO2 country, directly or through a region, as applicant "
            "or partner side (eligibility is checked in full by POST /v1/recommendations)",
        ),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> FundingSchemePage:
    with domain_errors():
        if sector is not None:
            writes.check_sectors(session, sectors=sector, field="sector")
        if country is not None:
            country = country.upper()
            writes.check_countries(session, countries=country, field="country")
    rows = filter_schemes(
        repositories.list_funding_schemes(session),
        sector=sector,
        country=country,
        regions=RegionResolver(load_regions(settings.curated_dir)),
    )
    return FundingSchemePage(
        items=[scheme_read(r) for r in rows[offset : offset + limit]],
        total=len(rows),
        limit=limit,
        offset=offset,
        next=offset_next(request, offset=offset, limit=limit, total=len(rows)),
    )


@router.get(
    "/funding-schemes/{scheme_id}",
    response_model=FundingSchemeRead,
    tags=["funding schemes"],
    summary="One funding scheme with its eligibility facts",
    responses=errors(401, 403, 404),
)
def get_funding_scheme(
    session: SessionDep, _: ReadKey, scheme_id: Annotated[str, Path(max_length=100)]
) -> FundingSchemeRead:
    row = repositories.get_funding_scheme(session, scheme_id=scheme_id)
    if row is None:
        raise NotFound(
            f"funding scheme {scheme_id!r} does not exist; see /v1/funding-schemes", field="scheme_id"
        )
    return scheme_read(row)


@router.put(
    "/funding-schemes/{scheme_id}",
    response_model=FundingSchemeRead,
    tags=["funding schemes"],
    summary="Add or replace a funding scheme (admin); re-imports keep this edit",
    responses={
        201: {"model": FundingSchemeRead, "description": "Scheme added"},
        **errors(401, 403, 413, 422),
    },
)
def put_funding_scheme(
    record: Annotated[
        dict[str, Any],
        Body(
            description="A catalogue record, as in data/curated/funding_schemes.json",
            openapi_examples={"grant": {"summary": "A grant scheme", "value": SCHEME_EXAMPLE}},
        ),
    ],
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    _: AdminKey,
    scheme_id: Annotated[str, Path(max_length=100)],
) -> FundingSchemeRead:
    """Validated like an import; the `id` in the body may be left out, or must equal the one in the path."""
    record = {"id": scheme_id, **record}
    if record["id"] != scheme_id:
        raise InvalidInput(
            f"id {record['id']!r} in the body differs from {scheme_id!r} in the path", field="id"
        )
    try:
        result = import_schemes(
            session, records=[record], source_name="body", source="api", curated_dir=settings.curated_dir
        )
    except ValueError as exc:
        raise InvalidInput(str(exc), field=_first_field(str(exc), indexed=False)) from exc
    commit_and_expire(request, session)
    if result.inserted:
        response.status_code = 201
    row = repositories.get_funding_scheme(session, scheme_id=scheme_id)
    assert row is not None  # just written
    return scheme_read(row)


async def _raw_body(request: Request) -> tuple[bytes, str]:
    return await request.body(), request.headers.get("content-type", "").split(";")[0].strip().lower()


@router.post(
    "/funding-schemes/import",
    response_model=FundingSchemeImportRead,
    tags=["funding schemes"],
    summary="Add or replace many funding schemes from JSON or YAML (admin); all or nothing",
    responses=errors(401, 403, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A list of catalogue records; send YAML with Content-Type application/yaml",
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": _record_schema()},
                    "example": [SCHEME_EXAMPLE],
                },
                "application/yaml": {"schema": {"type": "array", "items": _record_schema()}},
            },
        }
    },
)
def import_funding_schemes(
    body: Annotated[tuple[bytes, str], Depends(_raw_body)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _: AdminKey,
) -> FundingSchemeImportRead:
    """Every record is validated before anything is written; the message lists every problem."""
    data, media_type = body
    fmt = "yaml" if media_type in YAML_TYPES else "json"
    try:
        records = parse_schemes(data, source="body", fmt=fmt)
        result = import_schemes(
            session, records=records, source_name="body", source="api", curated_dir=settings.curated_dir
        )
    except ValueError as exc:
        raise InvalidInput(str(exc), field=_first_field(str(exc))) from exc
    commit_and_expire(request, session)
    return FundingSchemeImportRead(inserted=result.inserted, updated=result.updated)


def _first_field(message: str, *, indexed: bool = True) -> str:
    """The field path of the first problem in a catalogue validation message, e.g. '[3].kind'."""
    for line in message.splitlines():
        # "body: record 3 (id 'x'): eligibility.kind: ..." -> record index, field path
        parts = line.split(": ")
        if len(parts) >= 4 and parts[1].startswith("record "):
            if not indexed:
                return parts[2]
            index = parts[1].split()[1]
            return f"[{index}]{parts[2]}" if parts[2].startswith("[") else f"[{index}].{parts[2]}"
    return "body"
