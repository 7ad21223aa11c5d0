"""A city given by name (and country, perhaps coordinates) found among the store's cities.

The same keys the importers match on: the name folded without its qualifiers
(``normalise_name``: "Frankfurt (Oder)" -> "frankfurt"), then the alternate names. Among
several cities with that key, the one whose full name matches the qualifier wins ("Frankfurt
(Oder)" over "Frankfurt am Main"), else the nearest to the coordinates given, within the
distance at which a new city is taken for an existing one. A name that matches nothing, or
whose namesakes are all far from the coordinates given, is a new city.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import InvalidInput
from db.places.geometry import haversine_km
from db.places.names import fold_name, normalise_name
from db.tables import City, CityAlias

# a new city this close to a namesake in the same country is taken for the same place
DUPLICATE_CITY_KM = 25.0

Match = Literal["id", "name", "alias", "coordinates", "new"]
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class CityMatch:
    city: City | None  # None: a new city
    match: Match


def match_city(
    session: Session,
    *,
    name: str,
    country: str,
    latitude: float | None = None,
    longitude: float | None = None,
    field: str = "city",
) -> CityMatch:
    """The store city meant by ``name`` in ``country``, or a new city.

    Raises :class:`InvalidInput` with the ``candidates`` when several cities fit equally.
    """
    key = normalise_name(name) or name.casefold()
    found = list(session.scalars(select(City).where(City.country == country, City.search_name == key)))
    how: Match = "name"
    if not found:
        aliases = select(CityAlias.city_id).where(CityAlias.search_name == key)
        found = list(session.scalars(select(City).where(City.country == country, City.id.in_(aliases))))
        how = "alias"
    if not found:
        return CityMatch(None, "new")
    has_point = latitude is not None and longitude is not None
    if has_point:
        near = sorted(
            (float(haversine_km(latitude, longitude, c.latitude, c.longitude)), c.id, c)  # type: ignore[arg-type]
            for c in found
            if c.latitude is not None and c.longitude is not None
        )
        near = [n for n in near if n[0] <= DUPLICATE_CITY_KM]
        if not near:
            return CityMatch(None, "new")  # a namesake elsewhere: this place is not in the store
        return CityMatch(near[0][2], how if len(found) == 1 else "coordinates")
    if len(found) == 1:
        return CityMatch(found[0], how)
    # "Frankfurt (Oder)": the qualifier given is part of one candidate's full name
    exact = [c for c in found if fold_name(c.name) == fold_name(name)]
    if len(exact) == 1:
        return CityMatch(exact[0], how)
    ranked = sorted(found, key=lambda c: (-(c.population or 0), c.id))[:MAX_CANDIDATES]
    listed = "; ".join(f"{c.id} {c.name}{f' ({c.admin_area})' if c.admin_area else ''}" for c in ranked)
    raise InvalidInput(
        f"{len(found)} cities in {country} are called {name!r}: {listed}; give city_id, or the city's "
        "latitude and longitude, or its name with a qualifier",
        field=field,
        candidates=[
            {
                "id": c.id,
                "name": c.name,
                "country": c.country,
                "admin_area": c.admin_area,
                "population": c.population,
                "latitude": c.latitude,
                "longitude": c.longitude,
            }
            for c in ranked
        ],  # fmt: skip
    )
