"""Text, sector and role features, and the composite pair featurizer the ranker uses."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from features.blocks import Block, Columns, PairTransformer
from features.capitals import CAPITAL_BLOCK
from features.cities import TABLE_READS, CityTable, QuerySide, repeat_side
from features.geo import GEO_BLOCK
from features.graph import AFFINITY_BLOCK, GRAPH_BLOCK, GRAPH_COLUMNS, gather
from features.participation import PARTICIPATION_BLOCK, THEMATIC_KINDS, kind_membership
from features.regional import REGIONAL_BLOCK, WIDE_REGIONAL_BLOCK
from features.themes import THEME_BLOCK

_ROWS = 65_536

# Columns of TextPairFeatures. needs_thematic_similarity is the query vector against the
# candidate's thematic networks alone (its mixed track record is mostly cross-border projects where
# it has any); needs_twinning_similarity the query vector against the centroid of the twinning
# phrasings: how much the needs read like a request for a twin town (the same for every candidate;
# the needs model splits on it).
TEXT_COLUMNS = Columns(
    "needs_track_similarity needs_profile_similarity sector_jaccard needs_thematic_similarity"
    " needs_twinning_similarity"
)
# Positive when the candidate is more experienced than the query (mentor fit).
ROLE_FIT = "role_fit"


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.where(n > 0, v / np.maximum(n, 1e-12), 0.0)


def _nonzero_rows(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the non-zero rows of ``v`` and those rows (float32).

    Most cities have no profile text and no track record: a product over the others
    is all the work (a sixth of the catalogue for track records).
    """
    rows = np.flatnonzero(np.any(v != 0, axis=1))
    return rows, np.ascontiguousarray(v[rows], dtype=np.float32)


class TextPairFeatures(PairTransformer):
    """Query needs/profile vs candidate track record and profile (cosine), sector overlap.

    A city's track record is the mean embedding of its training groups' texts
    and its training partners' profiles; hiding a link subtracts exactly the
    partner's profile item, so a held-out link never shapes its own features.

    Attributes
    ----------
    track_sum_ : numpy.ndarray
        Sum of item embeddings per city ``(n, d)``.
    track_count_ : numpy.ndarray
        Number of items per city.
    """

    columns = TEXT_COLUMNS

    def fit(
        self,
        graph,
        y=None,
        *,
        profile_embeddings: np.ndarray | None = None,
        group_embeddings: np.ndarray | None = None,
        twinning_embeddings: np.ndarray | None = None,
    ) -> TextPairFeatures:
        """Build track-record sums from the training links and groups of ``graph``.

        ``twinning_embeddings`` are the embedded :data:`features.text.TWINNING_PHRASES` (their
        column is 0 without them).
        """
        n = graph.n_cities
        prof = np.zeros((n, 1), np.float32) if profile_embeddings is None else profile_embeddings
        d = prof.shape[1]
        grp = np.zeros((len(graph.groups), d), np.float32) if group_embeddings is None else group_embeddings
        if prof.shape[0] != n or grp.shape != (len(graph.groups), d):
            raise ValueError("profile/group embeddings do not match the graph's cities/groups")
        self.adjacency_ = graph.adjacency()
        self.profile_ = np.asarray(prof, dtype=np.float32)
        self.has_profile_ = (np.abs(self.profile_).sum(axis=1) > 0).astype(float)
        member = graph.membership()
        self.track_sum_ = np.asarray(member @ grp + self.adjacency_ @ self.profile_, dtype=np.float32)
        self.track_count_ = np.asarray(member.sum(axis=1)).ravel() + self.adjacency_ @ self.has_profile_
        sec = [set(s or ()) for s in graph.cities["sectors"].tolist()]
        for g in graph.groups:
            for p in np.asarray(g.members).tolist():
                sec[p].update(g.sectors)
        self.sectors_ = [frozenset(s) for s in sec]
        self.sector_vocab_ = {v: k for k, v in enumerate(sorted(set().union(*self.sectors_)))}
        rows = [k for k, s in enumerate(self.sectors_) for _ in s]
        cols = [self.sector_vocab_[v] for s in self.sectors_ for v in sorted(s)]
        self.sector_matrix_ = sparse.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, cols)), shape=(n, max(len(self.sector_vocab_), 1))
        )
        self.sector_count_ = np.asarray(self.sector_matrix_.sum(axis=1)).ravel()
        self.track_rows_, self.track_unit_rows_ = _nonzero_rows(_unit(self.track_sum_))
        self.profile_rows_, self.profile_unit_rows_ = _nonzero_rows(_unit(self.profile_))
        thematic = np.asarray(kind_membership(graph, THEMATIC_KINDS) @ grp, dtype=np.float32)
        self.thematic_unit_ = _unit(thematic).astype(np.float32)
        self.thematic_rows_, self.thematic_unit_rows_ = _nonzero_rows(self.thematic_unit_)
        twin = np.zeros((1, d), np.float32) if twinning_embeddings is None else twinning_embeddings
        self.twinning_ = _unit(np.asarray(twin, dtype=np.float32).mean(axis=0)).astype(np.float32)
        return self

    def query_embeddings(self, q: QuerySide) -> np.ndarray:
        """Per-row query vector: given needs, else profile, else (warm only) own track record."""
        check_is_fitted(self, "track_sum_")
        n, d = len(q), self.profile_.shape[1]
        if q.embedding is not None:
            e = np.asarray(q.embedding, dtype=np.float32)
            return np.broadcast_to(e, (n, d)) if e.ndim == 1 else e
        out = np.zeros((n, d), np.float32)
        known = q.position >= 0
        p = np.maximum(q.position, 0)
        own = self.has_profile_[p] > 0
        out[known & own] = self.profile_[p[known & own]]
        warm = np.flatnonzero(known & ~own & ~q.cold)
        if len(warm):
            t = self.track_sum_[p[warm]].copy()
            r = q.removed[warm]
            rr = np.flatnonzero(r >= 0)
            t[rr] -= self.profile_[r[rr]]
            out[warm] = t
        return _unit(out)

    def transform_side(self, q: QuerySide, cand: np.ndarray) -> np.ndarray:
        """Features of query rows ``q`` against candidate positions ``cand``."""
        check_is_fitted(self, "track_sum_")
        cand = np.asarray(cand, dtype=np.int64)
        out = np.zeros((len(cand), len(TEXT_COLUMNS)))
        qe_all = self.query_embeddings(q)
        qp = q.position
        for s in range(0, len(cand), _ROWS):
            sl = slice(s, s + _ROWS)
            c, qe, pos = cand[sl], qe_all[sl], qp[sl]
            t = self.track_sum_[c].copy()
            # The candidate's track record must not contain the query's profile through
            # a link that is hidden for this row.
            hidden = (pos >= 0) & (c == q.removed[sl])
            cold = (pos >= 0) & q.cold[sl]
            if cold.any():
                k = np.flatnonzero(cold)
                hidden[k] |= gather(self.adjacency_, pos[k], c[k]) > 0
            h = np.flatnonzero(hidden)
            t[h] -= self.profile_[pos[h]]
            out[sl, 0] = np.einsum("ij,ij->i", qe, _unit(t))
            out[sl, 1] = np.einsum("ij,ij->i", qe, _unit(self.profile_[c]))
            out[sl, 3] = np.einsum("ij,ij->i", qe, self.thematic_unit_[c])
            out[sl, 4] = qe @ self.twinning_
        if any(q.sectors) and any(self.sectors_):
            qs, cs = q.sectors, self.sectors_
            pairs = zip(qs, cand, strict=True)
            out[:, 2] = [len(a & cs[b]) / len(a | cs[b]) if a and cs[b] else 0.0 for a, b in pairs]
        return out


def _text_transform_all(self: TextPairFeatures, q: QuerySide) -> np.ndarray:
    """Features of a one-row query side against every city (matrix-vector products)."""
    check_is_fitted(self, "track_sum_")
    n = self.profile_.shape[0]
    out = np.zeros((n, len(TEXT_COLUMNS)))
    qe = self.query_embeddings(q)[:1][0].astype(np.float32)
    if np.any(qe):
        out[self.track_rows_, 0] = self.track_unit_rows_ @ qe
        out[self.profile_rows_, 1] = self.profile_unit_rows_ @ qe
        out[self.thematic_rows_, 3] = self.thematic_unit_rows_ @ qe
        out[:, 4] = float(qe @ self.twinning_)
        p = int(q.position[0])
        if p >= 0 and len(q.cold) and q.cold[0]:
            # The partners' track records must not contain the cold query's own profile.
            part = self.adjacency_[p].indices
            if len(part):
                out[part] = self.transform_side(repeat_side(q, len(part)), part)
                return _with_sectors(self, q, out)
    return _with_sectors(self, q, out)


def _with_sectors(self: TextPairFeatures, q: QuerySide, out: np.ndarray) -> np.ndarray:
    qs = [self.sector_vocab_[v] for v in q.sectors[0] if v in self.sector_vocab_] if len(q) else []
    extra = len(q.sectors[0]) - len(qs) if len(q) else 0
    if q.sectors and q.sectors[0] and self.sector_count_.any():
        vec = np.zeros(self.sector_matrix_.shape[1], np.float32)
        vec[qs] = 1.0
        inter = self.sector_matrix_ @ vec
        union = self.sector_count_ + len(qs) + extra - inter
        out[:, 2] = np.where((self.sector_count_ > 0) & (union > 0), inter / np.maximum(union, 1), 0.0)
    return out


TextPairFeatures.transform_all = _text_transform_all


TEXT_BLOCK = Block(
    TEXT_COLUMNS,
    attribute="text_",
    make=lambda f: TextPairFeatures(),
    fit_with=("profile_embeddings", "group_embeddings", "twinning_embeddings"),
    reads_embedding=True,
    reads=("profile_text", "sectors"),
)


def _role_fit(values: Mapping[str, np.ndarray]) -> np.ndarray:
    cand, query = values[GRAPH_COLUMNS.candidate_degree], values[GRAPH_COLUMNS.query_degree]
    return (np.log1p(np.maximum(cand, 0)) - np.log1p(np.maximum(query, 0)))[:, None]


ROLE_BLOCK = Block((ROLE_FIT,), derive=_role_fit, warm_only=(ROLE_FIT,))

# The pair features, in column order: a new block is declared beside its code and added here.
BLOCKS: tuple[Block, ...] = (
    GEO_BLOCK,
    GRAPH_BLOCK,
    AFFINITY_BLOCK,
    REGIONAL_BLOCK,
    WIDE_REGIONAL_BLOCK,
    TEXT_BLOCK,
    ROLE_BLOCK,
    CAPITAL_BLOCK,
    PARTICIPATION_BLOCK,
    THEME_BLOCK,
)
ALL_COLUMNS: tuple[str, ...] = tuple(c for b in BLOCKS for c in b.columns)
# What the cold-start model sees: every column a city known only by its profile has.
COLD_COLUMNS: tuple[str, ...] = tuple(c for b in BLOCKS for c in b.columns if c not in b.warm_only)
# The cities-frame columns the features read, in a stable order.
FRAME_READS: tuple[str, ...] = tuple(dict.fromkeys([*TABLE_READS, *(c for b in BLOCKS for c in b.reads)]))


class PairFeaturizer(TransformerMixin, BaseEstimator):
    """All pair features of :data:`ALL_COLUMNS` for (query, candidate) pairs, block by block.

    Parameters
    ----------
    alpha, beta : float
        Smoothing of the country/regional affinities.
    n_near, n_near_wide : int
        Size of a town's neighbourhood in the regional features, at two scales.

    Attributes
    ----------
    table_ : CityTable
    geo_, graph_, affinity_, regional_, regional_wide_, text_ : fitted blocks (see :data:`BLOCKS`)
    feature_names_out_ : numpy.ndarray
        The columns the featurizer was fitted with (an artifact's are checked against
        :data:`ALL_COLUMNS` when it is loaded).
    """

    def __init__(self, alpha: float = 1.0, beta: float = 1.0, n_near: int = 20, n_near_wide: int = 100):
        self.alpha = alpha
        self.beta = beta
        self.n_near = n_near
        self.n_near_wide = n_near_wide

    def fit(
        self,
        graph,
        y=None,
        *,
        profile_embeddings: np.ndarray | None = None,
        group_embeddings: np.ndarray | None = None,
        twinning_embeddings: np.ndarray | None = None,
    ) -> PairFeaturizer:
        """Fit every block on the training graph; each block gets the inputs its ``fit_with`` names."""
        self.table_ = CityTable.from_frame(graph.cities)
        inputs = {
            "table": self.table_,
            "profile_embeddings": profile_embeddings,
            "group_embeddings": group_embeddings,
            "twinning_embeddings": twinning_embeddings,
        }
        for block in BLOCKS:
            if block.attribute is not None:
                fitted = block.make(self).fit(graph, **{k: inputs[k] for k in block.fit_with})
                setattr(self, block.attribute, fitted)
        self.feature_names_out_ = np.array(ALL_COLUMNS, dtype=object)
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names of :meth:`transform`."""
        return np.array(ALL_COLUMNS, dtype=object)

    def transform(
        self, X: np.ndarray, *, removed: np.ndarray | None = None, cold: np.ndarray | None = None
    ) -> np.ndarray:
        """Features of position pairs ``X`` ``(n, 2)``.

        Parameters
        ----------
        X : numpy.ndarray
            int ``(n, 2)`` of (query position, candidate position).
        removed : numpy.ndarray, optional
            Per row, a training partner of the query to treat as unseen (-1: none).
        cold : numpy.ndarray, optional
            Per row, treat all training links of the query as unseen.
        """
        check_is_fitted(self, "table_")
        X = np.asarray(X, dtype=np.int64).reshape(-1, 2)
        return self.transform_side(self.table_.side(X[:, 0], removed=removed, cold=cold), X[:, 1])

    def transform_side(self, q: QuerySide, cand: np.ndarray) -> np.ndarray:
        """Features of query rows ``q`` (known or new city) against candidate positions."""
        check_is_fitted(self, "table_")
        cand = np.asarray(cand, dtype=np.int64)
        return self._compose(lambda block: block.transform_side(q, cand), len(cand), np.float64)

    def transform_all(self, q: QuerySide) -> np.ndarray:
        """Features of a one-row query side against every city, as ``transform_side`` would give.

        Row ``c`` is candidate position ``c``; computed with row products over the whole
        catalogue (a few ms), which is what lets the ranker score all cities. float32, as the
        boosters take it: one copy of a (cities x features) block per request.
        """
        check_is_fitted(self, "table_")
        return self._compose(lambda block: block.transform_all(q), self.table_.n, np.float32)

    def rewrite_embedding_columns(self, F: np.ndarray, q: QuerySide) -> None:
        """Recompute, in place, the columns of ``transform_all``'s ``F`` that read the needs embedding.

        For a needs embedding that arrives after the other features were computed.
        """
        check_is_fitted(self, "table_")
        start = 0
        for block in BLOCKS:
            width = len(block.columns)
            if block.reads_embedding:
                F[:, start : start + width] = self._block_values(block, lambda b: b.transform_all(q), {})
            start += width

    def _compose(self, compute: Callable, n: int, dtype: type) -> np.ndarray:
        """The blocks' columns side by side: ``compute(transformer)`` gives a fitted block's."""
        out = np.empty((n, len(ALL_COLUMNS)), dtype=dtype)
        values: dict[str, np.ndarray] = {}  # float64, for the derived blocks
        start = 0
        for block in BLOCKS:
            v = self._block_values(block, compute, values)
            values.update(zip(block.columns, v.T, strict=True))
            out[:, start : start + v.shape[1]] = v
            start += v.shape[1]
        return out

    def _block_values(self, block: Block, compute: Callable, values: Mapping[str, np.ndarray]) -> np.ndarray:
        if block.derive is not None:
            return block.derive(values)
        v = compute(getattr(self, block.attribute))
        picks = block.picks
        return v if picks is None else v[:, picks]

    def check_columns(self) -> None:
        """Raise ValueError when the featurizer was fitted with other columns than this code computes."""
        check_is_fitted(self, "table_")
        fitted = [str(c) for c in getattr(self, "feature_names_out_", ())]
        if fitted != list(ALL_COLUMNS):
            gone = sorted(set(fitted) - set(ALL_COLUMNS))
            new = sorted(set(ALL_COLUMNS) - set(fitted))
            raise ValueError(
                f"the model was trained on other pair features (no longer computed: {gone or 'none'};"
                f" new: {new or 'none'}{'; reordered' if not gone and not new else ''})"
            )

    def frame(self, X: np.ndarray, **kwargs) -> pd.DataFrame:
        """:meth:`transform` as a DataFrame with named columns."""
        return pd.DataFrame(self.transform(X, **kwargs), columns=list(ALL_COLUMNS))


def sparse_rows(m: sparse.csr_matrix, rows: np.ndarray) -> list[np.ndarray]:
    """Column indices of the given rows of a CSR matrix."""
    return [m.indices[m.indptr[r] : m.indptr[r + 1]] for r in rows]
