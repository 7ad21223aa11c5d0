"""Sectors, funding schemes and regions: reads with paging, and an admin's scheme edits and imports."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from db import writes
from db.errors import InvalidInput
from db.places.regions import load_regions
from db.repositories import catalogue
from db.tables import FundingScheme
from models.advice.scheme_import import filter_schemes, import_schemes, parse_schemes
from models.funding import RegionResolver
from service.catalogue.schemas import (
    EligibilityRead,
    FundingSchemeImportRead,
    FundingSchemePage,
    FundingSchemeRead,
    RegionRead,
    SectorPage,
    SectorRead,
)
from service.common import PageQuery, or_not_found


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


@lru_cache(maxsize=4)
def _region_resolver(curated_dir: Path, mtime: float) -> RegionResolver:
    return RegionResolver(load_regions(curated_dir / "regions.json"))


def region_resolver(curated_dir: Path) -> RegionResolver:
    """One resolver per version of ``regions.json``, not one per request."""
    return _region_resolver(curated_dir, (curated_dir / "regions.json").stat().st_mtime)


def list_sectors(*, session: Session, page: PageQuery) -> SectorPage:
    rows, total = catalogue.page_sectors(session, limit=page.limit, offset=page.offset)
    return SectorPage(**page.of([SectorRead.model_validate(s) for s in rows], total))


def get_sector(*, session: Session, sector_id: str) -> SectorRead:
    sector = catalogue.get_sector(session, sector_id=sector_id)
    return SectorRead.model_validate(
        or_not_found(sector, f"sector {sector_id!r} does not exist; see /v1/sectors", field="sector_id")
    )


def list_funding_schemes(
    *, session: Session, page: PageQuery, sector: str | None, country: str | None, curated_dir: Path
) -> FundingSchemePage:
    """Filtered in Python: a country matches through the regions a scheme names."""
    if sector is not None:
        writes.check_sectors(session, sectors=sector, field="sector")
    if country is not None:
        country = country.upper()
        writes.check_countries(session, countries=country, field="country")
    rows = filter_schemes(
        catalogue.list_funding_schemes(session),
        sector=sector,
        country=country,
        regions=region_resolver(curated_dir),
    )
    shown = rows[page.offset : page.offset + page.limit]
    return FundingSchemePage(**page.of([scheme_read(r) for r in shown], len(rows)))


def get_funding_scheme(*, session: Session, scheme_id: str) -> FundingSchemeRead:
    row = catalogue.get_funding_scheme(session, scheme_id=scheme_id)
    message = f"funding scheme {scheme_id!r} does not exist; see /v1/funding-schemes"
    return scheme_read(or_not_found(row, message, field="scheme_id"))


def put_funding_scheme(
    *, session: Session, scheme_id: str, record: dict[str, Any], curated_dir: Path
) -> tuple[FundingSchemeRead, bool]:
    """The scheme as stored and whether it was added; validated like an import."""
    record = {"id": scheme_id, **record}
    if record["id"] != scheme_id:
        raise InvalidInput(
            f"id {record['id']!r} in the body differs from {scheme_id!r} in the path", field="id"
        )
    try:
        result = import_schemes(
            session, records=[record], source_name="body", source="api", curated_dir=curated_dir
        )
    except ValueError as exc:
        raise _body_error(exc, one_record=True) from exc
    row = catalogue.get_funding_scheme(session, scheme_id=scheme_id)
    assert row is not None  # just written
    return scheme_read(row), bool(result.inserted)


def import_funding_schemes(
    *, session: Session, data: bytes, fmt: str, curated_dir: Path
) -> FundingSchemeImportRead:
    """Every record is validated before anything is written; the message lists every problem."""
    try:
        records = parse_schemes(data, source="body", fmt=fmt)
        result = import_schemes(
            session, records=records, source_name="body", source="api", curated_dir=curated_dir
        )
    except ValueError as exc:
        raise _body_error(exc, one_record=False) from exc
    return FundingSchemeImportRead(inserted=result.inserted, updated=result.updated)


def _body_error(exc: ValueError, *, one_record: bool) -> InvalidInput:
    """A catalogue problem as the API names it: the field within the body (within its one record)."""
    field = getattr(exc, "field", None) or "body"
    if one_record:
        field = field.removeprefix("[0]").removeprefix(".")
    return InvalidInput(str(exc), field=field)


def list_regions(*, curated_dir: Path) -> list[RegionRead]:
    return [
        RegionRead(code=code, name=entry.get("name", code), members=entry.get("members"))
        for code, entry in load_regions(curated_dir / "regions.json").items()
    ]
