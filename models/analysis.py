"""Data summaries and evaluation breakdowns for the analyst notebooks.

Almost everything here is a pure function of in-memory inputs (a
:class:`~models.dataset.GraphData`, plain DataFrames, an evaluation report)
returning a :class:`pandas.DataFrame`. Three small readers turn store rows
into frames (:func:`cooperation_frame`, :func:`scheme_frame`,
:func:`sector_frame`); :func:`per_query_ranks` turns the per-query ranks of an
evaluation report into a frame for breakdowns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from db.repositories import model_versions
from db.repositories.catalogue import list_funding_schemes, list_sectors
from db.repositories.cities import search_cities
from db.repositories.snapshots import cooperation_outcome_rows, cooperation_rows
from db.tables import ModelVersion
from features.pairs import ALL_COLUMNS, COLD_COLUMNS
from models.dataset import GraphData

SETTINGS: tuple[str, ...] = ("leave_one_out", "cold_start", "themed")
REPORT_METRICS: tuple[str, ...] = ("HR@10", "HR@20", "HR@50", "Recall@20", "NDCG@10", "MRR", "coverage@10")
SIZE_BINS: tuple[float, ...] = (0, 10_000, 50_000, 100_000, 500_000, 1_000_000, np.inf)
SIZE_LABELS: tuple[str, ...] = ("<10k", "10k-50k", "50k-100k", "100k-500k", "500k-1M", ">1M")
DEGREE_BINS: tuple[float, ...] = (-0.5, 0.5, 1.5, 2.5, 4.5, 9.5, np.inf)
DEGREE_LABELS: tuple[str, ...] = ("0", "1", "2", "3-4", "5-9", "10+")


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
        return pd.DataFrame(
            columns=["id", "kind", "source", "title", "start_year", "success", "members", "n_members",
                     "sectors", "funding_scheme_ids", "outcome_summary", "outcome_indicators"]
        )  # fmt: skip
    out = rows.merge(extra, on="id", how="left")
    out["n_members"] = out["members"].map(len)
    for col in ("funding_scheme_ids", "outcome_indicators"):
        out[col] = out[col].map(lambda v: list(v) if isinstance(v, list) else [])
    cols = ["id", "kind", "source", "title", "start_year", "success", "members", "n_members", "sectors",
            "funding_scheme_ids", "outcome_summary", "outcome_indicators"]  # fmt: skip
    return out[cols]


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


def sector_counts(coops: pd.DataFrame, sectors: pd.DataFrame) -> pd.DataFrame:
    """Cooperations per sector (every sector of the taxonomy, zero when unused).

    Returns
    -------
    pandas.DataFrame
        ``sector, name, parent_id, cooperations``, most first.
    """
    used = _explode(coops, "sectors", "sector").groupby("sector")["id"].nunique()
    out = sectors.rename(columns={"id": "sector"})[["sector", "name", "parent_id"]].copy()
    out["cooperations"] = out["sector"].map(used).fillna(0).astype("int64")
    return out.sort_values(["cooperations", "sector"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def scheme_counts(coops: pd.DataFrame, schemes: pd.DataFrame) -> pd.DataFrame:
    """Cooperations that name each funding scheme (every scheme, zero when unused).

    Returns
    -------
    pandas.DataFrame
        ``scheme, name, kind, cooperations``, most first.
    """
    used = _explode(coops, "funding_scheme_ids", "scheme").groupby("scheme")["id"].nunique()
    out = schemes.rename(columns={"id": "scheme"})[["scheme", "name", "kind"]].copy()
    out["cooperations"] = out["scheme"].map(used).fillna(0).astype("int64")
    return out.sort_values(["cooperations", "scheme"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


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


# --------------------------------------------------------------------------- evaluation reports


def metrics_table(
    report: dict[str, Any], *, metrics: Sequence[str] = REPORT_METRICS, ci: bool = False
) -> pd.DataFrame:
    """A report of :func:`models.evaluate.run_evaluation` as one table.

    Parameters
    ----------
    report : dict
    metrics : sequence of str
    ci : bool
        Add ``<metric> lo`` / ``<metric> hi`` columns with the 95% bootstrap interval.

    Returns
    -------
    pandas.DataFrame
        Index ``(setting, model)``, one column per metric, plus ``n_queries``.
    """
    rows = []
    for setting, res in report.get("settings", {}).items():
        for model, values in res["models"].items():
            row: dict[str, Any] = {"setting": setting, "model": model, "n_queries": res["n_queries"]}
            for m in metrics:
                v = values.get(m)
                row[m] = v["value"] if v else np.nan
                if ci:
                    lo, hi = (v or {}).get("ci95") or (np.nan, np.nan)
                    row[f"{m} lo"], row[f"{m} hi"] = lo, hi
            rows.append(row)
    if not rows:
        return pd.DataFrame(columns=["n_queries", *metrics])
    return pd.DataFrame(rows).set_index(["setting", "model"])


def ranker_vs_baseline(report: dict[str, Any]) -> pd.DataFrame:
    """Ranker minus the best baseline per setting and metric, with the paired 95% interval."""
    rows = []
    for setting, res in report.get("settings", {}).items():
        for metric, d in res.get("ranker_minus_best_baseline", {}).items():
            rows.append({"setting": setting, "metric": metric, "best_baseline": d["vs"], "diff": d["diff"],
                         "lo": d["ci95"][0], "hi": d["ci95"][1]})  # fmt: skip
    return pd.DataFrame(rows, columns=["setting", "metric", "best_baseline", "diff", "lo", "hi"])


def versions_frame(rows: Iterable[ModelVersion]) -> pd.DataFrame:
    """Registered model versions side by side: status, training facts, headline metrics, params.

    Parameters
    ----------
    rows : iterable of db.tables.ModelVersion
        E.g. :func:`db.repositories.model_versions.list_versions`.

    Returns
    -------
    pandas.DataFrame
        Index ``version``; columns ``status, created_at, promoted_at``, ``train.*``,
        the ``summary`` metrics (``leave_one_out.HR@10`` ...) and ``param.*``.
    """
    out = []
    for r in rows:
        metrics = r.metrics or {}
        row: dict[str, Any] = {"version": r.version, "status": r.status, "created_at": r.created_at,
                               "promoted_at": r.promoted_at}  # fmt: skip
        for k, v in (metrics.get("train") or {}).items():
            row[f"train.{k}"] = v
        for k, v in (metrics.get("summary") or {}).items():
            row[k] = v
        for k, v in sorted((r.params or {}).items()):
            row[f"param.{k}"] = v if isinstance(v, int | float | str | bool) or v is None else str(v)
        out.append(row)
    if not out:
        return pd.DataFrame(
            columns=["status", "created_at", "promoted_at"], index=pd.Index([], name="version")
        )
    return pd.DataFrame(out).set_index("version")


def best_version(versions: pd.DataFrame, *, metric: str = "leave_one_out.HR@10") -> str | None:
    """The version with the highest ``metric`` (None when no version has it)."""
    if metric not in versions.columns:
        return None
    values = pd.to_numeric(versions[metric], errors="coerce").dropna()
    return None if values.empty else str(values.idxmax())


def evaluation_metrics(report: dict[str, Any]) -> dict[str, Any]:
    """The ``metrics`` entries of a version evaluated with ``report``.

    Same keys as ``models.train.train_and_register(evaluate=True)`` stores.

    Returns
    -------
    dict
        ``{"evaluation": report, "summary": models.train.summarise(report)}``.
    """
    from models.evaluate import without_queries
    from models.train import summarise

    return {"evaluation": without_queries(report), "summary": summarise(report)}


def attach_evaluation(session: Session, version: str, report: dict[str, Any]) -> ModelVersion:
    """Store ``report`` on a registered version so the model list shows its metrics.

    Raises
    ------
    LookupError
        If the version does not exist.
    """
    row = model_versions.get_version(session, version=version)
    if row is None:
        raise LookupError(f"model version {version!r} does not exist")
    row.metrics = {**(row.metrics or {}), **evaluation_metrics(report)}
    session.flush()
    return row


def feature_importances(ranker: Any) -> pd.DataFrame:
    """Split-count importances of the ranker's LightGBM models.

    Parameters
    ----------
    ranker : models.ranker.PartnerRanker
        Fitted; the cold-start model sees only :data:`features.pairs.COLD_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        ``model, feature, importance, share`` (share within each model), largest first per model.
    """
    parts = []
    for model, attr, cols in (
        ("warm", "warm_model_", ALL_COLUMNS),
        ("cold", "cold_model_", COLD_COLUMNS),
        ("themed", "theme_model_", ALL_COLUMNS),
    ):
        est = getattr(ranker, attr, None)
        if est is None:
            continue
        imp = np.asarray(est.feature_importances_, dtype=float)
        if len(imp) != len(cols):
            raise ValueError(f"{attr} has {len(imp)} features but {len(cols)} column names are known")
        total = imp.sum()
        part = pd.DataFrame({"model": model, "feature": list(cols), "importance": imp,
                             "share": imp / total if total else 0.0})  # fmt: skip
        parts.append(part.sort_values("importance", ascending=False, kind="stable"))
    if not parts:
        return pd.DataFrame(columns=["model", "feature", "importance", "share"])
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- per-query ranks


def hit_rate_curve(ranks: pd.DataFrame, *, ks: Iterable[int] = range(1, 101)) -> pd.DataFrame:
    """HR@k for every k, per setting and model.

    Parameters
    ----------
    ranks : pandas.DataFrame
        One row per (setting, model, query) with ``first_rank`` (1-based rank of the
        best-ranked true partner; ``inf`` when none is ranked), e.g. :func:`per_query_ranks`.
    ks : iterable of int

    Returns
    -------
    pandas.DataFrame
        ``setting, model, k, hit_rate``.
    """
    ks = np.asarray(list(ks), dtype=float)
    rows = []
    for (setting, model), g in ranks.groupby(["setting", "model"], sort=False):
        first = g["first_rank"].to_numpy(dtype=float)
        hr = (first[None, :] <= ks[:, None]).mean(axis=1) if len(first) else np.zeros(len(ks))
        rows.append(pd.DataFrame({"setting": setting, "model": model, "k": ks.astype(int), "hit_rate": hr}))
    if not rows:
        return pd.DataFrame(columns=["setting", "model", "k", "hit_rate"])
    return pd.concat(rows, ignore_index=True)


def degree_class(degree: Iterable[int] | pd.Series) -> pd.Categorical:
    """Degree classes ``0, 1, 2, 3-4, 5-9, 10+`` (ordered categorical)."""
    return pd.cut(
        pd.Series(list(degree), dtype=float), bins=list(DEGREE_BINS), labels=list(DEGREE_LABELS)
    ).array


def hit_breakdown(
    ranks: pd.DataFrame, *, by: str, k: int = 10, setting: str | None = None, min_queries: int = 1,
    top: int | None = None,
) -> pd.DataFrame:  # fmt: skip
    """HR@k per group of queries (e.g. per degree class or per country), one column per model.

    Parameters
    ----------
    ranks : pandas.DataFrame
        Per-query ranks with ``setting, model, first_rank`` and the ``by`` column.
    by : str
        Grouping column, e.g. ``"degree_class"`` or ``"country"``.
    k : int
    setting : str, optional
        Only this setting.
    min_queries : int
        Drop groups with fewer queries.
    top : int, optional
        Keep the groups with the most queries.

    Returns
    -------
    pandas.DataFrame
        Index the groups; columns ``queries`` and one HR@k column per model.
    """
    frame = ranks if setting is None else ranks[ranks["setting"] == setting]
    frame = frame.assign(hit=frame["first_rank"].to_numpy(dtype=float) <= k)
    table = frame.pivot_table(index=by, columns="model", values="hit", aggfunc="mean", observed=True)
    n_models = max(frame["model"].nunique(), 1)
    counts = frame.groupby(by, observed=True).size() // n_models
    table.insert(0, "queries", counts.reindex(table.index).astype("int64"))
    table.columns.name = None
    table = table[table["queries"] >= min_queries]
    if top is not None:
        table = table.sort_values("queries", ascending=False, kind="stable").head(top)
    return table


def per_query_ranks(report: dict[str, Any], graph: GraphData) -> pd.DataFrame:
    """Each query's ranks of its true partners, from a report of :func:`models.train.evaluate_graph`.

    Parameters
    ----------
    report : dict
        An evaluation report with its per-query ranks (as ``partnermatch evaluate --output`` writes).
    graph : GraphData
        The full graph the report was computed on (for names, countries and degrees).

    Returns
    -------
    pandas.DataFrame
        One row per (setting, model, query): ``setting, model, position, city_id, name,
        country, degree`` (links in the full graph), ``degree_class, n_targets, first_rank,
        ranks`` (tuple of the true partners' 1-based ranks; ``inf`` when not ranked).
    """
    full_degree = graph.degrees()
    cities = graph.cities
    rows: list[dict[str, Any]] = []
    for setting, result in report["settings"].items():
        if "queries" not in result:
            raise ValueError(f"the report's {setting!r} setting has no per-query ranks; evaluate again")
        for q in result["queries"]:
            p = int(q["position"])
            city = cities.iloc[p]
            for model, r in q["ranks"].items():
                r = tuple(np.inf if v is None else float(v) for v in r)
                rows.append(
                    {"setting": setting, "model": model, "position": p, "city_id": int(city["city_id"]),
                     "name": city["name"], "country": city["country"], "degree": int(full_degree[p]),
                     "n_targets": len(q["targets"]), "first_rank": min(r, default=np.inf), "ranks": r}
                )  # fmt: skip
    out = pd.DataFrame(rows, columns=["setting", "model", "position", "city_id", "name", "country", "degree",
                                      "n_targets", "first_rank", "ranks"])  # fmt: skip
    out.insert(7, "degree_class", degree_class(out["degree"]))
    return out


# --------------------------------------------------------------------------- comparing versions


def response_frame(response: Any) -> pd.DataFrame:
    """Partners of a :class:`service.recommendations.schemas.RecommendationResponse` as a table.

    Returns
    -------
    pandas.DataFrame
        ``rank, city_id, name, country, score, reasons`` (reasons joined with ``"; "``).
    """
    rows = [
        {"rank": p.rank, "city_id": p.city.id, "name": p.city.name, "country": p.city.country,
         "score": p.score, "reasons": "; ".join(p.reasons)}
        for p in response.partners
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["rank", "city_id", "name", "country", "score", "reasons"])


def overlap_at_k(a: Sequence[int], b: Sequence[int], *, k: int = 10) -> float:
    """Share of the top ``k`` of ``a`` also in the top ``k`` of ``b`` (0..1; 1 when both are empty)."""
    top_a, top_b = list(a)[:k], set(list(b)[:k])
    if not top_a and not top_b:
        return 1.0
    return len([x for x in top_a if x in top_b]) / max(len(top_a), len(top_b), 1)


def side_by_side(a: pd.DataFrame, b: pd.DataFrame, *, labels: tuple[str, str] = ("a", "b")) -> pd.DataFrame:
    """Two partner lists (:func:`response_frame`) joined by city: both ranks and both reasons.

    Returns
    -------
    pandas.DataFrame
        ``name, country, rank <a>, rank <b>, reasons <a>, reasons <b>``, ordered by the
        better of the two ranks; a city one version does not list has rank NaN.
    """
    la, lb = labels
    cols = ["city_id", "name", "country", "rank", "reasons"]
    out = a[cols].merge(
        b[cols], on=["city_id", "name", "country"], how="outer", suffixes=(f" {la}", f" {lb}")
    )
    out["_best"] = out[[f"rank {la}", f"rank {lb}"]].min(axis=1)
    out = out.sort_values(["_best", f"rank {la}"], kind="stable").drop(columns=["_best", "city_id"])
    return out[["name", "country", f"rank {la}", f"rank {lb}", f"reasons {la}", f"reasons {lb}"]].reset_index(
        drop=True
    )


def city_id_by_name(session: Session, name: str, country: str | None = None) -> int:
    """Id of the most populous city whose name starts with ``name`` (in ``country`` when given).

    Raises
    ------
    LookupError
        If no city matches.
    """
    found, _ = search_cities(session, prefix=name, country=country, limit=1, offset=0)
    if not found:
        where = f" in {country}" if country else ""
        raise LookupError(f"no city named {name!r}{where} in the store")
    return found[0].id


def pick_versions(versions: pd.DataFrame, *, a: str | None = None, b: str | None = None) -> tuple[str, str]:
    """Two versions to compare: ``a`` defaults to the promoted (else newest), ``b`` to the newest other.

    Parameters
    ----------
    versions : pandas.DataFrame
        :func:`versions_frame`, newest first.
    a, b : str, optional

    Raises
    ------
    ValueError
        With fewer than two versions, or a version that is not registered.
    """
    names = [str(v) for v in versions.index]
    for v in (a, b):
        if v is not None and v not in names:
            raise ValueError(f"model version {v!r} is not registered; known: {', '.join(names) or 'none'}")
    if a is None:
        promoted = [v for v in names if versions.loc[v, "status"] == "promoted"]
        a = promoted[0] if promoted else (names[0] if names else None)
    if b is None:
        others = [v for v in names if v != a]
        b = others[0] if others else None
    if a is None or b is None or a == b:
        raise ValueError("comparing needs two registered versions; train another one (notebook 02)")
    return a, b


def compare_answers(
    answers_a: Sequence[pd.DataFrame],
    answers_b: Sequence[pd.DataFrame],
    *,
    queries: Sequence[str],
    k: int = 10,
) -> pd.DataFrame:
    """How much two versions' partner lists agree, per example query.

    Parameters
    ----------
    answers_a, answers_b : sequence of pandas.DataFrame
        :func:`response_frame` of each query under version a and b.
    queries : sequence of str
        A label per query.
    k : int

    Returns
    -------
    pandas.DataFrame
        Index ``query``; ``overlap@k`` (0..1), ``only_a``, ``only_b`` (names in one top k only).
    """
    rows = []
    for label, fa, fb in zip(queries, answers_a, answers_b, strict=True):
        ia, ib = fa["city_id"].tolist()[:k], fb["city_id"].tolist()[:k]
        names = dict(zip(fa["city_id"], fa["name"], strict=True)) | dict(
            zip(fb["city_id"], fb["name"], strict=True)
        )
        rows.append(
            {"query": label, f"overlap@{k}": overlap_at_k(ia, ib, k=k),
             "only_a": ", ".join(names[i] for i in ia if i not in ib),
             "only_b": ", ".join(names[i] for i in ib if i not in ia)}
        )  # fmt: skip
    return pd.DataFrame(rows, columns=["query", f"overlap@{k}", "only_a", "only_b"]).set_index("query")


def compare_reports(
    a: dict[str, Any], b: dict[str, Any], *, labels: tuple[str, str] = ("a", "b"),
    metrics: Sequence[str] = ("HR@10", "HR@50", "MRR"),
) -> pd.DataFrame:  # fmt: skip
    """Two evaluation reports side by side with the difference per metric (0 when reproduced).

    Returns
    -------
    pandas.DataFrame
        Index ``(setting, model)``; for each metric ``<metric> <a>``, ``<metric> <b>`` and
        ``<metric> diff``; plus ``equal`` (every metric within 1e-9).
    """
    ta = metrics_table(a, metrics=metrics).drop(columns="n_queries")
    tb = metrics_table(b, metrics=metrics).drop(columns="n_queries")
    out = ta.add_suffix(f" {labels[0]}").join(tb.add_suffix(f" {labels[1]}"), how="outer")
    for m in metrics:
        out[f"{m} diff"] = out[f"{m} {labels[1]}"] - out[f"{m} {labels[0]}"]
    out["equal"] = (out[[f"{m} diff" for m in metrics]].abs() <= 1e-9).all(axis=1)
    return out


def resolve_request(session: Session, spec: dict[str, Any], *, limit: int = 10) -> dict[str, Any]:
    """A recommendation request body from a notebook's example: ``city_name``/``country`` become ``city_id``.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
    spec : dict
        Fields of :class:`service.recommendations.schemas.RecommendationRequest`, or ``city_name`` (and
        optionally ``country``) instead of ``city_id``.
    limit : int
        Partners asked for, unless ``spec`` names a limit.

    Returns
    -------
    dict
        Ready for ``RecommendationRequest.model_validate``.
    """
    body = {key: value for key, value in spec.items() if key not in ("city_name", "country")}
    if "city_name" in spec:
        body["city_id"] = city_id_by_name(session, spec["city_name"], spec.get("country"))
    body.setdefault("limit", limit)
    return body


def request_label(spec: dict[str, Any], *, width: int = 40) -> str:
    """A short label of an example request: the city's name and the start of its needs."""
    name = spec.get("city_name") or (spec.get("city") or {}).get("name") or f"city {spec.get('city_id')}"
    needs = spec.get("needs", "")
    return f"{name}: {needs[:width]}{'…' if len(needs) > width else ''}"
