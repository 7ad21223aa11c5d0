"""Import the bundled curated set: sectors, funding schemes, city profiles, cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.importers.common import (
    CityRegistry,
    ImportFileError,
    ImportReport,
    apply_values,
    city_key_for_geonames,
    city_key_for_name,
    load_cooperations,
    upsert_cooperation,
)
from db.places.countries import normalise_country
from db.places.resolve import Gazetteer
from db.tables import (
    COOPERATION_KINDS,
    ORIGIN_USER,
    SUCCESS_LABELS,
    City,
    CityProfile,
    FundingScheme,
    Sector,
)
from db.writes import funding_scheme_values

SOURCE = "curated"
FILES = (
    "sectors.json",
    "funding_schemes.json",
    "city_profiles.json",
    "cooperation_cases.json",
    "regions.json",
)


def _load_json(path: Path) -> Any:
    if not path.is_file():
        raise ImportFileError(path, None, "file not found; the curated set needs " + ", ".join(FILES))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ImportFileError(path, exc.lineno, f"invalid JSON: {exc.msg}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(path, None, f"not UTF-8 text: {exc}") from exc


def _require(path: Path, index: int, record: Any, fields: tuple[str, ...]) -> None:
    if not isinstance(record, dict):
        raise ImportFileError(path, None, f"record {index} is not a JSON object")
    missing = [f for f in fields if f not in record]
    if missing:
        ident = record.get("id") or record.get("name") or f"#{index}"
        raise ImportFileError(path, None, f"record {index} ({ident}) lacks required field(s) {missing}")


def read_curated(directory: Path) -> dict[str, Any]:
    """Read and validate the five curated files; raises ImportFileError on the first problem."""
    data = {name: _load_json(directory / name) for name in FILES}
    sectors = data["sectors.json"]
    for i, rec in enumerate(sectors):
        _require(directory / "sectors.json", i, rec, ("id", "name", "description"))
    sector_ids = {s["id"] for s in sectors}
    for i, rec in enumerate(data["funding_schemes.json"]):
        _require(directory / "funding_schemes.json", i, rec, ("id", "name", "eligibility", "sectors"))
        unknown = set(rec["sectors"]) - sector_ids
        if unknown:
            raise ImportFileError(
                directory / "funding_schemes.json",
                None,
                f"scheme {rec['id']} names unknown sectors {unknown}",
            )
    for i, rec in enumerate(data["city_profiles.json"]):
        _require(directory / "city_profiles.json", i, rec, ("name", "country", "geonameid"))
    scheme_ids = {s["id"] for s in data["funding_schemes.json"]}
    for i, rec in enumerate(data["cooperation_cases.json"]):
        path = directory / "cooperation_cases.json"
        _require(path, i, rec, ("id", "title", "cities", "kind", "sectors"))
        if rec["kind"] not in COOPERATION_KINDS:
            raise ImportFileError(
                path, None, f"case {rec['id']}: kind {rec['kind']!r} not in {COOPERATION_KINDS}"
            )
        if rec.get("success") not in (*SUCCESS_LABELS, None):
            raise ImportFileError(path, None, f"case {rec['id']}: success must be one of {SUCCESS_LABELS}")
        bad = set(rec["sectors"]) - sector_ids
        bad_schemes = set(rec.get("funding_scheme_ids") or []) - scheme_ids
        if bad or bad_schemes:
            raise ImportFileError(
                path, None, f"case {rec['id']}: unknown sectors {bad} / schemes {bad_schemes}"
            )
    return data


def _city_key(rec: dict[str, Any]) -> str:
    if rec.get("geonameid"):
        return city_key_for_geonames(int(rec["geonameid"]))
    return city_key_for_name(rec["name"], rec["country"])


def _profile_city(registry: CityRegistry, gazetteer: Gazetteer, rec: dict[str, Any]) -> City:
    """The curated figures win over GeoNames (seed populations count the whole municipality)."""
    key = _city_key(rec)
    geo = gazetteer.get(int(rec["geonameid"])) if rec.get("geonameid") else None
    values: dict[str, Any] = {
        "name": rec["name"],
        "ascii_name": geo.ascii_name if geo else rec["name"],
        "country": normalise_country(rec["country"]) or rec["country"],
        "admin_area": rec.get("admin_area"),
        "kind": rec.get("kind") or "city",
        "latitude": rec.get("latitude")
        if rec.get("latitude") is not None
        else (geo.latitude if geo else None),
        "longitude": rec.get("longitude")
        if rec.get("longitude") is not None
        else (geo.longitude if geo else None),
        "population": rec.get("population") or (geo.population if geo else None),
        "timezone": geo.timezone if geo else None,
    }
    city = registry.get(key)
    if city is None:
        return registry.create(
            key=key,
            values={
                **values,
                "geonames_id": geo.geonameid if geo else rec.get("geonameid"),
                "source": SOURCE,
            },
            alternate_names=geo.alternate_names if geo else (),
        )
    values["search_name"] = city.search_name  # keep the search key stable
    registry.report.count("cities", "updated" if apply_values(city, values) else "unchanged")
    return city


def import_curated(session: Session, directory: Path, *, gazetteer: Gazetteer) -> ImportReport:
    data = read_curated(directory)
    report = ImportReport(source=SOURCE, files=[str(directory / f) for f in FILES])

    existing_sectors = {s.id: s for s in session.scalars(select(Sector))}
    # parents first so the self-reference is satisfied within the flush
    for rec in sorted(data["sectors.json"], key=lambda r: r.get("parent") is not None):
        values = {
            "name": rec["name"],
            "description": rec["description"],
            "parent_id": rec.get("parent"),
            "aliases": rec.get("aliases") or [],
        }
        sector = existing_sectors.get(rec["id"])
        if sector is None:
            session.add(Sector(id=rec["id"], **values))
            report.count("sectors", "inserted")
        else:
            report.count("sectors", "updated" if apply_values(sector, values) else "unchanged")
    session.flush()

    existing_schemes = {s.id: s for s in session.scalars(select(FundingScheme))}
    for rec in data["funding_schemes.json"]:
        values = funding_scheme_values(rec, source=SOURCE)
        scheme = existing_schemes.get(rec["id"])
        if scheme is None:
            session.add(FundingScheme(id=rec["id"], **values))
            report.count("funding_schemes", "inserted")
        elif scheme.origin == ORIGIN_USER:
            report.count("funding_schemes", "skipped_user_edited")
        else:
            report.count("funding_schemes", "updated" if apply_values(scheme, values) else "unchanged")

    registry = CityRegistry(session, report)
    by_name: dict[tuple[str, str], City] = {}
    for rec in data["city_profiles.json"]:
        city = _profile_city(registry, gazetteer, rec)
        by_name[(rec["name"], rec["country"])] = city
        session.flush()
        _upsert_profile(session, report, city, rec)

    existing = load_cooperations(session, SOURCE)
    cases = data["cooperation_cases.json"]
    # parents before sub-cases so parent_id can be set
    for rec in sorted(cases, key=lambda r: r.get("parent_case") is not None):
        members = []
        for member in rec["cities"]:
            city = by_name.get((member["name"], member["country"])) or registry.get(_city_key(member))
            if city is None:
                raise ImportFileError(
                    directory / "cooperation_cases.json",
                    None,
                    f"case {rec['id']}: city {member['name']} ({member['country']}) has no profile in "
                    "city_profiles.json; add one",
                )
            members.append((city, member.get("role")))
        parent = existing.get(f"curated:{rec['parent_case']}") if rec.get("parent_case") else None
        scheme_ids = rec.get("funding_scheme_ids") or []
        values = {
            "kind": rec["kind"],
            "title": rec["title"],
            "start_year": rec.get("start_year"),
            "end_year": rec.get("end_year"),
            "description": "\n".join(rec.get("activities") or []),  # one activity a line (plans read them)
            "funding_scheme_id": scheme_ids[0] if scheme_ids else None,
            "funding_scheme_ids": scheme_ids,
            "parent_id": parent.id if parent is not None else None,
            "outcome_summary": rec.get("outcome_summary"),
            "outcome_indicators": rec.get("outcome_indicators") or [],
            "success": rec.get("success"),
            "source": SOURCE,
        }
        upsert_cooperation(
            session,
            report,
            existing,
            key=f"curated:{rec['id']}",
            values=values,
            members=members,
            sectors=rec["sectors"],
        )
        session.flush()
    return report


def _upsert_profile(session: Session, report: ImportReport, city: City, rec: dict[str, Any]) -> None:
    profile = session.scalar(select(CityProfile).where(CityProfile.city_id == city.id))
    if profile is not None and profile.origin == ORIGIN_USER:
        report.count("city_profiles", "skipped_user_edited")
        return
    values = {
        "profile_text": rec.get("profile_text") or "",
        "needs_text": "; ".join(rec.get("challenges") or []),
        "strengths": rec.get("strengths") or [],
        "challenges": rec.get("challenges") or [],
        "industries": rec.get("industries") or [],
        "area_km2": rec.get("area_km2"),
        "languages": rec.get("languages") or [],
        "sources": rec.get("sources") or [],
    }
    if profile is None:
        session.add(CityProfile(city_id=city.id, **values))
        report.count("city_profiles", "inserted")
    else:
        report.count("city_profiles", "updated" if apply_values(profile, values) else "unchanged")
