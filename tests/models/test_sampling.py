"""Training rows: positives hidden from their own features, negatives weighted, streams apart."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from features.pairs import ALL_COLUMNS, PairFeaturizer
from models.sampling import TrainingSampler
from tests.models.test_ranker import synthetic_graph


@pytest.fixture(scope="module")
def graph_and_featurizer():
    g = synthetic_graph()
    return g, PairFeaturizer(n_near=5, n_near_wide=10).fit(g)


def test_negative_weights_sum_to_the_positive_share_and_skip_partners(graph_and_featurizer):
    g, feat = graph_and_featurizer
    s = TrainingSampler(negative_weight=10.0).fit(g, featurizer=feat)
    s.rng_ = np.random.default_rng(0)
    q = int(np.argmax([len(p) for p in s.neighbours_]))
    partners = s.neighbours_[q]
    cand, w = s._negatives(q, 3, [np.zeros(0, np.int64), s._regional_set(q)], partners)
    assert cand.shape[0] == w.shape[0] == 3
    np.testing.assert_allclose(w.sum(axis=1), 10.0)
    assert (w[np.isin(cand, partners) | (cand == q)] == 0).all()


def test_warm_rows_describe_each_positive_with_its_own_link_hidden(graph_and_featurizer):
    g, feat = graph_and_featurizer
    s = TrainingSampler().fit(g, featurizer=feat)
    X, y, w = s.sample_warm()
    assert X.shape == (len(y), len(ALL_COLUMNS)) and X.dtype == np.float32
    deg = np.array([len(p) for p in s.neighbours_])
    expected = sum(int(s.stays_visible_[s.neighbours_[q]].sum()) for q in np.flatnonzero(deg >= 2))
    assert int(y.sum()) == expected
    # A positive row is the pair with that very link hidden: its candidate's degree is one less.
    first = np.flatnonzero(y == 1)[0]
    q = next(q for q in np.flatnonzero(deg >= 2) if s.stays_visible_[s.neighbours_[q]].any())
    r = s.neighbours_[q][s.stays_visible_[s.neighbours_[q]]][0]
    hidden = feat.transform(np.array([[q, r]]), removed=np.array([r])).astype(np.float32)[0]
    np.testing.assert_array_equal(X[first], hidden)
    assert (w[y == 1] > 0).all()


def test_each_model_samples_from_its_own_seeded_stream(graph_and_featurizer):
    g, feat = graph_and_featurizer
    a = TrainingSampler(n_cold_queries=40, random_state=3).fit(g, featurizer=feat)
    b = clone(a).fit(g, featurizer=feat)
    b.sample_warm()  # drawing warm rows first leaves the cold stream as it was
    for x, z in zip(a.sample_cold(), b.sample_cold(), strict=True):
        np.testing.assert_array_equal(x, z)
    other = TrainingSampler(n_cold_queries=40, random_state=4).fit(g, featurizer=feat)
    assert not np.array_equal(a.sample_cold()[0], other.sample_cold()[0])


def test_an_unknown_query_weighting_is_refused(graph_and_featurizer):
    g, feat = graph_and_featurizer
    with pytest.raises(ValueError, match="query_weighting"):
        TrainingSampler(query_weighting="hubs").fit(g, featurizer=feat)


def test_themed_rows_ask_a_share_of_the_members_as_new_cities(graph_and_featurizer):
    from features.participation import PARTICIPATION_COLUMNS

    g, feat = graph_and_featurizer
    rng = np.random.default_rng(0)
    grp = rng.normal(size=(len(g.groups), 8)).astype(np.float32)
    prof = np.zeros((g.n_cities, 8), np.float32)
    warm_only = [
        ALL_COLUMNS.index(c)
        for c in (PARTICIPATION_COLUMNS.shared_thematic_groups, PARTICIPATION_COLUMNS.co_member_adamic_adar)
    ]
    known = TrainingSampler(theme_folds=2, theme_cold_share=0.0).fit(g, featurizer=feat)
    X, y, _ = known.sample_theme(g, prof, grp)
    assert y.sum() and X[:, warm_only].any()
    new = TrainingSampler(theme_folds=2, theme_cold_share=1.0).fit(g, featurizer=feat)
    X, y, _ = new.sample_theme(g, prof, grp)
    # a new city has no memberships of its own: nothing it shares with a candidate is seen
    assert y.sum() and not X[:, warm_only].any()
