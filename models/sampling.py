"""Training rows of the ranker's models: positives and importance-weighted negatives.

Negatives are sampled per query from random, same-country, nearby, two-hop and "regional"
cities (partners of towns near the query, and towns near those) and importance-weighted so
that together they stand for a uniform sample of all cities (full ranking is what is judged).
Every row's features hide the links the row is about (see :mod:`features.graph`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from db.progress import stage
from features.pairs import ALL_COLUMNS, PairFeaturizer
from features.participation import THEMATIC_KINDS
from features.regional import unit_xyz
from models.candidates import CandidateGenerator
from models.dataset import GraphData

_QUERY_WEIGHTINGS = ("cold", "all", "none")


def _staged(name: str) -> Callable:
    """Sample as a stage of the long work (db/progress.py) that counts the rows and positives."""

    def wrap(sample: Callable) -> Callable:
        @functools.wraps(sample)
        def staged(*args, **kwargs) -> tuple:
            with stage(name) as progress:
                X, y, third = sample(*args, **kwargs)
                progress.count(rows=len(y), positives=int(np.count_nonzero(y)))
            return X, y, third

        return staged

    return wrap


class TrainingSampler(BaseEstimator):
    """Sample the training rows of the warm, cold-start, themed and re-ranking models.

    Parameters
    ----------
    n_random, n_country, n_near, n_two_hop, n_regional : int
        Negatives drawn per positive from each source.
    negative_weight : float
        Total weight of a positive's negatives (the positive weighs 1).
    n_cold_queries : int
        Cities used as cold-start training queries (at most every city with a link).
    theme_folds : int
        Folds over groups for the themed rows.
    thematic_balance : bool
        The themed rows of thematic networks weigh as much in all as those of the other groups
        (cross-border projects are most of the training groups, and recruit differently).
    n_twinning_queries : int
        Training links the themed rows also hold, each asked with one of the twinning phrasings
        as needs (:data:`features.text.TWINNING_PHRASES`; twinnings carry no text), so that the
        needs model learns what a request for a twin town is answered with. They weigh as much
        in all as the groups' rows.
    theme_cold_share : float
        Share of the themed queries asked as new cities (profile only), as a planner of a city
        the store has no links for asks.
    n_rerank_queries : int
        Training links whose retrieved candidate sets :meth:`sample_rerank` returns.
    query_weighting : {"cold", "all", "none"}
        Which models weigh each training query city equally (its links share the weight)
        instead of each link (see :class:`models.ranker.PartnerRanker`).
    random_state : int
        Seed; each model's rows draw from their own stream, so changing how one samples leaves
        the others as they were.

    Attributes
    ----------
    featurizer_ : features.pairs.PairFeaturizer
        The fitted featurizer rows are described with (not copied).
    neighbours_ : list of numpy.ndarray
        Training partners per city.
    near_ : numpy.ndarray
        The 100 nearest cities of each city ``(n, 100)``.
    by_country_ : dict
        Country code -> city positions.
    mean_degree_ : float
        Mean number of links of the cities with one.
    stays_visible_ : numpy.ndarray
        Cities that keep a link or a group when one of their links is hidden: a positive whose
        partner would be left with neither is a pattern the store never shows at scoring time
        (see :meth:`models.dataset.GraphData.visible`), so it is not learnt.
    rng_ : numpy.random.Generator
        The stream of the last rows sampled.
    theme_examples_ : dict
        After :meth:`sample_theme`: its rows of thematic networks, of other groups, of links.
    """

    def __init__(
        self,
        *,
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
        n_rerank_queries: int = 0,
        query_weighting: str = "cold",
        random_state: int = 0,
    ):
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
        self.n_rerank_queries = n_rerank_queries
        self.query_weighting = query_weighting
        self.random_state = random_state

    def fit(self, graph: GraphData, y=None, *, featurizer: PairFeaturizer) -> TrainingSampler:
        """Index the training graph: partners, nearest towns, cities by country."""
        if self.query_weighting not in _QUERY_WEIGHTINGS:
            raise ValueError(f"query_weighting must be 'cold', 'all' or 'none', not {self.query_weighting!r}")
        check_is_fitted(featurizer, "table_")
        self.featurizer_ = featurizer
        self.n_cities_ = graph.n_cities
        self.neighbours_ = graph.neighbours()
        t = featurizer.table_
        k_near = min(100, max(graph.n_cities - 1, 1))
        xyz = unit_xyz(t.latitude, t.longitude)
        _, near = cKDTree(xyz).query(xyz, k=k_near + 1)
        self.near_ = np.atleast_2d(near)[:, 1:]
        by_country = pd.Series(np.arange(graph.n_cities)).groupby(t.country)
        self.by_country_ = by_country.apply(np.asarray).to_dict()
        deg = np.array([len(p) for p in self.neighbours_])
        self.mean_degree_ = float(deg[deg > 0].mean()) if (deg > 0).any() else 1.0
        self.stays_visible_ = (deg >= 2) | (graph.group_counts() > 0)
        return self

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
        country = self.by_country_.get(int(self.featurizer_.table_.country[q]), np.zeros(0, np.int64))
        srcs = [(np.arange(n), self.n_random), (country, self.n_country), (self.near_[q], self.n_near)]
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
        return float(self.mean_degree_ / max(degree, 1))

    @_staged("warm rows")
    def sample_warm(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Warm-model rows ``(X, y, w)``: every training link of a city with two or more, hidden from its own
        features and its negatives' (the stream continues in :meth:`sample_rerank`)."""
        check_is_fitted(self, "featurizer_")
        self.rng_ = np.random.default_rng(self.random_state)
        a = self.featurizer_.graph_.adjacency_
        qs, cs, rs, ys, ws = [], [], [], [], []
        # A city with one link would have none once it is hidden: the cold model's case, never the
        # warm model's (it scores cities that have links). Such examples took half the cities' weight.
        for q in np.flatnonzero(np.diff(a.indptr) >= 2):
            partners = self.neighbours_[q]
            pos = partners[self.stays_visible_[partners]]
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

    @_staged("rerank rows")
    def sample_rerank(self, candidates: CandidateGenerator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Retrieved candidate sets of training links ``(X, y, group sizes)``, for a listwise re-ranker.

        Each set is the hidden partner plus the retrieval model's (``candidates``) top candidates
        for its query; every row's features are computed with the link hidden. Draws from the
        warm stream after :meth:`sample_warm`.
        """
        check_is_fitted(self, "rng_")
        qs, rs = self._hideable_links()
        pick = self.rng_.choice(len(qs), size=min(self.n_rerank_queries, len(qs)), replace=False)
        t = self.featurizer_.table_
        qq, cc, rr, ys, sizes = [], [], [], [], []
        for q, r in zip(qs[pick], rs[pick], strict=True):
            F = self.featurizer_.transform_all(t.side(np.array([q])))
            s0 = candidates.scores(F)
            cand = candidates.generate(s0, exclude=np.r_[q, self.neighbours_[q]])
            c = np.r_[r, cand]
            qq.append(np.full(len(c), q))
            cc.append(c)
            rr.append(np.full(len(c), r))
            ys.append(np.r_[1.0, np.zeros(len(cand))])
            sizes.append(len(c))
        q, c, r = np.concatenate(qq), np.concatenate(cc), np.concatenate(rr)
        X = self._transform_chunked(np.c_[q, c], removed=r)
        return X, np.concatenate(ys).astype(np.float32), np.array(sizes)

    def _hideable_links(self) -> tuple[np.ndarray, np.ndarray]:
        """Training links (query, partner) that can be hidden as in leave-one-out: the query keeps
        another link and the partner stays in the store."""
        deg = np.array([len(p) for p in self.neighbours_])
        qs = np.repeat(np.arange(self.n_cities_), deg)
        rs = np.concatenate(self.neighbours_) if len(qs) else np.zeros(0, np.int64)
        ok = (deg[qs] >= 2) & self.stays_visible_[rs]
        return qs[ok], rs[ok]

    def _transform_chunked(self, X: np.ndarray, chunk: int = 131_072, **kw) -> np.ndarray:
        """Pair features as float32, computed in chunks of rows to bound memory."""
        out = np.empty((len(X), len(ALL_COLUMNS)), dtype=np.float32)
        for s in range(0, len(X), chunk):
            sl = slice(s, s + chunk)
            out[sl] = self.featurizer_.transform(X[sl], **{k: v[sl] for k, v in kw.items()})
        return out

    @_staged("cold rows")
    def sample_cold(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cold-start rows ``(X, y, w)``: cities whose links are all hidden, against their partners."""
        check_is_fitted(self, "featurizer_")
        self.rng_ = np.random.default_rng([self.random_state, 1])
        deg = np.array([len(p) for p in self.neighbours_])
        pool = np.flatnonzero(deg > 0)
        chosen = self.rng_.choice(pool, size=min(self.n_cold_queries, len(pool)), replace=False)
        qs, cs, ys, ws = [], [], [], []
        for q in chosen:
            partners = self.neighbours_[q]
            pos = partners[self.stays_visible_[partners]]
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

    @_staged("theme rows")
    def sample_theme(
        self,
        graph: GraphData,
        profile_embeddings: np.ndarray | None,
        group_embeddings: np.ndarray,
        twinning_embeddings: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Themed rows ``(X, y, w)``: group co-members asking with the group's text, each fold of groups
        removed from the features of its own members; then training links asked as twinning requests."""
        check_is_fitted(self, "featurizer_")
        self.rng_ = np.random.default_rng([self.random_state, 2])
        prof, grp = profile_embeddings, group_embeddings
        fold = self.rng_.permutation(len(graph.groups)) % self.theme_folds
        Xs, ys, ws, thematic = [], [], [], []
        for f in range(self.theme_folds):
            held = np.flatnonzero(fold == f)
            keep = fold != f
            sub = graph.without_groups([graph.groups[k].id for k in held])
            feat = clone(self.featurizer_).fit(
                sub,
                profile_embeddings=prof,
                group_embeddings=grp[keep],
                twinning_embeddings=twinning_embeddings,
            )
            qs, cs, gs, colds = [], [], [], []
            visible = sub.visible()
            co = feat.participation_.co_
            for k in held:
                members = np.asarray(graph.groups[k].members)
                for q in self.rng_.permutation(members)[:8]:
                    pos = members[(members != q) & visible[members]]
                    if not len(pos):
                        continue
                    cold = bool(self.rng_.random() < self.theme_cold_share)
                    # the hard negatives of a known city: its earlier co-members and theirs, the
                    # cities co-membership Adamic–Adar ranks first
                    co_members = (
                        np.zeros(0, np.int64) if cold else np.union1d(co[q].indices, (co[q] @ co).indices)
                    )
                    cand, w = self._negatives(q, 1, [co_members, self._regional_set(q)], members)
                    c = np.r_[pos, cand[0]]
                    qs.append(np.full(len(c), q))
                    cs.append(c)
                    gs.append(np.full(len(c), k))
                    colds.append(np.full(len(c), cold))
                    ys.append(np.r_[np.ones(len(pos)), np.zeros(cand.shape[1])])
                    ws.append(np.r_[np.ones(len(pos)), w[0] * len(pos)])
                    thematic.append(np.full(len(c), graph.groups[k].kind in THEMATIC_KINDS))
            q, c, g, cold = np.concatenate(qs), np.concatenate(cs), np.concatenate(gs), np.concatenate(colds)
            for s in range(0, len(q), 16_384):
                sl = slice(s, s + 16_384)
                side = feat.table_.side(q[sl], cold=cold[sl], embedding=grp[g[sl]])
                Xs.append(feat.transform_side(side, c[sl]).astype(np.float32))
            del feat, sub
        X = np.vstack(Xs)
        y, w = np.concatenate(ys).astype(np.float32), np.concatenate(ws).astype(np.float32)
        thematic = np.concatenate(thematic)
        if self.thematic_balance and thematic.any() and (~thematic).any():
            w[thematic] *= w[~thematic].sum() / w[thematic].sum()
        links = self._twinning_rows(twinning_embeddings)
        self.theme_examples_ = {
            "thematic_groups": int(thematic.sum()),
            "other_groups": int((~thematic).sum()),
            "twinning_links": 0 if links is None else len(links[1]),
        }
        if links is not None:
            Xt, yt, wt = links
            X, y, w = np.vstack([X, Xt]), np.r_[y, yt], np.r_[w, wt * (w.sum() / max(wt.sum(), 1e-12))]
        keep = w > 0
        return X[keep], y[keep], w[keep].astype(np.float32)

    def _twinning_rows(self, twinning_embeddings: np.ndarray | None):
        """Training links, each hidden from its features and asked with a twinning phrasing (or None)."""
        if not self.n_twinning_queries or twinning_embeddings is None or not len(twinning_embeddings):
            return None
        qs, rs = self._hideable_links()
        if not len(qs):
            return None
        pick = self.rng_.choice(len(qs), size=min(self.n_twinning_queries, len(qs)), replace=False)
        a = self.featurizer_.graph_.adjacency_
        qq, cc, rr, ys, ws = [], [], [], [], []
        for q, r in zip(qs[pick], rs[pick], strict=True):
            cand, w = self._negatives(q, 1, [(a[q] @ a).indices, self._regional_set(q)], self.neighbours_[q])
            qq.append(np.full(cand.shape[1] + 1, q))
            cc.append(np.r_[r, cand[0]])
            rr.append(np.full(cand.shape[1] + 1, r))
            ys.append(np.r_[1.0, np.zeros(cand.shape[1])])
            ws.append(np.r_[1.0, w[0]])
        q, c, r = np.concatenate(qq), np.concatenate(cc), np.concatenate(rr)
        phrase = np.repeat(
            self.rng_.integers(0, len(twinning_embeddings), size=len(pick)), [len(x) for x in qq]
        )
        X = np.empty((len(q), len(ALL_COLUMNS)), dtype=np.float32)
        t = self.featurizer_.table_
        for s in range(0, len(q), 16_384):
            sl = slice(s, s + 16_384)
            side = t.side(q[sl], removed=r[sl], embedding=twinning_embeddings[phrase[sl]])
            X[sl] = self.featurizer_.transform_side(side, c[sl])
        return X, np.concatenate(ys).astype(np.float32), np.concatenate(ws).astype(np.float32)
