"""Learned partner ranker: LightGBM over pair features of retrieved candidates.

Three gradient-boosted models share one featurizer:

* warm — a known query city with links; trained on every training link of
  cities with at least two, that link hidden from its own features (and from
  its negatives' features);
* cold — a city known only by its profile; trained on cities whose links are
  all hidden;
* themed (the needs model) — any query with a needs text, a known city (its links,
  memberships and co-members among the features) or a new one; trained on group
  co-memberships, each group removed (k-fold) from the features of its own members,
  some members asking as new cities, and on training links asked with a twinning
  phrasing, so that a request for a twin town keeps what the links say.

Their training rows (positives and importance-weighted negatives) are sampled by
:class:`models.sampling.TrainingSampler`.

Scoring is two-stage: every city gets the pair features at once
(:meth:`features.pairs.PairFeaturizer.transform_all`) and a small retrieval
model's score (:class:`models.candidates.CandidateGenerator`, trained on the
same examples); its top few hundred are re-scored by the full model.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier, LGBMRanker
from sklearn.base import BaseEstimator
from sklearn.metrics import roc_auc_score
from sklearn.utils.validation import check_is_fitted

from db.progress import stage
from features.cities import QuerySide
from features.pairs import ALL_COLUMNS, COLD_COLUMNS, PairFeaturizer
from features.text import graph_embeddings
from models.candidates import CandidateGenerator, booster_probability
from models.dataset import CityQuery, GraphData
from models.sampling import TrainingSampler

_COLD_IDX = [ALL_COLUMNS.index(c) for c in COLD_COLUMNS]


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
    n_random, n_country, n_near, n_two_hop, n_regional, negative_weight, n_cold_queries : \
    theme_folds, thematic_balance, n_twinning_queries, theme_cold_share, n_rerank_queries, query_weighting
        How training rows are sampled: the parameters of :class:`models.sampling.TrainingSampler`
        (``theme_folds=0`` leaves the themed model out; with ``n_rerank_queries > 0`` the warm
        model is a LightGBM lambdarank model trained on retrieved candidate sets).
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
    n_jobs : int
        LightGBM training threads (scoring uses one).
    random_state : int
        Seed of negative sampling and boosting.

    Attributes
    ----------
    featurizer_ : features.pairs.PairFeaturizer
    warm_model_, cold_model_ : lightgbm.LGBMClassifier
    theme_model_ : lightgbm.LGBMClassifier or None
        The needs model (see the module docstring).
    theme_examples_ : dict
        Rows the needs model learnt from: of thematic networks, of other groups, of links.
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
        thematic_balance: bool = True,
        n_twinning_queries: int = 12_000,
        theme_cold_share: float = 0.5,
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
        self.thematic_balance = thematic_balance
        self.n_twinning_queries = n_twinning_queries
        self.theme_cold_share = theme_cold_share
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

    def __getstate__(self) -> dict:
        # position_of_ follows from cities_: rebuilt when an artifact is loaded, never stored in it
        state = dict(super().__getstate__())  # a copy: the live model keeps its index
        state.pop("position_of_", None)
        return state

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        if "cities_" in state:
            self.position_of_ = _positions(self.cities_)

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        graph: GraphData,
        y=None,
        *,
        profile_embeddings: np.ndarray | None = None,
        group_embeddings: np.ndarray | None = None,
        twinning_embeddings: np.ndarray | None = None,
        cache=None,
    ) -> PartnerRanker:
        """Fit features, retrieval and the three models on the training graph.

        Parameters
        ----------
        graph : GraphData
            Training graph; nothing outside it is ever seen.
        profile_embeddings, group_embeddings, twinning_embeddings : numpy.ndarray, optional
            Precomputed embeddings of ``cities.profile_text``, group texts and
            :data:`features.text.TWINNING_PHRASES`; computed with ``embedder`` (through ``cache``)
            when omitted.
        cache : features.text.EmbeddingCache, optional
        """
        if not isinstance(graph, GraphData):
            raise TypeError(f"fit expects a GraphData, got {type(graph).__name__}")
        graph.validate()
        given = (profile_embeddings, group_embeddings, twinning_embeddings)
        if self.embedder is not None and any(e is None for e in given):
            computed = graph_embeddings(graph, embedder=self.embedder, cache=cache)
            profile_embeddings, group_embeddings, twinning_embeddings = (
                e if e is not None else c for e, c in zip(given, computed, strict=True)
            )
        self.n_cities_ = graph.n_cities
        self.cities_ = graph.cities[["city_id", "name", "country"]].reset_index(drop=True)
        self.position_of_ = _positions(self.cities_)
        self.neighbours_ = graph.neighbours()
        with stage("pair features", cities=graph.n_cities):
            self.featurizer_ = PairFeaturizer(n_near=self.n_near_towns, n_near_wide=self.n_near_wide).fit(
                graph, profile_embeddings=profile_embeddings, group_embeddings=group_embeddings,
                twinning_embeddings=twinning_embeddings,
            )  # fmt: skip
        params = {k: getattr(self, k) for k in TrainingSampler._get_param_names()}
        sampler = TrainingSampler(**params).fit(graph, featurizer=self.featurizer_)
        X, y, w = sampler.sample_warm()
        with stage("warm model", rows=len(y)):
            self.warm_model_, self.warm_candidates_ = self._fit_pair(
                X, y, w, extra_trees=self.extra_trees, max_bin=self.max_bin
            )
        del X, y, w
        if self.n_rerank_queries > 0:
            X, y, sizes = sampler.sample_rerank(self.warm_candidates_)
            with stage("rerank model", rows=len(y)):
                self.warm_model_ = LGBMRanker(
                    **self._booster_params(self.extra_trees, self.max_bin), lambdarank_truncation_level=30
                ).fit(X, y, group=sizes)
            self.warm_model_.set_params(n_jobs=1)
            del X, y, sizes
        X, y, w = sampler.sample_cold()
        with stage("cold model", rows=len(y)):
            self.cold_model_, self.cold_candidates_ = self._fit_pair(
                X[:, _COLD_IDX], y, w, extra_trees=self.extra_trees, max_bin=self.max_bin
            )
        del X, y, w
        self.theme_model_, self.theme_candidates_ = None, None
        if self.theme_folds and group_embeddings is not None and len(graph.groups) >= 2 * self.theme_folds:
            X, y, w = sampler.sample_theme(graph, profile_embeddings, group_embeddings, twinning_embeddings)
            self.theme_examples_ = sampler.theme_examples_
            with stage("theme model", rows=len(y)):
                self.theme_model_, self.theme_candidates_ = self._fit_pair(
                    X, y, w, extra_trees=False, max_bin=255
                )
        return self

    def _fit_pair(self, X: np.ndarray, y: np.ndarray, w: np.ndarray, *, extra_trees: bool, max_bin: int):
        """The full model and the retrieval model, trained on the same examples with the same splits."""
        model = LGBMClassifier(**self._booster_params(extra_trees, max_bin)).fit(X, y, sample_weight=w)
        model.set_params(n_jobs=1)  # scoring: one thread per request
        retrieval = CandidateGenerator(
            n_candidates=self.n_candidates, n_estimators=self.retrieval_estimators,
            min_child_samples=self.min_child_samples, shortlist=self.retrieval_shortlist,
            extra_trees=extra_trees, max_bin=max_bin, n_jobs=self.n_jobs, random_state=self.random_state,
        ).fit(X, y, sample_weight=w)  # fmt: skip
        return model, retrieval

    def _booster_params(self, extra_trees: bool, max_bin: int) -> dict:
        return dict(
            n_estimators=self.n_estimators, learning_rate=self.learning_rate, num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples, subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
            extra_trees=extra_trees, max_bin=max_bin, n_jobs=self.n_jobs, random_state=self.random_state,
            verbose=-1,
        )  # fmt: skip

    # ------------------------------------------------------------------ scoring
    def predict(self, X: np.ndarray) -> np.ndarray:
        """Warm-model scores (probability-like) of position pairs ``X`` ``(n, 2)``."""
        check_is_fitted(self, "warm_model_")
        X = np.asarray(X, dtype=np.int64).reshape(-1, 2)
        return booster_probability(self.warm_model_, self.featurizer_.transform(X))

    def score(self, X: np.ndarray, y: np.ndarray) -> float:
        """ROC AUC of :meth:`predict` on labelled pairs (higher is better)."""
        return float(roc_auc_score(y, self.predict(X)))

    def query_side(self, query: CityQuery | int, *, needs_embedding: np.ndarray | None = None) -> QuerySide:
        """One-row query side of a known city or a new city's profile (a needs text by its embedding)."""
        check_is_fitted(self, "featurizer_")
        query = CityQuery(position=query) if isinstance(query, int | np.integer) else query
        return query.side(self.featurizer_.table_, embedding=needs_embedding)

    def _models_for(self, q: QuerySide):
        """(model, retrieval, feature columns or None) for a one-row query side."""
        if q.embedding is not None and self.theme_model_ is not None:
            return self.theme_model_, self.theme_candidates_, None
        p = int(q.position[0])
        if p >= 0 and not q.cold[0] and len(self.neighbours_[p]):
            return self.warm_model_, self.warm_candidates_, None
        return self.cold_model_, self.cold_candidates_, _COLD_IDX

    def _side_and_features(self, query: CityQuery | int, needs_embedding) -> tuple[QuerySide, np.ndarray]:
        """The query side and its features against every city.

        A future of the needs embedding (a serving worker embeds on a helper thread, see
        ``service/model_holder.py``) is waited for after every feature that does not read it is
        computed; its columns follow. Without one, the query's needs text is embedded here.
        """
        query = CityQuery(position=query) if isinstance(query, int | np.integer) else query
        if needs_embedding is None and query.needs and self.embedder is not None:
            if not hasattr(self.embedder, "encoder_"):
                self.embedder.fit()
            needs_embedding = self.embedder.transform([query.needs])[0]
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
        s1 = booster_probability(model, X[cand])
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

        ``needs_embedding`` is the needs text's embedding, or a future of it; by default the
        query's needs text is embedded. ``within`` (booleans by position) keeps only those cities.
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
                extra = booster_probability(model, F[rest] if cols is None else F[rest][:, cols])
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


def _positions(cities: pd.DataFrame) -> dict[int, int]:
    """Store city id -> position in the model."""
    return {int(c): p for p, c in enumerate(cities["city_id"].tolist())}
