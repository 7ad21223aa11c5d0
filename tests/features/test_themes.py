"""Participation weighed by theme: the candidate's closest group, its closest network, themed co-members."""

from dataclasses import replace

import numpy as np
import pytest

from features.cities import QuerySide, repeat_side
from features.themes import THEME_COLUMNS, ThemePairFeatures
from tests.features.test_participation import graph  # networks {0, 2, 5} and {0, 2, 3}, a project {1, 2, 4}

# the three groups' texts on the axes of a 3-d embedding space
TEXTS = np.eye(3, dtype=np.float32)


def _needs(position: int, vector, *, cold: bool = False) -> QuerySide:
    side = QuerySide.positions_only(np.array([position]))
    return replace(side, cold=np.array([cold]), embedding=np.asarray(vector, np.float32))


def test_closest_group_closest_network_and_co_members_in_groups_like_the_needs():
    f = ThemePairFeatures().fit(graph(), group_embeddings=2 * TEXTS)  # any length: compared as cosines
    out = f.transform_all(_needs(0, [0.8, 0.0, 0.6]))  # water, and a little cross-border
    col = {c: out[:, k] for k, c in enumerate(THEME_COLUMNS)}
    assert col["needs_best_group_similarity"].tolist() == pytest.approx([0.8, 0.6, 0.8, 0.0, 0.6, 0.8])
    # city 1 and city 4 are only in the cross-border project: no network
    assert col["needs_best_network_similarity"].tolist() == pytest.approx([0.8, 0.0, 0.8, 0.0, 0.0, 0.8])
    # city 0 is in water (0.8) and waste (0.0): city 2 shares both, 5 water only, 3 waste only
    assert col["needs_theme_co_membership"].tolist() == pytest.approx([0.8, 0.0, 0.8, 0.0, 0.0, 0.8])


def test_one_query_and_every_city_agree_and_a_new_city_has_no_co_members():
    f = ThemePairFeatures().fit(graph(), group_embeddings=TEXTS)
    rng = np.random.default_rng(0)
    for side in (
        _needs(0, rng.normal(size=3)),
        _needs(2, rng.normal(size=3)),
        _needs(4, [0, 0, 1], cold=True),
    ):
        np.testing.assert_allclose(
            f.transform_side(repeat_side(side, 6), np.arange(6)), f.transform_all(side)
        )
    cold = f.transform_all(_needs(0, [1, 0, 0], cold=True))
    assert not cold[:, 2].any() and cold[:, 0].any()
    # rows with different needs, as the needs model's training rows are
    rows = replace(
        repeat_side(_needs(0, [1, 0, 0]), 2), embedding=np.array([[1, 0, 0], [0, 1, 0]], np.float32)
    )
    both = f.transform_side(rows, np.array([3, 3]))
    assert both[:, 0].tolist() == pytest.approx([0.0, 1.0])  # city 3 is in waste only


def test_without_needs_or_group_texts_every_column_is_zero():
    f = ThemePairFeatures().fit(graph(), group_embeddings=TEXTS)
    assert not f.transform_all(QuerySide.positions_only(np.array([0]))).any()
    bare = ThemePairFeatures().fit(graph())
    assert not bare.transform_all(_needs(0, [1, 0, 0])).any()
    with pytest.raises(ValueError, match="group embeddings"):
        ThemePairFeatures().fit(graph(), group_embeddings=TEXTS[:2])
