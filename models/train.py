"""Train a partner ranker on the store and register it as a model version."""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy.orm import Session

from db.progress import stage
from db.repositories.embeddings import EmbeddingCache
from db.repositories.snapshots import data_snapshot_hash
from db.tables import ModelVersion
from features.text import SentenceEmbedder, embed_texts
from models import registry
from models.dataset import GraphData
from models.evaluate import run_evaluation, without_queries
from models.evaluate_needs import run_needs_setting
from models.ranker import PartnerRanker
from models.store import load_graph

logger = logging.getLogger(__name__)


def build_ranker(*, seed: int = 0, embedding_model: str | None = None, **params: Any) -> PartnerRanker:
    """An unfitted ranker with the production defaults, overridable by ``params``."""
    return PartnerRanker(embedder=SentenceEmbedder(model_name=embedding_model), random_state=seed, **params)


def train_and_register(
    session: Session,
    *,
    seed: int = 0,
    evaluate: bool = False,
    promote: bool = False,
    embedding_model: str | None = None,
    params: dict[str, Any] | None = None,
    max_queries: int = 1000,
) -> ModelVersion:
    """Fit on everything in the store, optionally evaluate on held-out splits, register (and promote).

    Embeddings go through the store's cache, so a retrain embeds only texts that changed.
    """
    params = dict(params or {})
    start = time.perf_counter()
    with stage("load the store") as progress:
        graph = load_graph(session)
        data_hash = data_snapshot_hash(session)
        progress.count(cities=graph.n_cities, links=int(len(graph.links)), groups=len(graph.groups))
    ranker = build_ranker(seed=seed, embedding_model=embedding_model, **params)
    with stage("fit the ranker"):
        ranker.fit(graph, cache=EmbeddingCache(session))
    fit_seconds = time.perf_counter() - start
    metrics: dict[str, Any] = {
        "train": {
            "cities": graph.n_cities,
            "links": int(len(graph.links)),
            "groups": len(graph.groups),
            "fit_seconds": round(fit_seconds, 1),
        },
    }
    if evaluate:
        report = evaluate_graph(
            graph,
            session=session,
            seed=seed,
            embedding_model=embedding_model,
            params=params,
            n_queries=max_queries,
        )
        metrics.update(evaluation_metrics(report))
    stored_params = {**ranker.get_params(deep=False), "seed": seed}
    stored_params.pop("embedder", None)
    stored_params["embedding_model"] = embedding_model or "all-MiniLM-L6-v2 (packaged)"
    with stage("register the model"):
        row = registry.register(
            session, model=ranker, metrics=metrics, params=stored_params, data_hash=data_hash
        )
    logger.info("trained model", extra={"fields": {"version": row.version, **metrics["train"]}})
    if promote:
        registry.promote(session, row.version)
    return row


def evaluate_graph(
    graph: GraphData,
    *,
    session: Session | None = None,
    seed: int = 0,
    embedding_model: str | None = None,
    params: dict[str, Any] | None = None,
    n_queries: int = 1000,
    settings: tuple[str, ...] = ("leave_one_out", "cold_start", "themed"),
) -> dict[str, Any]:
    """Held-out evaluation of the production ranker and the baselines (same seed, same numbers).

    ``settings`` may include ``"needs"`` (:mod:`models.evaluate_needs`), which fits a ranker
    per fold over held-out thematic networks; its report is ``report["needs"]``.
    """
    with stage("load the embedding model"):
        embedder = SentenceEmbedder(model_name=embedding_model).fit()
    cache = EmbeddingCache(session) if session is not None else None

    def make_ranker() -> PartnerRanker:
        return build_ranker(seed=seed, embedding_model=embedding_model, **(params or {}))

    report = run_evaluation(
        graph,
        make_ranker=make_ranker,
        embedder=embedder,
        cache=cache,
        settings=tuple(s for s in settings if s != "needs"),
        n_queries=n_queries,
        seed=seed,
    )
    if "needs" in settings:
        report["needs"] = run_needs_setting(
            graph,
            fit_ranker=lambda train, fold: make_ranker().fit(train, cache=cache),
            embed=lambda texts: embed_texts(texts, embedder=embedder, cache=cache),
            seed=seed,
        )
    return report


def evaluate_store(session: Session, **kwargs: Any) -> dict[str, Any]:
    """:func:`evaluate_graph` on everything in the store."""
    with stage("load the store") as progress:
        graph = load_graph(session)
        progress.count(cities=graph.n_cities, links=int(len(graph.links)), groups=len(graph.groups))
    return evaluate_graph(graph, session=session, **kwargs)


def evaluation_metrics(report: dict[str, Any]) -> dict[str, Any]:
    """The ``metrics`` entries of a version evaluated with ``report`` (``evaluation`` and ``summary``)."""
    return {"evaluation": without_queries(report), "summary": summarise(report)}


def summarise(report: dict[str, Any]) -> dict[str, float]:
    """Headline numbers of the ranker per setting (for the model list)."""
    out = {}
    for setting, result in report.get("settings", {}).items():
        ranker = result["models"].get("ranker", {})
        for metric in ("HR@10", "HR@50", "MRR"):
            if metric in ranker:
                out[f"{setting}.{metric}"] = round(ranker[metric]["value"], 4)
    return out
