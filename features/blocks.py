"""How a block of pair features declares itself to :class:`features.pairs.PairFeaturizer`.

A block is one transformer (or a function of columns computed before it) and the columns it
gives, declared beside its code. The featurizer composes the blocks in one loop, for one query
against some candidates and against every city, and everything that depends on the list of
columns (the ranker's cold-start columns, the cities-frame columns the store reads, the check
that an artifact was trained on the same features) is derived from these declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted


class Columns(tuple):
    """A block's column names, declared once and in order: a tuple of the names, each of which is also
    an attribute (``GRAPH_COLUMNS.adamic_adar == "adamic_adar"``), so that code naming one column
    cannot drift from the block's list. Built from one string of names separated by white space."""

    def __new__(cls, names: str) -> Columns:
        split = names.split()
        if len(set(split)) != len(split) or not all(
            n.isidentifier() and not hasattr(tuple, n) for n in split
        ):
            raise ValueError(f"column names must be distinct identifiers, none a tuple method: {names!r}")
        return super().__new__(cls, split)

    def __getattr__(self, name: str) -> str:
        if name in self:
            return name
        raise AttributeError(f"no column {name!r} among {tuple(self)}")

    def __getnewargs__(self) -> tuple[str]:
        return (" ".join(self),)


# What a block's transformer may ask for when it is fitted, besides the training graph.
FIT_INPUTS = frozenset({"table", "profile_embeddings", "group_embeddings", "twinning_embeddings"})


@dataclass(frozen=True)
class Block:
    """One block of pair features.

    Parameters
    ----------
    columns : tuple of str
        The block's column names, in order.
    attribute : str or None
        The featurizer's attribute holding the fitted transformer (for instance ``"geo_"``); the
        transformer has ``fit``, ``transform_side(q, cand)`` and ``transform_all(q)``. None for a
        block derived from columns of earlier blocks (``derive``).
    make : callable, optional
        The unfitted transformer, from the featurizer (whose parameters it may read).
    fit_with : tuple of str
        Inputs of :data:`FIT_INPUTS` passed to the transformer's ``fit`` by keyword.
    keep : tuple of str, optional
        The transformer's own column names, when the block keeps only some of them (in the
        order of ``columns``); ``source`` names them all.
    source : tuple of str, optional
        All the transformer's column names (with ``keep``).
    derive : callable, optional
        ``derive(values)`` gives the block's columns ``(n, len(columns))`` from a mapping of the
        earlier blocks' columns (name -> float64 column).
    warm_only : tuple of str
        The block's columns that a query has only as a known city with links; the cold-start
        model never sees them.
    reads_embedding : bool
        The block reads the query's needs embedding, so it is computed again when the embedding
        arrives after the other features (:meth:`PairFeaturizer.rewrite_embedding_columns`).
    reads : tuple of str
        Columns of the cities frame the block's ``fit`` reads (beyond the city table's).
    """

    columns: tuple[str, ...]
    attribute: str | None = None
    make: Callable[[Any], Any] | None = None
    fit_with: tuple[str, ...] = ()
    keep: tuple[str, ...] | None = None
    source: tuple[str, ...] | None = None
    derive: Callable[[Mapping[str, np.ndarray]], np.ndarray] | None = None
    warm_only: tuple[str, ...] = ()
    reads_embedding: bool = False
    reads: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.attribute is None) == (self.derive is None):
            raise ValueError(f"block {self.columns}: give a fitted attribute or a derive function, not both")
        if self.attribute is not None and self.make is None:
            raise ValueError(f"block {self.attribute}: a fitted block needs make")
        if not set(self.fit_with) <= FIT_INPUTS:
            raise ValueError(f"block {self.attribute}: fit_with must be among {sorted(FIT_INPUTS)}")
        if not set(self.warm_only) <= set(self.columns):
            raise ValueError(f"block {self.columns}: warm_only names columns it does not have")
        if (self.keep is None) != (self.source is None) or (
            self.keep is not None and len(self.keep) != len(self.columns)
        ):
            raise ValueError(f"block {self.attribute}: keep needs source and one kept column per column")

    @property
    def picks(self) -> list[int] | None:
        """Positions of the kept columns in the transformer's output (None: all of them)."""
        if self.keep is None or self.source is None:
            return None
        return [self.source.index(c) for c in self.keep]


class PairTransformer(TransformerMixin, BaseEstimator):
    """A block's transformer: its ``columns``, and pairs of positions looked up through
    ``transform_side`` (which each block defines, with ``fit`` and ``transform_all``)."""

    columns: ClassVar[tuple[str, ...]] = ()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names, in :attr:`columns` order."""
        return np.array(self.columns, dtype=object)

    def transform(self, X: np.ndarray, *, removed: np.ndarray | None = None) -> np.ndarray:
        """Features of position pairs ``X``; ``removed[k]`` is a partner of query k to hide (-1: none)."""
        check_is_fitted(self)
        X = np.asarray(X, dtype=np.int64).reshape(-1, 2)
        return self.transform_side(self.query_side(X[:, 0], removed=removed), X[:, 1])

    def query_side(self, positions: np.ndarray, *, removed: np.ndarray | None = None):
        """The query side of known cities at ``positions`` (from the fitted city table)."""
        return self.table_.side(positions, removed=removed)
