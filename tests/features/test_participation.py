"""Participation by kind and co-membership: counts, shared networks, Adamic–Adar, both code paths."""

from dataclasses import replace

import numpy as np

from features.cities import QuerySide, repeat_side
from features.participation import PARTICIPATION_COLUMNS, ParticipationPairFeatures
from models.dataset import Group
from tests.features._tiny import tiny_graph


def graph():
    g = tiny_graph()
    g.groups = [
        Group(id="n1", kind="thematic-network", members=np.array([0, 2, 5])),
        Group(id="n2", kind="thematic-network", members=np.array([0, 2, 3])),
        Group(id="p1", kind="funded-project", members=np.array([1, 2, 4])),
    ]
    return g.validate()


def test_counts_by_kind_shared_networks_and_co_member_adamic_adar():
    f = ParticipationPairFeatures().fit(graph())
    q = f.transform_all(QuerySide.positions_only(np.array([0])))
    col = {c: q[:, k] for k, c in enumerate(PARTICIPATION_COLUMNS)}
    assert col["candidate_thematic_groups"].tolist() == [2, 0, 2, 1, 0, 1]
    assert col["candidate_project_groups"].tolist() == [0, 1, 1, 0, 1, 0]
    assert col["shared_thematic_groups"].tolist() == [2, 0, 2, 1, 0, 1]  # the query's own row is its count
    # co-members: 0 -> {2, 3, 5}; 1 -> {2, 4}; city 1 and city 0 share the co-member 2, which has
    # co-members {0, 1, 3, 4, 5}
    assert col["co_member_adamic_adar"][1] == np.float64(1 / np.log(5))
    assert col["co_member_adamic_adar"][4] == np.float64(1 / np.log(5))


def test_one_query_and_every_city_agree_and_a_cold_query_has_no_memberships():
    f = ParticipationPairFeatures().fit(graph())
    side = QuerySide.positions_only(np.array([0]))
    rows = f.transform_side(repeat_side(side, 6), np.arange(6))
    np.testing.assert_allclose(rows, f.transform_all(side))
    cold = replace(side, cold=np.array([True]))
    out = f.transform_all(cold)
    assert not out[:, 2:].any() and out[:, :2].any()
