import numpy as np
import pytest

from models import metrics as M


def test_perfect_ranking_scores_one():
    ranks = [M.ranks_of([5, 6, 7], [5]), M.ranks_of([1, 2, 3], [1, 2])]
    for k in (1, 2, 10):
        assert M.hit_rate_at_k(ranks, k) == 1.0
        assert M.ndcg_at_k(ranks, k) == pytest.approx(1.0)
    assert M.recall_at_k(ranks, 2) == 1.0
    assert M.mrr(ranks) == 1.0


def test_no_hits_scores_zero():
    ranks = [M.ranks_of([1, 2, 3], [9]), np.array([])]
    assert M.hit_rate_at_k(ranks, 10) == 0.0
    assert M.recall_at_k(ranks, 10) == 0.0
    assert M.ndcg_at_k(ranks, 10) == 0.0
    assert M.mrr(ranks) == 0.0


def test_known_values():
    ranks = [np.array([3.0]), np.array([1.0, 4.0]), np.array([20.0])]
    assert M.hit_rate_at_k(ranks, 3) == pytest.approx(2 / 3)
    assert M.recall_at_k(ranks, 3) == pytest.approx((1 + 0.5 + 0) / 3)
    assert M.mrr(ranks) == pytest.approx((1 / 3 + 1 + 1 / 20) / 3)
    # Query 2: DCG = 1 + 1/log2(5), IDCG = 1 + 1/log2(3).
    q2 = (1 + 1 / np.log2(5)) / (1 + 1 / np.log2(3))
    assert M.ndcg_at_k(ranks, 10) == pytest.approx((1 / np.log2(4) + q2 + 0) / 3)


def test_coverage_and_bootstrap():
    assert M.catalogue_coverage([[0, 1], [1, 2]], 10) == 0.3
    lo, hi = M.bootstrap_ci(np.r_[np.ones(50), np.zeros(50)], seed=1)
    assert lo < 0.5 < hi
    assert M.bootstrap_ci([0.2, 0.4], seed=3) == M.bootstrap_ci([0.2, 0.4], seed=3)
