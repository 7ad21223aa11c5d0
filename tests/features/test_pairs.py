import numpy as np
import pytest

from features.pairs import ALL_COLUMNS, ROLE_FIT, PairFeaturizer, TextPairFeatures
from tests.features._tiny import tiny_graph


def test_track_record_similarity_and_sectors_by_hand():
    g = tiny_graph()
    prof = np.zeros((6, 2), np.float32)
    prof[1] = [1, 0]  # B has a profile
    prof[3] = [0, 1]  # D has a profile
    grp = np.array([[1, 1]], np.float32)
    f = TextPairFeatures().fit(g, profile_embeddings=prof, group_embeddings=grp)
    # Track record of 0: group g1 [1,1] + partner profiles B [1,0] + D [0,1] = [2,2].
    np.testing.assert_allclose(f.track_sum_[0], [2, 2])
    assert f.track_count_[0] == 3
    from features.cities import CityTable

    t = CityTable.from_frame(g.cities)
    side = t.side(np.array([4, 4]), embedding=np.array([1.0, 0.0]))
    out = f.transform_side(side, np.array([0, 1]))
    assert out[0, 0] == pytest.approx(1 / np.sqrt(2))  # needs [1,0] vs track [2,2]
    assert out[1, 1] == pytest.approx(1.0)  # needs vs B's own profile
    # Sectors: city 0 {water} + group {waste} vs city 3 {waste}: Jaccard 1/2.
    side = t.side(np.array([3]))
    assert f.transform_side(side, np.array([0]))[0, 2] == pytest.approx(0.5)


def test_featurizer_columns_and_role_fit():
    g = tiny_graph()
    f = PairFeaturizer().fit(g)
    df = f.frame(np.array([[4, 1], [1, 4]]))
    assert list(df.columns) == list(ALL_COLUMNS)
    assert df[ROLE_FIT].tolist() == pytest.approx([np.log1p(2) - 0, 0 - np.log1p(2)])


def test_transform_all_equals_pairwise_features():
    """The all-cities fast path gives exactly the pairwise features (warm, cold, new city, needs)."""
    from features.cities import repeat_side
    from tests.features.test_graph import _random_graph

    g = _random_graph(seed=3)
    rng = np.random.default_rng(0)
    secs = ["water", "waste", "energy"]
    g.cities["sectors"] = [tuple(rng.choice(secs, rng.integers(0, 3))) for _ in range(40)]
    emb = rng.normal(size=(g.n_cities, 4)).astype(np.float32)
    emb[::3] = 0  # cities without a profile
    f = PairFeaturizer(n_near=4, n_near_wide=9).fit(
        g, profile_embeddings=emb, group_embeddings=np.ones((1, 4), np.float32)
    )
    t, n = f.table_, g.n_cities
    sides = [t.side(np.array([p]), cold=np.array([c])) for p in (0, 5, 17) for c in (False, True)]
    sides.append(t.side(np.array([4]), embedding=rng.normal(size=4).astype(np.float32)))
    sides.append(t.side(np.array([9]), cold=np.array([True]), embedding=np.ones(4, np.float32)))
    sides.append(t.profile_side(1, country="PL", latitude=48.0, longitude=11.0, population=3e4,
                                sectors=("water", "culture"), embedding=np.ones(4, np.float32)))  # fmt: skip
    for q in sides:
        every = f.transform_all(q)
        assert every.dtype == np.float32  # as the boosters take it
        np.testing.assert_allclose(
            every, f.transform_side(repeat_side(q, n), np.arange(n)), rtol=1e-6, atol=1e-5, equal_nan=True
        )


def test_text_products_keep_only_cities_with_a_profile():
    from features.cities import CityTable

    g = tiny_graph()
    prof = np.zeros((6, 2), np.float32)
    prof[1], prof[3] = [1, 0], [0, 1]
    f = TextPairFeatures().fit(g, profile_embeddings=prof, group_embeddings=np.array([[1, 1]], np.float32))
    assert list(f.profile_rows_) == [1, 3]
    side = CityTable.from_frame(g.cities).side(np.array([4]), embedding=np.array([0.6, 0.8], np.float32))
    assert f.transform_all(side)[1, 1] == pytest.approx(0.6)  # needs vs B's own profile


def test_blocks_compose_the_columns_and_the_cold_start_subset():
    from features.pairs import BLOCKS, COLD_COLUMNS

    assert ALL_COLUMNS == tuple(c for b in BLOCKS for c in b.columns)
    assert len(set(ALL_COLUMNS)) == len(ALL_COLUMNS)
    warm_only = {c for b in BLOCKS for c in b.warm_only}
    assert ROLE_FIT in warm_only and set(COLD_COLUMNS) == set(ALL_COLUMNS) - warm_only
    f = PairFeaturizer().fit(tiny_graph())
    assert list(f.get_feature_names_out()) == list(ALL_COLUMNS)
    assert all(hasattr(f, b.attribute) for b in BLOCKS if b.attribute is not None)


def test_a_late_needs_embedding_rewrites_only_the_columns_that_read_it():
    from dataclasses import replace

    g = tiny_graph()
    prof = np.zeros((6, 2), np.float32)
    prof[1], prof[3] = [1, 0], [0, 1]
    f = PairFeaturizer().fit(g, profile_embeddings=prof, group_embeddings=np.array([[1, 1]], np.float32))
    q = f.table_.side(np.array([4]))
    F = f.transform_all(q)
    late = replace(q, embedding=np.array([0.6, 0.8], np.float32))
    f.rewrite_embedding_columns(F, late)
    np.testing.assert_array_equal(F, f.transform_all(late))
    assert not np.array_equal(F, f.transform_all(q))


def test_a_featurizer_fitted_with_other_columns_says_which():
    f = PairFeaturizer().fit(tiny_graph())
    f.check_columns()
    f.feature_names_out_ = f.feature_names_out_[:-1]
    with pytest.raises(ValueError, match=rf"new: \['{ALL_COLUMNS[-1]}'\]"):
        f.check_columns()
