"""models.notebook.train_and_evaluate on tiny hand-made inputs; models.plots draws its tables."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from models import plots
from models.notebook import train_and_evaluate
from tests.features._tiny import tiny_graph
from tests.models.notebook._figures import assert_figures


def report() -> dict:
    def m(v: float) -> dict:
        return {"value": v, "ci95": [v - 0.1, v + 0.1]}

    models = {
        "ranker": {"HR@10": m(0.5), "MRR": m(0.2), "coverage@10": {"value": 0.1, "ci95": None}},
        "popularity": {"HR@10": m(0.1), "MRR": m(0.05), "coverage@10": {"value": 0.01, "ci95": None}},
    }
    return {
        "seed": 0,
        "settings": {
            "leave_one_out": {
                "n_queries": 4,
                "models": models,
                "ranker_minus_best_baseline": {
                    "HR@10": {"vs": "popularity", "diff": 0.4, "ci95": [0.1, 0.7]}
                },
            }
        },
    }


def test_metrics_tables() -> None:
    t = train_and_evaluate.metrics_table(report(), metrics=("HR@10", "MRR", "coverage@10"))
    assert t.loc[("leave_one_out", "ranker"), "HR@10"] == 0.5
    assert t.loc[("leave_one_out", "popularity"), "n_queries"] == 4
    ci = train_and_evaluate.metrics_table(report(), metrics=("HR@10", "coverage@10"), ci=True)
    assert ci.loc[("leave_one_out", "ranker"), "HR@10 lo"] == pytest.approx(0.4)
    assert np.isnan(ci.loc[("leave_one_out", "ranker"), "coverage@10 lo"])
    diff = train_and_evaluate.ranker_vs_baseline(report())
    expected = {"setting": "leave_one_out", "metric": "HR@10", "best_baseline": "popularity", "diff": 0.4,
                "lo": 0.1, "hi": 0.7}  # fmt: skip
    assert diff.iloc[0].to_dict() == expected
    same = train_and_evaluate.compare_reports(report(), report(), metrics=("HR@10", "MRR"))
    assert same["equal"].all() and (same["HR@10 diff"] == 0).all()


def ranks() -> pd.DataFrame:
    rows = []
    for pos, (r_rank, p_rank), country, degree in (
        (0, (1, 30), "DE", 2), (1, (12, 5), "DE", 5), (2, (np.inf, np.inf), "PL", 12), (3, (3, 80), "PL", 2),
    ):  # fmt: skip
        for model, first in (("ranker", r_rank), ("popularity", p_rank)):
            rows.append({"setting": "leave_one_out", "model": model, "position": pos, "country": country,
                         "degree": degree, "first_rank": float(first)})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["degree_class"] = train_and_evaluate.degree_class(frame["degree"])
    return frame


def test_hit_rate_curve_and_breakdowns() -> None:
    curve = train_and_evaluate.hit_rate_curve(ranks(), ks=[1, 10, 100]).set_index(["model", "k"])["hit_rate"]
    assert curve[("ranker", 1)] == 0.25 and curve[("ranker", 10)] == 0.5 and curve[("ranker", 100)] == 0.75
    assert curve[("popularity", 10)] == 0.25
    by_country = train_and_evaluate.hit_breakdown(ranks(), by="country", k=10)
    assert by_country.loc["DE"].to_dict() == {"queries": 2, "popularity": 0.5, "ranker": 0.5}
    assert by_country.loc["PL", "ranker"] == 0.5
    by_degree = train_and_evaluate.hit_breakdown(ranks(), by="degree_class", k=10, min_queries=2)
    assert by_degree.index.tolist() == ["2"] and by_degree.loc["2", "ranker"] == 1.0
    assert list(train_and_evaluate.degree_class([0, 1, 2, 3, 5, 10, 40])) == [
        "0",
        "1",
        "2",
        "3-4",
        "5-9",
        "10+",
        "10+",
    ]


def test_per_query_ranks_from_a_report() -> None:
    g = tiny_graph()  # degrees 2, 2, 2, 2, 0, 0
    rep = report()
    rep["settings"]["leave_one_out"]["queries"] = [
        {"position": 0, "targets": [2], "ranks": {"ranker": [1], "popularity": [None]}},
        {"position": 3, "targets": [1, 4], "ranks": {"ranker": [7, 2], "popularity": [3, None]}},
    ]
    frame = train_and_evaluate.per_query_ranks(rep, g).set_index(["model", "position"])
    assert frame.loc[("ranker", 3), "first_rank"] == 2 and frame.loc[("ranker", 3), "ranks"] == (7.0, 2.0)
    assert frame.loc[("popularity", 0), "first_rank"] == np.inf  # not ranked: a miss at every k
    assert frame.loc[("ranker", 3), "name"] == "D" and frame.loc[("ranker", 3), "degree_class"] == "2"
    assert frame.loc[("popularity", 3), "n_targets"] == 2
    with pytest.raises(ValueError, match="no per-query ranks"):
        train_and_evaluate.per_query_ranks(report(), g)


def test_feature_importances() -> None:
    from features.pairs import ALL_COLUMNS, COLD_COLUMNS

    class Est:
        def __init__(self, n: int) -> None:
            self.feature_importances_ = np.arange(n)

    ranker = SimpleNamespace(warm_model_=Est(len(ALL_COLUMNS)), cold_model_=Est(len(COLD_COLUMNS)),
                             theme_model_=None)  # fmt: skip
    imp = train_and_evaluate.feature_importances(ranker)
    assert set(imp["model"]) == {"warm", "cold"}
    warm = imp[imp["model"] == "warm"]
    assert warm.iloc[0]["feature"] == ALL_COLUMNS[-1] and warm["share"].sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="column names"):
        train_and_evaluate.feature_importances(SimpleNamespace(warm_model_=Est(3)))


def test_plots_of_the_evaluation_tables() -> None:
    curve = train_and_evaluate.hit_rate_curve(ranks(), ks=range(1, 20))
    assert_figures(
        [
            plots.hit_rate_curves(curve),
            plots.breakdown_bars(train_and_evaluate.hit_breakdown(ranks(), by="country"), title="t"),
        ]
    )
