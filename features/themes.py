"""Participation weighed by theme: the groups whose text reads like the needs.

A city joins networks on the themes it works on, and joins again on the same themes. The text
block compares the needs with the mean of a candidate's group texts, which a city of many
groups dilutes; these columns look at its groups one by one:

* ``needs_best_group_similarity``: the cosine of the needs and the candidate's closest group
  text (any kind; 0 without groups);
* ``needs_best_network_similarity``: the same over its thematic networks only;
* ``needs_theme_co_membership``: the query's co-members in groups close to the needs, the sum
  over the groups query and candidate share of the (positive) cosine of the needs and the
  group's text; a known city's own (the cold-start model never sees it).

Every column is 0 for a query without needs. The groups are the training graph's, so a
held-out group is in none of them.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from features.blocks import Block, Columns, PairTransformer
from features.cities import QuerySide
from features.graph import _NoLookupCache, gather
from features.participation import THEMATIC_KINDS, kind_membership

THEME_COLUMNS = Columns("needs_best_group_similarity needs_best_network_similarity needs_theme_co_membership")
_ROWS = 16_384


def _by_row(reduce: np.ufunc, indptr: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``reduce`` (np.maximum, np.add) of each CSR row's ``values``; 0 for an empty row."""
    out = np.zeros(len(indptr) - 1)
    full = np.flatnonzero(np.diff(indptr) > 0)
    if len(full):
        out[full] = reduce.reduceat(values, indptr[full])
    return out


class ThemePairFeatures(_NoLookupCache, PairTransformer):
    """The candidate's groups, and those it shares with the query, against the needs (module docstring).

    Attributes
    ----------
    member_, network_ : scipy.sparse.csr_matrix
        City x group incidence of every training group, and of the thematic networks.
    groups_ : numpy.ndarray
        Unit group text embeddings ``(n_groups, d)``.
    """

    columns = THEME_COLUMNS

    def fit(self, graph, y=None, *, group_embeddings: np.ndarray | None = None) -> ThemePairFeatures:
        """Index the training groups of ``graph`` and their text embeddings."""
        self.member_ = graph.membership().tocsr()
        self.member_.data[:] = 1.0
        self.network_ = kind_membership(graph, THEMATIC_KINDS).tocsr()
        self.network_.eliminate_zeros()
        n_groups = self.member_.shape[1]
        if group_embeddings is None or n_groups == 0:
            self.groups_ = np.zeros((n_groups, 0), np.float32)
            return self
        if len(group_embeddings) != n_groups:
            raise ValueError("group embeddings do not match the graph's groups")
        g = np.asarray(group_embeddings, dtype=np.float32)
        norm = np.linalg.norm(g, axis=1, keepdims=True)
        self.groups_ = np.where(norm > 0, g / np.maximum(norm, 1e-12), 0.0).astype(np.float32)
        return self

    def _similarities(self, embedding: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cosines ``(u, n_groups)`` of the distinct needs vectors with every group, and each row's
        index into them (training rows of one query share its needs; a 1-d vector is one row)."""
        e = np.asarray(embedding, dtype=np.float32)
        distinct, inverse = (
            (e[None, :], np.zeros(1, np.int64)) if e.ndim == 1 else np.unique(e, axis=0, return_inverse=True)
        )
        norm = np.linalg.norm(distinct, axis=1, keepdims=True)
        unit = np.where(norm > 0, distinct / np.maximum(norm, 1e-12), 0.0)
        return unit @ self.groups_.T, inverse.ravel()

    def _usable(self, q: QuerySide) -> bool:
        return q.embedding is not None and self.groups_.size > 0

    def transform_side(self, q: QuerySide, cand: np.ndarray) -> np.ndarray:
        """Features of query rows ``q`` against candidate positions ``cand``."""
        check_is_fitted(self, "member_")
        cand = np.asarray(cand, dtype=np.int64)
        out = np.zeros((len(cand), len(THEME_COLUMNS)))
        if not self._usable(q) or not len(cand):
            return out
        one_needs = np.ndim(q.embedding) == 1
        if one_needs:
            sims, _ = self._similarities(q.embedding)
        known = (q.position >= 0) & ~q.cold
        for s in range(0, len(cand), _ROWS):
            sl = slice(s, s + _ROWS)
            if one_needs:
                which = np.zeros(len(cand[sl]), np.int64)
            else:
                sims, which = self._similarities(q.embedding[sl])
            groups = self.member_[cand[sl]]
            row = np.repeat(np.arange(groups.shape[0]), np.diff(groups.indptr))
            likeness = sims[which[row], groups.indices]
            out[sl, 0] = _by_row(np.maximum, groups.indptr, likeness)
            # the groups the candidate shares with a known query, weighed by their likeness
            qpos = q.position[sl][row]
            shared = known[sl][row] & (gather(self.member_, np.maximum(qpos, 0), groups.indices) > 0)
            out[sl, 2] = _by_row(np.add, groups.indptr, np.maximum(likeness, 0.0) * shared)
            networks = self.network_[cand[sl]]
            row = np.repeat(np.arange(networks.shape[0]), np.diff(networks.indptr))
            out[sl, 1] = _by_row(np.maximum, networks.indptr, sims[which[row], networks.indices])
        return out

    def transform_all(self, q: QuerySide) -> np.ndarray:
        """Features of a one-row query side against every city."""
        check_is_fitted(self, "member_")
        n = self.member_.shape[0]
        out = np.zeros((n, len(THEME_COLUMNS)))
        if not self._usable(q):
            return out
        sims = self._similarities(q.embedding)[0][0]
        for col, incidence in ((0, self.member_), (1, self.network_)):
            out[:, col] = _by_row(np.maximum, incidence.indptr, sims[incidence.indices])
        p = int(q.position[0])
        if p >= 0 and not (len(q.cold) and q.cold[0]):
            own = self.member_[p].indices
            weight = np.zeros(self.member_.shape[1])
            weight[own] = np.maximum(sims[own], 0.0)
            out[:, 2] = self.member_ @ weight
        return out


THEME_BLOCK = Block(
    THEME_COLUMNS,
    attribute="themes_",
    make=lambda f: ThemePairFeatures(),
    fit_with=("group_embeddings",),
    reads_embedding=True,
    warm_only=(THEME_COLUMNS.needs_theme_co_membership,),
)
