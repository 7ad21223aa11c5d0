"""Learned partner ranker: LightGBM over pair features of retrieved candidates.

Three gradient-boosted models share one featurizer:

* warm — a known query city with links; trained on every training link of
  cities with at least two, that link hidden from its own features (and from
  its negatives' features);
* cold — a city known only by its profile; trained on cities whose links are
  all hidden;
* themed — a needs text; trained on group co-memberships, each group removed
  (k-fold) from the features of its own members.

Negatives are sampled per query from random, same-country, nearby, two-hop
and "regional" cities (partners of towns near the query, and towns near
those) and importance-weighted so that together they stand for a uniform
sample of all cities (full ranking is what is judged).

Scoring is two-stage: every city gets the pair features at once
(:meth:`features.pairs.PairFeaturizer.transform_all`) and a small retrieval
model's score (:class:`models.candidates.CandidateGenerator`, trained on the
same examples); its top few hundred are re-scored by the full model.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier, LGBMRanker
from scipy.spatial import cKDTree
from sklearn.base import BaseEstimator
from sklearn.metrics import roc_auc_score
from sklearn.utils.validation import check_is_fitted

from db.errors import InvalidInput
from db.progress import stage
from features.geo import QuerySide, repeat_side
from features.graph import unit_xyz
from features.pairs import ALL_COLUMNS, COLD_COLUMNS, PairFeaturizer
from features.text import embed_texts, group_text
from models.candidates import CandidateGenerator
from models.dataset import CityQuery, GraphData

_COLD_IDX = [ALL_COLUMNS.index(c) for c in COLD_COLUMNS]
# One helper thread per process embeds a request's needs text while the features that do
# not read it are computed: the two are independent and each takes about as long.
_EMBEDDING_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="needs-embedding")


def embed_in_background(embedder, text: str, *, keep: Callable[[np.ndarray], None] | None = None) -> Future:
    """Embed one needs text on the helper thread; pass the future as ``needs_embedding``.

    ``keep`` receives the embedding (to cache it) before the future is done.
    """
    if not hasattr(embedder, "encoder_"):
        embedder.fit()

    def embed() -> np.ndarray:
        v = embedder.transform([text])[0]
        if keep is not None:
            keep(v)
        return v

    return _EMBEDDING_THREAD.submit(embed)


class PartnerRanker(BaseEstimator):
    """Rank partner cities for a query city (known position or new-city profile).

    Parameters
    ----------
    n_estimators, learning_rate, num_leaves, min_child_samples : LightGBM parameters.
    extra_trees : bool
        The warm and cold models split each feature at one random threshold instead of the
        best one (LightGBM's ``extra_trees``): their features are many and noisy (counts of
        a few links), and randomised splits generalise better to held-out links. Their retrieval
        models do the same. The themed model and its retrieval keep the best splits: it leans
        on fine-grained text similarities, which random thresholds blur.
    max_bin : int
        Histogram bins per feature of the warm and cold models, among which extra trees draw
        their thresholds. Coarser bins are a further regularisation: 63 instead of LightGBM's 255
        raised cold-start HR@10 by about 0.01 on each of four split seeds (leave-one-out the same).
        The retrieval models follow their full models; the themed ones keep 255.
    n_random, n_country, n_near, n_two_hop, n_regional : int
        Negatives drawn per positive from each source.
    negative_weight : float
        Total weight of a positive's negatives (the positive weighs 1).
    n_cold_queries : int
        Cities used as cold-start training queries (at most every city with a link).
    theme_folds : int
        Folds over groups for the themed model (0 disables it).
    n_candidates : int
        Cities the retrieval model passes to the ranker per query.
    retrieval_estimators : int
        Trees of the retrieval model (it scores every city of the store).
    retrieval_shortlist : int
        Cities whose retrieval score is completed after its first trees (0: every city).
    n_near_towns, n_near_wide : int
        Size of a town's neighbourhood in the regional features, at two scales.
    embedder : features.text.SentenceEmbedder or None
        Encoder for profile, group and needs texts (needed for text features).
    query_weighting : {"cold", "all", "none"}
        Which models weigh each training query city equally (its links share the weight)
        instead of each link, so that hubs with dozens of links do not dominate them. Measured
        on the public data with ``partnermatch evaluate``: the cold-start model needs it (without,
        cold-start HR@10 fell by 0.006 on average over split seeds 0-2); the warm model does
        slightly better without it (leave-one-out HR@10 +0.004 on average over split seeds 0-5,
        higher on five of the six; MRR and HR@50 +0.001), hence ``"cold"``.
    n_rerank_queries : int
        If > 0, the warm model is a LightGBM lambdarank model trained on the retrieved
        candidate sets of this many training links (each link hidden from its features).
    n_jobs : int
        LightGBM training threads (scoring uses one).
    random_state : int
        Seed of negative sampling and boosting.

    Attributes
    ----------
    featurizer_ : features.pairs.PairFeaturizer
    warm_model_, cold_model_ : lightgbm.LGBMClassifier
    theme_model_ : lightgbm.LGBMClassifier or None
    warm_candidates_, cold_candidates_, theme_candidates_ : models.candidates.CandidateGenerator
    n_cities_ : int
    cities_ : pandas.DataFrame
        ``city_id, name, country`` by position.
    """

    def __init__(
        self,
        *,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 50,
        extra_trees: bool = True,
        max_bin: int = 63,
        n_random: int = 8,
        n_country: int = 4,
        n_near: int = 4,
        n_two_hop: int = 4,
        n_regional: int = 4,
        negative_weight: float = 20.0,
        n_cold_queries: int = 15_000,
        theme_folds: int = 4,
        n_candidates: int = 200,
        retrieval_estimators: int = 40,
        retrieval_shortlist: int = 1500,
        n_near_towns: int = 20,
        n_near_wide: int = 100,
        embedder=None,
        n_rerank_queries: int = 0,
        query_weighting: str = "cold",
        n_jobs: int = 2,
        random_state: int = 0,
    ):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.extra_trees = extra_trees
        self.max_bin = max_bin
        self.n_random = n_random
        self.n_country = n_country
        self.n_near = n_near
        self.n_two_hop = n_two_hop
        self.n_regional = n_regional
        self.negative_weight = negative_weight
        self.n_cold_queries = n_cold_queries
        self.theme_folds = theme_folds
        self.n_candidates = n_candidates
        self.retrieval_estimators = retrieval_estimators
        self.retrieval_shortlist = retrieval_shortlist
        self.n_near_towns = n_near_towns
        self.n_near_wide = n_near_wide
        self.embedder = embedder
        self.n_rerank_queries = n_rerank_queries
        self.query_weighting = query_weighting
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
        """Fit features, retrieval and the three models on the training graph.

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
        if self.query_weighting not in ("cold", "all", "none"):
            raise ValueError(f"query_weighting must be 'cold', 'all' or 'none', not {self.query_weighting!r}")
        if (profile_embeddings is None or group_embeddings is None) and self.embedder is not None:
            if not hasattr(self.embedder, "encoder_"):
                with stage("load the embedding model"):
                    self.embedder.fit()
            if profile_embeddings is None:
                texts = graph.cities["profile_text"].fillna("").tolist()
                with stage("city profile embeddings", texts=len(texts)):
                    profile_embeddings = embed_texts(texts, embedder=self.embedder, cache=cache)
            if group_embeddings is None:
                texts = [group_text(g) for g in graph.groups]
                with stage("group embeddings", texts=len(texts)):
                    group_embeddings = embed_texts(texts, embedder=self.embedder, cache=cache)
        self.rng_ = np.random.default_rng(self.random_state)
        self.n_cities_ = graph.n_cities
        self.cities_ = graph.cities[["city_id", "name", "country"]].reset_index(drop=True)
        self.neighbours_ = graph.neighbours()
        with stage("pair features", cities=graph.n_cities):
            self.featurizer_ = PairFeaturizer(n_near=self.n_near_towns, n_near_wide=self.n_near_wide).fit(
                graph, profile_embeddings=profile_embeddings, group_embeddings=group_embeddings
            )
        t = self.featurizer_.table_
        k_near = min(100, max(graph.n_cities - 1, 1))
        xyz = unit_xyz(t.latitude, t.longitude)
        _, near = cKDTree(xyz).query(xyz, k=k_near + 1)
        self._near = np.atleast_2d(near)[:, 1:]
        by_country = pd.Series(np.arange(graph.n_cities)).groupby(t.country)
        self._by_country = by_country.apply(np.asarray).to_dict()
        deg = np.array([len(p) for p in self.neighbours_])
        self._mean_degree = float(deg[deg > 0].mean()) if (deg > 0).any() else 1.0
        # a positive whose partner would be left with no link and no group is a pattern the
        # store never shows at scoring time (see GraphData.visible), so it is not learnt
        self._stays_visible = (deg >= 2) | (graph.group_counts() > 0)
        X, y, w = self._rows("warm rows", self._warm_rows)
        with stage("warm model", rows=len(y)):
            self.warm_model_, self.warm_candidates_ = self._fit_pair(
                X, y, w, extra_trees=self.extra_trees, max_bin=self.max_bin
            )
        del X, y, w
        if self.n_rerank_queries > 0:
            X, y, sizes = self._rows("rerank rows", self._rerank_rows)
            with stage("rerank model", rows=len(y)):
                self.warm_model_ = LGBMRanker(
                    n_estimators=self.n_estimators, learning_rate=self.learning_rate,
                    num_leaves=self.num_leaves, min_child_samples=self.min_child_samples, subsample=0.8,
                    subsample_freq=1, colsample_bytree=0.8, extra_trees=self.extra_trees,
                    max_bin=self.max_bin, n_jobs=self.n_jobs, random_state=self.random_state, verbose=-1,
                    lambdarank_truncation_level=30,
                ).fit(X, y, group=sizes)  # fmt: skip
            self.warm_model_.set_params(n_jobs=1)
            del X, y, sizes
        # each model draws from its own stream: changing how one samples leaves the others as they were
        self.rng_ = np.random.default_rng([self.random_state, 1])
        X, y, w = self._rows("cold rows", self._cold_rows)
        with stage("cold model", rows=len(y)):
            self.cold_model_, self.cold_candidates_ = self._fit_pair(
                X[:, _COLD_IDX], y, w, extra_trees=self.extra_trees, max_bin=self.max_bin
            )
        del X, y, w
        self.theme_model_, self.theme_candidates_ = None, None
        if self.theme_folds and group_embeddings is not None and len(graph.groups) >= 2 * self.theme_folds:
            self.rng_ = np.random.default_rng([self.random_state, 2])
            X, y, w = self._rows(
                "theme rows", lambda: self._theme_rows(graph, profile_embeddings, group_embeddings)
            )
            with stage("theme model", rows=len(y)):
                self.theme_model_, self.theme_candidates_ = self._fit_pair(
                    X, y, w, extra_trees=False, max_bin=255
                )
        del self._near, self._by_country, self.rng_, self._mean_degree, self._stays_visible
        return self

    @staticmethod
    def _rows(name: str, build: Callable[[], tuple]) -> tuple:
        """Training examples built by ``build``, as a stage that counts them and their positives."""
        with stage(name) as progress:
            X, y, third = build()
            progress.count(rows=len(y), positives=int(np.count_nonzero(y)))
        return X, y, third

    def _fit_pair(self, X: np.ndarray, y: np.ndarray, w: np.ndarray, *, extra_trees: bool, max_bin: int):
        """The full model and the retrieval model, trained on the same examples with the same splits."""
        model = LGBMClassifier(
            n_estimators=self.n_estimators, learning_rate=self.learning_rate, num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples, subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
            extra_trees=extra_trees, max_bin=max_bin, n_jobs=self.n_jobs, random_state=self.random_state,
            verbose=-1,
        ).fit(X, y, sample_weight=w)  # fmt: skip
        model.set_params(n_jobs=1)  # scoring: one thread per request
        retrieval = CandidateGenerator(
            n_candidates=self.n_candidates, n_estimators=self.retrieval_estimators,
            min_child_samples=self.min_child_samples, shortlist=self.retrieval_shortlist,
            extra_trees=extra_trees, max_bin=max_bin, n_jobs=self.n_jobs, random_state=self.random_state,
        ).fit(X, y, sample_weight=w)  # fmt: skip
        return model, retrieval

    def _regional_set(self, q: int) -> np.ndarray:
        """Partners of towns near ``q`` and the towns near those partners."""
        reg = self.featurizer_.regional_
        row = reg.na_[q]
        return np.union1d(row.indices, (row @ reg.near_t_).indices)

    def _negatives(self, q: int, n_draws: int, sets: list[np.ndarray], exclude: np.ndarray):
        """Draw ``n_draws`` negative sets for query ``q``; returns (cands (n_draws, m), weights).

        ``sets`` are the query's two-hop and regional cities (may be empty).
        """
        rng, n = self.rng_, self.n_cities_
        country = self._by_country.get(int(self.featurizer_.table_.country[q]), np.zeros(0, np.int64))
        srcs = [(np.arange(n), self.n_random), (country, self.n_country), (self._near[q], self.n_near)]
        srcs += [(s, m) for s, m in zip(sets, (self.n_two_hop, self.n_regional), strict=False)]
        srcs = [(s, m) for s, m in srcs if len(s) and m]
        cand = np.concatenate([s[rng.integers(0, len(s), size=(n_draws, m))] for s, m in srcs], axis=1)
        # Expected number of times each city is drawn: its weight 1/E makes the draws an
        # unbiased stand-in for "all cities" (Horvitz–Thompson).
        expected = np.zeros(cand.shape)
        for s, m in srcs:
            expected += m / len(s) * (np.isin(cand, s) if len(s) < n else 1.0)
        w = 1.0 / expected
        w[np.isin(cand, exclude) | (cand == q)] = 0.0
        w *= self.negative_weight / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)
        return cand, w

    def _query_factor(self, degree: int, *, cold: bool) -> float:
        """Weight of a query's examples: every city counts the same, not every link, when
        ``query_weighting`` covers the model (cold-start or warm); else 1."""
        if not (self.query_weighting == "all" or (cold and self.query_weighting == "cold")):
            return 1.0
        return float(self._mean_degree / max(degree, 1))

    def _warm_rows(self):
        a = self.featurizer_.graph_.adjacency_
        qs, cs, rs, ys, ws = [], [], [], [], []
        # A city with one link would have none once it is hidden: the cold model's case, never the
        # warm model's (it scores cities that have links). Such examples took half the cities' weight.
        for q in np.flatnonzero(np.diff(a.indptr) >= 2):
            partners = self.neighbours_[q]
            pos = partners[self._stays_visible[partners]]
            if not len(pos):
                continue
            sets = [(a[q] @ a).indices, self._regional_set(q)]
            cand, w = self._negatives(q, len(pos), sets, partners)
            m = cand.shape[1]
            qs.append(np.full(len(pos) * (m + 1), q, dtype=np.int32))
            cs.append(np.c_[pos, cand].ravel().astype(np.int32))
            rs.append(np.repeat(pos, m + 1).astype(np.int32))
            ys.append(np.c_[np.ones(len(pos)), np.zeros_like(w)].ravel().astype(np.float32))
            f = self._query_factor(len(pos), cold=False)
            ws.append((f * np.c_[np.ones(len(pos)), w]).ravel().astype(np.float32))
        q, c, r, y, w = (np.concatenate(v) for v in (qs, cs, rs, ys, ws))
        keep = w > 0
        X = self._transform_chunked(np.c_[q[keep], c[keep]], removed=r[keep])
        return X, y[keep], w[keep]

    def _rerank_rows(self):
        """Retrieved candidate sets of training links, for a listwise re-ranker.

        Each set is the hidden partner plus the retrieval model's top candidates
        for its query; every row's features are computed with the link hidden.
        """
        deg = np.array([len(p) for p in self.neighbours_])
        qs = np.repeat(np.arange(self.n_cities_), deg)
        rs = np.concatenate(self.neighbours_) if len(qs) else np.zeros(0, np.int64)
        ok = np.flatnonzero((deg[qs] >= 2) & self._stays_visible[rs])  # as in leave-one-out
        pick = self.rng_.choice(ok, size=min(self.n_rerank_queries, len(ok)), replace=False)
        t = self.featurizer_.table_
        qq, cc, rr, ys, sizes = [], [], [], [], []
        for q, r in zip(qs[pick], rs[pick], strict=True):
            F = self.featurizer_.transform_all(t.side(np.array([q])))
            s0 = self.warm_candidates_.scores(F)
            cand = self.warm_candidates_.generate(s0, exclude=np.r_[q, self.neighbours_[q]])
            c = np.r_[r, cand]
            qq.append(np.full(len(c), q))
            cc.append(c)
            rr.append(np.full(len(c), r))
            ys.append(np.r_[1.0, np.zeros(len(cand))])
            sizes.append(len(c))
        q, c, r = np.concatenate(qq), np.concatenate(cc), np.concatenate(rr)
        X = self._transform_chunked(np.c_[q, c], removed=r)
        return X, np.concatenate(ys).astype(np.float32), np.array(sizes)

    def _transform_chunked(self, X: np.ndarray, chunk: int = 131_072, **kw) -> np.ndarray:
        """Pair features as float32, computed in chunks of rows to bound memory."""
        out = np.empty((len(X), len(ALL_COLUMNS)), dtype=np.float32)
        for s in range(0, len(X), chunk):
            sl = slice(s, s + chunk)
            out[sl] = self.featurizer_.transform(X[sl], **{k: v[sl] for k, v in kw.items()})
        return out

    def _cold_rows(self):
        deg = np.array([len(p) for p in self.neighbours_])
        pool = np.flatnonzero(deg > 0)
        chosen = self.rng_.choice(pool, size=min(self.n_cold_queries, len(pool)), replace=False)
        qs, cs, ys, ws = [], [], [], []
        for q in chosen:
            partners = self.neighbours_[q]
            pos = partners[self._stays_visible[partners]]
            if not len(pos):
                continue
            # Up to 2 negative draws per query; together they weigh as much as the positives.
            draws = min(len(pos), 2)
            cand, w = self._negatives(q, draws, [np.zeros(0, np.int64), self._regional_set(q)], partners)
            cand, w = cand.ravel(), w.ravel() * len(pos) / draws
            qs.append(np.full(len(pos) + len(cand), q))
            cs.append(np.r_[pos, cand])
            ys.append(np.r_[np.ones(len(pos)), np.zeros(len(cand))])
            ws.append(self._query_factor(len(pos), cold=True) * np.r_[np.ones(len(pos)), w])
        q, c, y, w = (np.concatenate(v) for v in (qs, cs, ys, ws))
        keep = w > 0
        X = self._transform_chunked(np.c_[q[keep], c[keep]], cold=np.ones(keep.sum(), bool))
        return X, y[keep].astype(np.float32), w[keep].astype(np.float32)

    def _theme_rows(self, graph: GraphData, prof: np.ndarray | None, grp: np.ndarray):
        fold = self.rng_.permutation(len(graph.groups)) % self.theme_folds
        Xs, ys, ws = [], [], []
        for f in range(self.theme_folds):
            held = np.flatnonzero(fold == f)
            keep = fold != f
            sub = graph.without_groups([graph.groups[k].id for k in held])
            feat = PairFeaturizer(n_near=self.n_near_towns, n_near_wide=self.n_near_wide).fit(
                sub, profile_embeddings=prof, group_embeddings=grp[keep]
            )
            qs, cs, gs = [], [], []
            visible = sub.visible()
            for k in held:
                members = np.asarray(graph.groups[k].members)
                for q in self.rng_.permutation(members)[:8]:
                    pos = members[(members != q) & visible[members]]
                    if not len(pos):
                        continue
                    cand, w = self._negatives(q, 1, [np.zeros(0, np.int64), self._regional_set(q)], members)
                    c = np.r_[pos, cand[0]]
                    qs.append(np.full(len(c), q))
                    cs.append(c)
                    gs.append(np.full(len(c), k))
                    ys.append(np.r_[np.ones(len(pos)), np.zeros(cand.shape[1])])
                    ws.append(np.r_[np.ones(len(pos)), w[0] * len(pos)])
            q, c, g = np.concatenate(qs), np.concatenate(cs), np.concatenate(gs)
            for s in range(0, len(q), 16_384):
                sl = slice(s, s + 16_384)
                side = feat.table_.side(q[sl], embedding=grp[g[sl]])
                Xs.append(feat.transform_side(side, c[sl]).astype(np.float32))
            del feat, sub
        y, w = np.concatenate(ys).astype(np.float32), np.concatenate(ws).astype(np.float32)
        keep = w > 0
        return np.vstack(Xs)[keep], y[keep], w[keep]

    # ------------------------------------------------------------------ scoring
    def predict(self, X: np.ndarray) -> np.ndarray:
        """Warm-model scores (probability-like) of position pairs ``X`` ``(n, 2)``."""
        check_is_fitted(self, "warm_model_")
        X = np.asarray(X, dtype=np.int64).reshape(-1, 2)
        return _prob(self.warm_model_, self.featurizer_.transform(X))

    def score(self, X: np.ndarray, y: np.ndarray) -> float:
        """ROC AUC of :meth:`predict` on labelled pairs (higher is better)."""
        return float(roc_auc_score(y, self.predict(X)))

    def query_side(self, query: CityQuery | int, *, needs_embedding: np.ndarray | None = None) -> QuerySide:
        """One-row query side of a known city or a new city's profile (a needs text by its embedding)."""
        check_is_fitted(self, "featurizer_")
        query = CityQuery(position=query) if isinstance(query, int | np.integer) else query
        emb = needs_embedding
        if emb is None and query.needs:
            raise ValueError("needs text but no embedding: pass needs_embedding or set an embedder")
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
                # InvalidInput is a ValueError too; the API answers it 422 instead of 500
                raise InvalidInput(
                    "a new city needs latitude/longitude, or a country the model holds cities of",
                    field="city.latitude",
                )
            in_country = t.country == code
            lat, lon = float(t.latitude[in_country].mean()), float(t.longitude[in_country].mean())
        return t.profile_side(
            1, name=query.name, country=query.country, latitude=lat, longitude=lon,
            population=query.population, timezone=query.timezone, continent=query.continent,
            wb_region=query.wb_region, income_group=query.income_group, sectors=query.sectors, embedding=emb,
        )  # fmt: skip

    def _models_for(self, q: QuerySide):
        """(model, retrieval, feature columns or None) for a one-row query side."""
        if q.embedding is not None and self.theme_model_ is not None:
            return self.theme_model_, self.theme_candidates_, None
        p = int(q.position[0])
        if p >= 0 and not q.cold[0] and len(self.neighbours_[p]):
            return self.warm_model_, self.warm_candidates_, None
        return self.cold_model_, self.cold_candidates_, _COLD_IDX

    def score_candidates(self, q: QuerySide, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, feature matrix) of candidate positions for a one-row query side."""
        check_is_fitted(self, "warm_model_")
        F = self.featurizer_.transform_side(repeat_side(q, len(cand)), cand)
        model, _, cols = self._models_for(q)
        if not len(cand):
            return np.zeros(0), F
        return _prob(model, F if cols is None else F[:, cols]), F

    def _side_and_features(self, query: CityQuery | int, needs_embedding) -> tuple[QuerySide, np.ndarray]:
        """The query side and its features against every city.

        A needs text still to be embedded (or a future of its embedding) is embedded on the helper
        thread while every feature that does not read it is computed; its text features follow.
        """
        query = CityQuery(position=query) if isinstance(query, int | np.integer) else query
        if needs_embedding is None and query.needs and self.embedder is not None:
            needs_embedding = embed_in_background(self.embedder, query.needs)
        if not isinstance(needs_embedding, Future):
            q = self.query_side(query, needs_embedding=needs_embedding)
            return q, self.featurizer_.transform_all(q)
        q = self.query_side(replace(query, needs=""))
        F = self.featurizer_.transform_all(q)
        q = replace(q, embedding=needs_embedding.result())
        self.featurizer_.rewrite_embedding_columns(F, q)
        return q, F

    def _score_all(self, q: QuerySide, F: np.ndarray, exclude_existing: bool):
        """Candidates (best first), their scores and features, and the retrieval score of every city."""
        check_is_fitted(self, "warm_model_")
        model, retrieval, cols = self._models_for(q)
        X = F if cols is None else F[:, cols]
        s0 = retrieval.scores(X)
        p = int(q.position[0])
        drop = np.zeros(0, np.int64)
        if p >= 0:
            drop = np.r_[p, self.neighbours_[p]] if exclude_existing else np.array([p])
        cand = retrieval.generate(s0, exclude=drop)
        s1 = _prob(model, X[cand])
        order = np.argsort(-s1, kind="stable")
        return cand[order], s1[order], F, s0, drop

    def rank(
        self,
        query: CityQuery | int,
        k: int = 10,
        exclude_existing: bool = True,
        *,
        needs_embedding=None,
        within: np.ndarray | None = None,
    ) -> pd.DataFrame:
        """Top-``k`` partners: columns position, city_id, name, country, score and every feature.

        ``needs_embedding`` is the needs text's embedding, or a future of it (see
        :func:`embed_in_background`); by default the query's needs text is embedded. ``within``
        (booleans by position) keeps only those cities.
        """
        return self.rank_groups(
            query, [(within, k)], exclude_existing=exclude_existing, needs_embedding=needs_embedding
        )[0]

    @property
    def city_log_population(self) -> np.ndarray:
        """log10 of each store city's population, by position (NaN where unknown)."""
        return self.featurizer_.table_.log_population

    def rank_groups(
        self,
        query: CityQuery | int,
        groups: list[tuple[np.ndarray | None, int]],
        *,
        exclude_existing: bool = True,
        needs_embedding=None,
    ) -> list[pd.DataFrame]:
        """:meth:`rank` for several ``(within, k)`` at the cost of one: the features are computed once.

        A filter such as "abroad" or "in the wished countries" must not starve the list, yet scoring
        every city with the full model costs five times a request; only the best ``k`` of each
        group by retrieval score are scored beyond the retrieved candidates.
        """
        q, F = self._side_and_features(query, needs_embedding)
        cand, s, F, s0, drop = self._score_all(q, F, exclude_existing)
        model, _, cols = self._models_for(q)
        out = []
        for within, k in groups:
            c, sc = (cand, s) if within is None else (cand[within[cand]], s[within[cand]])
            if k > len(c):
                # Beyond the retrieved candidates the retrieval order goes on; the model's scores
                # there are capped so that the list stays sorted by score.
                pool = np.arange(self.n_cities_) if within is None else np.flatnonzero(within)
                rest = np.setdiff1d(pool, np.r_[cand, drop])
                rest = rest[np.argsort(-s0[rest], kind="stable")][: k - len(c)]
                extra = _prob(model, F[rest] if cols is None else F[rest][:, cols])
                c, sc = np.r_[c, rest], np.minimum.accumulate(np.r_[sc, extra])
            top = c[: min(k, len(c))]
            frame = self.cities_.iloc[top].reset_index(drop=True)
            frame.insert(0, "position", top)
            frame["score"] = sc[: len(top)]
            out.append(
                pd.concat([frame, pd.DataFrame(F[top].astype(float), columns=list(ALL_COLUMNS))], axis=1)
            )
        return out

    def rank_all(self, query: CityQuery | int, *, exclude_existing: bool = True, needs_embedding=None):
        """Full ranking of all cities: the re-scored candidates first, the rest by retrieval score."""
        q, F = self._side_and_features(query, needs_embedding)
        cand, _, _, s0, drop = self._score_all(q, F, exclude_existing)
        s0 = s0.copy()
        s0[cand] = -np.inf
        s0[drop] = -np.inf
        rest = np.argsort(-s0, kind="stable")[: self.n_cities_ - len(cand) - len(np.unique(drop))]
        return np.r_[cand, rest].astype(np.int64)


def _prob(model, X: np.ndarray) -> np.ndarray:
    """Probability-like score in (0, 1): the sigmoid of the boosted trees' raw score.

    For a classifier this is ``predict_proba``; for a lambdarank model a squashed score.
    The booster is called directly: the scikit-learn wrapper's checks cost about a
    millisecond per call, a tenth of a request.
    """
    if not len(X):
        return np.zeros(0)
    return 1.0 / (1.0 + np.exp(-model.booster_.predict(X, raw_score=True, num_threads=1)))
