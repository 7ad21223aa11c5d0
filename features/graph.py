"""Graph indices and country/regional affinities learned from training links only.

Every transformer here takes, per scored row, which training links of the
query are hidden (``QuerySide.removed``: one partner, ``QuerySide.cold``: all
of them) and corrects its counts exactly, so a training example is described
as if its own link had never been seen. Recomputing on the graph minus that
link gives the same numbers (see ``tests/features/test_graph.py``).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from features import columns as C
from features.geo import CityTable, QuerySide

_CHUNK = 512


def gather(m: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Values ``m[rows[k], cols[k]]`` of a CSR matrix, vectorised (0 where absent)."""
    m = m.tocsr()
    m.sort_indices()
    n_cols = np.int64(m.shape[1])
    counts = np.diff(m.indptr)
    keys = np.repeat(np.arange(m.shape[0], dtype=np.int64), counts) * n_cols + m.indices.astype(np.int64)
    want = np.asarray(rows, dtype=np.int64) * n_cols + np.asarray(cols, dtype=np.int64)
    at = np.searchsorted(keys, want)
    at_c = np.minimum(at, max(len(keys) - 1, 0))
    hit = (at < len(keys)) & (keys[at_c] == want) if len(keys) else np.zeros(len(want), dtype=bool)
    out = np.zeros(len(want), dtype=float)
    out[hit] = m.data[at_c[hit]]
    return out


def _row_products(left: sparse.csr_matrix, right: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray):
    """``(left[rows] @ right)[k, cols[k]]`` for each k, computed over unique rows in chunks."""
    out = np.zeros(len(rows), dtype=float)
    uniq, inv = np.unique(rows, return_inverse=True)
    for s in range(0, len(uniq), _CHUNK):
        sel = np.flatnonzero((inv >= s) & (inv < s + _CHUNK))
        prod = (left[uniq[s : s + _CHUNK]] @ right).tocsr()
        out[sel] = gather(prod, inv[sel] - s, cols[sel])
    return out


class GraphPairFeatures(TransformerMixin, BaseEstimator):
    """Degrees, common neighbours, Adamic–Adar, resource allocation, 3-walks and shared groups.

    ``paths3`` counts walks of length 3 between query and candidate, which
    reaches pairs beyond two hops (a truncated Katz term).

    Attributes
    ----------
    adjacency_ : scipy.sparse.csr_matrix
        Training links.
    degree_ : numpy.ndarray
        Training degree per city.
    membership_ : scipy.sparse.csr_matrix
        City x group incidence of the training groups.
    """

    def fit(self, graph, y=None) -> GraphPairFeatures:
        """Index the training links and groups of ``graph``."""
        self.adjacency_ = graph.adjacency()
        self.degree_ = np.asarray(self.adjacency_.sum(axis=1)).ravel()
        self.membership_ = graph.membership()
        self.n_groups_ = np.asarray(self.membership_.sum(axis=1)).ravel()
        d = self.degree_
        # A common neighbour has degree >= 2, the clip only avoids log(1) = 0 elsewhere.
        self.w_aa_ = 1.0 / np.log(np.maximum(d, 2.0))
        self.w_ra_ = 1.0 / np.maximum(d, 1.0)
        self.adjacency_aa_ = (self.adjacency_ @ sparse.diags(self.w_aa_)).tocsr()
        self.adjacency_ra_ = (self.adjacency_ @ sparse.diags(self.w_ra_)).tocsr()
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names, in :data:`features.columns.GRAPH_COLUMNS` order."""
        return np.array(C.GRAPH_COLUMNS, dtype=object)

    def transform(self, X: np.ndarray, *, removed: np.ndarray | None = None) -> np.ndarray:
        """Features of position pairs ``X``; ``removed[k]`` is a partner of query k to hide (-1: none)."""
        check_is_fitted(self, "adjacency_")
        X = np.asarray(X, dtype=np.int64).reshape(-1, 2)
        n = len(X)
        q = QuerySide(
            position=X[:, 0], latitude=np.zeros(n), longitude=np.zeros(n), log_population=np.zeros(n),
            tz_offset=np.zeros(n), income=np.zeros(n), country=np.zeros(n, np.int64),
            continent=np.zeros(n, np.int64), wb_region=np.zeros(n, np.int64),
            region_cell=np.zeros(n, np.int64), local_cell=np.zeros(n, np.int64), sectors=[frozenset()] * n,
            removed=np.full(n, -1, np.int64) if removed is None else np.asarray(removed, np.int64),
            cold=np.zeros(n, bool),
        )  # fmt: skip
        return self.transform_side(q, X[:, 1])

    def transform_side(self, q: QuerySide, cand: np.ndarray) -> np.ndarray:
        """Features of query rows ``q`` against candidate positions ``cand``."""
        check_is_fitted(self, "adjacency_")
        a, deg = self.adjacency_, self.degree_
        cand = np.asarray(cand, dtype=np.int64)
        out = np.zeros((len(cand), len(C.GRAPH_COLUMNS)))
        known = (q.position >= 0) & ~q.cold
        cold_known = (q.position >= 0) & q.cold
        cand_deg = deg[cand].astype(float)
        if cold_known.any():
            k = np.flatnonzero(cold_known)
            cand_deg[k] -= gather(a, q.position[k], cand[k])
        out[:, 7] = self.n_groups_[cand]
        if known.any():
            k = np.flatnonzero(known)
            qp, cp, r = q.position[k], cand[k], q.removed[k]
            has_r = r >= 0
            cand_deg[k] -= (cp == r) & has_r
            cn = _row_products(a, a, qp, cp)
            aa = _row_products(self.adjacency_aa_, a, qp, cp)
            ra = _row_products(self.adjacency_ra_, a, qp, cp)
            p2 = (a @ a).tocsr() if len(k) > 4 * _CHUNK else None
            p3 = _paths3(a, qp, cp, p2)
            rr = np.flatnonzero(has_r)
            if len(rr):
                rp, cr = r[rr], cp[rr]
                other = cr != rp
                # Hiding the (query, r) link removes r from the common neighbours of the
                # query and any candidate adjacent to r, and every walk through that link.
                via_r = gather(a, rp, cr) * other
                cn[rr] -= via_r
                aa[rr] -= via_r * self.w_aa_[rp]
                ra[rr] -= via_r * self.w_ra_[rp]
                cn_rc = _row_products(a, a, rp, cr)
                p3[rr] -= np.where(other, cn_rc, deg[qp[rr]] + deg[rp] - 1)
            out[k, 0] = deg[qp] - has_r
            out[k, 2], out[k, 3], out[k, 4], out[k, 5] = cn, aa, ra, p3
            out[k, 6] = _row_products(self.membership_, self.membership_.T.tocsr(), qp, cp)
        out[:, 1] = cand_deg
        return out


def _paths3(a: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray, a2: sparse.csr_matrix | None):
    out = np.zeros(len(rows), dtype=float)
    uniq, inv = np.unique(rows, return_inverse=True)
    for s in range(0, len(uniq), _CHUNK):
        sel = np.flatnonzero((inv >= s) & (inv < s + _CHUNK))
        left = a2[uniq[s : s + _CHUNK]] if a2 is not None else a[uniq[s : s + _CHUNK]] @ a
        out[sel] = gather((left @ a).tocsr(), inv[sel] - s, cols[sel])
    return out


class _PairCounter:
    """Links between unordered pairs of city codes (countries or grid cells)."""

    def __init__(self, codes: np.ndarray, n_codes: int, adjacency: sparse.csr_matrix, links: np.ndarray):
        self.codes, self.k = codes, np.int64(max(n_codes, 1))
        ci, cj = codes[links[:, 0]], codes[links[:, 1]]
        ok = (ci >= 0) & (cj >= 0)
        keys = np.minimum(ci, cj)[ok] * self.k + np.maximum(ci, cj)[ok]
        self.keys, self.counts = np.unique(keys, return_counts=True)
        self.ends = np.bincount(np.r_[ci[ok], cj[ok]], minlength=int(self.k)).astype(float)
        self.m = float(ok.sum())
        n = len(codes)
        valid = codes >= 0
        onehot = sparse.csr_matrix(
            (np.ones(valid.sum()), (np.flatnonzero(valid), codes[valid])), shape=(n, int(self.k))
        )
        self.links_to_code = (adjacency @ onehot).tocsr()  # per city: its links into each code

    def count(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        key = np.minimum(x, y) * self.k + np.maximum(x, y)
        at = np.minimum(np.searchsorted(self.keys, key), max(len(self.keys) - 1, 0))
        hit = (x >= 0) & (y >= 0) & (len(self.keys) > 0)
        hit &= self.keys[at] == key if len(self.keys) else False
        return np.where(hit, self.counts[at] if len(self.keys) else 0, 0).astype(float)

    def features(self, q: QuerySide, qc: np.ndarray, cc: np.ndarray, alpha: float, beta: float):
        """(links, log affinity, share of the query code's links) with the query's hidden links removed."""
        cnt = self.count(qc, cc)
        ends_q = np.where(qc >= 0, self.ends[np.maximum(qc, 0)], 0.0)
        ends_c = np.where(cc >= 0, self.ends[np.maximum(cc, 0)], 0.0)
        m = np.full(len(qc), self.m)
        r = q.removed
        one = np.flatnonzero((r >= 0) & (q.position >= 0) & ~q.cold)
        if len(one):
            rc = self.codes[r[one]]
            valid = (rc >= 0) & (qc[one] >= 0)
            cnt[one] -= valid & (cc[one] == rc)
            ends_q[one] -= valid * (1.0 + (qc[one] == rc))
            ends_c[one] -= valid * ((cc[one] == qc[one]).astype(float) + (cc[one] == rc))
            m[one] -= valid
        allq = np.flatnonzero(q.cold & (q.position >= 0))
        if len(allq):
            qp = q.position[allq]
            ok = (cc[allq] >= 0) & (qc[allq] >= 0)
            to_c = gather(self.links_to_code, qp, np.maximum(cc[allq], 0)) * ok
            total = np.asarray(self.links_to_code[qp].sum(axis=1)).ravel() * (qc[allq] >= 0)
            cnt[allq] -= to_c
            own = gather(self.links_to_code, qp, np.maximum(qc[allq], 0)) * (qc[allq] >= 0)
            ends_q[allq] -= total + own
            ends_c[allq] -= to_c + total * (cc[allq] == qc[allq])
            m[allq] -= total
        expected = ends_q * ends_c / np.maximum(2.0 * m, 1.0)
        aff = np.log((cnt + alpha) / (expected + beta))
        share = cnt / np.maximum(ends_q, 1.0)
        return cnt, aff, share


class AffinityPairFeatures(TransformerMixin, BaseEstimator):
    """Country-pair and regional affinities: observed over expected links, smoothed.

    ``affinity = log((links(a, b) + alpha) / (ends(a) * ends(b) / 2m + beta))`` for the
    countries (or ~300 km / ~100 km grid cells) a and b of query and candidate.

    Parameters
    ----------
    alpha, beta : float
        Additive smoothing of observed and expected counts.
    """

    def __init__(self, alpha: float = 1.0, beta: float = 1.0):
        self.alpha = alpha
        self.beta = beta

    def fit(self, graph, y=None, *, table: CityTable | None = None) -> AffinityPairFeatures:
        """Count training links between countries and between grid cells."""
        self.table_ = table if table is not None else CityTable.from_frame(graph.cities)
        t, a = self.table_, graph.adjacency()
        self.country_ = _PairCounter(t.country, len(t.country_vocab), a, graph.links)
        self.region_ = _PairCounter(t.region_cell, len(t.region_vocab), a, graph.links)
        self.local_ = _PairCounter(t.local_cell, len(t.local_vocab), a, graph.links)
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names, in :data:`features.columns.AFFINITY_COLUMNS` order."""
        return np.array(C.AFFINITY_COLUMNS, dtype=object)

    def transform(self, X: np.ndarray, *, removed: np.ndarray | None = None) -> np.ndarray:
        """Features of position pairs ``X``; ``removed[k]`` is a partner of query k to hide (-1: none)."""
        check_is_fitted(self, "table_")
        X = np.asarray(X, dtype=np.int64).reshape(-1, 2)
        return self.transform_side(self.table_.side(X[:, 0], removed=removed), X[:, 1])

    def transform_side(self, q: QuerySide, cand: np.ndarray) -> np.ndarray:
        """Features of query rows ``q`` against candidate positions ``cand``."""
        check_is_fitted(self, "table_")
        t, a, b = self.table_, self.alpha, self.beta
        c_cnt, c_aff, c_share = self.country_.features(q, q.country, t.country[cand], a, b)
        r_cnt, r_aff, _ = self.region_.features(q, q.region_cell, t.region_cell[cand], a, b)
        _, l_aff, _ = self.local_.features(q, q.local_cell, t.local_cell[cand], a, b)
        return np.column_stack([c_cnt, c_aff, r_cnt, r_aff, l_aff, c_share])
