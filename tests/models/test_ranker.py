from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from features.geo import GEO_COLUMNS
from features.graph import AFFINITY_COLUMNS, GRAPH_COLUMNS
from features.pairs import ALL_COLUMNS, TEXT_COLUMNS
from features.regional import REGIONAL_COLUMNS
from models.advice.explain import reasons
from models.baselines import AdamicAdarBaseline, CountryDistancePrior, PopularityBaseline
from models.dataset import CityQuery, GraphData, Group
from models.evaluate import format_report, run_evaluation
from models.ranker import PartnerRanker


def synthetic_graph(n: int = 120, seed: int = 0) -> GraphData:
    """Cities in four countries; links favour nearby cities and one country pair."""
    rng = np.random.default_rng(seed)
    country = np.array(["DE", "PL", "FR", "JP"])[rng.integers(0, 4, n)]
    lat = rng.uniform(40, 55, n) + (country == "JP") * -5
    lon = rng.uniform(0, 25, n) + (country == "JP") * 110
    cities = pd.DataFrame({
        "city_id": np.arange(n) + 1, "name": [f"c{k}" for k in range(n)], "country": country,
        "admin_area": np.where(lon < 12, "01", "02"),
        "latitude": lat, "longitude": lon, "population": rng.lognormal(10, 1, n),
        "timezone": np.where(country == "JP", "Asia/Tokyo", "Europe/Berlin"),
        "continent": np.where(country == "JP", "AS", "EU"), "wb_region": "X", "income_group": "H",
        "profile_text": "", "sectors": [()] * n,
    })  # fmt: skip
    links = set()
    while len(links) < 2 * n:
        i, j = rng.integers(0, n, 2)
        close = abs(lat[i] - lat[j]) + abs(lon[i] - lon[j]) < 8
        pair = {country[i], country[j]} == {"DE", "PL"}
        if i != j and (close or pair or rng.random() < 0.05):
            links.add((min(i, j), max(i, j)))
    groups = [Group(id=f"g{k}", kind="urbact", members=rng.choice(n, 6, replace=False), text=f"topic {k}",
                    start_year=2000 + k) for k in range(10)]  # fmt: skip
    return GraphData(cities=cities, links=np.array(sorted(links)), groups=groups).validate()


SMALL = dict(n_estimators=30, num_leaves=7, min_child_samples=5, n_cold_queries=50, theme_folds=2, n_jobs=1)


@pytest.fixture(scope="module")
def fitted():
    g = synthetic_graph()
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(len(g.groups), 8)).astype(np.float32)
    r = PartnerRanker(**SMALL).fit(g, profile_embeddings=np.zeros((g.n_cities, 8), np.float32),
                                   group_embeddings=emb)  # fmt: skip
    return g, r


def test_estimator_contract():
    r = PartnerRanker(n_estimators=7, random_state=3)
    assert r.get_params()["n_estimators"] == 7
    r.set_params(num_leaves=5)
    c = clone(r)
    assert c.get_params() == r.get_params() and c is not r
    with pytest.raises(NotFittedError):
        r.predict(np.array([[0, 1]]))
    with pytest.raises(TypeError):
        r.fit("not a graph")


def test_extra_trees_and_coarse_bins_reach_warm_and_cold_models(fitted):
    g, r = fitted
    warm_cold = (r.warm_model_, r.cold_model_, r.warm_candidates_.model_, r.cold_candidates_.model_)
    for m in warm_cold:
        assert m.get_params()["extra_trees"] and m.get_params()["max_bin"] == r.max_bin == 63
    # text similarities need the best splits on fine bins
    for m in (r.theme_model_, r.theme_candidates_.model_):
        assert not m.get_params()["extra_trees"] and m.get_params()["max_bin"] == 255
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(len(g.groups), 8)).astype(np.float32)
    plain = clone(r).set_params(extra_trees=False)
    plain.fit(g, profile_embeddings=np.zeros((g.n_cities, 8), np.float32), group_embeddings=emb)
    plain_models = (plain.warm_model_, plain.cold_model_)
    plain_models += (plain.warm_candidates_.model_, plain.cold_candidates_.model_)
    assert not any(m.get_params()["extra_trees"] for m in plain_models)
    # best thresholds instead of random ones: other trees, other scores for the same pairs
    pairs = np.array([[0, k] for k in range(1, 40)])
    assert not np.allclose(plain.predict(pairs), r.predict(pairs))


def test_rank_excludes_existing_partners(fitted):
    g, r = fitted
    nb = g.neighbours()
    q = int(np.argmax(g.degrees()))
    top = r.rank(q, k=30)
    assert len(top) == 30 and q not in top.position.tolist()
    assert not set(top.position) & set(nb[q].tolist())
    assert top.score.is_monotonic_decreasing
    assert set(ALL_COLUMNS) <= set(top.columns)
    with_existing = r.rank(q, k=g.n_cities, exclude_existing=False)
    assert set(nb[q].tolist()) <= set(with_existing.position)


def test_rank_within_keeps_only_those_cities_and_scores_as_the_full_ranking(fitted):
    g, r = fitted
    q = int(np.argmax(g.degrees()))
    country = r.cities_["country"].to_numpy()
    within = country == country[(q + 1) % g.n_cities]
    everything, inside = r.rank_groups(q, [(None, g.n_cities), (within, 15)])
    assert inside.position.map(lambda p: within[p]).all()
    assert inside.score.is_monotonic_decreasing
    assert len(inside) == min(15, int(within.sum()) - int(within[q]) - int(within[g.neighbours()[q]].sum()))
    # the same cities in the same order as the full ranking filtered to them
    expected = everything[everything.position.map(lambda p: within[p])].head(15)
    assert inside.position.tolist() == expected.position.tolist()
    assert r.rank(q, k=15).position.tolist() == everything.head(15).position.tolist()


def test_new_city_and_predict(fitted):
    g, r = fitted
    top = r.rank(CityQuery(name="Neu", country="DE", latitude=50.0, longitude=10.0, population=5e4), k=5)
    assert len(top) == 5
    top = r.rank(CityQuery(name="Neu", country="PL"), k=5, needs_embedding=np.ones(8, np.float32))
    assert len(top) == 5
    s = r.predict(np.array([[0, 1], [2, 3]]))
    assert s.shape == (2,) and np.all((s >= 0) & (s <= 1))
    order = r.rank_all(0)
    assert len(order) == g.n_cities - 1 - len(g.neighbours()[0])


def test_baselines_rank_all_cities(fitted):
    g, r = fitted
    side = r.featurizer_.table_.side(np.array([0]))
    for b in (PopularityBaseline(), AdamicAdarBaseline(), CountryDistancePrior()):
        order = b.fit(g).rank_all(side)
        assert sorted(order.tolist()) == list(range(g.n_cities)) and order[-1] == 0


def test_reasons_are_readable(fitted):
    g, r = fitted
    row = {
        GRAPH_COLUMNS.common_neighbours: 2,
        GRAPH_COLUMNS.adamic_adar: 1.44,
        GEO_COLUMNS.same_country: 0,
        AFFINITY_COLUMNS.country_pair_links: 310,
        GEO_COLUMNS.distance_km: 412.3,
    }
    out = reasons(row, "Takeo", "Kitakyushu", query_country="DE", candidate_country="PL")
    assert out[0] == "Shares 2 partners with Takeo (Adamic–Adar 1.4)"
    assert "Country pair DE–PL has 310 twinnings" in out and "412 km away" in out
    top = r.rank(0, k=1).iloc[0].to_dict()
    assert reasons(top, "c0", top["name"])


def test_evaluation_report_runs(fitted):
    g, _ = fitted
    rep = run_evaluation(g, make_ranker=lambda: PartnerRanker(**SMALL), n_queries=20,
                         settings=("leave_one_out", "cold_start"), seed=0)  # fmt: skip
    loo = rep["settings"]["leave_one_out"]["models"]
    assert set(loo) == {"ranker", "popularity", "adamic_adar", "country_distance_prior"}
    assert 0 <= loo["ranker"]["HR@10"]["value"] <= 1
    assert "leave_one_out" in format_report(rep)
    import json

    json.dumps(rep)


def test_listwise_reranker_and_full_ranking():
    """A lambdarank warm model on retrieved sets still gives sorted (0, 1) scores and a full ranking."""
    g = synthetic_graph(n=80, seed=1)
    r = PartnerRanker(**{**SMALL, "n_rerank_queries": 15, "n_candidates": 20}).fit(
        g,
        profile_embeddings=np.zeros((g.n_cities, 4), np.float32),
        group_embeddings=np.zeros((10, 4), np.float32),
    )
    q = int(np.argmax(g.degrees()))
    top = r.rank(q, k=40)  # beyond the 20 candidates, the retrieval order goes on
    assert len(top) == 40 and top.score.is_monotonic_decreasing and top.score.between(0, 1).all()
    order = r.rank_all(q)
    assert len(order) == len(set(order.tolist())) == g.n_cities - 1 - len(g.neighbours()[q])
    assert r.predict(np.array([[0, 1]])).shape == (1,)


def test_rank_all_puts_candidates_first_and_matches_rank(fitted):
    g, r = fitted
    q = 3
    order = r.rank_all(q)
    top = r.rank(q, k=10)
    assert order[:10].tolist() == top.position.tolist()


def test_reasons_name_regional_ties():
    row = {
        REGIONAL_COLUMNS.near_query_links_candidate: 2,
        REGIONAL_COLUMNS.query_partner_near_candidate: 1,
        REGIONAL_COLUMNS.near_links_near: 6,
        GEO_COLUMNS.distance_km: 800.0,
    }
    out = reasons(row, "Görlitz", "Amberg")
    assert out[:3] == [
        "2 towns near Görlitz partner with Amberg",
        "Görlitz already has 1 partner near Amberg",
        "6 partnerships already link the two areas",
    ]


def test_reasons_name_linked_regions_and_standing():
    row = {
        AFFINITY_COLUMNS.admin_pair_links: 4,
        GEO_COLUMNS.query_log_rank: np.log10(2),
        GEO_COLUMNS.candidate_log_rank: 0.0,
        GEO_COLUMNS.distance_km: 900.0,
    }
    out = reasons(row, "Essen", "Koriyama")
    assert out == [
        "4 twinnings already link the two cities' regions",
        "900 km away",
        "Both among the ten largest cities of their countries",
    ]
    row = {
        AFFINITY_COLUMNS.admin_pair_links: 1,
        GEO_COLUMNS.query_log_rank: 1.0,
        GEO_COLUMNS.candidate_log_rank: 0.0,
    }  # the 10th city is not
    assert reasons(row, "Essen", "Koriyama") == []


def test_reasons_name_namesakes():
    row = {
        GEO_COLUMNS.same_name: 1,
        AFFINITY_COLUMNS.country_pair_links: 40,
        GEO_COLUMNS.distance_km: 14_500.0,
    }
    out = reasons(row, "Frankfurt (Oder)", "Frankfurt", query_country="DE", candidate_country="US")
    assert out[0] == "Shares its name with Frankfurt (Oder)"
    assert not any("name" in r for r in reasons({GEO_COLUMNS.same_name: 0}, "Perth", "Pert"))


def test_each_model_samples_from_its_own_stream():
    """Changing how the cold-start model samples leaves the warm and themed models as they were."""
    g = synthetic_graph()
    emb = np.random.default_rng(0).normal(size=(len(g.groups), 8)).astype(np.float32)
    kw = dict(profile_embeddings=np.zeros((g.n_cities, 8), np.float32), group_embeddings=emb)
    a = PartnerRanker(**SMALL).fit(g, **kw)
    b = PartnerRanker(**{**SMALL, "n_cold_queries": 80}).fit(g, **kw)
    for name in ("warm_model_", "theme_model_"):
        assert getattr(a, name).booster_.model_to_string() == getattr(b, name).booster_.model_to_string()
    assert a.cold_model_.booster_.model_to_string() != b.cold_model_.booster_.model_to_string()


def test_query_weighting_reaches_only_the_models_it_names():
    """With "cold" (the default) the warm model trains as with "none" and the cold model as with "all"."""
    g = synthetic_graph()
    emb = np.random.default_rng(0).normal(size=(len(g.groups), 8)).astype(np.float32)
    kw = dict(profile_embeddings=np.zeros((g.n_cities, 8), np.float32), group_embeddings=emb)
    fit = {w: PartnerRanker(**{**SMALL, "query_weighting": w}).fit(g, **kw) for w in ("cold", "all", "none")}
    assert PartnerRanker().query_weighting == "cold"

    def trees(w, name):
        return getattr(fit[w], name).booster_.model_to_string()

    assert trees("cold", "warm_model_") == trees("none", "warm_model_") != trees("all", "warm_model_")
    assert trees("cold", "cold_model_") == trees("all", "cold_model_") != trees("none", "cold_model_")
    with pytest.raises(ValueError, match="query_weighting must be 'cold', 'all' or 'none'"):
        PartnerRanker(**{**SMALL, "query_weighting": True}).fit(g, **kw)


def test_needs_embedding_may_arrive_while_features_are_computed(fitted):
    """A future of the needs embedding, still running when ranking starts, ranks as the embedding."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    _, r = fitted
    e = np.random.default_rng(1).normal(size=8).astype(np.float32)
    with ThreadPoolExecutor(1) as pool:

        def later():
            return pool.submit(lambda: (time.sleep(0.05), e)[1])

        for q in (CityQuery(position=3), CityQuery(name="Neu", country="PL", latitude=52.0, longitude=20.0)):
            want = r.rank(q, k=20, needs_embedding=e)
            assert want[TEXT_COLUMNS.needs_track_similarity].abs().sum() > 0  # the text columns matter here
            pd.testing.assert_frame_equal(r.rank(q, k=20, needs_embedding=later()), want)
            full = r.rank_all(q, needs_embedding=e)
            np.testing.assert_array_equal(r.rank_all(q, needs_embedding=later()), full)
            assert not want.equals(r.rank(q, k=20))


def test_the_needs_model_learns_from_links_asked_as_twinning_requests():
    g = synthetic_graph()
    g.groups = [
        replace(x, kind="thematic-network" if k % 2 else "funded-project") for k, x in enumerate(g.groups)
    ]
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(len(g.groups), 8)).astype(np.float32)
    prof = np.zeros((g.n_cities, 8), np.float32)
    twin = rng.normal(size=(3, 8)).astype(np.float32)
    fit = dict(profile_embeddings=prof, group_embeddings=emb, twinning_embeddings=twin)
    r = PartnerRanker(**SMALL, n_twinning_queries=40).fit(g, **fit)
    assert r.theme_examples_["twinning_links"] > 40  # each link with its negatives
    assert r.theme_examples_["thematic_groups"] and r.theme_examples_["other_groups"]
    without = PartnerRanker(**SMALL, n_twinning_queries=0).fit(g, **fit)
    assert without.theme_examples_["twinning_links"] == 0
    # the needs read exactly like the twinning phrasings' centroid
    centroid = twin.mean(axis=0) / np.linalg.norm(twin.mean(axis=0))
    top = r.rank(CityQuery(position=0), k=3, needs_embedding=centroid)
    assert np.allclose(top["needs_twinning_similarity"], 1.0, atol=1e-5)


def test_position_of_is_fitted_and_rebuilt_from_the_cities_when_loaded(fitted):
    import pickle

    g, r = fitted
    assert r.position_of_ == {int(c): p for p, c in enumerate(g.cities["city_id"])}
    assert "position_of_" not in r.__getstate__()  # it follows from cities_: never stored twice
    assert pickle.loads(pickle.dumps(r)).position_of_ == r.position_of_
