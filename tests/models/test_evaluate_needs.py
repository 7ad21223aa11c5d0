"""The needs setting: folds over groups, held-out groups hidden, baselines, bootstrap over groups."""

import numpy as np
import pytest

from features.text import SentenceEmbedder, embed_texts
from models.dataset import Group
from models.evaluate_needs import (
    BASELINES,
    NeedsBaselines,
    NeedsQuery,
    fold_queries,
    leave_one_out_with_needs,
    needs_folds,
    needs_groups,
    run_needs_setting,
    summarise_by_group,
)
from models.ranker import PartnerRanker
from tests.models.test_ranker import SMALL, synthetic_graph

THEMES = ["water supply and sewage", "waste sorting and recycling", "tourism and heritage", "youth exchanges"]


def themed_graph():
    g = synthetic_graph(n=160, seed=1)
    rng = np.random.default_rng(1)
    groups = [
        Group(id=f"n{k}", kind="thematic-network", members=rng.choice(g.n_cities, 6, replace=False),
              text=f"{THEMES[k % 4]} network {k}", start_year=2005 + k % 10, sectors=())
        for k in range(20)
    ]  # fmt: skip
    groups.append(Group(id="p0", kind="funded-project", members=np.array([0, 1, 2]), text="a project"))
    groups.append(Group(id="n-small", kind="thematic-network", members=np.array([3, 4]), text="too small"))
    g.groups = groups
    return g.validate()


@pytest.fixture(scope="module")
def embedder():
    return SentenceEmbedder().fit()


def test_folds_cover_the_eligible_groups_once():
    g = themed_graph()
    groups = needs_groups(g, kind="thematic-network")
    assert {x.id for x in groups} == {f"n{k}" for k in range(20)}  # not the project, not the pair
    folds = needs_folds(groups, n_folds=5, seed=3)
    ids = [x.id for fold in folds for x in fold]
    assert sorted(ids) == sorted(x.id for x in groups) and len(set(ids)) == len(ids)
    assert {len(f) for f in folds} == {4}


def test_known_city_truth_skips_existing_partners_and_new_city_truth_is_every_member():
    g = themed_graph()
    held = [g.groups[0]]
    train = g.without_groups([held[0].id])
    nb = train.neighbours()
    qs = fold_queries(train, held, first_group=7)
    visible = train.visible()
    members = np.unique(held[0].members)
    for q in qs:
        assert q.group == 7 and q.position in members and visible[q.position]
        assert q.position not in q.targets and visible[q.targets].all()
        if q.cold:
            assert set(q.targets) == set(members[visible[members]]) - {q.position}
        else:
            assert not set(q.targets) & set(nb[q.position])
    assert {q.cold for q in qs} == {True, False}


def test_baselines_read_only_the_training_graph():
    g = themed_graph()
    d = 4
    base = NeedsBaselines(g, kind="thematic-network", profile_embeddings=np.zeros((g.n_cities, d)),
                          group_embeddings=np.eye(len(g.groups), d))  # fmt: skip
    member = g.membership().toarray()
    kinds = np.array([x.kind == "thematic-network" for x in g.groups])
    assert np.array_equal(base.participation, member[:, kinds].sum(axis=1))
    assert np.array_equal(base.participation_all, member.sum(axis=1))
    q = NeedsQuery(group=0, position=int(g.groups[0].members[0]), targets=np.array([1]), cold=False)
    aa = base.scores("co_membership_aa", q, np.zeros(d))
    shared = member @ member.T
    co = np.flatnonzero(shared[q.position] > 0)
    two_hop = set(np.flatnonzero(shared[co].sum(axis=0) > 0))
    top = set(np.flatnonzero(aa > 1e-3))
    assert top and top <= two_hop  # only cities reachable through a co-member score
    # the text baseline ranks members of the group whose text is the needs text first
    text = base.scores("text", q, np.eye(len(g.groups), d)[1])
    assert set(np.argsort(-text)[:3]) <= set(g.groups[1].members)
    cold = NeedsQuery(group=0, position=q.position, targets=q.targets, cold=True)
    assert np.array_equal(base.scores("co_membership_aa", cold, np.zeros(d)), base.participation)


def test_bootstrap_is_over_groups_and_ratio_is_to_the_strongest_baseline():
    # group 0 has 9 queries the model answers; group 1 has 1 query it misses
    group = np.r_[np.zeros(9, int), 1]
    per = {"ranker": np.r_[np.ones(9), 0.0]}
    per.update({b: np.full(10, 0.1 * (k + 1)) for k, b in enumerate(BASELINES)})
    out = summarise_by_group(per, group, ["ranker"], n_boot=500, seed=0)
    best = BASELINES[-1]
    assert out["strongest_baseline"] == best and out["n_groups"] == 2
    assert out["Recall@20"]["ranker"]["value"] == pytest.approx(0.9)
    ratio = out["ratio_to_strongest_baseline"]["ranker"]
    assert ratio["value"] == pytest.approx(0.9 / 0.5)
    # resampling groups, some replicates hold only the missed group: the interval reaches 0
    assert ratio["ci95"][0] == pytest.approx(0.0) and ratio["ci95"][1] == pytest.approx(2.0)


def test_needs_setting_hides_each_held_group_from_its_fold(embedder):
    g = themed_graph()

    def embed(texts):
        return embed_texts(texts, embedder=embedder)

    seen = []

    def fit_ranker(train, fold):
        seen.append({x.id for x in train.groups})
        prof = embed(train.cities["profile_text"].fillna("").tolist())
        grp = embed([x.text for x in train.groups])
        return PartnerRanker(**SMALL).fit(train, profile_embeddings=prof, group_embeddings=grp)

    report = run_needs_setting(g, fit_ranker=fit_ranker, embed=embed, n_folds=4, seed=0, n_boot=200)
    held = [{x.id for x in fold} for fold in needs_folds(needs_groups(g, kind="thematic-network"), n_folds=4)]
    assert len(seen) == 4
    for ids, fold in zip(seen, held, strict=True):
        assert not ids & fold and len(ids) == len(g.groups) - len(fold)
    for label in ("known_city", "new_city"):
        r = report[label]
        assert r["n_groups"] == 20 and r["n_queries"] > 20
        assert set(r["Recall@20"]) == {"ranker", *BASELINES}
        for v in r["Recall@20"].values():
            assert 0.0 <= v["ci95"][0] <= v["value"] <= v["ci95"][1] <= 1.0


def test_leave_one_out_with_needs_reports_both_and_degree_bands(embedder):
    g = themed_graph()

    def embed(texts):
        return embed_texts(texts, embedder=embedder)

    def fit_ranker(train, fold):
        prof = embed(train.cities["profile_text"].fillna("").tolist())
        grp = embed([x.text for x in train.groups])
        return PartnerRanker(**SMALL).fit(train, profile_embeddings=prof, group_embeddings=grp)

    out = leave_one_out_with_needs(g, fit_ranker=fit_ranker, embed=embed, n_queries=40, n_boot=100)
    assert out["n_queries"] == 40
    assert set(out["HR@10"]) == {"without_needs", "ranker_with_needs", "adamic_adar"}
    assert sum(b["n"] for b in out["by_hidden_partner_degree"].values()) == 40
    r = out["with_over_without"]["ranker"]
    assert r["ci95"][0] <= r["value"] <= r["ci95"][1]


def test_needs_is_a_setting_of_the_evaluation():
    from models.evaluate_needs import format_needs_report
    from models.train import evaluate_graph

    report = evaluate_graph(themed_graph(), params=SMALL, settings=("needs",), seed=0)
    assert report["settings"] == {}  # only what was asked for
    text = format_needs_report(report["needs"])
    assert "known_city" in text and "new_city" in text and "ranker / " in text
