"""Wished places fill the list first; what they cannot fill is said."""

from __future__ import annotations

import numpy as np

from models.wishes import order_by_wishes


def test_wished_rows_come_first_best_first_then_the_rest_by_score():
    scores = np.array([0.9, 0.8, 0.3, 0.7, 0.2, 0.6])
    wished = np.array([False, False, True, False, True, True])
    shown = order_by_wishes(scores, wished, 4, floor=0.0)
    assert shown.order.tolist() == [5, 2, 4, 0] and (shown.wished, shown.shortfall) == (3, 1)


def test_a_weak_wished_row_is_not_shown_ahead_of_strong_ones_elsewhere():
    scores = np.array([0.9, 0.5, 0.01, 0.8])
    wished = np.array([False, True, True, False])
    shown = order_by_wishes(scores, wished, 3, floor=0.05)
    # 0.01 is under 5% of the best wished score (0.5): it waits behind the others
    assert shown.order.tolist() == [1, 0, 3] and (shown.wished, shown.shortfall) == (1, 2)


def test_enough_wished_rows_leave_no_shortfall_and_nothing_from_elsewhere():
    scores = np.linspace(1, 0.5, 10)
    wished = np.arange(10) % 2 == 1
    shown = order_by_wishes(scores, wished, 3)
    assert shown.order.tolist() == [1, 3, 5] and shown.shortfall == 0


def test_a_list_shorter_than_the_limit_has_a_shortfall_only_for_what_the_wish_missed():
    shown = order_by_wishes(np.array([0.4, 0.3]), np.array([True, True]), 5)
    assert shown.order.tolist() == [0, 1] and shown.shortfall == 0
    shown = order_by_wishes(np.array([0.4, 0.3]), np.array([False, True]), 5)
    assert shown.order.tolist() == [1, 0] and shown.shortfall == 1
    assert order_by_wishes(np.zeros(0), np.zeros(0, bool), 5).order.tolist() == []
