"""Candidate generation: a few hundred plausible partners per query, from several sources."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from features.geo import QuerySide, haversine_km
from models.baselines import CountryDistancePrior


class CandidateGenerator(BaseEstimator):
    """Union of graph neighbourhood, embedding neighbours, nearest cities and a country prior.

    Parameters
    ----------
    n_graph : int
        Cities reached by 2- and 3-walks from the query, most walks first.
    n_embedding : int
        Cities whose track record is closest to the query's needs/profile embedding.
    n_nearest : int
        Nearest cities by great-circle distance.
    n_prior : int
        Top cities by the country-pair x distance prior (covers "top cities of the
        best-affinity countries" and nearby popular cities).
    """

    def __init__(self, n_graph: int = 150, n_embedding: int = 50, n_nearest: int = 50, n_prior: int = 600):
        self.n_graph = n_graph
        self.n_embedding = n_embedding
        self.n_nearest = n_nearest
        self.n_prior = n_prior

    def fit(self, graph, y=None, *, featurizer) -> CandidateGenerator:
        """Reuse the fitted :class:`features.pairs.PairFeaturizer` state of the training graph."""
        self.table_ = featurizer.table_
        self.adjacency_ = featurizer.graph_.adjacency_
        text = featurizer.text_
        norm = np.linalg.norm(text.track_sum_, axis=1, keepdims=True)
        self.track_unit_ = np.where(norm > 0, text.track_sum_ / np.maximum(norm, 1e-12), 0).astype(np.float32)
        self.text_ = text
        self.prior_ = CountryDistancePrior().fit(graph, table=self.table_)
        return self

    def prior_scores(self, q: QuerySide) -> np.ndarray:
        """Country-pair x distance prior over all cities (also the order after the candidates)."""
        check_is_fitted(self, "prior_")
        return self.prior_.scores(q)

    def generate(self, q: QuerySide, *, prior: np.ndarray | None = None) -> np.ndarray:
        """Candidate positions for a one-row query side (the query itself excluded).

        Existing partners are included; the ranker filters them when asked to.
        """
        check_is_fitted(self, "prior_")
        t = self.table_
        parts = []
        p = int(q.position[0])
        if p >= 0 and not q.cold[0] and self.n_graph > 0:
            row = self.adjacency_[p]
            two = row @ self.adjacency_
            three = two @ self.adjacency_
            # 2-hop walks dominate, 3-walks rank the cities beyond two hops.
            score = (two * 1000.0 + three).tocsr()
            if score.nnz:
                top = np.argsort(-score.data, kind="stable")[: self.n_graph]
                parts.append(score.indices[top])
        if self.n_embedding > 0:
            qe = self.text_.query_embeddings(q)[0]
            if np.any(qe):
                sims = self.track_unit_ @ qe
                parts.append(_top(sims, self.n_embedding))
        d = haversine_km(q.latitude[0], q.longitude[0], t.latitude, t.longitude)
        parts.append(_top(-d, self.n_nearest))
        prior = self.prior_scores(q) if prior is None else prior
        parts.append(_top(prior, self.n_prior))
        cand = np.unique(np.concatenate(parts).astype(np.int64))
        return cand[cand != p] if p >= 0 else cand


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.argpartition(-scores, k - 1)[:k]
    return idx[np.argsort(-scores[idx], kind="stable")]
