import numpy as np
import pytest

from features.graph import AFFINITY_COLUMNS, GRAPH_COLUMNS, AffinityPairFeatures, GraphPairFeatures, gather
from features.pairs import PairFeaturizer
from features.regional import REGIONAL_COLUMNS
from tests.features._tiny import tiny_graph


def _cols(f, X, **kw):
    return dict(zip(GRAPH_COLUMNS, f.transform(X, **kw).T, strict=True))


def test_graph_indices_by_hand():
    g = tiny_graph()
    f = GraphPairFeatures().fit(g)
    out = _cols(f, np.array([[0, 2], [1, 3], [0, 4], [0, 5]]))
    # 0 and 2 share partners 1 and 3, both of degree 2.
    assert out[GRAPH_COLUMNS.common_neighbours].tolist() == [2, 2, 0, 0]
    assert out[GRAPH_COLUMNS.adamic_adar][0] == pytest.approx(2 / np.log(2))
    assert out[GRAPH_COLUMNS.resource_allocation][0] == pytest.approx(1.0)
    assert out[GRAPH_COLUMNS.query_degree].tolist() == [2, 2, 2, 2]
    assert out[GRAPH_COLUMNS.candidate_degree].tolist() == [2, 2, 0, 0]
    # 3-walks 1->0->3->2 and 1->2->3->2? no: from 1 to 3: 1-0-1-... count by matrix power.
    a = g.adjacency().toarray()
    a3 = np.linalg.matrix_power(a, 3)
    assert out[GRAPH_COLUMNS.paths3].tolist() == [a3[0, 2], a3[1, 3], a3[0, 4], a3[0, 5]]
    assert out[GRAPH_COLUMNS.shared_groups].tolist() == [1, 0, 0, 1]
    assert out[GRAPH_COLUMNS.candidate_groups].tolist() == [1, 0, 0, 1]


def test_gather_sparse_values():
    a = tiny_graph().adjacency()
    assert gather(a, np.array([0, 0, 1]), np.array([1, 2, 2])).tolist() == [1, 0, 1]


def test_country_affinity_by_hand():
    g = tiny_graph()
    f = AffinityPairFeatures(alpha=1.0, beta=1.0).fit(g)
    out = dict(zip(AFFINITY_COLUMNS, f.transform(np.array([[0, 2], [0, 1]])).T, strict=True))
    # Links by country: DE-DE 1 (0-1), DE-PL 2 (1-2, 0-3), PL-PL 1 (2-3); ends DE 4, PL 4, m = 4.
    assert out[AFFINITY_COLUMNS.country_pair_links].tolist() == [2, 1]
    assert out[AFFINITY_COLUMNS.country_pair_affinity][0] == pytest.approx(np.log((2 + 1) / (4 * 4 / 8 + 1)))
    assert out[AFFINITY_COLUMNS.candidate_country_share][0] == pytest.approx(2 / 4)
    # Admin regions: DE.01-DE.02 1 (0-1), DE.02-PL.01 1 (1-2), DE.01-PL.01 1 (0-3), PL.01-PL.01 1 (2-3);
    # ends DE.01 2, DE.02 2, PL.01 4.
    assert out[AFFINITY_COLUMNS.admin_pair_links].tolist() == [1, 1]
    assert out[AFFINITY_COLUMNS.admin_pair_affinity] == pytest.approx(
        [np.log(2 / (2 * 4 / 8 + 1)), np.log(2 / (2 * 2 / 8 + 1))]
    )
    assert out[AFFINITY_COLUMNS.candidate_admin_share].tolist() == [1 / 2, 1 / 2]
    # a city without a region (5) has no regional links, whatever its country's
    assert f.transform(np.array([[0, 5]]))[0, AFFINITY_COLUMNS.index(AFFINITY_COLUMNS.admin_pair_links)] == 0


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


def _random_graph(n: int = 40, m: int = 90, seed: int = 0):
    import pandas as pd

    from models.dataset import GraphData, Group

    rng = np.random.default_rng(seed)
    cities = pd.DataFrame({
        "city_id": np.arange(n), "name": [f"c{k}" for k in range(n)],
        "country": rng.choice(["DE", "FR", "PL"], n), "admin_area": rng.choice(["01", "02"], n),
        "latitude": rng.uniform(40, 55, n), "longitude": rng.uniform(0, 20, n),
        "population": rng.lognormal(9, 1, n), "timezone": "Europe/Berlin",
        "continent": "EU", "wb_region": "ECA", "income_group": "H", "profile_text": "", "sectors": [()] * n,
    })  # fmt: skip
    pairs = {tuple(sorted(rng.choice(n, 2, replace=False).tolist())) for _ in range(m)}
    groups = [Group(id="g", kind="urbact", members=np.array([0, 1, 2]), text="t")]
    return GraphData(cities=cities, links=np.array(sorted(pairs)), groups=groups).validate()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_regional_features_hide_links_exactly(seed):
    """NO LEAKAGE with real neighbourhoods (k = 4 of 40 towns): one hidden link and cold queries."""
    g = _random_graph(seed=seed)
    emb = np.random.default_rng(seed).normal(size=(g.n_cities, 4)).astype(np.float32)
    gemb = np.ones((1, 4), np.float32)
    full = PairFeaturizer(n_near=4, n_near_wide=9).fit(g, profile_embeddings=emb, group_embeddings=gemb)
    rng = np.random.default_rng(seed)
    for link in rng.choice(len(g.links), 5, replace=False):
        without = PairFeaturizer(n_near=4, n_near_wide=9).fit(
            g.without_links(np.arange(len(g.links)) == link), profile_embeddings=emb, group_embeddings=gemb
        )
        q, p = g.links[link]
        for a, b in [(q, p), (p, q)]:
            X = np.array([[a, c] for c in range(g.n_cities) if c != a])
            np.testing.assert_allclose(
                full.transform(X, removed=np.full(len(X), b)), without.transform(X), atol=1e-5
            )
    for city in rng.choice(g.n_cities, 4, replace=False):
        gone = g.without_links((g.links == city).any(axis=1))
        without = PairFeaturizer(n_near=4, n_near_wide=9).fit(
            gone, profile_embeddings=emb, group_embeddings=gemb
        )
        X = np.array([[city, c] for c in range(g.n_cities) if c != city])
        cold = np.ones(len(X), bool)
        np.testing.assert_allclose(full.transform(X, cold=cold), without.transform(X, cold=cold), atol=1e-5)


def test_regional_counts_by_hand():
    from features.regional import RegionalPairFeatures

    g = tiny_graph()
    f = RegionalPairFeatures(n_near=1).fit(g)
    # Nearest towns: 0->1 or 3 (both 1 degree away), 1->0 or 2, 2->1, 3->0, 4->3, 5->4 (by great circle).
    near = f.near_.toarray()
    assert near.sum(axis=1).tolist() == [1] * 6 and near[2, 1] == 1 and near[3, 0] == 1
    a = g.adjacency().toarray()
    out = dict(zip(REGIONAL_COLUMNS, f.transform(np.array([[2, 0]])).T, strict=True))
    assert out[REGIONAL_COLUMNS.near_query_links_candidate][0] == (near @ a)[2, 0]
    assert out[REGIONAL_COLUMNS.query_partner_near_candidate][0] == (a @ near.T)[2, 0]
    assert out[REGIONAL_COLUMNS.near_links_near][0] == (near @ a @ near.T)[2, 0]
    # 2 (PL) has partners 1 (DE) and 3 (PL): one in the candidate's country DE.
    assert out[REGIONAL_COLUMNS.query_links_candidate_country][0] == 1
    # 0 (DE) has partners 1 (DE) and 3 (PL): one in the query's country PL.
    assert out[REGIONAL_COLUMNS.candidate_links_query_country][0] == 1
