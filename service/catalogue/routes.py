"""Sectors, funding schemes and regions; schemes can be added, edited and imported by an admin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response

from models.advice.catalogue import scheme_json_schema
from service.auth import AdminKey, ReadKey
from service.catalogue import service
from service.catalogue.schemas import (
    FundingSchemeImportRead,
    FundingSchemePage,
    FundingSchemeRead,
    RegionRead,
    SectorPage,
    SectorRead,
)
from service.common import ISO2_PATTERN, PageDep, errors, upserted
from service.deps import SessionDep, SettingsDep

router = APIRouter()

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


def _put_record_schema() -> dict[str, Any]:
    """The record without its id (PUT takes it from the path)."""
    schema = _record_schema()
    schema["properties"] = {k: v for k, v in schema.get("properties", {}).items() if k != "id"}
    schema["required"] = [k for k in schema.get("required", []) if k != "id"]
    return schema


@router.get(
    "/sectors",
    tags=["sectors"],
    summary="The cooperation sector taxonomy",
    responses=errors(401, 403, 422, 503),
)
def list_sectors(session: SessionDep, _: ReadKey, page: PageDep) -> SectorPage:
    return service.list_sectors(session=session, page=page)


@router.get(
    "/sectors/{sector_id}",
    tags=["sectors"],
    summary="One sector",
    responses=errors(401, 403, 404, 422, 503),
)
def get_sector(session: SessionDep, _: ReadKey, sector_id: Annotated[str, Path(max_length=60)]) -> SectorRead:
    return service.get_sector(session=session, sector_id=sector_id)


@router.get(
    "/funding-schemes",
    tags=["funding schemes"],
    summary="Funding schemes, optionally for a sector and a country",
    responses=errors(401, 403, 422, 503),
)
def list_funding_schemes(
    session: SessionDep,
    settings: SettingsDep,
    _: ReadKey,
    page: PageDep,
    sector: Annotated[str | None, Query(max_length=60, description="Schemes that fund this sector")] = None,
    country: Annotated[
        str | None,
        Query(
            pattern=ISO2_PATTERN,
            description="Schemes naming this ISO2 country, directly or through a region, as applicant "
            "or partner side (eligibility is checked in full by POST /v1/recommendations)",
        ),
    ] = None,
) -> FundingSchemePage:
    return service.list_funding_schemes(
        session=session, page=page, sector=sector, country=country, curated_dir=settings.curated_dir
    )


@router.get(
    "/funding-schemes/{scheme_id}",
    tags=["funding schemes"],
    summary="One funding scheme with its eligibility facts",
    responses=errors(401, 403, 404, 422, 503),
)
def get_funding_scheme(
    session: SessionDep, _: ReadKey, scheme_id: Annotated[str, Path(max_length=100)]
) -> FundingSchemeRead:
    return service.get_funding_scheme(session=session, scheme_id=scheme_id)


@router.put(
    "/funding-schemes/{scheme_id}",
    tags=["funding schemes"],
    summary="Add or replace a funding scheme (admin); re-imports keep this edit",
    responses={
        201: {"model": FundingSchemeRead, "description": "Scheme added"},
        **errors(401, 403, 413, 422, 503),
    },
    # the body is validated like an import record (the id may be left out: it is the path's)
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A catalogue record, as in data/curated/funding_schemes.json",
            "content": {
                "application/json": {
                    "schema": _put_record_schema(),
                    "examples": {
                        "grant": {
                            "summary": "A grant scheme",
                            "value": {k: v for k, v in SCHEME_EXAMPLE.items() if k != "id"},
                        }
                    },
                }
            },
        }
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
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    _: AdminKey,
    scheme_id: Annotated[str, Path(max_length=100, pattern=_record_schema()["properties"]["id"]["pattern"])],
) -> FundingSchemeRead:
    """Validated like an import; the `id` in the body may be left out, or must equal the one in the path."""
    return upserted(
        response,
        *service.put_funding_scheme(
            session=session, scheme_id=scheme_id, record=record, curated_dir=settings.curated_dir
        ),
    )


YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


async def _body_and_format(request: Request) -> tuple[bytes, str]:
    """The body unparsed, and its format: YAML when its content type says so, else JSON."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return await request.body(), "yaml" if media_type in YAML_TYPES else "json"


@router.post(
    "/funding-schemes/import",
    tags=["funding schemes"],
    summary="Add or replace many funding schemes from JSON or YAML (admin); all or nothing",
    responses=errors(401, 403, 413, 422, 503),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A list of catalogue records; send YAML with Content-Type application/yaml",
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": _record_schema(), "minItems": 1},
                    "example": [SCHEME_EXAMPLE],
                },
                "application/yaml": {"schema": {"type": "array", "items": _record_schema(), "minItems": 1}},
            },
        }
    },
)
def import_funding_schemes(
    body: Annotated[tuple[bytes, str], Depends(_body_and_format)],
    session: SessionDep,
    settings: SettingsDep,
    _: AdminKey,
) -> FundingSchemeImportRead:
    """Every record is validated before anything is written; the message lists every problem."""
    data, fmt = body
    return service.import_funding_schemes(
        session=session, data=data, fmt=fmt, curated_dir=settings.curated_dir
    )


@router.get(
    "/regions",
    tags=["regions"],
    summary="Region codes for desired_regions (from regions.json)",
    responses=errors(401, 403, 503),
)
def list_regions(settings: SettingsDep, _: ReadKey) -> list[RegionRead]:
    return service.list_regions(curated_dir=settings.curated_dir)
