"""Candidate generation: a cheap learned model scores every city, its top few hundred go on.

The retrieval model is a small LightGBM over the same pair features the ranker
uses, computed for the whole catalogue at once
(:meth:`features.pairs.PairFeaturizer.transform_all`, a few ms per query).
It is trained on the same importance-weighted examples as the ranker, so its
scores are a sensible order of all cities; the ranker re-scores its top
``n_candidates`` and the rest keep the retrieval order in a full ranking. Both read their
boosters' raw scores directly (:func:`booster_probability`).

Most cities are far from the top: the first few trees already tell. Only the
``shortlist`` best after those trees get the remaining trees; the others keep
their partial score, shifted below every shortlisted city. With 1,500 of the
15,349 cities shortlisted, 99% of the top 200 are the cities every tree on every
city would give (400 queries of the full data), and the offline evaluation does
not move.
"""

from __future__ import annotations

import numpy as np
from lightgbm import LGBMClassifier
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted


class CandidateGenerator(BaseEstimator):
    """Score all cities with a small gradient-boosted model and keep the best ones.

    Parameters
    ----------
    n_candidates : int
        Cities passed on to the ranker per query.
    n_estimators, num_leaves, learning_rate, min_child_samples : LightGBM parameters
        Kept small: the model scores ~15,000 cities per request.
    shortlist : int
        Cities that get every tree when scoring (0: all cities).
    shortlist_trees : int
        Trees that choose the shortlist.
    extra_trees : bool
        Split each feature at one random threshold (LightGBM's ``extra_trees``), as the
        ranker's warm and cold models do.
    max_bin : int
        Histogram bins per feature.
    n_jobs : int
        Training threads (scoring always uses one).
    random_state : int

    Attributes
    ----------
    model_ : lightgbm.LGBMClassifier
    """

    def __init__(
        self,
        n_candidates: int = 200,
        n_estimators: int = 60,
        num_leaves: int = 15,
        learning_rate: float = 0.15,
        min_child_samples: int = 50,
        shortlist: int = 1500,
        shortlist_trees: int = 8,
        extra_trees: bool = False,
        max_bin: int = 255,
        n_jobs: int = 2,
        random_state: int = 0,
    ):
        self.n_candidates = n_candidates
        self.n_estimators = n_estimators
        self.num_leaves = num_leaves
        self.learning_rate = learning_rate
        self.min_child_samples = min_child_samples
        self.shortlist = shortlist
        self.shortlist_trees = shortlist_trees
        self.extra_trees = extra_trees
        self.max_bin = max_bin
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None):
        """Learn the retrieval score from labelled (query, city) feature rows."""
        self.model_ = LGBMClassifier(
            n_estimators=self.n_estimators, num_leaves=self.num_leaves, learning_rate=self.learning_rate,
            min_child_samples=self.min_child_samples, subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
            extra_trees=self.extra_trees, max_bin=self.max_bin, n_jobs=self.n_jobs,
            random_state=self.random_state, verbose=-1,
        ).fit(X, y, sample_weight=sample_weight)  # fmt: skip
        self.model_.set_params(n_jobs=1)
        return self

    def scores(self, F: np.ndarray) -> np.ndarray:
        """Retrieval score of every row of ``F``: log-odds on the shortlist, an order below it."""
        check_is_fitted(self, "model_")
        booster = self.model_.booster_
        first = min(self.shortlist_trees, booster.current_iteration())
        if not self.shortlist or len(F) <= self.shortlist or first <= 0:
            return booster.predict(F, raw_score=True, num_threads=1) if len(F) else np.zeros(0)
        s = booster.predict(F, raw_score=True, num_threads=1, num_iteration=first)
        keep = np.zeros(len(F), dtype=bool)
        keep[top_k(s, self.shortlist)] = True
        full = s[keep] + booster.predict(F[keep], raw_score=True, num_threads=1, start_iteration=first)
        # the rest keep their order, every one below the shortlist
        s[~keep] += full.min() - s[~keep].max() - 1.0
        s[keep] = full
        return s

    def generate(self, scores: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
        """Positions of the ``n_candidates`` best-scored cities, best first (``exclude`` never)."""
        s = np.asarray(scores, dtype=float)
        if exclude is not None and len(exclude):
            s = s.copy()
            s[np.asarray(exclude, dtype=np.int64)] = -np.inf
        return top_k(s, min(self.n_candidates, int(np.isfinite(s).sum())))


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest scores, best first (stable among ties)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.argpartition(-scores, k - 1)[:k]
    return idx[np.argsort(-scores[idx], kind="stable")].astype(np.int64)


def booster_probability(model, X: np.ndarray) -> np.ndarray:
    """Probability-like score in (0, 1): the sigmoid of the boosted trees' raw score.

    For a classifier this is ``predict_proba``; for a lambdarank model a squashed score.
    The booster is called directly: the scikit-learn wrapper's checks cost about a
    millisecond per call, a tenth of a request.
    """
    if not len(X):
        return np.zeros(0)
    return 1.0 / (1.0 + np.exp(-model.booster_.predict(X, raw_score=True, num_threads=1)))
