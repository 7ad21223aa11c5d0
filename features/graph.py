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

from features.blocks import Block
from features.geo import CityTable, QuerySide, repeat_side

_CHUNK = 512

# Graph indices from training links
QUERY_DEGREE = "query_degree"
CANDIDATE_DEGREE = "candidate_degree"
COMMON_NEIGHBOURS = "common_neighbours"
ADAMIC_ADAR = "adamic_adar"
RESOURCE_ALLOCATION = "resource_allocation"
PATHS3 = "paths3"
SHARED_GROUPS = "shared_groups"
CANDIDATE_GROUPS = "candidate_groups"

GRAPH_COLUMNS: tuple[str, ...] = (
    QUERY_DEGREE,
    CANDIDATE_DEGREE,
    COMMON_NEIGHBOURS,
    ADAMIC_ADAR,
    RESOURCE_ALLOCATION,
    PATHS3,
    SHARED_GROUPS,
    CANDIDATE_GROUPS,
)

# Country, grid-cell and admin-region (GeoNames admin1) affinities from training links
COUNTRY_PAIR_LINKS = "country_pair_links"
COUNTRY_PAIR_AFFINITY = "country_pair_affinity"
REGION_PAIR_LINKS = "region_pair_links"
REGION_PAIR_AFFINITY = "region_pair_affinity"
LOCAL_PAIR_AFFINITY = "local_pair_affinity"
CANDIDATE_COUNTRY_SHARE = "candidate_country_share"
ADMIN_PAIR_LINKS = "admin_pair_links"
ADMIN_PAIR_AFFINITY = "admin_pair_affinity"
CANDIDATE_ADMIN_SHARE = "candidate_admin_share"

AFFINITY_COLUMNS: tuple[str, ...] = (
    COUNTRY_PAIR_LINKS,
    COUNTRY_PAIR_AFFINITY,
    REGION_PAIR_LINKS,
    REGION_PAIR_AFFINITY,
    LOCAL_PAIR_AFFINITY,
    CANDIDATE_COUNTRY_SHARE,
    ADMIN_PAIR_LINKS,
    ADMIN_PAIR_AFFINITY,
    CANDIDATE_ADMIN_SHARE,
)

# Links between the neighbourhoods (k nearest towns) of query and candidate
NEAR_QUERY_LINKS_CANDIDATE = "near_query_links_candidate"
QUERY_PARTNER_NEAR_CANDIDATE = "query_partner_near_candidate"
NEAR_LINKS_NEAR = "near_links_near"
QUERY_LINKS_CANDIDATE_COUNTRY = "query_links_candidate_country"
CANDIDATE_LINKS_QUERY_COUNTRY = "candidate_links_query_country"
NEAR_CANDIDATE_LINKS_QUERY_COUNTRY = "near_candidate_links_query_country"
NEAR_QUERY_LINKS_CANDIDATE_COUNTRY = "near_query_links_candidate_country"

REGIONAL_COLUMNS: tuple[str, ...] = (
    NEAR_QUERY_LINKS_CANDIDATE,
    QUERY_PARTNER_NEAR_CANDIDATE,
    NEAR_LINKS_NEAR,
    QUERY_LINKS_CANDIDATE_COUNTRY,
    CANDIDATE_LINKS_QUERY_COUNTRY,
    NEAR_CANDIDATE_LINKS_QUERY_COUNTRY,
    NEAR_QUERY_LINKS_CANDIDATE_COUNTRY,
)

# The same at a wider scale (more towns per neighbourhood); the two columns that do not
# depend on neighbourhoods are not repeated.
WIDE_PREFIX = "wide_"
WIDE_REGIONAL_SOURCE: tuple[str, ...] = (
    NEAR_QUERY_LINKS_CANDIDATE,
    QUERY_PARTNER_NEAR_CANDIDATE,
    NEAR_LINKS_NEAR,
    NEAR_CANDIDATE_LINKS_QUERY_COUNTRY,
    NEAR_QUERY_LINKS_CANDIDATE_COUNTRY,
)
WIDE_REGIONAL_COLUMNS: tuple[str, ...] = tuple(WIDE_PREFIX + c for c in WIDE_REGIONAL_SOURCE)


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


class GraphPairFeatures(_NoLookupCache, TransformerMixin, BaseEstimator):
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
        """Column names, in :data:`GRAPH_COLUMNS` order."""
        return np.array(GRAPH_COLUMNS, dtype=object)

    def transform(self, X: np.ndarray, *, removed: np.ndarray | None = None) -> np.ndarray:
        """Features of position pairs ``X``; ``removed[k]`` is a partner of query k to hide (-1: none)."""
        check_is_fitted(self, "adjacency_")
        X = np.asarray(X, dtype=np.int64).reshape(-1, 2)
        q = QuerySide.positions_only(X[:, 0], removed=removed)
        return self.transform_side(q, X[:, 1])

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


class AffinityPairFeatures(TransformerMixin, BaseEstimator):
    """Country-pair and regional affinities: observed over expected links, smoothed.

    ``affinity = log((links(a, b) + alpha) / (ends(a) * ends(b) / 2m + beta))`` for the
    countries (or ~300 km / ~100 km grid cells, or GeoNames admin1 regions) a and b of query
    and candidate.

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
        self.admin_ = _PairCounter(t.admin_region, len(t.admin_vocab), a, graph.links)
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names, in :data:`AFFINITY_COLUMNS` order."""
        return np.array(AFFINITY_COLUMNS, dtype=object)

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


def near_matrix(table: CityTable, k: int) -> sparse.csr_matrix:
    """0/1 matrix ``N[i, j] = 1`` when ``j`` is one of the ``k`` cities nearest to ``i`` (never itself)."""
    from scipy.spatial import cKDTree

    n = table.n
    k = int(min(k, n - 1))
    if k <= 0:
        return sparse.csr_matrix((n, n))
    xyz = unit_xyz(table.latitude, table.longitude)
    _, idx = cKDTree(xyz).query(xyz, k=k + 1)
    idx = np.atleast_2d(idx)
    rows = np.repeat(np.arange(n), k + 1)
    cols = idx.ravel()
    keep = cols != rows
    # Duplicate coordinates can put a city after its twin; drop self, keep exactly k others.
    rows, cols = rows[keep], cols[keep]
    first = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    rank = np.arange(len(rows)) - np.repeat(first, np.diff(np.r_[first, len(rows)]))
    sel = rank < k
    m = sparse.csr_matrix((np.ones(sel.sum()), (rows[sel], cols[sel])), shape=(n, n))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def unit_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere (for nearest-neighbour search by great-circle distance)."""
    la, lo = np.radians(np.nan_to_num(lat)), np.radians(np.nan_to_num(lon))
    return np.c_[np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)]


class RegionalPairFeatures(_NoLookupCache, TransformerMixin, BaseEstimator):
    """Regional affinities: links between the towns near the query and the towns near the candidate.

    With ``N`` the k-nearest-towns matrix (self excluded), ``A`` the training
    links and ``L = A @ onehot(country)`` each city's links per country:

    * ``near_query_links_candidate = (N A)[q, c]``: towns near the query twinned with the candidate;
    * ``query_partner_near_candidate = (A N')[q, c]``: the query's partners among the candidate's
      nearest towns;
    * ``near_links_near = (N A N')[q, c]``: links between the two neighbourhoods;
    * ``query_links_candidate_country = L[q, country(c)]`` and
      ``candidate_links_query_country = L[c, country(q)]``;
    * ``near_candidate_links_query_country = (N L)[c, country(q)]`` and
      ``near_query_links_candidate_country = (N L)[q, country(c)]``.

    Every count is bilinear in ``A``, so hiding the query's link to ``r`` (or all
    its links for a cold row) is an exact subtraction, as in :class:`GraphPairFeatures`.

    Parameters
    ----------
    n_near : int
        Size of a town's neighbourhood.
    """

    def __init__(self, n_near: int = 20):
        self.n_near = n_near

    def fit(self, graph, y=None, *, table: CityTable | None = None) -> RegionalPairFeatures:
        """Index training links, nearest towns and links per country."""
        t = table if table is not None else CityTable.from_frame(graph.cities)
        self.table_ = t
        a = graph.adjacency().astype(np.float32)
        near = near_matrix(t, self.n_near).astype(np.float32)
        n, k = t.n, max(len(t.country_vocab), 1)
        valid = t.country >= 0
        onehot = sparse.csr_matrix(
            (np.ones(valid.sum(), np.float32), (np.flatnonzero(valid), t.country[valid])), shape=(n, k)
        )
        self.adjacency_ = a.tocsr()
        self.near_ = near.tocsr()
        self.near_t_ = near.T.tocsr()
        self.na_ = (near @ a).tocsr()
        self.an_t_ = (a @ self.near_t_).tocsr()
        self.country_links_ = np.asarray((a @ onehot).todense(), dtype=np.float32)
        self.near_country_links_ = np.asarray(near @ self.country_links_, dtype=np.float32)
        self.na_diag_ = gather(self.na_, np.arange(n), np.arange(n))
        from scipy.spatial import cKDTree

        self.tree_ = cKDTree(unit_xyz(t.latitude, t.longitude))
        return self

    def near_rows(self, latitude: np.ndarray, longitude: np.ndarray) -> sparse.csr_matrix:
        """Nearest-towns rows (like ``N``) of points that are not cities of the store."""
        check_is_fitted(self, "tree_")
        k = int(min(self.n_near, self.table_.n))
        m = len(latitude)
        if k <= 0 or m == 0:
            return sparse.csr_matrix((m, self.table_.n), dtype=np.float32)
        _, idx = self.tree_.query(unit_xyz(np.asarray(latitude), np.asarray(longitude)), k=k)
        idx = np.asarray(idx).reshape(m, k)
        data = np.ones(m * k, np.float32)
        return sparse.csr_matrix((data, (np.repeat(np.arange(m), k), idx.ravel())), shape=(m, self.table_.n))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names, in :data:`REGIONAL_COLUMNS` order."""
        return np.array(REGIONAL_COLUMNS, dtype=object)

    def transform(self, X: np.ndarray, *, removed: np.ndarray | None = None) -> np.ndarray:
        """Features of position pairs ``X``; ``removed[k]`` is a partner of query k to hide (-1: none)."""
        check_is_fitted(self, "na_")
        X = np.asarray(X, dtype=np.int64).reshape(-1, 2)
        return self.transform_side(self.table_.side(X[:, 0], removed=removed), X[:, 1])

    def transform_side(self, q: QuerySide, cand: np.ndarray) -> np.ndarray:
        """Features of query rows ``q`` against candidate positions ``cand``."""
        check_is_fitted(self, "na_")
        cand = np.asarray(cand, dtype=np.int64)
        t = self.table_
        out = np.zeros((len(cand), len(REGIONAL_COLUMNS)), dtype=np.float64)
        cq, cc = q.country, t.country[cand]
        cl, ncl = self.country_links_, self.near_country_links_
        ok_q = cq >= 0
        # Candidate side only needs the query's country: also defined for a new city.
        out[:, 4] = np.where(ok_q, cl[cand, np.maximum(cq, 0)], 0.0)
        out[:, 5] = np.where(ok_q, ncl[cand, np.maximum(cq, 0)], 0.0)
        known = np.flatnonzero(q.position >= 0)
        if len(known):
            qp, cp = q.position[known], cand[known]
            okc = cc[known] >= 0
            out[known, 0] = gather(self.na_, qp, cp)
            out[known, 1] = gather(self.an_t_, qp, cp)
            out[known, 2] = _row_products(self.na_, self.near_t_, qp, cp)
            out[known, 3] = np.where(okc, cl[qp, np.maximum(cc[known], 0)], 0.0)
            out[known, 6] = np.where(okc, ncl[qp, np.maximum(cc[known], 0)], 0.0)
            self._hide(q, cand, known, out)
        new = np.flatnonzero(q.position < 0)
        if len(new):
            # A city not in the store: its neighbourhood comes from its coordinates.
            pts = np.c_[q.latitude[new], q.longitude[new]]
            uniq, inv = np.unique(pts, axis=0, return_inverse=True)
            inv = np.asarray(inv).ravel()
            nq = self.near_rows(uniq[:, 0], uniq[:, 1])
            nqa = (nq @ self.adjacency_).tocsr()
            c = cand[new]
            okc = cc[new] >= 0
            out[new, 0] = gather(nqa, inv, c)
            out[new, 2] = _row_products(nqa, self.near_t_, inv, c)
            nql = np.asarray(nq @ self.country_links_)
            out[new, 6] = np.where(okc, nql[inv, np.maximum(cc[new], 0)], 0.0)
        return out

    def transform_all(self, q: QuerySide) -> np.ndarray:
        """Features of a one-row query side (no hidden single link) against every city."""
        check_is_fitted(self, "na_")
        t = self.table_
        n = t.n
        out = np.zeros((n, len(REGIONAL_COLUMNS)))
        p = int(q.position[0])
        cold = bool(q.cold[0]) if len(q.cold) else False
        if len(q.removed) and q.removed[0] >= 0:
            raise ValueError("transform_all scores a query as it is: no single hidden link")
        cq = int(q.country[0])
        cc = t.country
        okc = cc >= 0
        same = ((cc == cq) & (cq >= 0)).astype(float)
        if cq >= 0:
            out[:, 4] = self.country_links_[:, cq]
            out[:, 5] = self.near_country_links_[:, cq]
        if p >= 0:
            nq = self.near_[p]
            nqa = self.na_[p]
        else:
            nq = self.near_rows(q.latitude[:1], q.longitude[:1])
            nqa = nq @ self.adjacency_
        out[:, 0] = _dense_row(nqa)
        out[:, 2] = _dense_row(nqa @ self.near_t_)
        nql = np.asarray(nq @ self.country_links_).ravel()
        out[:, 6] = np.where(okc, nql[np.maximum(cc, 0)], 0.0)
        if p >= 0 and not cold:
            out[:, 1] = _dense_row(self.an_t_[p])
            out[:, 3] = np.where(okc, self.country_links_[p, np.maximum(cc, 0)], 0.0)
        elif p >= 0:
            n_cq = _dense_row(self.near_t_[p])  # N[c, q] for every c
            an = _dense_row(self.an_t_[p])
            nq_links = self.na_diag_[p]
            out[:, 2] -= nq_links * n_cq
            if cq >= 0:
                out[:, 4] -= _dense_row(self.adjacency_[p])
                out[:, 5] -= an + n_cq * self.country_links_[p, cq]
            out[:, 6] -= nq_links * same
        return out

    def _hide(self, q: QuerySide, cand: np.ndarray, known: np.ndarray, out: np.ndarray) -> None:
        """Subtract the contributions of the query's hidden links (one partner, or all if cold)."""
        t, near = self.table_, self.near_
        r = q.removed[known] if len(q.removed) else np.full(len(known), -1)
        cold = q.cold[known] if len(q.cold) else np.zeros(len(known), bool)
        qp, cp = q.position[known], cand[known]
        cq, cc = t.country[qp], t.country[cp]
        same_qc = ((cq == cc) & (cq >= 0)).astype(float)
        one = np.flatnonzero((r >= 0) & ~cold)
        if len(one):
            k, rp, qq, c = known[one], r[one], qp[one], cp[one]
            n_cr = gather(near, c, rp)  # is r among the candidate's nearest towns
            n_qr = gather(near, qq, rp)
            n_cq = gather(near, c, qq)
            cr = t.country[rp]
            # (N A)[q, c]: only the link's end q itself could contribute, and N[q, q] = 0.
            out[k, 0] -= n_qr * (c == qq)
            out[k, 1] -= n_cr
            out[k, 2] -= n_qr * n_cq
            out[k, 3] -= (cr == cc[one]) & (cr >= 0)
            out[k, 4] -= (c == rp) & (cq[one] >= 0)
            out[k, 5] -= (n_cr + n_cq * (cr == cq[one])) * (cq[one] >= 0)
            out[k, 6] -= n_qr * same_qc[one]
        allq = np.flatnonzero(cold)
        if len(allq):
            k, qq, c = known[allq], qp[allq], cp[allq]
            a_qc = gather(self.adjacency_, qq, c)
            n_cq = gather(near, c, qq)
            nq_links = self.na_diag_[qq]  # sum over partners r of N[q, r]
            out[k, 0] -= 0.0
            out[k, 1] -= gather(self.an_t_, qq, c)
            out[k, 2] -= nq_links * n_cq
            out[k, 3] -= out[k, 3]
            ok = cq[allq] >= 0
            own = np.where(ok, self.country_links_[qq, np.maximum(cq[allq], 0)], 0.0)
            out[k, 4] -= a_qc * ok
            out[k, 5] -= (gather(self.an_t_, qq, c) + n_cq * own) * ok
            out[k, 6] -= nq_links * same_qc[allq]


# Degrees computed with the query's hidden links; its own degree and what it shares with the
# candidate exist only for a known city with links.
GRAPH_BLOCK = Block(
    GRAPH_COLUMNS,
    attribute="graph_",
    make=lambda f: GraphPairFeatures(),
    warm_only=(QUERY_DEGREE, COMMON_NEIGHBOURS, ADAMIC_ADAR, RESOURCE_ALLOCATION, PATHS3, SHARED_GROUPS),
)
AFFINITY_BLOCK = Block(
    AFFINITY_COLUMNS,
    attribute="affinity_",
    make=lambda f: AffinityPairFeatures(alpha=f.alpha, beta=f.beta),
    fit_with=("table",),
)
REGIONAL_BLOCK = Block(
    REGIONAL_COLUMNS,
    attribute="regional_",
    make=lambda f: RegionalPairFeatures(n_near=f.n_near),
    fit_with=("table",),
    warm_only=(QUERY_PARTNER_NEAR_CANDIDATE, QUERY_LINKS_CANDIDATE_COUNTRY),
)
WIDE_REGIONAL_BLOCK = Block(
    WIDE_REGIONAL_COLUMNS,
    attribute="regional_wide_",
    make=lambda f: RegionalPairFeatures(n_near=f.n_near_wide),
    fit_with=("table",),
    keep=WIDE_REGIONAL_SOURCE,
    source=REGIONAL_COLUMNS,
    warm_only=(WIDE_PREFIX + QUERY_PARTNER_NEAR_CANDIDATE,),
)
