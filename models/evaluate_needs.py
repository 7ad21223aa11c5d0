"""The ``needs`` setting: members of held-out thematic networks ask with the network's text.

A planner always writes needs, so this is the question the service answers most. Groups
of one kind (URBACT thematic networks by default) with a stored text and at least three
members are split into folds over groups. For each fold, every held-out group is removed
from the training graph, so from every member's track record and from every feature, and
the ranker is fitted on what is left. Then every member of a held-out group asks twice with
the group's text as needs:

* as a **known city**: its links and its other memberships stay visible; the truth is the
  other members it is not already linked to;
* as a **new city** (``cold``): it is scored from its profile only; the truth is every
  other member.

The members of one group are correlated (they share a text and a truth set), so intervals
come from a bootstrap over groups, not over queries. Every replicate computes each model's
mean Recall@20 over the queries of the resampled groups; the headline is the ratio of the
ranker to the strongest baseline (the one with the highest mean on all groups) per
replicate, and its 2.5 % quantile is the figure the target is judged on.

Baselines, fitted on the same training graph and asked the same queries:

* ``participation``: cities by the number of groups of the held-out kind they joined;
* ``participation_all``: by the number of groups of any kind;
* ``text``: the needs text against each city's track record (the mean embedding of its
  groups' texts and its partners' profiles);
* ``country_region``: participation within the query's country, then its World Bank
  region, then the rest;
* ``co_membership_aa``: Adamic–Adar over the co-membership graph (cities sharing a
  group), participation breaking ties.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from db.progress import stage
from features.participation import co_membership
from features.text import group_text
from models import metrics as M
from models.baselines import AdamicAdarBaseline
from models.dataset import CityQuery, GraphData, Group
from models.evaluate import leave_one_out_split

K = 20
WIDE_K = 200  # the retrieval stage's size (PartnerRanker.n_candidates)
# what a planner seeking a twin town writes; the leave-one-out queries ask again with it
TWINNING_NEEDS = "town twinning and friendship: cultural, youth and citizens' exchanges"
# training links of the hidden partner (0: it stays known by a group membership only)
DEGREE_BANDS = ((0, 0), (1, 1), (2, 3), (4, 9), (10, None))
BASELINES = ("participation", "participation_all", "text", "country_region", "co_membership_aa")


@dataclass
class NeedsQuery:
    """One member of a held-out group asking with the group's text."""

    group: int  # index into the fold's held-out groups list of the whole setting
    position: int
    targets: np.ndarray
    cold: bool


def needs_groups(graph: GraphData, *, kind: str, min_members: int = 3) -> list[Group]:
    """Groups of ``kind`` with a text and at least ``min_members`` members."""
    return [g for g in graph.groups if g.kind == kind and g.text and len(g.members) >= min_members]


def needs_folds(groups: list[Group], *, n_folds: int = 5, seed: int = 0) -> list[list[Group]]:
    """The groups split into ``n_folds`` random folds of (nearly) equal size."""
    order = np.random.default_rng(seed).permutation(len(groups))
    return [[groups[k] for k in sorted(order[f::n_folds].tolist())] for f in range(n_folds)]


def fold_queries(train: GraphData, held: list[Group], *, first_group: int = 0) -> list[NeedsQuery]:
    """Known-city and new-city queries of every member of the held-out groups.

    Only members the training graph still knows ask (a city with no visible link or group
    left would not be in the store), and only visible members count as truth.
    """
    visible = train.visible()
    nb = train.neighbours()
    out = []
    for k, g in enumerate(held):
        members = np.unique(np.asarray(g.members, dtype=np.int64))
        members = members[visible[members]]
        for q in members.tolist():
            others = members[members != q]
            known = np.setdiff1d(others, nb[q])
            if len(known):
                out.append(NeedsQuery(group=first_group + k, position=q, targets=known, cold=False))
            if len(others):
                out.append(NeedsQuery(group=first_group + k, position=q, targets=others, cold=True))
    return out


class NeedsBaselines:
    """The setting's baselines, fitted on one training graph (see the module docstring)."""

    def __init__(self, train: GraphData, *, kind: str, profile_embeddings, group_embeddings):
        member = train.membership()
        of_kind = np.array([g.kind == kind for g in train.groups], dtype=float)
        self.participation = np.asarray(member @ of_kind).ravel()
        self.participation_all = np.asarray(member.sum(axis=1)).ravel()
        adjacency = train.adjacency()
        track = member @ group_embeddings + adjacency @ profile_embeddings
        norm = np.linalg.norm(track, axis=1, keepdims=True)
        self.track = np.where(norm > 0, track / np.maximum(norm, 1e-12), 0.0).astype(np.float32)
        self.country = train.cities["country"].fillna("").to_numpy()
        self.region = train.cities["wb_region"].fillna("").to_numpy()
        # co-membership graph: cities sharing a group, each shared neighbour weighed by
        # 1 / log(its co-membership degree)
        self.co, self.co_weighted = co_membership(train)

    def scores(self, name: str, q: NeedsQuery, needs: np.ndarray) -> np.ndarray:
        """Score of every city for query ``q`` under baseline ``name``."""
        tie = 1e-6 * self.participation
        if name == "participation":
            return self.participation
        if name == "participation_all":
            return self.participation_all
        if name == "text":
            return self.track @ needs.astype(np.float32) + 1e-9 * self.participation
        if name == "country_region":
            same_country = self.country == self.country[q.position]
            same_region = self.region == self.region[q.position]
            return 2e6 * same_country + 1e6 * same_region + self.participation
        if name == "co_membership_aa":
            if q.cold:  # a new city has no memberships
                return self.participation
            return np.asarray((self.co_weighted[q.position] @ self.co).todense()).ravel() + tie
        raise ValueError(f"unknown baseline {name!r}")


def _order(scores: np.ndarray, drop: np.ndarray) -> np.ndarray:
    s = np.asarray(scores, dtype=float).copy()
    s[drop] = -np.inf
    order = np.argsort(-s, kind="stable")
    return order[: len(order) - len(np.unique(drop))]


def run_needs_setting(
    graph: GraphData,
    *,
    fit_ranker: Callable[[GraphData, int], object],
    embed: Callable[[list[str]], np.ndarray],
    kind: str = "thematic-network",
    n_folds: int = 5,
    seed: int = 0,
    n_boot: int = 2000,
    variants: dict[str, Callable] | None = None,
) -> dict:
    """Fit one ranker per fold (``fit_ranker(train, fold)``) and score every query.

    ``embed`` turns texts into embeddings (the ranker's own encoder). ``variants`` maps a
    name to ``rank(ranker, CityQuery, needs_embedding) -> order`` for scoring alternatives
    compared in the same run; the default is the ranker's :meth:`rank_all`.
    """
    variants = variants or {"ranker": lambda r, cq, e: r.rank_all(cq, needs_embedding=e)}
    groups = needs_groups(graph, kind=kind)
    folds = needs_folds(groups, n_folds=n_folds, seed=seed)
    held_all: list[Group] = [g for fold in folds for g in fold]
    needs_emb = embed([group_text(g) for g in held_all])
    profile_emb = embed(graph.cities["profile_text"].fillna("").tolist())
    names = [*variants, *BASELINES]
    recall: dict[str, list[float]] = {n: [] for n in names}
    # the first n_candidates of a ranker's order are its retrieval stage's: Recall@200 is its recall
    wide: dict[str, list[float]] = {n: [] for n in names}
    queries: list[NeedsQuery] = []
    start = 0
    for f, held in enumerate(folds):
        train = graph.without_groups([g.id for g in held])
        with stage(f"needs fold {f + 1}/{n_folds}", groups=len(held)) as progress:
            ranker = fit_ranker(train, f)
            group_emb = embed([group_text(g) for g in train.groups])
            base = NeedsBaselines(
                train, kind=kind, profile_embeddings=profile_emb, group_embeddings=group_emb
            )
            nb = train.neighbours()
            fq = fold_queries(train, held, first_group=start)
            for q in fq:
                e = needs_emb[q.group]
                drop = np.array([q.position]) if q.cold else np.r_[q.position, nb[q.position]]
                cq = CityQuery(position=q.position, cold=q.cold)
                for name, rank in variants.items():
                    ranks = M.ranks_of(rank(ranker, cq, e), q.targets)
                    recall[name].append(float(np.mean(ranks <= K)))
                    wide[name].append(float(np.mean(ranks <= WIDE_K)))
                for name in BASELINES:
                    ranks = M.ranks_of(_order(base.scores(name, q, e), drop), q.targets)
                    recall[name].append(float(np.mean(ranks <= K)))
                    wide[name].append(float(np.mean(ranks <= WIDE_K)))
            progress.count(queries=len(fq))
        queries.extend(fq)
        start += len(held)
    per = {n: np.asarray(v) for n, v in recall.items()}
    report = {"kind": kind, "n_groups": len(held_all), "n_folds": n_folds, "k": K}
    for label, cold in (("known_city", False), ("new_city", True)):
        mask = np.array([q.cold == cold for q in queries])
        gid = np.array([q.group for q in queries])[mask]
        report[label] = summarise_by_group({n: v[mask] for n, v in per.items()}, gid, list(variants),
                                           n_boot=n_boot, seed=seed)  # fmt: skip
        report[label][f"Recall@{WIDE_K}"] = {n: float(np.mean(np.asarray(v)[mask])) for n, v in wide.items()}
    report["queries"] = [
        {"group": held_all[q.group].id, "position": q.position, "cold": q.cold,
         "recall": {n: recall[n][i] for n in names}}
        for i, q in enumerate(queries)
    ]  # fmt: skip
    return report


def summarise_by_group(
    per: dict[str, np.ndarray], group: np.ndarray, models: list[str], *, n_boot: int = 2000, seed: int = 0
) -> dict:
    """Mean Recall@K per model and the ratio to the strongest baseline, bootstrapped over groups."""
    n_groups = len(np.unique(group))
    means = {n: float(v.mean()) if len(v) else 0.0 for n, v in per.items()}
    best = max(BASELINES, key=lambda b: means[b])
    boot = M.cluster_bootstrap_means(per, group.tolist(), n_boot=n_boot, seed=seed)
    out: dict = {"n_queries": int(len(group)), "n_groups": int(n_groups), "strongest_baseline": best}
    out[f"Recall@{K}"] = {
        n: {
            "value": means[n],
            "ci95": [float(np.quantile(boot[n], 0.025)), float(np.quantile(boot[n], 0.975))],
        }
        for n in per
    }
    out["ratio_to_strongest_baseline"] = {}
    for m in models:
        ratio = boot[m] / np.maximum(boot[best], 1e-12)
        out["ratio_to_strongest_baseline"][m] = {
            "value": means[m] / max(means[best], 1e-12),
            "ci95": [float(np.quantile(ratio, 0.025)), float(np.quantile(ratio, 0.975))],
        }
    return out


def format_needs_report(report: dict) -> str:
    """Readable table: Recall@K [95 % CI] per model, and the ratio to the strongest baseline."""
    lines = [f"== needs ({report['kind']}, {report['n_groups']} groups, {report['n_folds']} folds) =="]
    for label in ("known_city", "new_city"):
        r = report[label]
        lines.append(f"-- {label}: {r['n_queries']} queries from {r['n_groups']} groups")
        for name, v in r[f"Recall@{K}"].items():
            lines.append(f"   {name:<22} Recall@{K} {v['value']:.3f} [{v['ci95'][0]:.3f},{v['ci95'][1]:.3f}]")
        for name, v in r["ratio_to_strongest_baseline"].items():
            lines.append(
                f"   {name} / {r['strongest_baseline']}: "
                f"{v['value']:.2f} [{v['ci95'][0]:.2f},{v['ci95'][1]:.2f}]"
            )
    return "\n".join(lines)


def leave_one_out_with_needs(
    graph: GraphData,
    *,
    fit_ranker: Callable[[GraphData, int], object],
    embed: Callable[[list[str]], np.ndarray],
    n_queries: int = 3000,
    seed: int = 0,
    text: str = TWINNING_NEEDS,
    n_boot: int = 2000,
    variants: dict[str, Callable] | None = None,
) -> dict:
    """Leave-one-out queries asked without needs and again with ``text``; HR@10 of both.

    Reports the ratio with/without (paired bootstrap over queries: each query is one hidden
    link), the ratio to Adamic–Adar, and HR@10 by degree band of the hidden partner.
    """
    variants = variants or {"ranker": lambda r, cq, e: r.rank_all(cq, needs_embedding=e)}
    train, queries = leave_one_out_split(graph, n_queries=n_queries, seed=seed)
    ranker = fit_ranker(train, -1)
    e = embed([text])[0]
    aa = AdamicAdarBaseline().fit(train)
    table = ranker.featurizer_.table_
    nb = train.neighbours()
    hits: dict[str, list[float]] = {"without_needs": [], "adamic_adar": []}
    hits.update({f"{name}_with_needs": [] for name in variants})
    retrieved: dict[str, list[float]] = {n: [] for n in hits if n != "adamic_adar"}
    with stage("leave-one-out with needs", total=len(queries)) as progress:
        for q in queries:
            cq = CityQuery(position=q.position)
            plain = ranker.rank_all(cq)
            hits["without_needs"].append(_hit(plain, q.targets))
            retrieved["without_needs"].append(_hit(plain, q.targets, WIDE_K))
            for name, rank in variants.items():
                order = rank(ranker, cq, e)
                hits[f"{name}_with_needs"].append(_hit(order, q.targets))
                retrieved[f"{name}_with_needs"].append(_hit(order, q.targets, WIDE_K))
            o = aa.rank_all(table.side(np.array([q.position])))
            o = o[~np.isin(o, np.r_[q.position, nb[q.position]])]
            hits["adamic_adar"].append(_hit(o, q.targets))
            progress.advance()
    per = {n: np.asarray(v) for n, v in hits.items()}
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(queries), size=(n_boot, len(queries)))
    boot = {n: v[idx].mean(axis=1) for n, v in per.items()}

    def ratio(a: str, b: str) -> dict:
        r = boot[a] / np.maximum(boot[b], 1e-12)
        return {"value": float(per[a].mean() / max(per[b].mean(), 1e-12)),
                "ci95": [float(np.quantile(r, 0.025)), float(np.quantile(r, 0.975))]}  # fmt: skip

    degree = train.degrees()[[int(q.targets[0]) for q in queries]]
    bands = {}
    for lo, hi in DEGREE_BANDS:
        mask = (degree >= lo) & (degree <= (hi if hi is not None else degree.max()))
        label = f"{lo}" if lo == hi else (f"{lo}+" if hi is None else f"{lo}-{hi}")
        bands[label] = {"n": int(mask.sum()), **{n: float(v[mask].mean()) if mask.any() else None
                                                 for n, v in per.items()}}  # fmt: skip
    return {
        "n_queries": len(queries),
        "text": text,
        "HR@10": {n: float(v.mean()) for n, v in per.items()},
        f"HR@{WIDE_K}": {n: float(np.mean(v)) for n, v in retrieved.items()},
        "with_over_without": {name: ratio(f"{name}_with_needs", "without_needs") for name in variants},
        "without_over_adamic_adar": ratio("without_needs", "adamic_adar"),
        "with_over_adamic_adar": {name: ratio(f"{name}_with_needs", "adamic_adar") for name in variants},
        "by_hidden_partner_degree": bands,
    }


def _hit(order: np.ndarray, targets: np.ndarray, k: int = 10) -> float:
    return float(np.any(M.ranks_of(order, targets) <= k))
