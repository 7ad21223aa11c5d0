"""Baselines that rank all cities: popularity, Adamic–Adar, country-pair x distance prior."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from db.places.geometry import haversine_km
from features.cities import CityTable, QuerySide, repeat_side
from features.graph import AffinityPairFeatures

# Ties (most cities score 0 under Adamic–Adar) are broken by popularity, so every
# baseline returns a full ordering rather than an arbitrary one.
_TIE = 1e-6


class _Baseline(BaseEstimator):
    def fit(self, graph, y=None):
        """Learn from the training links of ``graph``."""
        self.adjacency_ = graph.adjacency()
        self.degree_ = np.asarray(self.adjacency_.sum(axis=1)).ravel()
        self.n_cities_ = graph.n_cities
        return self

    def rank_all(self, q: QuerySide) -> np.ndarray:
        """All city positions, best first (the query itself last)."""
        s = self.scores(q).astype(float)
        if q.position[0] >= 0:
            s[q.position[0]] = -np.inf
        return np.argsort(-s, kind="stable")


class PopularityBaseline(_Baseline):
    """Rank cities by their number of training links."""

    def scores(self, q: QuerySide) -> np.ndarray:
        """Score of every city for query ``q`` (a one-row side)."""
        check_is_fitted(self, "degree_")
        return self.degree_.astype(float)


class AdamicAdarBaseline(_Baseline):
    """Rank cities by Adamic–Adar index with the query (popularity breaks ties)."""

    def fit(self, graph, y=None):
        """Index training links and Adamic–Adar weights."""
        super().fit(graph)
        w = 1.0 / np.log(np.maximum(self.degree_, 2.0))
        self.weighted_ = self.adjacency_.multiply(w[None, :]).tocsr()
        return self

    def scores(self, q: QuerySide) -> np.ndarray:
        """Score of every city for query ``q`` (a one-row side)."""
        check_is_fitted(self, "weighted_")
        s = _TIE * self.degree_
        p = int(q.position[0])
        if p >= 0 and not q.cold[0]:
            s = s + np.asarray((self.weighted_[p] @ self.adjacency_).todense()).ravel()
        return s


class CountryDistancePrior(_Baseline):
    """P(candidate country | query country) x P(city | its country) x distance discount.

    ``score = log share(cq -> cc) + log popularity within cc - distance_weight * log(1 + km / scale_km)``
    where the share of the query country's links going to each country and the
    within-country popularity (degree) are additively smoothed.

    Parameters
    ----------
    scale_km : float
        Distance at which the geographic discount starts to bite.
    distance_weight : float
        Weight of the distance discount.
    smoothing : float
        Additive smoothing of country shares and city degrees.
    """

    def __init__(self, scale_km: float = 100.0, distance_weight: float = 0.6, smoothing: float = 0.5):
        self.scale_km = scale_km
        self.distance_weight = distance_weight
        self.smoothing = smoothing

    def fit(self, graph, y=None, *, table: CityTable | None = None):
        """Count country-pair links of the training graph."""
        super().fit(graph)
        self.table_ = table if table is not None else CityTable.from_frame(graph.cities)
        self.affinity_ = AffinityPairFeatures().fit(graph, table=self.table_)
        cnt = self.affinity_.country_
        cc = np.maximum(self.table_.country, 0)
        n_city = np.bincount(cc, minlength=int(cnt.k)).astype(float)
        a = self.smoothing
        self.within_ = np.log((self.degree_ + a) / (cnt.ends[cc] + a * n_city[cc]))
        return self

    def scores(self, q: QuerySide) -> np.ndarray:
        """Score of every city for query ``q`` (a one-row side)."""
        check_is_fitted(self, "affinity_")
        t, cnt = self.table_, self.affinity_.country_
        n_codes = int(cnt.k)
        # Country shares computed once per query, then gathered per city.
        rep = repeat_side(q, n_codes)
        links, _, _ = cnt.features(rep, rep.country, np.arange(n_codes), 1.0, 1.0)
        share = np.log((links + 0.1) / (links.sum() + 0.1 * n_codes))
        base = np.where(t.country >= 0, share[np.maximum(t.country, 0)], share.min())
        d = haversine_km(q.latitude[0], q.longitude[0], t.latitude, t.longitude)
        return base + self.within_ - self.distance_weight * np.log1p(d / self.scale_km)
