"""Add or edit funding schemes from JSON or YAML, all-or-nothing; shared by the admin API and the CLI.

A document is parsed, every record is validated against the catalogue schema
(:mod:`models.advice.catalogue`) with the live sector ids and the region codes of
``regions.json``, and only then written, as user edits that re-imports keep.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import writes
from db.places.regions import load_regions
from db.tables import FundingScheme, Sector
from models.advice.catalogue import validate_schemes
from models.funding import RegionResolver

__all__ = [
    "SchemeImport",
    "covers_country",
    "filter_schemes",
    "import_schemes",
    "parse_schemes",
    "read_scheme_file",
]

Format = Literal["json", "yaml"]


@dataclass(frozen=True)
class SchemeImport:
    inserted: list[str]
    updated: list[str]


def parse_schemes(text: str | bytes, *, source: str, fmt: Format) -> Any:
    """Parse a JSON or YAML document; ValueError names the line of a syntax error."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValueError(f"{where}: invalid YAML: {problem}") from exc


def read_scheme_file(path: Path) -> Any:
    """Parse a scheme file; ``.yaml`` / ``.yml`` are YAML, anything else JSON."""
    fmt: Format = "yaml" if path.suffix.lower() in (".yaml", ".yml") else "json"
    return parse_schemes(path.read_bytes(), source=path.name, fmt=fmt)


def import_schemes(
    session: Session, *, records: Any, source_name: str, source: str, curated_dir: Path
) -> SchemeImport:
    """Validate every record, then write them all; a single bad record writes nothing.

    Raises
    ------
    ValueError
        Listing every problem (record index and id, field path, what is allowed).
    """
    sector_ids = list(session.scalars(select(Sector.id)))
    validate_schemes(
        records,
        source_name,
        region_codes=list(load_regions(curated_dir / "regions.json")),
        sector_ids=sector_ids,
    )
    if not records:
        raise ValueError(f"{source_name}: the list of funding schemes is empty")
    inserted, updated = writes.upsert_funding_schemes(session, records=records, source=source)
    return SchemeImport(inserted=inserted, updated=updated)


def covers_country(eligibility: Mapping[str, Any], iso2: str, regions: RegionResolver) -> bool:
    """Whether a scheme names ``iso2`` (directly or through a region) on either side."""
    sides: Sequence[Any] = (
        eligibility.get("applicant_countries"),
        eligibility.get("partner_countries"),
        eligibility.get("jcm_partner_countries"),
    )
    return any(regions.contains(code, iso2) is True for codes in sides if codes for code in codes)


def filter_schemes(
    rows: Sequence[FundingScheme], *, sector: str | None, country: str | None, regions: RegionResolver
) -> list[FundingScheme]:
    """Schemes funding ``sector`` and naming ``country`` (see :func:`covers_country`); None skips a filter."""
    return [
        r
        for r in rows
        if (sector is None or sector in (r.sectors or []))
        and (country is None or covers_country(r.eligibility or {}, country, regions))
    ]
