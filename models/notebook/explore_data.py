"""Tables of notebook 01 (explore the data): the store's cities, links, cooperations and catalogue.

Three readers turn store rows into frames (:func:`cooperation_frame`, :func:`scheme_frame`,
:func:`sector_frame`); everything else is a pure function of a :class:`~models.dataset.GraphData`
or of those frames, returning a :class:`pandas.DataFrame` that :mod:`models.plots` draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from db.repositories.catalogue import list_funding_schemes, list_sectors
from db.repositories.snapshots import cooperation_outcome_rows, cooperation_rows
from models.dataset import GraphData

SIZE_BINS: tuple[float, ...] = (0, 10_000, 50_000, 100_000, 500_000, 1_000_000, np.inf)
SIZE_LABELS: tuple[str, ...] = ("<10k", "10k-50k", "50k-100k", "100k-500k", "500k-1M", ">1M")
COOPERATION_COLUMNS: tuple[str, ...] = (
    "id", "kind", "source", "title", "start_year", "success", "members", "n_members", "sectors",
    "funding_scheme_ids", "outcome_summary", "outcome_indicators",
)  # fmt: skip


# --------------------------------------------------------------------------- store readers


def cooperation_frame(session: Session) -> pd.DataFrame:
    """Every cooperation with members, sectors, funding schemes and outcomes.

    Parameters
    ----------
    session : sqlalchemy.orm.Session

    Returns
    -------
    pandas.DataFrame
        Columns ``id, kind, source, title, start_year, success, members, n_members,
        sectors, funding_scheme_ids, outcome_summary, outcome_indicators``.
    """
    rows = pd.DataFrame(cooperation_rows(session))
    extra = pd.DataFrame(
        cooperation_outcome_rows(session),
        columns=["id", "funding_scheme_ids", "outcome_summary", "outcome_indicators"],
    )
    if rows.empty:
        return pd.DataFrame(columns=list(COOPERATION_COLUMNS))
    out = rows.merge(extra, on="id", how="left")
    out["n_members"] = out["members"].map(len)
    for col in ("funding_scheme_ids", "outcome_indicators"):
        out[col] = out[col].map(lambda v: list(v) if isinstance(v, list) else [])
    return out[list(COOPERATION_COLUMNS)]


def scheme_frame(session: Session) -> pd.DataFrame:
    """Funding schemes of the catalogue: ``id, name, operator, kind, sectors, source``."""
    rows = [
        {"id": s.id, "name": s.name, "operator": s.operator, "kind": s.kind,
         "sectors": tuple(s.sectors or ()), "source": s.source}
        for s in list_funding_schemes(session)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["id", "name", "operator", "kind", "sectors", "source"])


def sector_frame(session: Session) -> pd.DataFrame:
    """Sector taxonomy: ``id, name, parent_id``."""
    rows = [{"id": s.id, "name": s.name, "parent_id": s.parent_id} for s in list_sectors(session)]
    return pd.DataFrame(rows, columns=["id", "name", "parent_id"])


# --------------------------------------------------------------------------- cities and graph


def cities_by_country(cities: pd.DataFrame, *, top: int | None = 20) -> pd.DataFrame:
    """Cities per country, most first.

    Parameters
    ----------
    cities : pandas.DataFrame
        Needs ``country`` and ``population`` (NaN when unknown).
    top : int or None
        Keep this many countries (all when None).

    Returns
    -------
    pandas.DataFrame
        ``country, cities, with_population, median_population``.
    """
    g = cities.groupby("country", dropna=False)
    out = pd.DataFrame(
        {
            "cities": g.size(),
            "with_population": g["population"].count(),
            "median_population": g["population"].median(),
        }
    ).reset_index()
    out = out.sort_values(["cities", "country"], ascending=[False, True], kind="stable")
    return out.head(top).reset_index(drop=True) if top else out.reset_index(drop=True)


def size_classes(cities: pd.DataFrame) -> pd.DataFrame:
    """Cities per population class (``unknown`` when the population is missing).

    Returns
    -------
    pandas.DataFrame
        ``size_class, cities`` in class order, ``unknown`` last.
    """
    pop = pd.to_numeric(cities["population"], errors="coerce")
    cls = pd.cut(pop, bins=list(SIZE_BINS), labels=list(SIZE_LABELS), right=False)
    counts = cls.value_counts().reindex(list(SIZE_LABELS), fill_value=0)
    out = pd.DataFrame({"size_class": list(SIZE_LABELS), "cities": counts.to_numpy()})
    unknown = int(pop.isna().sum())
    out = pd.concat([out, pd.DataFrame({"size_class": ["unknown"], "cities": [unknown]})], ignore_index=True)
    return out.astype({"cities": "int64"})


def degree_distribution(graph: GraphData) -> pd.DataFrame:
    """How many cities have each number of links.

    Returns
    -------
    pandas.DataFrame
        ``degree, cities, share`` for every degree that occurs, ascending.
    """
    deg = graph.degrees()
    values, counts = np.unique(deg, return_counts=True)
    total = max(len(deg), 1)
    return pd.DataFrame({"degree": values.astype(np.int64), "cities": counts.astype(np.int64),
                         "share": counts / total})  # fmt: skip


def link_countries(graph: GraphData) -> pd.DataFrame:
    """One row per link with both ends' countries (sorted so the pair is unordered)."""
    country = graph.cities["country"].to_numpy()
    a, b = country[graph.links[:, 0]], country[graph.links[:, 1]]
    first = np.where(a <= b, a, b)
    second = np.where(a <= b, b, a)
    return pd.DataFrame({"country_a": first, "country_b": second})


def partner_countries(graph: GraphData, *, top: int | None = 20) -> pd.DataFrame:
    """Countries by the number of links their cities take part in.

    Returns
    -------
    pandas.DataFrame
        ``country, links, linked_cities, partner_countries, domestic_share``;
        ``partner_countries`` counts distinct countries at the other end (own country included).
    """
    country = graph.cities["country"].to_numpy()
    if not len(graph.links):
        return pd.DataFrame(
            columns=["country", "links", "linked_cities", "partner_countries", "domestic_share"]
        )
    ends = pd.DataFrame(
        {
            "country": np.r_[country[graph.links[:, 0]], country[graph.links[:, 1]]],
            "other": np.r_[country[graph.links[:, 1]], country[graph.links[:, 0]]],
            "city": np.r_[graph.links[:, 0], graph.links[:, 1]],
        }
    )
    ends["domestic"] = ends["country"] == ends["other"]
    g = ends.groupby("country")
    out = pd.DataFrame(
        {
            "links": g.size(),
            "linked_cities": g["city"].nunique(),
            "partner_countries": g["other"].nunique(),
            "domestic_share": g["domestic"].mean(),
        }
    ).reset_index()
    out = out.sort_values(["links", "country"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return out.head(top) if top else out


def country_pairs(graph: GraphData, *, top: int | None = 20, domestic: bool = True) -> pd.DataFrame:
    """Most frequent country pairs among the links.

    Parameters
    ----------
    graph : GraphData
    top : int or None
    domestic : bool
        Keep pairs within one country.

    Returns
    -------
    pandas.DataFrame
        ``country_a, country_b, links, share`` (share of all links).
    """
    pairs = link_countries(graph)
    total = max(len(pairs), 1)
    if not domestic:
        pairs = pairs[pairs["country_a"] != pairs["country_b"]]
    out = pairs.groupby(["country_a", "country_b"]).size().rename("links").reset_index()
    out["share"] = out["links"] / total
    out = out.sort_values(["links", "country_a", "country_b"], ascending=[False, True, True], kind="stable")
    out = out.reset_index(drop=True)
    return out.head(top) if top else out


def link_segments(graph: GraphData, *, max_links: int | None = None, seed: int = 0) -> pd.DataFrame:
    """Line segments of the links for a lon/lat map (links with a missing coordinate are dropped).

    Parameters
    ----------
    graph : GraphData
    max_links : int or None
        Draw at most this many links (a seeded random sample) to keep plots light.
    seed : int

    Returns
    -------
    pandas.DataFrame
        ``name_a, country_a, lon_a, lat_a, name_b, country_b, lon_b, lat_b, domestic``.
    """
    c = graph.cities
    a, b = graph.links[:, 0], graph.links[:, 1]
    out = pd.DataFrame(
        {
            "name_a": c["name"].to_numpy()[a], "country_a": c["country"].to_numpy()[a],
            "lon_a": c["longitude"].to_numpy(dtype=float)[a], "lat_a": c["latitude"].to_numpy(dtype=float)[a],
            "name_b": c["name"].to_numpy()[b], "country_b": c["country"].to_numpy()[b],
            "lon_b": c["longitude"].to_numpy(dtype=float)[b], "lat_b": c["latitude"].to_numpy(dtype=float)[b],
        }
    )  # fmt: skip
    out["domestic"] = out["country_a"] == out["country_b"]
    out = out.dropna(subset=["lon_a", "lat_a", "lon_b", "lat_b"]).reset_index(drop=True)
    if max_links is not None and len(out) > max_links:
        out = out.sample(n=max_links, random_state=seed).reset_index(drop=True)
    return out


def top_cities_by_degree(graph: GraphData, *, top: int = 15) -> pd.DataFrame:
    """The most connected cities: ``name, country, degree, latitude, longitude``."""
    out = graph.cities[["name", "country", "latitude", "longitude"]].copy()
    out["degree"] = graph.degrees()
    out = out.sort_values(["degree", "name"], ascending=[False, True], kind="stable").head(top)
    return out[["name", "country", "degree", "latitude", "longitude"]].reset_index(drop=True)


# --------------------------------------------------------------------------- cooperations, sectors, schemes


def cooperations_by_kind(coops: pd.DataFrame) -> pd.DataFrame:
    """Cooperations per kind and source: ``kind, source, cooperations, median_members``."""
    g = coops.groupby(["kind", "source"])
    out = pd.DataFrame({"cooperations": g.size(), "median_members": g["n_members"].median()}).reset_index()
    return out.sort_values("cooperations", ascending=False, kind="stable").reset_index(drop=True)


def _explode(frame: pd.DataFrame, column: str, name: str) -> pd.DataFrame:
    out = frame[["id", column]].explode(column).dropna(subset=[column])
    return out.rename(columns={column: name})


def _use_counts(coops: pd.DataFrame, column: str, table: pd.DataFrame, key: str, *extra: str) -> pd.DataFrame:
    """Cooperations naming each row of ``table`` in their list ``column`` (zero when unused), most
    first: ``key`` (the row's id), the ``extra`` columns, ``cooperations``."""
    used = _explode(coops, column, key).groupby(key)["id"].nunique()
    out = table.rename(columns={"id": key})[[key, *extra]].copy()
    out["cooperations"] = out[key].map(used).fillna(0).astype("int64")
    return out.sort_values(["cooperations", key], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def sector_counts(coops: pd.DataFrame, sectors: pd.DataFrame) -> pd.DataFrame:
    """Cooperations per sector of the taxonomy, zero when unused: ``sector, name, parent_id,
    cooperations``, most first."""
    return _use_counts(coops, "sectors", sectors, "sector", "name", "parent_id")


def scheme_counts(coops: pd.DataFrame, schemes: pd.DataFrame) -> pd.DataFrame:
    """Cooperations that name each funding scheme, zero when unused: ``scheme, name, kind,
    cooperations``, most first."""
    return _use_counts(coops, "funding_scheme_ids", schemes, "scheme", "name", "kind")


def scheme_sector_matrix(schemes: pd.DataFrame, *, coops: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which schemes fund which sectors: a scheme x sector table.

    Parameters
    ----------
    schemes : pandas.DataFrame
        ``id`` and ``sectors`` (the catalogue's list of sectors a scheme funds).
    coops : pandas.DataFrame, optional
        When given, cells count the cooperations funded by the scheme in the sector
        (what was actually funded) instead of the catalogue's 0/1.

    Returns
    -------
    pandas.DataFrame
        Index ``scheme``, one column per sector (sorted), integer cells; schemes and
        sectors with no entry are left out.
    """
    if coops is None:
        long = schemes[["id", "sectors"]].explode("sectors").dropna(subset=["sectors"])
        long = long.rename(columns={"id": "scheme", "sectors": "sector"}).assign(n=1)
    else:
        long = coops[["id", "funding_scheme_ids", "sectors"]].explode("funding_scheme_ids").explode("sectors")
        long = long.dropna(subset=["funding_scheme_ids", "sectors"])
        long = long.rename(columns={"funding_scheme_ids": "scheme", "sectors": "sector"})
        long = long.drop_duplicates(["id", "scheme", "sector"]).assign(n=1)
    if long.empty:
        return pd.DataFrame(index=pd.Index([], name="scheme"))
    table = long.pivot_table(index="scheme", columns="sector", values="n", aggfunc="sum", fill_value=0)
    table.columns.name = "sector"
    return table.sort_index().sort_index(axis=1).astype("int64")


def case_outcomes(coops: pd.DataFrame) -> pd.DataFrame:
    """Success labels of the curated cases (cooperations that carry a label) by kind.

    Returns
    -------
    pandas.DataFrame
        Index ``kind``, columns the labels (``high, medium, low, unknown`` when present)
        plus ``total``.
    """
    labelled = coops[coops["success"].notna()]
    if labelled.empty:
        return pd.DataFrame(columns=["total"], index=pd.Index([], name="kind"))
    table = pd.crosstab(labelled["kind"], labelled["success"])
    order = [c for c in ("high", "medium", "low", "unknown") if c in table.columns]
    table = table[order + [c for c in table.columns if c not in order]]
    table["total"] = table.sum(axis=1)
    table.columns.name = None
    return table


def outcome_indicators(coops: pd.DataFrame) -> pd.DataFrame:
    """Outcome indicators of the cases, one row each.

    Returns
    -------
    pandas.DataFrame
        ``cooperation_id, title, success, metric, value, unit, year``.
    """
    rows = []
    for r in coops.itertuples(index=False):
        for ind in r.outcome_indicators or []:
            rows.append(
                {"cooperation_id": r.id, "title": r.title, "success": r.success, "metric": ind.get("metric"),
                 "value": ind.get("value"), "unit": ind.get("unit"), "year": ind.get("year")}
            )  # fmt: skip
    cols = ["cooperation_id", "title", "success", "metric", "value", "unit", "year"]
    return pd.DataFrame(rows, columns=cols)
