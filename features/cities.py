"""The per-city arrays all pair features share: one declaration for the store's table and a query's side."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from db.places.countries import INCOME_GROUPS
from db.places.geometry import haversine_km
from db.places.names import normalise_name

INCOME_LEVELS = {group: float(level) for level, group in enumerate(INCOME_GROUPS)}
# Grid cells in degrees: "region" ~ 300 km, "local" ~ 100 km; cheap, deterministic
# and a new city falls into a cell without refitting anything.
REGION_CELL_DEG = 3.0
LOCAL_CELL_DEG = 1.0
REFERENCE_DATE = datetime(2024, 1, 15, 12, 0)
_ADMIN1_CODE = re.compile(r"[0-9A-Z]{1,20}")


@lru_cache(maxsize=1024)
def utc_offset_hours(timezone: str | None, when: datetime = REFERENCE_DATE) -> float:
    """UTC offset of an IANA time zone in hours at ``when`` (NaN if unknown)."""
    if not isinstance(timezone, str) or not timezone:
        return float("nan")
    try:
        off = ZoneInfo(timezone).utcoffset(when)
    except (ZoneInfoNotFoundError, ValueError):
        return float("nan")
    return off.total_seconds() / 3600.0 if off is not None else float("nan")


def grid_cell(lat: np.ndarray, lon: np.ndarray, size_deg: float) -> np.ndarray:
    """Integer id of the ``size_deg`` lat/lon grid cell of each point."""
    r = np.floor((np.asarray(lat, dtype=float) + 90.0) / size_deg).astype(np.int64)
    c = np.floor((np.asarray(lon, dtype=float) + 180.0) / size_deg).astype(np.int64)
    return r * 10_000 + c


def _codes(values: pd.Series) -> tuple[np.ndarray, dict[str, int]]:
    vocab: dict[str, int] = {}
    out = np.full(len(values), -1, dtype=np.int64)
    for k, v in enumerate(values.tolist()):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v == "":
            continue
        out[k] = vocab.setdefault(str(v), len(vocab))
    return out, vocab


def _real() -> Any:
    return field(metadata={"dtype": float})


def _code() -> Any:
    return field(metadata={"dtype": np.int64})


@dataclass
class CityFields:
    """The encoded attributes of cities: one declaration for the store's table and a query's side.

    Reals are NaN and codes -1 where unknown. A new field is added here once and computed in
    :meth:`CityTable.from_frame` (every city of the store) and :meth:`CityTable.profile_side`
    (a city not in the store).
    """

    latitude: np.ndarray = _real()
    longitude: np.ndarray = _real()
    log_population: np.ndarray = _real()
    tz_offset: np.ndarray = _real()
    income: np.ndarray = _real()
    country: np.ndarray = _code()
    continent: np.ndarray = _code()
    wb_region: np.ndarray = _code()
    region_cell: np.ndarray = _code()
    local_cell: np.ndarray = _code()
    admin_region: np.ndarray = _code()
    log_rank: np.ndarray = _real()
    log_admin_rank: np.ndarray = _real()
    name: np.ndarray = _code()
    sectors: list[frozenset[str]] = field(metadata={"dtype": object})


CITY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(CityFields))
# The cities-frame columns CityTable.from_frame reads.
TABLE_READS: tuple[str, ...] = (
    "name",
    "country",
    "admin_area",
    "latitude",
    "longitude",
    "population",
    "timezone",
    "continent",
    "wb_region",
    "income_group",
    "sectors",
)


def _take(values: np.ndarray | list, rows: np.ndarray) -> np.ndarray | list:
    return [values[k] for k in rows] if isinstance(values, list) else values[rows]


@dataclass
class QuerySide(CityFields):
    """Per-row attributes of the query city of each scored pair.

    Rows of a known city are gathered from a :class:`CityTable`; a city not
    in the store is broadcast from its profile. ``removed`` and ``cold`` say
    which training links of the query are hidden for this row, so features of
    a training example never see the example's own link.
    """

    position: np.ndarray = field(kw_only=True)
    embedding: np.ndarray | None = field(default=None, kw_only=True)
    removed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), kw_only=True)
    cold: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool), kw_only=True)

    def __len__(self) -> int:
        return len(self.position)

    @classmethod
    def positions_only(cls, position: np.ndarray, *, removed: np.ndarray | None = None) -> QuerySide:
        """Rows that know only the query's position (and hidden partner): for the link-only features."""
        n = len(position)
        blank = {
            f.name: [frozenset()] * n if f.metadata["dtype"] is object else np.zeros(n, f.metadata["dtype"])
            for f in fields(CityFields)
        }
        removed = np.full(n, -1, np.int64) if removed is None else np.asarray(removed, np.int64)
        return cls(**blank, position=np.asarray(position), removed=removed, cold=np.zeros(n, bool))


@dataclass
class CityTable(CityFields):
    """Encoded per-city arrays, built once at fit time so pair features are pure gathers."""

    country_vocab: dict[str, int] = field(kw_only=True)
    continent_vocab: dict[str, int] = field(kw_only=True)
    wb_region_vocab: dict[str, int] = field(kw_only=True)
    region_vocab: dict[int, int] = field(kw_only=True)
    local_vocab: dict[int, int] = field(kw_only=True)
    admin_vocab: dict[str, int] = field(kw_only=True)
    name_vocab: dict[str, int] = field(kw_only=True)

    @property
    def n(self) -> int:
        """Number of cities."""
        return len(self.latitude)

    @classmethod
    def from_frame(cls, cities: pd.DataFrame) -> CityTable:
        """Encode the cities frame of a :class:`models.dataset.GraphData`."""
        lat = cities["latitude"].to_numpy(dtype=float)
        lon = cities["longitude"].to_numpy(dtype=float)
        pop = cities["population"].to_numpy(dtype=float)
        country, cv = _codes(cities["country"])
        continent, ctv = _codes(cities["continent"])
        wb, wv = _codes(cities["wb_region"])
        rc_raw, lc_raw = grid_cell(lat, lon, REGION_CELL_DEG), grid_cell(lat, lon, LOCAL_CELL_DEG)
        rv = {int(c): k for k, c in enumerate(np.unique(rc_raw))}
        lv = {int(c): k for k, c in enumerate(np.unique(lc_raw))}
        # GeoNames admin1 codes ("02") mean something only within their country
        pairs = zip(cities["country"], cities["admin_area"], strict=True)
        admin, av = _codes(
            pd.Series([f"{c}.{a}" if isinstance(c, str) and _is_admin1_code(a) else None for c, a in pairs])
        )
        admin = _nearest_coded(admin, country, lat, lon)
        names = [normalise_name(v) if isinstance(v, str) else None for v in cities["name"].tolist()]
        name, nv = _codes(pd.Series(names))
        return cls(
            latitude=lat,
            longitude=lon,
            log_population=np.log10(np.where(pop > 0, pop, np.nan)),
            tz_offset=np.array([utc_offset_hours(t) for t in cities["timezone"].tolist()]),
            income=np.array([INCOME_LEVELS.get(v, np.nan) for v in cities["income_group"].tolist()]),
            country=country,
            continent=continent,
            wb_region=wb,
            region_cell=np.array([rv[int(c)] for c in rc_raw], dtype=np.int64),
            local_cell=np.array([lv[int(c)] for c in lc_raw], dtype=np.int64),
            admin_region=admin,
            log_rank=_log_rank_within(country, pop),
            log_admin_rank=_log_rank_within(admin, pop),
            name=name,
            sectors=[frozenset(s or ()) for s in cities["sectors"].tolist()],
            country_vocab=cv,
            continent_vocab=ctv,
            wb_region_vocab=wv,
            region_vocab=rv,
            local_vocab=lv,
            admin_vocab=av,
            name_vocab=nv,
        )

    def side(
        self,
        positions: np.ndarray,
        *,
        removed: np.ndarray | None = None,
        cold: np.ndarray | None = None,
        embedding: np.ndarray | None = None,
    ) -> QuerySide:
        """Query side for known cities at ``positions``."""
        p = np.asarray(positions, dtype=np.int64)
        return QuerySide(
            **{f: _take(getattr(self, f), p) for f in CITY_FIELDS},
            position=p,
            embedding=embedding,
            removed=np.full(len(p), -1, dtype=np.int64) if removed is None else np.asarray(removed),
            cold=np.zeros(len(p), dtype=bool) if cold is None else np.asarray(cold, dtype=bool),
        )

    def nearest_admin_region(self, country: int, latitude: float, longitude: float) -> int:
        """Admin region code of the store's city nearest to a point in ``country`` (-1 if none)."""
        return _nearest_admin(self.admin_region, self.country, self.latitude, self.longitude,
                              country, latitude, longitude)  # fmt: skip

    def log_rank_among(self, codes: np.ndarray, code: int, population: float) -> float:
        """log10 of the rank a city of ``population`` would take among the store's cities of ``code``."""
        if code < 0 or not np.isfinite(population):
            return float("nan")
        larger = self.log_population[codes == code] > np.log10(population)
        return float(np.log10(1 + larger.sum()))

    def profile_side(
        self,
        n: int,
        *,
        name: str = "",
        country: str | None,
        latitude: float,
        longitude: float,
        population: float | None = None,
        timezone: str | None = None,
        continent: str | None = None,
        wb_region: str | None = None,
        income_group: str | None = None,
        sectors: tuple[str, ...] = (),
        embedding: np.ndarray | None = None,
    ) -> QuerySide:
        """Query side for a city not in the store, broadcast over ``n`` candidate rows."""

        def full(v: float, dtype: type = float) -> np.ndarray:
            return np.full(n, v, dtype=dtype)

        pop = float(population) if population and population > 0 else float("nan")
        code = self.country_vocab.get(country or "", -1)
        admin = self.nearest_admin_region(code, latitude, longitude)
        rc = int(grid_cell(latitude, longitude, REGION_CELL_DEG))
        lc = int(grid_cell(latitude, longitude, LOCAL_CELL_DEG))
        return QuerySide(
            position=full(-1, np.int64),
            latitude=full(latitude),
            longitude=full(longitude),
            log_population=full(np.log10(pop)),
            tz_offset=full(utc_offset_hours(timezone)),
            income=full(INCOME_LEVELS.get(income_group or "", np.nan)),
            country=full(code, np.int64),
            continent=full(self.continent_vocab.get(continent or "", -1), np.int64),
            wb_region=full(self.wb_region_vocab.get(wb_region or "", -1), np.int64),
            region_cell=full(self.region_vocab.get(rc, -1), np.int64),
            local_cell=full(self.local_vocab.get(lc, -1), np.int64),
            admin_region=full(admin, np.int64),
            log_rank=full(self.log_rank_among(self.country, code, pop)),
            log_admin_rank=full(self.log_rank_among(self.admin_region, admin, pop)),
            name=full(self.name_vocab.get(normalise_name(name), -1) if name else -1, np.int64),
            sectors=[frozenset(sectors)] * n,
            embedding=embedding,
            removed=full(-1, np.int64),
            cold=full(True, bool),
        )


def _is_admin1_code(value) -> bool:
    """Whether an admin area is a GeoNames admin1 code ("02", "ENG", "ESYE31").

    Curated and submitted cities name their region in words ("Fukuoka Prefecture"),
    which no GeoNames city shares.
    """
    return isinstance(value, str) and _ADMIN1_CODE.fullmatch(value) is not None


def _nearest_coded(admin: np.ndarray, country: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Admin region codes where every city without one takes its nearest coded neighbour's in its country.

    A city whose region is only named in words would otherwise be a region of its own, and
    the links between its region and others would never be counted.
    """
    out = admin.copy()
    for k in np.flatnonzero((admin < 0) & (country >= 0) & np.isfinite(lat) & np.isfinite(lon)):
        out[k] = _nearest_admin(admin, country, lat, lon, country[k], lat[k], lon[k])
    return out


def _nearest_admin(admin, country, lat, lon, code: int, latitude: float, longitude: float) -> int:
    """Admin region of the city with a region nearest to a point in country ``code`` (-1 if none)."""
    idx = np.flatnonzero((country == code) & (admin >= 0)) if code >= 0 else []
    if not len(idx):
        return -1
    d = haversine_km(latitude, longitude, lat[idx], lon[idx])
    return int(admin[idx[np.argmin(np.nan_to_num(d, nan=np.inf))]])


def _log_rank_within(codes: np.ndarray, population: np.ndarray) -> np.ndarray:
    """log10 of each city's population rank among the cities of its code (0: the largest; NaN: unknown).

    A city's standing at home says more than its head count: the fifth city of Slovakia
    and the fifth of Germany twin alike, though one has a tenth of the other's people.
    """
    out = np.full(len(population), np.nan)
    ok = (codes >= 0) & np.isfinite(population) & (population > 0)
    ranks = pd.Series(population[ok]).groupby(codes[ok]).rank(ascending=False, method="min")
    out[ok] = np.log10(ranks.to_numpy())
    return out


def repeat_side(q: QuerySide, n: int) -> QuerySide:
    """The first row of ``q`` repeated ``n`` times (one query against ``n`` candidates)."""
    rows = {
        f: [v[0]] * n if isinstance(v, list) else np.repeat(np.asarray(v)[:1], n)
        for f in (*CITY_FIELDS, "position", "removed", "cold")
        for v in [getattr(q, f)]
    }
    embedding = None if q.embedding is None else np.asarray(q.embedding).reshape(-1)
    return QuerySide(**rows, embedding=embedding)
