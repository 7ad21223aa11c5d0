"""Next steps for a pair that already cooperates: its history in time order, and the sectors and
funding schemes it is likely to add next, learned from the trajectories of other pairs (a pair's
dated cooperations grouped by start year into stages: ``models.plans.trajectories``).

The model counts, over the training histories, how often one whose stage had ``h`` (a sector, a
scheme, a kind of cooperation or a year) had ``s`` in its next stage, and how many years later (a
sequential rule ``h -> s``; a history is counted once however many pairs share it, as the members
of two networks that joined both do). For each candidate, the rules from the pair's last stage,
whether it was in that stage or an earlier one and how common it is later are weighed by a
logistic regression fitted on the training transitions (their rule features computed without the
transitions into the same cooperation, as a pair's next step is unseen when asked about); what a
city of the pair says it needs and the other can offer add to the score. Each suggestion carries
its strongest rule in words: "pairs whose cooperation included water supply went on to sewage
within 5 years in 4 of 6 cases". The logic reads no store: rows come from ``db.repositories.partnerships``.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

# history, merge_duplicates, own_shares, stages_of, trajectories and usable are here for the
# service, the evaluation and the tests, which build a pair's history through this module
from models.plans.trajectories import (  # noqa: F401
    Pair,
    Stage,
    TokenKind,
    distinct,
    history,
    merge_duplicates,
    own_shares,
    split_token,
    stages_of,
    token,
    trajectories,
    usable,
)

# the rule of a token needs this many training pairs before it speaks for a suggestion
MIN_CASES = 2
# pseudo-count pulling a rule's rate towards how common the consequent is in later stages
SMOOTHING = 2.0
# what a city of the pair says it needs, and what the other can offer, add this much to a probability
# (set by hand: URBACT members have no profiles, so the evaluation cannot weigh them)
NEED_WEIGHT = 0.3
OFFER_WEIGHT = 0.15


@dataclass
class _Counts:
    n: int = 0
    cases: Counter[str] = field(default_factory=Counter)
    hits: Counter[tuple[str, str]] = field(default_factory=Counter)
    max_gap: dict[tuple[str, str], int] = field(default_factory=dict)
    later: Counter[str] = field(default_factory=Counter)
    into_cases: dict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    into_hits: dict[int, Counter[tuple[str, str]]] = field(default_factory=lambda: defaultdict(Counter))


def _count(histories: Mapping[Pair, Sequence[Stage]]) -> _Counts:
    """The rules h -> s (a stage with h, then s in the next stage), once per trajectory (at the
    first stage with h), what each transition into a cooperation added, and the later tokens."""
    out = _Counts()
    for stages in histories.values():
        if len(stages) < 2:
            continue
        out.n += 1
        out.later.update(set().union(*(s.tokens for s in stages[1:])))
        counted: set[str] = set()
        for before, after in itertools.pairwise(stages):
            gap = after.year - before.year
            for h in before.tokens - counted:
                counted.add(h)
                out.cases[h] += 1
                for c in after.cooperation_ids:
                    out.into_cases[c][h] += 1
                for t in after.tokens:
                    out.hits[(h, t)] += 1
                    out.max_gap[(h, t)] = max(out.max_gap.get((h, t), 0), gap)
                    for c in after.cooperation_ids:
                        out.into_hits[c][(h, t)] += 1
    return out


@dataclass(frozen=True)
class Rule:
    """``hits`` of the ``cases`` training pairs that had ``antecedent`` had ``consequent`` later,
    at most ``max_gap`` years after (the gaps of those hits)."""

    antecedent: str
    consequent: str
    hits: int
    cases: int
    max_gap: int


@dataclass(frozen=True)
class Suggestion:
    kind: TokenKind
    id: str
    score: float
    rule: Rule | None
    own: float = 0.0
    needed_by: tuple[str, ...] = ()
    offered_by: tuple[str, ...] = ()
    done_before: bool = False
    reasons: tuple[str, ...] = ()


FEATURES = ("in_last", "in_earlier", "log_base", "rule_rate", "repeat_rate")


@dataclass
class NextStepModel:
    """Sequential rules over pairs' trajectories, combined by a logistic regression fitted on the
    same trajectories' transitions (fit); the next stage of a pair (suggest).

    For each candidate id the features are: it was in the pair's last stage, in an earlier one,
    how common it is in later stages (log), the best rate of a rule from the last stage's tokens
    to it, and how often pairs that had it had it again in their next step. What the two cities
    did with others is shown beside a suggestion, not scored: the training pairs' own records are
    not built.

    Parameters
    ----------
    smoothing : pseudo-count towards the consequent's base rate.
    min_cases : training pairs an antecedent needs before its rules speak.
    need_weight, offer_weight : added to the score of what a city of the pair says it needs, and
        of what the other says it can offer.
    """

    smoothing: float = SMOOTHING
    min_cases: int = MIN_CASES
    need_weight: float = NEED_WEIGHT
    offer_weight: float = OFFER_WEIGHT
    cases_: Counter[str] = field(default_factory=Counter, init=False, repr=False)
    hits_: Counter[tuple[str, str]] = field(default_factory=Counter, init=False, repr=False)
    max_gap_: dict[tuple[str, str], int] = field(default_factory=dict, init=False, repr=False)
    base_: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    coef_: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False)
    # what the transitions into each cooperation added to the counts: the weights are fitted on
    # features computed without them (as a pair's next step is unseen when it is asked about)
    into_cases_: dict[int, Counter[str]] = field(default_factory=dict, init=False, repr=False)
    into_hits_: dict[int, Counter[tuple[str, str]]] = field(default_factory=dict, init=False, repr=False)
    n_histories_: int = field(default=0, init=False)

    def fit(self, histories: Mapping[Pair, Sequence[Stage]]) -> NextStepModel:
        # a case is a history, not a pair: the members of two networks that joined both are many
        # pairs with one history, counted once
        histories = distinct(histories)
        counts = _count(histories)
        self.cases_, self.hits_, self.max_gap_ = counts.cases, counts.hits, counts.max_gap
        self.into_cases_, self.into_hits_ = counts.into_cases, counts.into_hits
        n = counts.n
        self.base_ = {tok: count / n for tok, count in counts.later.items()} if n else {}
        self.n_histories_ = n
        self.coef_ = {kind: self._fit_weights(histories, kind) for kind in ("sector", "scheme")}
        return self

    def _fit_weights(self, histories: Mapping[Pair, Sequence[Stage]], kind: TokenKind) -> np.ndarray:
        """Weights of FEATURES (and an intercept) from every transition of the training pairs."""
        from sklearn.linear_model import LogisticRegression

        pool = self._pool(kind, None)
        if not pool:
            return np.zeros(len(FEATURES) + 1)
        xs, ys = [], []
        for stages in histories.values():
            for k in range(1, len(stages)):
                if not stages[k].of_kind(kind):
                    continue  # a step that names no sector (or scheme) says nothing of which one
                xs.append(self._features(stages[:k], pool, unseen=stages[k].cooperation_ids))
                ys.append([tok in stages[k].tokens for tok in pool])
        if not xs:
            return np.zeros(len(FEATURES) + 1)
        x, y = np.vstack(xs), np.concatenate(ys)
        if y.all() or not y.any():
            return np.zeros(len(FEATURES) + 1)
        lr = LogisticRegression(C=1.0, max_iter=500).fit(x, y)
        return np.concatenate([lr.coef_[0], lr.intercept_])

    def _pool(self, kind: TokenKind, candidates: Iterable[str] | None) -> list[str]:
        prefix = f"{kind}:"
        if candidates is not None:
            return [token(kind, c) for c in candidates]
        return sorted(t for t in self.base_ if t.startswith(prefix))

    def _counts(self, h: str, s: str, unseen: Sequence[int]) -> tuple[int, int]:
        """(hits, cases) of the rule h -> s without the transitions into the ``unseen`` cooperations."""
        hits, cases = self.hits_.get((h, s), 0), self.cases_[h]
        for c in unseen:
            hits -= self.into_hits_.get(c, {}).get((h, s), 0)
            cases -= self.into_cases_.get(c, {}).get(h, 0)
        return max(hits, 0), max(cases, 0)

    def _rate(self, h: str, s: str, unseen: Sequence[int] = ()) -> tuple[float, int]:
        base = self.base_.get(s, 0.0)
        hits, cases = self._counts(h, s, unseen)
        return (hits + self.smoothing * base) / (cases + self.smoothing), cases

    def _best_rule(
        self, recent: Iterable[str], s: str, unseen: Sequence[int] = ()
    ) -> tuple[float, str | None]:
        best, rate = None, self.base_.get(s, 0.0)
        for h in recent:
            r, cases = self._rate(h, s, unseen)
            if cases >= self.min_cases and r > rate:
                best, rate = h, r
        return rate, best

    @staticmethod
    def _last(stages: Sequence[Stage], kind: str) -> tuple[frozenset[str], frozenset[str]]:
        """The tokens of the latest stage that had some of ``kind`` (an Interreg project names no
        sector, so a network before it is the pair's last sector step), and of the stages before."""
        prefix = f"{kind}:"
        for i in range(len(stages) - 1, -1, -1):
            if any(t.startswith(prefix) for t in stages[i].tokens):
                return stages[i].tokens, frozenset().union(*(s.tokens for s in stages[:i]))
        return frozenset(), frozenset()

    def _features(
        self, stages: Sequence[Stage], pool: Sequence[str], unseen: Sequence[int] = ()
    ) -> np.ndarray:
        last, earlier = self._last(stages, split_token(pool[0])[0]) if pool else (frozenset(), frozenset())
        rows = []
        for s in pool:
            rate, _ = self._best_rule(last, s, unseen)
            repeat = self._rate(s, s, unseen)[0] if s in last or s in earlier else 0.0
            rows.append([
                float(s in last), float(s in earlier), np.log(self.base_.get(s, 0.0) + 1e-3), rate, repeat,
            ])  # fmt: skip
        return np.asarray(rows, dtype=float).reshape(len(pool), len(FEATURES))

    def _reason_rule(self, recent: Iterable[str], s: str) -> Rule | None:
        """The rule to state for ``s``: the best rate from the last stage, a sector before a scheme
        before a kind of cooperation when rates tie (a year is a feature, never a reason)."""
        order = {"sector": 0, "scheme": 1, "kind": 2}
        scored = []
        for h in recent:
            kind = split_token(h)[0]
            hits, cases = self.hits_.get((h, s), 0), self.cases_[h]
            if kind in order and cases >= self.min_cases and hits:
                scored.append((-hits / cases, order[kind], -cases, h))
        return self.rule(min(scored)[3], s) if scored else None

    def rule(self, h: str, s: str) -> Rule:
        return Rule(h, s, self.hits_.get((h, s), 0), self.cases_[h], self.max_gap_.get((h, s), 0))

    def suggest(
        self,
        stages: Sequence[Stage],
        *,
        kind: TokenKind = "sector",
        candidates: Iterable[str] | None = None,
        own: Mapping[str, float] | None = None,
        needs: Mapping[str, Sequence[str]] | None = None,
        offers: Mapping[str, Sequence[str]] | None = None,
        limit: int | None = None,
    ) -> list[Suggestion]:
        """The pair's next stage: ids of ``kind`` best first.

        ``stages`` is the pair's history (``stages_of``); ``own`` the share of the two cities'
        other cooperations that had each id; ``needs`` and ``offers`` map an id to the cities whose
        profile says they need it or can offer it.
        ``candidates`` defaults to every id the training saw in a later stage.
        """
        pool = self._pool(kind, candidates)
        if not pool:
            return []
        own = own or {}
        x = self._features(stages, pool)
        coef = self.coef_.get(kind, np.zeros(len(FEATURES) + 1))
        logits = x @ coef[:-1] + coef[-1]
        probability = 1.0 / (1.0 + np.exp(-logits))
        done = set().union(*(s.tokens for s in stages)) if stages else set()
        last, _ = self._last(stages, kind)
        needs, offers = needs or {}, offers or {}
        out = []
        for tok, p in zip(pool, probability, strict=True):
            value = split_token(tok)[1]
            best = self._reason_rule(last, tok)
            needed_by, offered_by = tuple(needs.get(value, ())), tuple(offers.get(value, ()))
            score = float(p) + self.need_weight * bool(needed_by) + self.offer_weight * bool(offered_by)
            mine = own.get(value, 0.0)
            out.append(Suggestion(kind, value, score, best, mine, needed_by, offered_by, tok in done))
        out.sort(key=lambda x: (-x.score, x.id))
        return out[:limit] if limit is not None else out


def rule_reason(rule: Rule, names: Mapping[str, str]) -> str:
    """The rule in words: "pairs whose cooperation included water supply went on to sewage within
    5 years in 4 of 6 cases"."""

    def name(tok: str) -> str:
        kind, value = split_token(tok)
        label = names.get(value, value.replace("-", " "))
        return {"sector": label, "scheme": f"funding from {label}", "kind": f"a {label}"}[kind]

    when = "in the same year" if rule.max_gap == 0 else f"within {rule.max_gap} years"
    ante_kind, _ = split_token(rule.antecedent)
    lead = "pairs that had " if ante_kind == "kind" else "pairs whose cooperation included "
    counts = f"in {rule.hits} of {rule.cases} cases"
    if rule.antecedent == rule.consequent:
        return f"{lead}{name(rule.antecedent)} came back to it {when} {counts}"
    return f"{lead}{name(rule.antecedent)} went on to {name(rule.consequent)} {when} {counts}"


def explain(suggestion: Suggestion, names: Mapping[str, str]) -> tuple[str, ...]:
    """Every reason a suggestion has, strongest first."""
    label = names.get(suggestion.id, suggestion.id)
    out = []
    if suggestion.rule is not None:
        out.append(rule_reason(suggestion.rule, names))
    if suggestion.needed_by:
        who = suggestion.needed_by
        out.append(f"{' and '.join(who)} {'says it needs' if len(who) == 1 else 'say they need'} {label}")
    if suggestion.offered_by:
        out.append(f"{' and '.join(suggestion.offered_by)} can offer {label} (a strength in its profile)")
    if suggestion.own > 0:
        share = round(100 * suggestion.own)
        out.append(f"{share}% of the two cities' cooperations with others were in {label}")
    if suggestion.done_before:
        out.append(f"the pair has worked on {label} before")
    if not out:
        out.append(f"{label} is common in the later steps of other pairs")
    return tuple(out)
