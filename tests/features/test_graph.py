import numpy as np
import pytest

from features import columns as C
from features.graph import AffinityPairFeatures, GraphPairFeatures, gather
from features.pairs import PairFeaturizer
from tests.features._tiny import tiny_graph


def _cols(f, X, **kw):
    return dict(zip(C.GRAPH_COLUMNS, f.transform(X, **kw).T, strict=True))


def test_graph_indices_by_hand():
    g = tiny_graph()
    f = GraphPairFeatures().fit(g)
    out = _cols(f, np.array([[0, 2], [1, 3], [0, 4], [0, 5]]))
    # 0 and 2 share partners 1 and 3, both of degree 2.
    assert out[C.COMMON_NEIGHBOURS].tolist() == [2, 2, 0, 0]
    assert out[C.ADAMIC_ADAR][0] == pytest.approx(2 / np.log(2))
    assert out[C.RESOURCE_ALLOCATION][0] == pytest.approx(1.0)
    assert out[C.QUERY_DEGREE].tolist() == [2, 2, 2, 2]
    assert out[C.CANDIDATE_DEGREE].tolist() == [2, 2, 0, 0]
    # 3-walks 1->0->3->2 and 1->2->3->2? no: from 1 to 3: 1-0-1-... count by matrix power.
    a = g.adjacency().toarray()
    a3 = np.linalg.matrix_power(a, 3)
    assert out[C.PATHS3].tolist() == [a3[0, 2], a3[1, 3], a3[0, 4], a3[0, 5]]
    assert out[C.SHARED_GROUPS].tolist() == [1, 0, 0, 1]
    assert out[C.CANDIDATE_GROUPS].tolist() == [1, 0, 0, 1]


def test_gather_sparse_values():
    a = tiny_graph().adjacency()
    assert gather(a, np.array([0, 0, 1]), np.array([1, 2, 2])).tolist() == [1, 0, 1]


def test_country_affinity_by_hand():
    g = tiny_graph()
    f = AffinityPairFeatures(alpha=1.0, beta=1.0).fit(g)
    out = dict(zip(C.AFFINITY_COLUMNS, f.transform(np.array([[0, 2], [0, 1]])).T, strict=True))
    # Links by country: DE-DE 1 (0-1), DE-PL 2 (1-2, 0-3), PL-PL 1 (2-3); ends DE 4, PL 4, m = 4.
    assert out[C.COUNTRY_PAIR_LINKS].tolist() == [2, 1]
    assert out[C.COUNTRY_PAIR_AFFINITY][0] == pytest.approx(np.log((2 + 1) / (4 * 4 / 8 + 1)))
    assert out[C.CANDIDATE_COUNTRY_SHARE][0] == pytest.approx(2 / 4)


@pytest.mark.parametrize("link", [0, 1, 2, 3])
def test_held_out_link_cannot_change_its_own_features(link):
    """NO LEAKAGE: features of a link (and of its query's negatives) with the link hidden
    equal the features computed on the graph that never contained it."""
    g = tiny_graph()
    emb = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
    gemb = np.ones((1, 4), np.float32)
    full = PairFeaturizer().fit(g, profile_embeddings=emb, group_embeddings=gemb)
    without = PairFeaturizer().fit(
        g.without_links(np.arange(4) == link), profile_embeddings=emb, group_embeddings=gemb
    )
    q, p = g.links[link]
    for a, b in [(q, p), (p, q)]:
        X = np.array([[a, c] for c in range(6) if c != a])
        hidden = full.transform(X, removed=np.full(len(X), b))
        np.testing.assert_allclose(hidden, without.transform(X), equal_nan=True, atol=1e-6)
        # and without hiding, the link does leak (sanity check of the test itself)
        assert not np.allclose(np.nan_to_num(full.transform(X)), np.nan_to_num(without.transform(X)))


@pytest.mark.parametrize("city", [0, 1, 2, 3])
def test_cold_query_sees_none_of_its_links(city):
    g = tiny_graph()
    emb = np.random.default_rng(1).normal(size=(6, 4)).astype(np.float32)
    gemb = np.ones((1, 4), np.float32)
    full = PairFeaturizer().fit(g, profile_embeddings=emb, group_embeddings=gemb)
    gone = g.without_links((g.links == city).any(axis=1))
    without = PairFeaturizer().fit(gone, profile_embeddings=emb, group_embeddings=gemb)
    X = np.array([[city, c] for c in range(6) if c != city])
    cold = np.ones(len(X), bool)
    np.testing.assert_allclose(
        full.transform(X, cold=cold), without.transform(X, cold=cold), equal_nan=True, atol=1e-6
    )
