"""Interreg 2014–2020 partners: programmes become funding schemes, projects cooperations.

Each programme's eligibility (which countries its area covers) is learned from
the countries of the partners it funded.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.importers.common import (
    CityRegistry,
    ImportFileError,
    ImportReport,
    apply_values,
    load_cooperations,
    record_unresolved,
    upsert_cooperation,
)
from db.importers.csvfile import read_rows
from db.places.countries import normalise_country
from db.places.resolve import Gazetteer
from db.tables import ORIGIN_USER, City, FundingScheme

SOURCE = "interreg"
PARTNERS = "interreg_2014_2020_partners.csv"
PARENT_SCHEME = "eu-interreg-cross-border-transnational"
REQUIRED = ("Programme", "Acronym", "Project Partner", "Lead Partner", "Town", "Country", "Country code")


def scheme_id_for(programme: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", programme.lower().replace("2014 - 2020", "")).strip("-")
    return f"interreg-{slug}"[:100]


def _country(path: Path, line: int, row: dict[str, str]) -> str:
    # "Country code" reads like "DE Germany / DEUTSCHLAND"; its first token is the ISO2 code
    code = row["Country code"].strip().split(" ")[0]
    iso2 = normalise_country(code) if len(code) == 2 else None
    iso2 = iso2 or normalise_country(row["Country"])
    if iso2 is None:
        raise ImportFileError(path, line, f"unknown country {row['Country']!r} / {row['Country code']!r}")
    return iso2


def import_interreg(session: Session, path: Path, *, gazetteer: Gazetteer) -> ImportReport:
    rows = read_rows(path, REQUIRED, delimiter=";")
    report = ImportReport(source=SOURCE, files=[str(path)])

    programme_countries: dict[str, set[str]] = defaultdict(set)
    projects: dict[tuple[str, str], list[tuple[int, dict[str, str], str]]] = defaultdict(list)
    for line, row in rows:
        programme, acronym = row["Programme"].strip(), row["Acronym"].strip()
        if not programme or not acronym:
            raise ImportFileError(path, line, "Programme and Acronym must not be empty")
        iso2 = _country(path, line, row)
        programme_countries[programme].add(iso2)
        projects[(programme, acronym)].append((line, row, iso2))

    _upsert_programme_schemes(session, report, programme_countries)

    registry = CityRegistry(session, report)
    status: Counter[str] = Counter()
    unresolved: Counter[tuple[str, str, str]] = Counter()
    resolved_cache: dict[tuple[str, str], Any] = {}
    members_of: dict[tuple[str, str], list[tuple[City, str | None]]] = {}
    for key, partners in projects.items():
        members: list[tuple[City, str | None]] = []
        for _line, row, iso2 in partners:
            town = row["Town"].strip()
            cache_key = (town.casefold(), iso2)
            if cache_key not in resolved_cache:
                res = gazetteer.resolve(town, iso2, admin_hint=row.get("NUTS3 (or equivalent)"))
                resolved_cache[cache_key] = res
            res = resolved_cache[cache_key]
            status[res.status] += 1
            if res.status != "resolved" or res.city is None:
                unresolved[(town, iso2, res.status)] += 1
                continue
            city = registry.from_geo(res.city, source=SOURCE)
            role = "lead" if row["Lead Partner"].strip().lower() == "yes" else "partner"
            for i, (member, old_role) in enumerate(members):
                if member is city:
                    if role == "lead" and old_role != "lead":
                        members[i] = (city, role)
                    break
            else:
                members.append((city, role))
        members_of[key] = members
    session.flush()

    existing = load_cooperations(session, SOURCE)
    for (programme, acronym), members in sorted(members_of.items()):
        scheme = scheme_id_for(programme)
        upsert_cooperation(
            session,
            report,
            existing,
            key=f"interreg:{scheme}:{acronym}"[:300],
            values={
                "kind": "funded-project",
                "title": f"{acronym} ({programme})",
                "description": "",
                "start_year": 2014,
                "end_year": 2020,
                "funding_scheme_id": scheme,
                "funding_scheme_ids": [scheme, PARENT_SCHEME],
                "source": SOURCE,
            },
            members=members,
        )
    record_unresolved(session, SOURCE, unresolved, report)
    report.resolution = dict(status)
    return report


def _upsert_programme_schemes(session: Session, report: ImportReport, countries: dict[str, set[str]]) -> None:
    existing = {s.id: s for s in session.scalars(select(FundingScheme).where(FundingScheme.source == SOURCE))}
    parent = session.get(FundingScheme, PARENT_SCHEME)
    sectors = list(parent.sectors) if parent is not None else []
    for programme, members in sorted(countries.items()):
        sid = scheme_id_for(programme)
        eligibility = {
            "applicant_countries": sorted(members),
            "partner_countries": sorted(members),
            "applicant_types": None,
            "min_population": None,
            "partner_count": None,
            "income_groups": None,
            "requires": [
                "project selected in a call of the programme",
                "partners located in the programme area (learned from 2014-2020 partners)",
            ],
        }
        record = {
            "id": sid,
            "name": programme,
            "operator": "Interreg (European Territorial Cooperation)",
            "kind": "grant",
            "parent_scheme": PARENT_SCHEME,
            "eligibility": eligibility,
            "sectors": sectors,
            "active_years": "2014-2020",
            "learned_from": "Interreg 2014-2020 partner data (keep.eu)",
        }
        values = {
            "name": programme,
            "operator": record["operator"],
            "kind": "grant",
            "description": f"{programme}: Interreg programme covering {', '.join(sorted(members))}.",
            "eligibility": eligibility,
            "sectors": sectors,
            "record": record,
            "source": SOURCE,
        }
        scheme = existing.get(sid)
        if scheme is None:
            session.add(FundingScheme(id=sid, **values))
            report.count("funding_schemes", "inserted")
        elif scheme.origin == ORIGIN_USER:
            report.count("funding_schemes", "skipped_user_edited")
        else:
            report.count("funding_schemes", "updated" if apply_values(scheme, values) else "unchanged")
    session.flush()
