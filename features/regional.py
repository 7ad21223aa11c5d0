"""Regional affinities: links between the towns near the query and the towns near the candidate.

Learned from training links only, with the query's hidden links subtracted exactly, as in
:mod:`features.graph`.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree
from sklearn.utils.validation import check_is_fitted

from features.blocks import Block, Columns, PairTransformer
from features.cities import CityTable, QuerySide
from features.graph import _dense_row, _NoLookupCache, _row_products, gather

# Links between the neighbourhoods (k nearest towns) of query and candidate
REGIONAL_COLUMNS = Columns(
    "near_query_links_candidate query_partner_near_candidate near_links_near"
    " query_links_candidate_country candidate_links_query_country near_candidate_links_query_country"
    " near_query_links_candidate_country"
)

# The same at a wider scale (more towns per neighbourhood), but for the two columns that do not
# depend on neighbourhoods.
WIDE_PREFIX = "wide_"
WIDE_REGIONAL_SOURCE: tuple[str, ...] = tuple(
    c
    for c in REGIONAL_COLUMNS
    if c
    not in (REGIONAL_COLUMNS.query_links_candidate_country, REGIONAL_COLUMNS.candidate_links_query_country)
)
WIDE_REGIONAL_COLUMNS: tuple[str, ...] = tuple(WIDE_PREFIX + c for c in WIDE_REGIONAL_SOURCE)


def near_matrix(table: CityTable, k: int) -> sparse.csr_matrix:
    """0/1 matrix ``N[i, j] = 1`` when ``j`` is one of the ``k`` cities nearest to ``i`` (never itself)."""
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


class RegionalPairFeatures(_NoLookupCache, PairTransformer):
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

    columns = REGIONAL_COLUMNS

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


REGIONAL_BLOCK = Block(
    REGIONAL_COLUMNS,
    attribute="regional_",
    make=lambda f: RegionalPairFeatures(n_near=f.n_near),
    fit_with=("table",),
    warm_only=(REGIONAL_COLUMNS.query_partner_near_candidate, REGIONAL_COLUMNS.query_links_candidate_country),
)
WIDE_REGIONAL_BLOCK = Block(
    WIDE_REGIONAL_COLUMNS,
    attribute="regional_wide_",
    make=lambda f: RegionalPairFeatures(n_near=f.n_near_wide),
    fit_with=("table",),
    keep=WIDE_REGIONAL_SOURCE,
    source=REGIONAL_COLUMNS,
    warm_only=(WIDE_PREFIX + REGIONAL_COLUMNS.query_partner_near_candidate,),
)
