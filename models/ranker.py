"""Learned partner ranker: LightGBM over pair features of retrieved candidates.

Three gradient-boosted models share one featurizer:

* warm — a known query city with links; trained on every training link with
  that link hidden from its own features (and from its negatives' features);
* cold — a city known only by its profile; trained on cities whose links are
  all hidden;
* themed — a needs text; trained on group co-memberships, each group removed
  (k-fold) from the features of its own members.

Negatives are sampled per query from random, same-country, nearby and
two-hop cities and importance-weighted so that together they stand for a
uniform sample of all cities (full ranking is what is judged).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier
from scipy.spatial import cKDTree
from sklearn.base import BaseEstimator
from sklearn.metrics import roc_auc_score
from sklearn.utils.validation import check_is_fitted

from features import columns as C
from features.geo import QuerySide
from features.pairs import PairFeaturizer
from features.text import embed_texts, group_text
from models.candidates import CandidateGenerator
from models.dataset import CityQuery, GraphData

_COLD_IDX = [C.ALL_COLUMNS.index(c) for c in C.COLD_COLUMNS]


def _unit_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.c_[np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)]


class PartnerRanker(BaseEstimator):
    """Rank partner cities for a query city (known position or new-city profile).

    Parameters
    ----------
    n_estimators, learning_rate, num_leaves, min_child_samples : LightGBM parameters.
    n_random, n_country, n_near, n_two_hop : int
        Negatives drawn per positive from each source.
    negative_weight : float
        Total weight of a positive's negatives (the positive weighs 1).
    n_cold_queries : int
        Cities used as cold-start training queries.
    theme_folds : int
        Folds over groups for the themed model (0 disables it).
    n_graph, n_embedding, n_nearest, n_prior : int
        Candidate-generation sizes, see :class:`models.candidates.CandidateGenerator`.
    embedder : features.text.SentenceEmbedder or None
        Encoder for profile, group and needs texts (needed for text features).
    n_jobs : int
        LightGBM threads.
    random_state : int
        Seed of negative sampling and boosting.

    Attributes
    ----------
    featurizer_ : features.pairs.PairFeaturizer
    candidates_ : models.candidates.CandidateGenerator
    warm_model_, cold_model_ : lightgbm.LGBMClassifier
    theme_model_ : lightgbm.LGBMClassifier or None
    """

    def __init__(
        self,
        *,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 50,
        n_random: int = 8,
        n_country: int = 4,
        n_near: int = 4,
        n_two_hop: int = 4,
        negative_weight: float = 20.0,
        n_cold_queries: int = 4000,
        theme_folds: int = 4,
        n_graph: int = 150,
        n_embedding: int = 50,
        n_nearest: int = 50,
        n_prior: int = 600,
        embedder=None,
        n_jobs: int = 2,
        random_state: int = 0,
    ):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.n_random = n_random
        self.n_country = n_country
        self.n_near = n_near
        self.n_two_hop = n_two_hop
        self.negative_weight = negative_weight
        self.n_cold_queries = n_cold_queries
        self.theme_folds = theme_folds
        self.n_graph = n_graph
        self.n_embedding = n_embedding
        self.n_nearest = n_nearest
        self.n_prior = n_prior
        self.embedder = embedder
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        graph: GraphData,
        y=None,
        *,
        profile_embeddings: np.ndarray | None = None,
        group_embeddings: np.ndarray | None = None,
        cache=None,
    ) -> PartnerRanker:
        """Fit features, candidate generation and the three models on the training graph.

        Parameters
        ----------
        graph : GraphData
            Training graph; nothing outside it is ever seen.
        profile_embeddings, group_embeddings : numpy.ndarray, optional
            Precomputed embeddings of ``cities.profile_text`` and group texts; computed
            with ``embedder`` (through ``cache``) when omitted.
        cache : features.text.EmbeddingCache, optional
        """
        if not isinstance(graph, GraphData):
            raise TypeError(f"fit expects a GraphData, got {type(graph).__name__}")
        graph.validate()
        if (profile_embeddings is None or group_embeddings is None) and self.embedder is not None:
            if not hasattr(self.embedder, "encoder_"):
                self.embedder.fit()
            if profile_embeddings is None:
                profile_embeddings = embed_texts(
                    graph.cities["profile_text"].fillna("").tolist(), embedder=self.embedder, cache=cache
                )
            if group_embeddings is None:
                texts = [group_text(g) for g in graph.groups]
                group_embeddings = embed_texts(texts, embedder=self.embedder, cache=cache)
        self.rng_ = np.random.default_rng(self.random_state)
        self.n_cities_ = graph.n_cities
        self.cities_ = graph.cities[["city_id", "name", "country"]].reset_index(drop=True)
        self.neighbours_ = graph.neighbours()
        self.featurizer_ = PairFeaturizer().fit(
            graph, profile_embeddings=profile_embeddings, group_embeddings=group_embeddings
        )
        self.candidates_ = CandidateGenerator(
            n_graph=self.n_graph, n_embedding=self.n_embedding, n_nearest=self.n_nearest, n_prior=self.n_prior
        ).fit(graph, featurizer=self.featurizer_)
        t = self.featurizer_.table_
        k_near = min(100, max(graph.n_cities - 1, 1))
        _, near = cKDTree(_unit_xyz(t.latitude, t.longitude)).query(
            _unit_xyz(t.latitude, t.longitude), k=k_near + 1
        )
        self._near = np.atleast_2d(near)[:, 1:]
        by_country = pd.Series(np.arange(graph.n_cities)).groupby(t.country)
        self._by_country = by_country.apply(np.asarray).to_dict()
        self.warm_model_ = self._fit_model(*self._warm_rows())
        Xc, yc, wc = self._cold_rows()
        self.cold_model_ = self._fit_model(Xc[:, _COLD_IDX], yc, wc)
        self.theme_model_ = None
        if self.theme_folds and group_embeddings is not None and len(graph.groups) >= 2 * self.theme_folds:
            rows = self._theme_rows(graph, profile_embeddings, group_embeddings)
            self.theme_model_ = self._fit_model(*rows)
        del self._near, self._by_country, self.rng_
        return self

    def _fit_model(self, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> LGBMClassifier:
        model = LGBMClassifier(
            n_estimators=self.n_estimators, learning_rate=self.learning_rate, num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples, subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
            n_jobs=self.n_jobs, random_state=self.random_state, verbose=-1,
        )  # fmt: skip
        return model.fit(X, y, sample_weight=w)

    def _negatives(self, q: int, n_draws: int, two_hop: np.ndarray | None, exclude: np.ndarray):
        """Draw ``n_draws`` negative sets for query ``q``; returns (cands (n_draws, m), weights)."""
        rng, n = self.rng_, self.n_cities_
        country = self._by_country.get(int(self.featurizer_.table_.country[q]), np.zeros(0, np.int64))
        near = self._near[q]
        srcs = [(np.arange(n), self.n_random), (country, self.n_country), (near, self.n_near)]
        if two_hop is not None and len(two_hop):
            srcs.append((two_hop, self.n_two_hop))
        draws = [s[rng.integers(0, len(s), size=(n_draws, m))] for s, m in srcs if len(s) and m]
        cand = np.concatenate(draws, axis=1)
        # Expected number of times each city is drawn: its weight 1/E makes the draws an
        # unbiased stand-in for "all cities" (Horvitz–Thompson).
        expected = np.full(cand.shape, self.n_random / n)
        for s, m in srcs[1:]:
            if len(s) and m:
                expected += m / len(s) * np.isin(cand, s)
        w = 1.0 / expected
        w[np.isin(cand, exclude) | (cand == q)] = 0.0
        w *= self.negative_weight / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)
        return cand, w

    def _warm_rows(self):
        a = self.featurizer_.graph_.adjacency_
        qs, cs, rs, ys, ws = [], [], [], [], []
        for q in np.flatnonzero(np.diff(a.indptr) > 0):
            partners = self.neighbours_[q]
            two = (a[q] @ a).indices
            cand, w = self._negatives(q, len(partners), two, partners)
            m = cand.shape[1]
            qs.append(np.full(len(partners) * (m + 1), q))
            cs.append(np.c_[partners, cand].ravel())
            rs.append(np.repeat(partners, m + 1))
            ys.append(np.c_[np.ones(len(partners)), np.zeros_like(w)].ravel())
            ws.append(np.c_[np.ones(len(partners)), w].ravel())
        q, c, r, y, w = (np.concatenate(v) for v in (qs, cs, rs, ys, ws))
        keep = w > 0
        X = self.featurizer_.transform(np.c_[q[keep], c[keep]], removed=r[keep])
        return X, y[keep], w[keep]

    def _cold_rows(self):
        deg = np.array([len(p) for p in self.neighbours_])
        pool = np.flatnonzero(deg > 0)
        chosen = self.rng_.choice(pool, size=min(self.n_cold_queries, len(pool)), replace=False)
        qs, cs, ys, ws = [], [], [], []
        for q in chosen:
            partners = self.neighbours_[q]
            cand, w = self._negatives(q, 1, None, partners)
            w *= len(partners)
            qs.append(np.full(len(partners) + cand.shape[1], q))
            cs.append(np.r_[partners, cand[0]])
            ys.append(np.r_[np.ones(len(partners)), np.zeros(cand.shape[1])])
            ws.append(np.r_[np.ones(len(partners)), w[0]])
        q, c, y, w = (np.concatenate(v) for v in (qs, cs, ys, ws))
        keep = w > 0
        X = self.featurizer_.transform(np.c_[q[keep], c[keep]], cold=np.ones(keep.sum(), bool))
        return X, y[keep], w[keep]

    def _theme_rows(self, graph: GraphData, prof: np.ndarray | None, grp: np.ndarray):
        fold = self.rng_.permutation(len(graph.groups)) % self.theme_folds
        Xs, ys, ws = [], [], []
        for f in range(self.theme_folds):
            held = np.flatnonzero(fold == f)
            keep = fold != f
            sub = graph.without_groups([graph.groups[k].id for k in held])
            feat = PairFeaturizer().fit(sub, profile_embeddings=prof, group_embeddings=grp[keep])
            for k in held:
                members = np.asarray(graph.groups[k].members)
                for q in self.rng_.permutation(members)[:8]:
                    pos = members[members != q]
                    cand, w = self._negatives(q, 1, None, members)
                    c = np.r_[pos, cand[0]]
                    side = feat.table_.side(np.full(len(c), q), embedding=grp[k])
                    Xs.append(feat.transform_side(side, c))
                    ys.append(np.r_[np.ones(len(pos)), np.zeros(cand.shape[1])])
                    ws.append(np.r_[np.ones(len(pos)), w[0] * len(pos)])
        return np.vstack(Xs), np.concatenate(ys), np.concatenate(ws)

    # ------------------------------------------------------------------ scoring
    def predict(self, X: np.ndarray) -> np.ndarray:
        """Warm-model scores (probability-like) of position pairs ``X`` ``(n, 2)``."""
        check_is_fitted(self, "warm_model_")
        X = np.asarray(X, dtype=np.int64).reshape(-1, 2)
        return self.warm_model_.predict_proba(self.featurizer_.transform(X))[:, 1]

    def score(self, X: np.ndarray, y: np.ndarray) -> float:
        """ROC AUC of :meth:`predict` on labelled pairs (higher is better)."""
        return float(roc_auc_score(y, self.predict(X)))

    def query_side(self, query: CityQuery | int, *, needs_embedding: np.ndarray | None = None) -> QuerySide:
        """One-row query side of a known city or a new city's profile."""
        check_is_fitted(self, "featurizer_")
        query = CityQuery(position=query) if isinstance(query, int | np.integer) else query
        emb = needs_embedding
        if emb is None and query.needs:
            if self.embedder is None:
                raise ValueError("needs text given but the ranker has no embedder; pass needs_embedding")
            if not hasattr(self.embedder, "encoder_"):
                self.embedder.fit()
            emb = self.embedder.transform([query.needs])[0]
        t = self.featurizer_.table_
        if query.position is not None:
            if not 0 <= query.position < self.n_cities_:
                raise ValueError(
                    f"city position {query.position} is not in the store (0..{self.n_cities_ - 1})"
                )  # noqa: E501
            return t.side(np.array([query.position]), cold=np.array([query.cold]), embedding=emb)
        lat, lon = query.latitude, query.longitude
        if lat is None or lon is None:
            code = t.country_vocab.get(query.country or "", -1)
            if code < 0:
                raise ValueError("a new city needs latitude/longitude or a country known to the store")
            in_country = t.country == code
            lat, lon = float(t.latitude[in_country].mean()), float(t.longitude[in_country].mean())
        return t.profile_side(
            1, country=query.country, latitude=lat, longitude=lon, population=query.population,
            timezone=query.timezone, continent=query.continent, wb_region=query.wb_region,
            income_group=query.income_group, sectors=query.sectors, embedding=emb,
        )  # fmt: skip

    def _model_for(self, q: QuerySide):
        if q.embedding is not None and self.theme_model_ is not None:
            return self.theme_model_, None
        p = int(q.position[0])
        if p >= 0 and not q.cold[0] and len(self.neighbours_[p]):
            return self.warm_model_, None
        return self.cold_model_, _COLD_IDX

    def score_candidates(self, q: QuerySide, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, feature matrix) of candidate positions for a one-row query side."""
        check_is_fitted(self, "warm_model_")
        rep = _repeat(q, len(cand))
        F = self.featurizer_.transform_side(rep, cand)
        model, cols = self._model_for(q)
        if not len(cand):
            return np.zeros(0), F
        s = model.predict_proba(F if cols is None else F[:, cols], raw_score=False)[:, 1]
        return s, F

    def rank(
        self, query: CityQuery | int, k: int = 10, exclude_existing: bool = True, *, needs_embedding=None
    ) -> pd.DataFrame:
        """Top-``k`` partners: columns position, city_id, name, country, score and every feature."""
        q = self.query_side(query, needs_embedding=needs_embedding)
        cand = self.candidates_.generate(q)
        p = int(q.position[0])
        if exclude_existing and p >= 0:
            cand = cand[~np.isin(cand, self.neighbours_[p])]
        s, F = self.score_candidates(q, cand)
        top = np.argsort(-s, kind="stable")[:k]
        out = self.cities_.iloc[cand[top]].reset_index(drop=True)
        out.insert(0, "position", cand[top])
        out["score"] = s[top]
        return pd.concat([out, pd.DataFrame(F[top], columns=list(C.ALL_COLUMNS))], axis=1)

    def rank_all(self, query: CityQuery | int, *, exclude_existing: bool = True, needs_embedding=None):
        """Full ranking of all cities: scored candidates first, the rest by the prior."""
        q = self.query_side(query, needs_embedding=needs_embedding)
        prior = self.candidates_.prior_scores(q)
        cand = self.candidates_.generate(q, prior=prior)
        s, _ = self.score_candidates(q, cand)
        head = cand[np.argsort(-s, kind="stable")]
        rest = np.setdiff1d(np.arange(self.n_cities_), head)
        order = np.r_[head, rest[np.argsort(-prior[rest], kind="stable")]]
        p = int(q.position[0])
        drop = np.r_[[p] if p >= 0 else [], self.neighbours_[p] if exclude_existing and p >= 0 else []]
        return order[~np.isin(order, drop)]


def _repeat(q: QuerySide, n: int) -> QuerySide:
    vals = {}
    for f in q.__dataclass_fields__:
        v = getattr(q, f)
        if f == "embedding":
            vals[f] = None if v is None else np.asarray(v).reshape(-1)
        elif f == "sectors":
            vals[f] = [v[0]] * n
        else:
            vals[f] = np.repeat(np.asarray(v)[:1], n)
    return QuerySide(**vals)
