"""Held-out splits: what is hidden, and that no target gives itself away by isolation."""

import numpy as np
import pandas as pd

from models.dataset import GraphData, Group
from models.evaluate import cold_start_split, leave_one_out_split, themed_split
from tests.features._tiny import tiny_graph
from tests.models.test_ranker import synthetic_graph


def with_pendants(g: GraphData, hub: int, n: int) -> GraphData:
    """``g`` plus ``n`` new cities each linked only to ``hub`` (degree 1, no group)."""
    extra = g.cities.iloc[[0] * n].assign(city_id=np.arange(n) + 10_000, name=[f"p{k}" for k in range(n)])
    cities = pd.concat([g.cities, extra], ignore_index=True)
    links = np.r_[g.links, np.c_[np.full(n, hub), g.n_cities + np.arange(n)]]
    return GraphData(cities=cities, links=links, groups=list(g.groups)).validate()


def test_visible_means_a_link_or_a_group() -> None:
    # tiny graph: 0-3 linked; 4 has nothing; 5 only belongs to group g1
    assert tiny_graph().visible().tolist() == [True, True, True, True, False, True]
    assert tiny_graph().group_counts().tolist() == [1, 0, 1, 0, 0, 1]


def test_leave_one_out_hides_one_link_and_keeps_both_ends_visible() -> None:
    g = with_pendants(synthetic_graph(), hub=0, n=30)
    pendants = set(range(g.n_cities - 30, g.n_cities))
    train, queries = leave_one_out_split(g, n_queries=10_000, seed=3)  # every city that can ask
    assert 0 in {q.position for q in queries}  # the hub asks, and 30 of its 34 or so partners are pendants
    assert len(train.links) == len(g.links) - len(queries)
    visible, deg, nb = train.visible(), train.degrees(), train.neighbours()
    for q in queries:
        (p,) = q.targets
        assert g.has_link(np.array([q.position]), np.array([p]))[0]  # a real partner ...
        assert p not in nb[q.position]  # ... hidden from training
        assert deg[q.position] >= 1 and visible[p]
        assert p not in pendants  # hiding its only link would leave it isolated: recognisable
    # same seed, same split
    again = leave_one_out_split(g, n_queries=10_000, seed=3)[1]
    pairs = [(q.position, q.targets.tolist()) for q in queries]
    assert [(q.position, q.targets.tolist()) for q in again] == pairs


def test_cold_start_targets_are_the_partners_that_stay_visible() -> None:
    g = with_pendants(synthetic_graph(), hub=0, n=30)
    train, queries = cold_start_split(g, n_queries=g.n_cities, seed=0)  # every city with a link
    by_position = {q.position: q for q in queries}
    visible, nb = train.visible(), g.neighbours()
    for q in queries:
        assert q.cold and train.degrees()[q.position] == 0
        assert train.group_counts()[q.position] == 0
        assert set(q.targets.tolist()) <= set(nb[q.position].tolist()) and visible[q.targets].all()
    # a pendant's only partner is cold too, so it has no visible target and is not queried
    assert not set(by_position) & set(range(g.n_cities - 30, g.n_cities))


def test_themed_targets_are_unlinked_visible_members_of_newer_groups() -> None:
    g = synthetic_graph()
    loner = g.n_cities  # a city the store knows only through one new group
    cities = pd.concat([g.cities, g.cities.iloc[[1]].assign(city_id=99_999)], ignore_index=True)
    groups = [*g.groups, Group(id="new", kind="urbact", members=np.array([0, 1, 2, loner]), text="new topic",
                               start_year=2020)]  # fmt: skip
    g = GraphData(cities=cities, links=g.links, groups=groups).validate()
    train, queries = themed_split(g, split_year=2009, members_per_group=4, seed=0)
    assert {grp.id for grp in train.groups} == {f"g{k}" for k in range(9)}
    nb, visible = train.neighbours(), train.visible()
    assert queries and all(q.needs for q in queries)
    for q in queries:
        assert visible[q.targets].all() and not set(q.targets.tolist()) & set(nb[q.position].tolist())
        assert loner not in q.targets
