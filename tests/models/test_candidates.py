"""Candidate generation: scores of every city, completed on a shortlist."""

from __future__ import annotations

import numpy as np
import pytest

from models.candidates import CandidateGenerator, top_k


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6000, 6)).astype(np.float32)
    logit = 2 * X[:, 0] - X[:, 1] + 0.5 * X[:, 2] * X[:, 3]
    y = (rng.random(len(X)) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    return X, y


def _fit(data, **params):
    X, y = data
    return CandidateGenerator(n_candidates=50, n_estimators=30, min_child_samples=20, **params).fit(X, y)


def test_top_k_is_sorted_and_stable():
    scores = np.array([0.1, 0.9, 0.5, 0.9, -1.0])
    assert top_k(scores, 3).tolist() == [1, 3, 2]
    assert top_k(scores, 10).tolist() == [1, 3, 2, 0, 4]
    assert top_k(scores, 0).tolist() == []


def test_shortlist_gets_every_tree_and_the_rest_stays_below(data):
    X, _ = data
    gen = _fit(data, shortlist=500, shortlist_trees=5)
    booster = gen.model_.booster_
    exact = booster.predict(X, raw_score=True)
    partial = booster.predict(X, raw_score=True, num_iteration=5)
    s = gen.scores(X)
    shortlisted = top_k(partial, 500)
    rest = np.setdiff1d(np.arange(len(X)), shortlisted)
    np.testing.assert_allclose(s[shortlisted], exact[shortlisted], rtol=1e-12)
    assert s[rest].max() < s[shortlisted].min()
    # the rest keeps the order of the first trees
    assert np.array_equal(np.argsort(s[rest], kind="stable"), np.argsort(partial[rest], kind="stable"))
    # the candidates are (almost all) the ones every tree on every row would give
    same = np.intersect1d(gen.generate(s), top_k(exact, 50))
    assert len(same) >= 45


def test_without_shortlist_every_row_gets_every_tree(data):
    X, _ = data
    gen = _fit(data, shortlist=0)
    np.testing.assert_array_equal(gen.scores(X), gen.model_.booster_.predict(X, raw_score=True))
    small = _fit(data, shortlist=len(X))  # a catalogue no larger than the shortlist
    np.testing.assert_array_equal(small.scores(X), small.model_.booster_.predict(X, raw_score=True))


def test_generate_never_returns_excluded_rows(data):
    X, _ = data
    gen = _fit(data, shortlist=500)
    s = gen.scores(X)
    best = gen.generate(s)
    out = gen.generate(s, exclude=best[:10])
    assert not set(best[:10]) & set(out.tolist()) and len(out) == 50
