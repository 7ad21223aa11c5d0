"""A planner's wished places as a constraint on the ranked list, not a boost.

A boost cannot lift a country the model scores low, so a planner who asks for Japan got one
Japanese city in ten. Instead the list is filled from the wished places first, best first, as
long as a candidate there scores at least ``WISH_FLOOR`` of the best score there; only when too
few do is the rest filled from elsewhere, and the answer says so (the shortfall).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# A wished-place candidate scoring under this fraction of the best one there is a weak match:
# showing it ahead of a strong match elsewhere would be obeying the wish at the planner's expense.
# On 953 leave-one-out queries asked with the hidden partner's country (benchmarks/wish_eval.py,
# seed 0), floors of 0, 0.02, 0.05 and 0.1 gave HR@50 0.658, 0.638, 0.616 and 0.580 and left
# fewer than 10 wished partners in 7, 56, 98 and 157 queries: 0.02 drops the clearly weak matches
# at a small cost (the metric, whose partner is always in the wished country, favours no floor).
WISH_FLOOR = 0.02
# ``population: "similar"``: a partner from 1/3 to 3 times the city's population (a town of 40,000
# and a city of 120,000 are peers; a city of a million is not)
SIMILAR_POPULATION_FACTOR = 3.0


def similar_population(log_population: np.ndarray, population: float) -> np.ndarray:
    """Which cities (by log10 population, NaN where unknown) are of a size similar to ``population``."""
    gap = np.abs(np.asarray(log_population, dtype=float) - np.log10(population))
    return np.nan_to_num(gap, nan=np.inf) <= np.log10(SIMILAR_POPULATION_FACTOR)


@dataclass(frozen=True)
class WishOrder:
    """Rows of the ranked list in the order to show them, and how many came from the wished places."""

    order: np.ndarray
    wished: int
    shortfall: int


def order_by_wishes(
    scores: np.ndarray, wished: np.ndarray, limit: int, *, floor: float = WISH_FLOOR
) -> WishOrder:
    """The first ``limit`` rows: wished rows scoring at least ``floor`` x the best wished score, best
    first, then the others (the rest of the wished ones included) by score.

    ``scores`` and ``wished`` are aligned with the ranked list; the answer indexes into it.
    ``shortfall`` is how many of the ``limit`` places the wished rows could not fill.
    """
    scores = np.asarray(scores, dtype=float)
    wished = np.asarray(wished, dtype=bool)
    by_score = np.argsort(-scores, kind="stable")
    inside = by_score[wished[by_score]]
    if len(inside):
        best = scores[inside[0]]
        inside = inside[scores[inside] >= floor * best] if best > 0 else inside
    first = inside[:limit]
    rest = by_score[~np.isin(by_score, first)][: limit - len(first)]
    return WishOrder(
        order=np.r_[first, rest].astype(np.int64),
        wished=len(first),
        shortfall=max(0, min(limit, len(scores)) - len(first)),
    )
