"""Tables of notebook 03 (compare and promote): registered versions and their answers side by side.

:func:`versions_frame` lays out the registry; :func:`resolve_request` turns a notebook's example into
a recommendation request, and :func:`response_frame`, :func:`compare_answers` and :func:`side_by_side`
show how two versions' answers to it differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from db.repositories.cities import search_cities
from db.tables import ModelVersion

# --------------------------------------------------------------------------- registered versions


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


# --------------------------------------------------------------------------- comparing versions


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


def request_label(spec: dict[str, Any], *, width: int = 40) -> str:
    """A short label of an example request: the city's name and the start of its needs."""
    name = spec.get("city_name") or (spec.get("city") or {}).get("name") or f"city {spec.get('city_id')}"
    needs = spec.get("needs", "")
    return f"{name}: {needs[:width]}{'…' if len(needs) > width else ''}"


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
