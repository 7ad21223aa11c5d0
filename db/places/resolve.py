"""City-name entity resolution: the ladder of name variants over the GeoNames index.

Names in the public datasets are messy — "Tarnów (rural gmina)", "Springfield, Illinois",
"Koriyama-shi", "Budapest XX – Pesterzsébet", counties and districts — so
:meth:`Gazetteer.resolve` walks a ladder of name variants, lets a point (when the caller has
one) pick among namesakes or find a differently spelled place, and picks by population only
when one candidate clearly dominates.

The ladder, first answer wins:

1. the name as written, then without parenthesised / comma qualifiers;
2. the name without type words ("District", "City of", "-shi");
3. type words stripped on the GeoNames side too ("Gangnam-gu" ↔ "Gangnam");
4. the parts of "City – District" names;
5. with a point: a similarly spelled place near it, in the same country;
6. the parent place of "District (City)";
7. with a point and an area name (district, county): the nearest populated place;
8. a name match that was far from the given point (geocoded points are sometimes wrong).

The country is trusted over the point: in the twin-town data a point in the
wrong country is nearly always a geocoder picking a namesake ("Sopot, Bulgaria"
geocoded to Sopot in Poland), so candidates never leave the country and its
related territories.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from db.places.countries import CountryMatch, match_country, related_territories
from db.places.geometry import valid_point
from db.places.index import GeoCity, GeoIndex, Postings, postings
from db.places.names import (
    NameQuery,
    expand_abbreviations,
    fold_name,
    hint_parts,
    name_key,
    name_tokens,
    parse_query,
    similarity,
    strip_qualifier_tokens,
    unique,
)

__all__ = ["Gazetteer", "Resolution"]

ResolutionStatus = Literal["resolved", "ambiguous", "unresolved"]

# Tuning knobs. Distances in km; measured on the twin-town benchmark.
NEAR_KM = 40.0  # a namesake this close to the given point is the place meant
CLUSTER_KM = 15.0  # namesakes this close together are one town (a city and its sections)
ROUGH_KM = 150.0  # a namesake this close wins if the next one is ROUGH_RATIO times farther
ROUGH_RATIO = 5.0
SIMILAR_NAME_KM = 15.0  # radius for "a similarly spelled place near the point"
SIMILAR_CLOSE_KM = 5.0  # within this radius a looser spelling match is accepted
AREA_KM = 10.0  # radius for "area name → nearest populated place"
PARENT_AREA_KM = 5.0
DOMINANCE = 10.0  # population ratio at which the biggest namesake wins without a point


@dataclass(frozen=True, slots=True)
class Resolution:
    status: ResolutionStatus
    city: GeoCity | None
    candidates: tuple[GeoCity, ...]
    reason: str

    @property
    def resolved(self) -> bool:
        return self.status == "resolved"


@dataclass(slots=True)
class _Context:
    """What resolve() learned about one query, shared by the ladder's steps."""

    query: NameQuery
    countries: tuple[str, ...] | None
    related: tuple[str, ...]
    country_label: str
    lat: float | None
    lon: float | None
    admin1_hints: set[tuple[str, str]] = field(default_factory=set)
    hint_points: list[tuple[float, float]] = field(default_factory=list)
    deferred: list[Resolution] = field(default_factory=list)

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def in_scope(self, country: str) -> bool:
        return self.countries is None or country in self.countries or country in self.related


class Gazetteer(GeoIndex):
    """The GeoNames index that resolves free-text city names (built by :mod:`db.places.loading`)."""

    def resolve(
        self,
        name: str,
        country: str | None,
        latitude: float | None = None,
        longitude: float | None = None,
        admin_hint: str | None = None,
    ) -> Resolution:
        """Resolve a free-text city name (optionally with country, point and region) to one city.

        ``country`` may be any spelling :func:`db.places.countries.match_country` understands;
        ``admin_hint`` is a region name or code ("Illinois", "IL", "Scotland", "Gunma").
        """
        query = parse_query(name or "")
        if not query.exact_keys:
            return Resolution("unresolved", None, (), "empty name")
        ctx = self._context(query, country, latitude, longitude, admin_hint)
        steps: tuple[Callable[[], Resolution | None], ...] = (
            lambda: self._by_name(ctx, query.exact_keys, self._exact, "name"),
            lambda: self._by_name(ctx, query.stripped_keys, self._exact, "name without type words"),
            lambda: self._by_name(
                ctx, query.exact_keys + query.stripped_keys, self._stripped, "name less GeoNames type words"
            ),
            lambda: self._by_name(ctx, query.part_keys, self._exact, "part of the name"),
            lambda: self._by_similar_name_nearby(ctx),
            lambda: self._by_parent(ctx),
            lambda: self._by_area_point(ctx),
            lambda: ctx.deferred[0] if ctx.deferred else None,
        )
        for step in steps:
            result = step()
            if result is not None:
                return result
        return Resolution("unresolved", None, (), f"no GeoNames place named {name!r} in {ctx.country_label}")

    def _context(
        self,
        query: NameQuery,
        country: str | None,
        latitude: float | None,
        longitude: float | None,
        admin_hint: str | None,
    ) -> _Context:
        match = match_country(country) if country else None
        hints = list(query.hints)
        if match is None:
            # "Varna, Bulgaria" with an empty country column: the comma part is the country.
            for hint in query.hints:
                match = match_country(hint)
                if match is not None:
                    hints.remove(hint)
                    break
        point_ok = valid_point(latitude, longitude)
        ctx = _Context(
            query=query,
            countries=(match.iso2,) if match is not None else None,
            related=related_territories(match.iso2) if match is not None else (),
            country_label=match.iso2 if match is not None else "any country",
            lat=latitude if point_ok else None,
            lon=longitude if point_ok else None,
        )
        if admin_hint:
            hints.insert(0, admin_hint)
        self._add_hints(ctx, match, hints)
        return ctx

    def _add_hints(self, ctx: _Context, match: CountryMatch | None, hints: list[str]) -> None:
        if match is not None and match.admin1:
            ctx.admin1_hints.add((match.iso2, match.admin1))
        elif match is not None and match.region:
            hints.append(match.region)
        for hint in hint_parts(hints):
            state = self._us_states.get(fold_name(hint))
            if state and (ctx.countries is None or "US" in ctx.countries):
                ctx.admin1_hints.add(("US", state))
                continue
            # Otherwise the hint may itself be a place ("Kusatsu, Gunma", "Shibuya (Tokyo)"):
            # its admin1 and position narrow the candidates.
            for idx in postings(self._exact, name_key(hint)):
                city = self._cities[idx]
                if ctx.countries is None or city.country in ctx.countries:
                    if city.admin1:
                        ctx.admin1_hints.add((city.country, city.admin1))
                    ctx.hint_points.append((city.latitude, city.longitude))

    def _candidates(self, keys: Sequence[str], index: Postings, ctx: _Context) -> list[int]:
        """Indices matching any key inside the country, else inside its related territories."""
        scopes: list[tuple[str, ...] | None] = [ctx.countries]
        if ctx.related:
            scopes.append(ctx.related)
        for scope in scopes:
            found = list(
                dict.fromkeys(
                    i
                    for key in keys
                    for i in postings(index, key)
                    if scope is None or self._cities[i].country in scope
                )
            )
            if found:
                main = [i for i in found if i < self._secondary_from]
                return main or found
        return []

    def _by_name(self, ctx: _Context, keys: Sequence[str], index: Postings, how: str) -> Resolution | None:
        if not keys:
            return None
        found = self._candidates(keys, index, ctx)
        if not found:
            return None
        pool = self._apply_admin_hints(found, ctx)
        if not ctx.has_point:
            if ctx.hint_points:
                near = self._nearest_to_hints(pool, ctx.hint_points)
                if near is not None:
                    return self._resolved(near, pool, f"{how} match nearest the named parent place")
            return self._by_population(pool, keys, how, "")
        by_point = self._by_point(pool, ctx, how)
        if by_point is not None:
            return by_point
        # Every namesake is far from the point. Geocoded points are sometimes
        # wrong, so keep the name-only answer for later — unless the name had
        # its type word stripped: "Cobb County" is not the town of Cobb elsewhere.
        if not (ctx.query.is_area and how != "name"):
            ctx.deferred.append(self._by_population(pool, keys, how, "; the given point is far from it"))
        return None

    def _by_point(self, pool: list[int], ctx: _Context, how: str) -> Resolution | None:
        lat, lon = ctx.lat, ctx.lon
        if lat is None or lon is None:
            return None
        dists = sorted(zip(self._distances(lat, lon, pool), pool, strict=True))
        best_d = dists[0][0]
        if best_d <= NEAR_KM:
            # A city and its sections share names; among close namesakes take the biggest.
            close = [(d, i) for d, i in dists if d <= min(best_d + CLUSTER_KM, NEAR_KM)]
            d, idx = max(close, key=lambda di: (self._cities[di[1]].population, -di[0]))
            return self._resolved(idx, pool, f"{how} match nearest the given point ({d:.1f} km)")
        if best_d <= ROUGH_KM and (len(dists) == 1 or dists[1][0] >= ROUGH_RATIO * best_d):
            # Prefecture-level places are often geocoded at their area's centroid.
            return self._resolved(
                dists[0][1], pool, f"{how} match clearly nearest the given point ({best_d:.0f} km)"
            )
        return None

    def _apply_admin_hints(self, found: list[int], ctx: _Context) -> list[int]:
        if not ctx.admin1_hints:
            return found
        narrowed = [i for i in found if (self._cities[i].country, self._cities[i].admin1) in ctx.admin1_hints]
        return narrowed or found

    def _nearest_to_hints(self, pool: list[int], points: list[tuple[float, float]]) -> int | None:
        nearest = [min(ds) for ds in zip(*(self._distances(la, lo, pool) for la, lo in points), strict=True)]
        scored = sorted(zip(nearest, pool, strict=True))
        if scored[0][0] <= NEAR_KM and (len(scored) == 1 or scored[1][0] > NEAR_KM):
            return scored[0][1]
        return None

    def _by_population(self, pool: list[int], keys: Sequence[str], how: str, note: str) -> Resolution:
        # Primary-name matches outrank alternate-name matches ("Essen" the city, not a
        # village whose alternate name is Essen).
        primary = [i for i in pool if self._primary[i] in keys]
        ranked = sorted(primary or pool, key=lambda i: -self._cities[i].population)
        top = self._cities[ranked[0]]
        if len(ranked) == 1:
            return self._resolved(ranked[0], pool, f"unique {how} match{note}")
        runner_up = self._cities[ranked[1]]
        if top.population >= DOMINANCE * max(runner_up.population, 100):
            return self._resolved(
                ranked[0], pool, f"most populous {how} match (≥{DOMINANCE:g}× the next){note}"
            )
        if all(self._distance(ranked[0], i) <= CLUSTER_KM for i in ranked[1:]):
            return self._resolved(ranked[0], pool, f"{how} matches within {CLUSTER_KM:g} km: one place{note}")
        cands = tuple(self._cities[i] for i in ranked)
        return Resolution("ambiguous", None, cands, f"{len(cands)} places share the {how}{note}")

    def _resolved(self, idx: int, pool: Iterable[int], reason: str) -> Resolution:
        others = sorted((i for i in pool if i != idx), key=lambda i: -self._cities[i].population)
        return Resolution(
            "resolved", self._cities[idx], (self._cities[idx], *(self._cities[i] for i in others)), reason
        )

    def _by_similar_name_nearby(self, ctx: _Context) -> Resolution | None:
        """A place near the point, in the country, whose name is a near-spelling of the query."""
        if ctx.lat is None or ctx.lon is None:
            return None
        q = ctx.query
        targets = [k for k in q.exact_keys + q.stripped_keys + q.part_keys if len(k) >= 3]
        best: tuple[float, float, int] | None = None
        for dist, idx in self._within(ctx.lat, ctx.lon, SIMILAR_NAME_KM, True):
            if not ctx.in_scope(self._cities[idx].country):
                continue
            close = dist <= SIMILAR_CLOSE_KM
            needed = 0.8 if close else 0.88
            score = max(
                (similarity(t, k, needed, close) for t in targets for k in self._keys_of(idx)), default=0.0
            )
            if score >= needed and (best is None or (score, -dist) > (best[0], -best[1])):
                best = (score, dist, idx)
        if best is None:
            return None
        score, dist, idx = best
        return self._resolved(idx, [idx], f"similar name ({score:.2f}) {dist:.1f} km from the given point")

    def _by_parent(self, ctx: _Context) -> Resolution | None:
        """ "Yasamal (Baku)": a district GeoNames lacks stands for its parent city."""
        for parent in ctx.query.parent_names:
            tokens = expand_abbreviations(name_tokens(parent))
            keys = [k for k in unique(["".join(tokens), "".join(strip_qualifier_tokens(tokens))]) if k]
            result = self._by_name(ctx, keys, self._exact, f"parent place {parent!r}")
            if result is not None:
                return result
        return None

    def _by_area_point(self, ctx: _Context) -> Resolution | None:
        """A district or county with a point: the nearest populated place stands for it."""
        if ctx.lat is None or ctx.lon is None:
            return None
        radius = AREA_KM if ctx.query.is_area else PARENT_AREA_KM if ctx.query.parent_names else 0.0
        for dist, idx in self._within(ctx.lat, ctx.lon, radius, False):
            if ctx.in_scope(self._cities[idx].country):
                return self._resolved(idx, [idx], f"area name; nearest populated place ({dist:.1f} km)")
        return None
