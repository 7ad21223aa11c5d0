"""Participation in multi-member cooperations, by kind: who joins thematic networks, and with whom.

Thematic networks (URBACT) and funded projects (Interreg) recruit differently: a network
takes one city per country from those that have joined networks before, a cross-border
project takes the towns on both sides of a border. A count of all groups mixes the two, and
the training groups are mostly projects, so the kinds get their own columns.

Columns:

* ``candidate_thematic_groups``, ``candidate_project_groups``: the candidate's memberships;
* ``shared_thematic_groups``: networks query and candidate joined together;
* ``co_member_adamic_adar``: Adamic–Adar over the co-membership graph (cities sharing any
  group), each common co-member weighted by 1 / log of its number of co-members.

The last two are a known city's own (the cold-start model never sees them).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.utils.validation import check_is_fitted

from features.blocks import Block, Columns, PairTransformer
from features.cities import QuerySide
from features.graph import _NoLookupCache, _row_products

# Group kinds as the importers name them (URBACT networks; Interreg and curated projects).
THEMATIC_KINDS = frozenset({"thematic-network"})
PROJECT_KINDS = frozenset({"funded-project"})

PARTICIPATION_COLUMNS = Columns(
    "candidate_thematic_groups candidate_project_groups shared_thematic_groups co_member_adamic_adar"
)


def kind_membership(graph, kinds: frozenset[str]) -> sparse.csr_matrix:
    """City x group incidence restricted to groups of ``kinds`` (other columns empty)."""
    member = graph.membership()
    keep = np.array([g.kind in kinds for g in graph.groups], dtype=float)
    return (member @ sparse.diags(keep)).tocsr() if len(keep) else member


def co_membership(graph) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """City x city 0/1 co-membership (sharing any group, no diagonal), and the same with column
    ``z`` weighted by 1 / log(co-members of z): ``aa[q] @ co`` is co-membership Adamic–Adar."""
    member = graph.membership()
    co = (member @ member.T).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    co.data[:] = 1.0
    degree = np.asarray(co.sum(axis=1)).ravel()
    return co, (co @ sparse.diags(1.0 / np.log(np.maximum(degree, 2.0)))).tocsr()


class ParticipationPairFeatures(_NoLookupCache, PairTransformer):
    """Memberships by kind and co-membership indices (see the module docstring).

    Attributes
    ----------
    thematic_ : scipy.sparse.csr_matrix
        City x group incidence of the training thematic networks.
    co_ : scipy.sparse.csr_matrix
        City x city 0/1 co-membership (any kind), no diagonal.
    co_aa_ : scipy.sparse.csr_matrix
        ``co_`` with column ``z`` weighted by 1 / log(co-members of z).
    """

    columns = PARTICIPATION_COLUMNS

    def fit(self, graph, y=None) -> ParticipationPairFeatures:
        """Index the training groups of ``graph``."""
        self.thematic_ = kind_membership(graph, THEMATIC_KINDS)
        self.thematic_t_ = self.thematic_.T.tocsr()
        self.n_thematic_ = np.asarray(self.thematic_.sum(axis=1)).ravel()
        self.n_project_ = np.asarray(kind_membership(graph, PROJECT_KINDS).sum(axis=1)).ravel()
        self.co_, self.co_aa_ = co_membership(graph)
        return self

    def transform_side(self, q: QuerySide, cand: np.ndarray) -> np.ndarray:
        """Features of query rows ``q`` against candidate positions ``cand``."""
        check_is_fitted(self, "co_")
        cand = np.asarray(cand, dtype=np.int64)
        out = np.zeros((len(cand), len(PARTICIPATION_COLUMNS)))
        out[:, 0], out[:, 1] = self.n_thematic_[cand], self.n_project_[cand]
        known = np.flatnonzero((q.position >= 0) & ~q.cold)
        if len(known):
            qp, cp = q.position[known], cand[known]
            out[known, 2] = _row_products(self.thematic_, self.thematic_t_, qp, cp)
            out[known, 3] = _row_products(self.co_aa_, self.co_, qp, cp)
        return out

    def transform_all(self, q: QuerySide) -> np.ndarray:
        """Features of a one-row query side against every city."""
        check_is_fitted(self, "co_")
        n = self.co_.shape[0]
        out = np.zeros((n, len(PARTICIPATION_COLUMNS)))
        out[:, 0], out[:, 1] = self.n_thematic_, self.n_project_
        p = int(q.position[0])
        if p >= 0 and not (len(q.cold) and q.cold[0]):
            out[:, 2] = np.asarray((self.thematic_[p] @ self.thematic_t_).todense()).ravel()
            out[:, 3] = np.asarray((self.co_aa_[p] @ self.co_).todense()).ravel()
        return out


PARTICIPATION_BLOCK = Block(
    PARTICIPATION_COLUMNS,
    attribute="participation_",
    make=lambda f: ParticipationPairFeatures(),
    warm_only=(PARTICIPATION_COLUMNS.shared_thematic_groups, PARTICIPATION_COLUMNS.co_member_adamic_adar),
)
