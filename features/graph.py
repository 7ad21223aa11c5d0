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
from sklearn.utils.validation import check_is_fitted

from features.blocks import Block, Columns, PairTransformer
from features.cities import CityTable, QuerySide, repeat_side

_CHUNK = 512

# Graph indices from training links
GRAPH_COLUMNS = Columns(
    "query_degree candidate_degree common_neighbours adamic_adar resource_allocation paths3"
    " shared_groups candidate_groups"
)

# Country, grid-cell and admin-region (GeoNames admin1) affinities from training links
AFFINITY_COLUMNS = Columns(
    "country_pair_links country_pair_affinity region_pair_links region_pair_affinity local_pair_affinity"
    " candidate_country_share admin_pair_links admin_pair_affinity candidate_admin_share"
)


def gather(m: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Values ``m[rows[k], cols[k]]`` of a CSR matrix, vectorised (0 where absent).

    The sorted lookup keys of ``m`` are built once and kept on the matrix, so
    repeated gathers from a fitted matrix cost only the binary search.
    """
    m = m.tocsr()
    n_cols = np.int64(m.shape[1])
    cached = getattr(m, "_gather_keys", None)
    if cached is None or cached[0] != (m.nnz, m.shape):
        m.sort_indices()
        counts = np.diff(m.indptr)
        keys = np.repeat(np.arange(m.shape[0], dtype=np.int64), counts) * n_cols + m.indices.astype(np.int64)
        cached = ((m.nnz, m.shape), keys)
        m._gather_keys = cached
    keys = cached[1]
    want = np.asarray(rows, dtype=np.int64) * n_cols + np.asarray(cols, dtype=np.int64)
    at = np.searchsorted(keys, want)
    at_c = np.minimum(at, max(len(keys) - 1, 0))
    hit = (at < len(keys)) & (keys[at_c] == want) if len(keys) else np.zeros(len(want), dtype=bool)
    out = np.zeros(len(want), dtype=float)
    out[hit] = m.data[at_c[hit]]
    return out


class _NoLookupCache:
    """Pickle without the lookup keys :func:`gather` keeps on fitted matrices (rebuilt on use)."""

    def __getstate__(self) -> dict:
        for v in self.__dict__.values():
            if sparse.issparse(v):
                v.__dict__.pop("_gather_keys", None)
        parent = getattr(super(), "__getstate__", None)
        return parent() if parent is not None else self.__dict__.copy()


def _row_products(left: sparse.csr_matrix, right: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray):
    """``(left[rows] @ right)[k, cols[k]]`` for each k, computed over unique rows in chunks."""
    out = np.zeros(len(rows), dtype=float)
    uniq, inv = np.unique(rows, return_inverse=True)
    for s in range(0, len(uniq), _CHUNK):
        sel = np.flatnonzero((inv >= s) & (inv < s + _CHUNK))
        prod = (left[uniq[s : s + _CHUNK]] @ right).tocsr()
        out[sel] = gather(prod, inv[sel] - s, cols[sel])
    return out


class GraphPairFeatures(_NoLookupCache, PairTransformer):
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

    columns = GRAPH_COLUMNS

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

    def query_side(self, positions: np.ndarray, *, removed: np.ndarray | None = None) -> QuerySide:
        """Positions are all the graph indices read of a query (the block keeps no city table)."""
        return QuerySide.positions_only(positions, removed=removed)

    def transform_side(self, q: QuerySide, cand: np.ndarray) -> np.ndarray:
        """Features of query rows ``q`` against candidate positions ``cand``."""
        check_is_fitted(self, "adjacency_")
        a, deg = self.adjacency_, self.degree_
        cand = np.asarray(cand, dtype=np.int64)
        out = np.zeros((len(cand), len(GRAPH_COLUMNS)))
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


def _dense_row(m: sparse.csr_matrix) -> np.ndarray:
    return np.asarray(m.todense(), dtype=float).ravel()


def _graph_transform_all(self: GraphPairFeatures, q: QuerySide) -> np.ndarray:
    """Features of a one-row query side (no hidden single link) against every city."""
    check_is_fitted(self, "adjacency_")
    a, deg = self.adjacency_, self.degree_
    n = a.shape[0]
    out = np.zeros((n, len(GRAPH_COLUMNS)))
    p = int(q.position[0])
    cold = bool(q.cold[0]) if len(q.cold) else False
    if len(q.removed) and q.removed[0] >= 0:
        raise ValueError("transform_all scores a query as it is: no single hidden link")
    cand_deg = deg.astype(float).copy()
    out[:, 7] = self.n_groups_
    if p >= 0 and cold:
        cand_deg -= _dense_row(a[p])
    elif p >= 0:
        row = a[p]
        out[:, 0] = deg[p]
        two = row @ a
        out[:, 2] = _dense_row(two)
        out[:, 3] = _dense_row(self.adjacency_aa_[p] @ a)
        out[:, 4] = _dense_row(self.adjacency_ra_[p] @ a)
        out[:, 5] = _dense_row(two @ a)
        out[:, 6] = _dense_row(self.membership_[p] @ self.membership_.T)
    out[:, 1] = cand_deg
    return out


GraphPairFeatures.transform_all = _graph_transform_all


def _paths3(a: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray, a2: sparse.csr_matrix | None):
    out = np.zeros(len(rows), dtype=float)
    uniq, inv = np.unique(rows, return_inverse=True)
    for s in range(0, len(uniq), _CHUNK):
        sel = np.flatnonzero((inv >= s) & (inv < s + _CHUNK))
        left = a2[uniq[s : s + _CHUNK]] if a2 is not None else a[uniq[s : s + _CHUNK]] @ a
        out[sel] = gather((left @ a).tocsr(), inv[sel] - s, cols[sel])
    return out


class _PairCounter(_NoLookupCache):
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
        self.total = np.asarray(self.links_to_code.sum(axis=1)).ravel()

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
            total = self.total[qp] * (qc[allq] >= 0)
            cnt[allq] -= to_c
            own = gather(self.links_to_code, qp, np.maximum(qc[allq], 0)) * (qc[allq] >= 0)
            ends_q[allq] -= total + own
            ends_c[allq] -= to_c + total * (cc[allq] == qc[allq])
            m[allq] -= total
        expected = ends_q * ends_c / np.maximum(2.0 * m, 1.0)
        aff = np.log((cnt + alpha) / (expected + beta))
        share = cnt / np.maximum(ends_q, 1.0)
        return cnt, aff, share


class AffinityPairFeatures(PairTransformer):
    """Country-pair and regional affinities: observed over expected links, smoothed.

    ``affinity = log((links(a, b) + alpha) / (ends(a) * ends(b) / 2m + beta))`` for the
    countries (or ~300 km / ~100 km grid cells, or GeoNames admin1 regions) a and b of query
    and candidate.

    Parameters
    ----------
    alpha, beta : float
        Additive smoothing of observed and expected counts.
    """

    columns = AFFINITY_COLUMNS

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
        self.admin_ = _PairCounter(t.admin_region, len(t.admin_vocab), a, graph.links)
        return self

    def transform_side(self, q: QuerySide, cand: np.ndarray) -> np.ndarray:
        """Features of query rows ``q`` against candidate positions ``cand``."""
        check_is_fitted(self, "table_")
        t, a, b = self.table_, self.alpha, self.beta
        c_cnt, c_aff, c_share = self.country_.features(q, q.country, t.country[cand], a, b)
        r_cnt, r_aff, _ = self.region_.features(q, q.region_cell, t.region_cell[cand], a, b)
        _, l_aff, _ = self.local_.features(q, q.local_cell, t.local_cell[cand], a, b)
        a_cnt, a_aff, a_share = self.admin_.features(q, q.admin_region, t.admin_region[cand], a, b)
        return np.column_stack([c_cnt, c_aff, r_cnt, r_aff, l_aff, c_share, a_cnt, a_aff, a_share])

    def transform_all(self, q: QuerySide) -> np.ndarray:
        """Features of a one-row query side against every city, computed once per country/cell."""
        check_is_fitted(self, "table_")
        t, a, b = self.table_, self.alpha, self.beta
        cols = []
        for counter, qc, codes in (
            (self.country_, q.country, t.country),
            (self.region_, q.region_cell, t.region_cell),
            (self.local_, q.local_cell, t.local_cell),
            (self.admin_, q.admin_region, t.admin_region),
        ):
            k = int(counter.k)
            rep = repeat_side(q, k)
            cnt, aff, share = counter.features(rep, np.repeat(qc[:1], k), np.arange(k), a, b)
            # Cities of unknown code get what an unknown code gets (no links).
            nil = counter.features(repeat_side(q, 1), qc[:1], np.array([-1]), a, b)
            at = np.maximum(codes, 0)
            pick = [np.where(codes >= 0, v[at], v0[0]) for v, v0 in zip((cnt, aff, share), nil, strict=True)]
            cols.append(pick)
        (c_cnt, c_aff, c_share), (r_cnt, r_aff, _), (_, l_aff, _), (a_cnt, a_aff, a_share) = cols
        return np.column_stack([c_cnt, c_aff, r_cnt, r_aff, l_aff, c_share, a_cnt, a_aff, a_share])


# Degrees computed with the query's hidden links; its own degree and what it shares with the
# candidate exist only for a known city with links.
GRAPH_BLOCK = Block(
    GRAPH_COLUMNS,
    attribute="graph_",
    make=lambda f: GraphPairFeatures(),
    warm_only=(
        GRAPH_COLUMNS.query_degree,
        GRAPH_COLUMNS.common_neighbours,
        GRAPH_COLUMNS.adamic_adar,
        GRAPH_COLUMNS.resource_allocation,
        GRAPH_COLUMNS.paths3,
        GRAPH_COLUMNS.shared_groups,
    ),
)
AFFINITY_BLOCK = Block(
    AFFINITY_COLUMNS,
    attribute="affinity_",
    make=lambda f: AffinityPairFeatures(alpha=f.alpha, beta=f.beta),
    fit_with=("table",),
)
