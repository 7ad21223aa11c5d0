"""URBACT thematic networks and their member cities."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.importers.common import (
    CityRegistry,
    ImportReport,
    load_cooperations,
    record_unresolved,
    upsert_cooperation,
)
from db.importers.csvfile import parse_float, parse_year, read_rows
from db.places.names import normalise_name
from db.places.resolve import Gazetteer
from db.tables import City, Sector

SOURCE = "urbact"
MEMBERSHIPS = "urbact_memberships.csv"
NETWORKS = "urbact_networks.csv"
SCHEME_ID = "eu-urbact"


def sector_matcher(session: Session) -> dict[str, str]:
    """Normalised sector names and aliases → sector id (themes and tags in sources use these)."""
    out: dict[str, str] = {}
    for sector in session.scalars(select(Sector)):
        for label in [sector.id, sector.name, *(sector.aliases or [])]:
            out.setdefault(normalise_name(label.replace("-", " ")), sector.id)
    return out


def map_sectors(labels: list[str], matcher: dict[str, str]) -> list[str]:
    found = {matcher[n] for n in (normalise_name(x.replace("-", " ")) for x in labels) if n in matcher}
    return sorted(found)


def import_urbact(
    session: Session,
    directory: Path,
    *,
    gazetteer: Gazetteer,
    memberships: Path | None = None,
    networks: Path | None = None,
) -> ImportReport:
    mpath = memberships or directory / MEMBERSHIPS
    npath = networks or directory / NETWORKS
    members = read_rows(
        mpath, ("Code_Network", "NameCity", "Country", "City.Statut", "geonameId"), delimiter=";"
    )
    nets = read_rows(
        npath, ("Code_Network", "Name", "Main.Key.Word", "Description", "Start", "End"), delimiter=";"
    )
    report = ImportReport(source=SOURCE, files=[str(mpath), str(npath)])

    network_info: dict[str, dict[str, Any]] = {}
    for line, row in nets:
        keywords = [row["Main.Key.Word"], *row.get("Additionnal.key.words", "").split("/")]
        text = "\n\n".join(
            t.strip() for t in (row["Description"], row.get("Aims", ""), row.get("Activities", "")) if t
        )
        network_info[row["Code_Network"].strip()] = {
            "title": row["Name"].strip(),
            "description": text.replace('\\""', '"'),
            "start_year": parse_year(npath, line, "Start", row["Start"]),
            "end_year": parse_year(npath, line, "End", row["End"]),
            "keywords": [k.strip() for k in keywords if k.strip()],
        }

    registry = CityRegistry(session, report)
    by_network: dict[str, list[tuple[City, str | None]]] = defaultdict(list)
    status = Counter()
    unresolved: Counter[tuple[str, str, str]] = Counter()
    for line, row in members:
        code = row["Code_Network"].strip()
        if code not in network_info:
            # a membership of a network missing from the networks file still names a real network
            network_info[code] = {
                "title": row.get("Network", code).strip(),
                "description": row.get("Description", ""),
                "start_year": parse_year(mpath, line, "Start", row.get("Start", "")),
                "end_year": parse_year(mpath, line, "End", row.get("End", "")),
                "keywords": [],
            }
        # a few rows carry placeholders such as 'GN00' instead of an id: resolve those by name
        gid = row["geonameId"].strip()
        geo = gazetteer.get(int(gid)) if gid.isdigit() else None
        if geo is None:
            res = gazetteer.resolve(
                row["NameCity"],
                row["Country"],
                parse_float(mpath, line, "lat_GN", row.get("lat_GN", "")),
                parse_float(mpath, line, "lng_GN", row.get("lng_GN", "")),
            )
            geo = res.city if res.status == "resolved" else None
        if geo is None:
            status["unresolved"] += 1
            unresolved[(row["NameCity"].strip(), row["Country"].strip(), "unresolved")] += 1
            continue
        status["resolved"] += 1
        city = registry.from_geo(geo, source=SOURCE)
        role = "lead" if "lead" in row["City.Statut"].lower() else "member"
        if all(c is not city for c, _ in by_network[code]):
            by_network[code].append((city, role))
    session.flush()

    matcher = sector_matcher(session)
    existing = load_cooperations(session, SOURCE)
    for code, info in sorted(network_info.items()):
        upsert_cooperation(
            session,
            report,
            existing,
            key=f"urbact:{code}",
            values={
                "kind": "thematic-network",
                "title": info["title"],
                "description": info["description"],
                "start_year": info["start_year"],
                "end_year": info["end_year"],
                "funding_scheme_id": SCHEME_ID,
                "funding_scheme_ids": [SCHEME_ID],
                "source": SOURCE,
            },
            members=by_network.get(code, []),
            sectors=map_sectors(info["keywords"], matcher),
        )
    record_unresolved(session, SOURCE, unresolved, report)
    report.resolution = dict(status)
    return report
