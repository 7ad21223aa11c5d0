"""models.analysis on tiny hand-made inputs; models.plots draws them (Agg backend)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from models import analysis, plots  # noqa: E402
from tests.features._tiny import tiny_graph  # noqa: E402


def coops() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "kind": ["twinning", "technical-cooperation", "technical-cooperation", "thematic-network"],
            "source": ["twin_cities", "curated", "curated", "urbact"],
            "title": ["A–B", "Water", "Waste", "Net"],
            "start_year": [1990, 2000, 2010, 2016],
            "success": [None, "high", "unknown", None],
            "members": [[10, 11], [10, 12], [11, 13], [10, 12, 15]],
            "n_members": [2, 2, 2, 3],
            "sectors": [(), ("water-supply",), ("solid-waste", "composting"), ("solid-waste",)],
            "funding_scheme_ids": [[], ["jica"], ["jica", "moej"], []],
            "outcome_summary": [None, "ok", None, None],
            "outcome_indicators": [
                [],
                [{"metric": "leakage", "value": 15, "unit": "%", "year": 2000}],
                [],
                [],
            ],
        }
    )


SECTORS = pd.DataFrame(
    {"id": ["water-supply", "solid-waste", "composting", "energy"],
     "name": ["Water", "Waste", "Compost", "Energy"], "parent_id": [None, None, "solid-waste", None]}
)  # fmt: skip
SCHEMES = pd.DataFrame(
    {"id": ["jica", "moej", "iuc"], "name": ["JICA", "MoEJ", "IUC"], "operator": [None] * 3,
     "kind": ["grant", "grant", "programme"], "source": ["curated"] * 3,
     "sectors": [("water-supply", "solid-waste"), ("solid-waste",), ()]}
)  # fmt: skip


def test_cities_by_country_and_size_classes() -> None:
    g = tiny_graph()
    by = analysis.cities_by_country(g.cities)
    assert by.iloc[0].to_dict() == {
        "country": "DE",
        "cities": 3,
        "with_population": 3,
        "median_population": 1000.0,
    }
    assert by["cities"].sum() == 6
    assert len(analysis.cities_by_country(g.cities, top=1)) == 1
    sizes = analysis.size_classes(g.cities).set_index("size_class")["cities"]
    assert sizes["<10k"] == 3 and sizes["10k-50k"] == 1 and sizes["100k-500k"] == 1 and sizes["unknown"] == 1
    assert sizes.sum() == 6


def test_degree_distribution_and_countries() -> None:
    g = tiny_graph()  # degrees 2, 2, 2, 2, 0, 0
    dist = analysis.degree_distribution(g)
    assert dist[["degree", "cities"]].values.tolist() == [[0, 2], [2, 4]]
    assert dist["share"].sum() == pytest.approx(1.0)
    pairs = analysis.country_pairs(g)
    # links: 0-1 DE-DE, 1-2 DE-PL, 0-3 DE-PL, 2-3 PL-PL
    assert pairs.iloc[0][["country_a", "country_b", "links"]].tolist() == ["DE", "PL", 2]
    assert pairs["links"].sum() == 4 and pairs["share"].sum() == pytest.approx(1.0)
    assert analysis.country_pairs(g, domestic=False)["links"].tolist() == [2]
    countries = analysis.partner_countries(g).set_index("country")
    assert countries.loc["DE", "links"] == 4 and countries.loc["PL", "links"] == 4
    assert countries.loc["DE", "domestic_share"] == pytest.approx(0.5)
    assert countries.loc["DE", "linked_cities"] == 2


def test_link_segments_and_hubs() -> None:
    g = tiny_graph()
    seg = analysis.link_segments(g)
    assert len(seg) == 4 and seg["domestic"].sum() == 2
    assert seg.iloc[0][["name_a", "name_b", "lon_b"]].tolist() == ["A", "B", 1.0]
    assert len(analysis.link_segments(g, max_links=2)) == 2
    hubs = analysis.top_cities_by_degree(g, top=2)
    assert hubs["degree"].tolist() == [2, 2] and hubs["name"].tolist() == ["A", "B"]


def test_sectors_schemes_and_outcomes() -> None:
    c = coops()
    kinds = analysis.cooperations_by_kind(c)
    assert kinds.iloc[0][["kind", "cooperations"]].tolist() == ["technical-cooperation", 2]
    sec = analysis.sector_counts(c, SECTORS).set_index("sector")["cooperations"]
    assert sec.to_dict() == {"solid-waste": 2, "composting": 1, "water-supply": 1, "energy": 0}
    sch = analysis.scheme_counts(c, SCHEMES).set_index("scheme")["cooperations"]
    assert sch.to_dict() == {"jica": 2, "moej": 1, "iuc": 0}
    catalogue = analysis.scheme_sector_matrix(SCHEMES)
    assert catalogue.loc["jica"].to_dict() == {"solid-waste": 1, "water-supply": 1}
    assert "iuc" not in catalogue.index
    funded = analysis.scheme_sector_matrix(SCHEMES, coops=c)
    assert funded.loc["jica"].to_dict() == {"composting": 1, "solid-waste": 1, "water-supply": 1}
    assert funded.loc["moej", "water-supply"] == 0
    out = analysis.case_outcomes(c)
    assert out.loc["technical-cooperation"].to_dict() == {"high": 1, "unknown": 1, "total": 2}
    ind = analysis.outcome_indicators(c)
    assert ind[["cooperation_id", "metric", "value"]].values.tolist() == [[2, "leakage", 15]]


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
    t = analysis.metrics_table(report(), metrics=("HR@10", "MRR", "coverage@10"))
    assert t.loc[("leave_one_out", "ranker"), "HR@10"] == 0.5
    assert t.loc[("leave_one_out", "popularity"), "n_queries"] == 4
    ci = analysis.metrics_table(report(), metrics=("HR@10", "coverage@10"), ci=True)
    assert ci.loc[("leave_one_out", "ranker"), "HR@10 lo"] == pytest.approx(0.4)
    assert np.isnan(ci.loc[("leave_one_out", "ranker"), "coverage@10 lo"])
    diff = analysis.ranker_vs_baseline(report())
    expected = {"setting": "leave_one_out", "metric": "HR@10", "best_baseline": "popularity", "diff": 0.4,
                "lo": 0.1, "hi": 0.7}  # fmt: skip
    assert diff.iloc[0].to_dict() == expected
    same = analysis.compare_reports(report(), report(), metrics=("HR@10", "MRR"))
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
    frame["degree_class"] = analysis.degree_class(frame["degree"])
    return frame


def test_hit_rate_curve_and_breakdowns() -> None:
    curve = analysis.hit_rate_curve(ranks(), ks=[1, 10, 100]).set_index(["model", "k"])["hit_rate"]
    assert curve[("ranker", 1)] == 0.25 and curve[("ranker", 10)] == 0.5 and curve[("ranker", 100)] == 0.75
    assert curve[("popularity", 10)] == 0.25
    by_country = analysis.hit_breakdown(ranks(), by="country", k=10)
    assert by_country.loc["DE"].to_dict() == {"queries": 2, "popularity": 0.5, "ranker": 0.5}
    assert by_country.loc["PL", "ranker"] == 0.5
    by_degree = analysis.hit_breakdown(ranks(), by="degree_class", k=10, min_queries=2)
    assert by_degree.index.tolist() == ["2"] and by_degree.loc["2", "ranker"] == 1.0
    assert list(analysis.degree_class([0, 1, 2, 3, 5, 10, 40])) == ["0", "1", "2", "3-4", "5-9", "10+", "10+"]


def test_per_query_ranks_from_a_report() -> None:
    g = tiny_graph()  # degrees 2, 2, 2, 2, 0, 0
    rep = report()
    rep["settings"]["leave_one_out"]["queries"] = [
        {"position": 0, "targets": [2], "ranks": {"ranker": [1], "popularity": [None]}},
        {"position": 3, "targets": [1, 4], "ranks": {"ranker": [7, 2], "popularity": [3, None]}},
    ]
    frame = analysis.per_query_ranks(rep, g).set_index(["model", "position"])
    assert frame.loc[("ranker", 3), "first_rank"] == 2 and frame.loc[("ranker", 3), "ranks"] == (7.0, 2.0)
    assert frame.loc[("popularity", 0), "first_rank"] == np.inf  # not ranked: a miss at every k
    assert frame.loc[("ranker", 3), "name"] == "D" and frame.loc[("ranker", 3), "degree_class"] == "2"
    assert frame.loc[("popularity", 3), "n_targets"] == 2
    with pytest.raises(ValueError, match="no per-query ranks"):
        analysis.per_query_ranks(report(), g)


def test_feature_importances() -> None:
    from features.pairs import ALL_COLUMNS, COLD_COLUMNS

    class Est:
        def __init__(self, n: int) -> None:
            self.feature_importances_ = np.arange(n)

    ranker = SimpleNamespace(warm_model_=Est(len(ALL_COLUMNS)), cold_model_=Est(len(COLD_COLUMNS)),
                             theme_model_=None)  # fmt: skip
    imp = analysis.feature_importances(ranker)
    assert set(imp["model"]) == {"warm", "cold"}
    warm = imp[imp["model"] == "warm"]
    assert warm.iloc[0]["feature"] == ALL_COLUMNS[-1] and warm["share"].sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="column names"):
        analysis.feature_importances(SimpleNamespace(warm_model_=Est(3)))


def version(name: str, status: str, hr: float | None) -> SimpleNamespace:
    metrics = {"train": {"cities": 6}}
    if hr is not None:
        metrics["summary"] = {"leave_one_out.HR@10": hr}
    return SimpleNamespace(version=name, status=status, created_at=dt.datetime(2026, 1, 1), promoted_at=None,
                           metrics=metrics, params={"num_leaves": 7, "embedder": object()})  # fmt: skip


def test_versions_best_and_pick() -> None:
    rows = [version("v3", "trained", None), version("v2", "promoted", 0.2), version("v1", "trained", 0.3)]
    frame = analysis.versions_frame(rows)
    assert frame.index.tolist() == ["v3", "v2", "v1"]
    assert frame.loc["v1", "train.cities"] == 6 and frame.loc["v2", "param.num_leaves"] == 7
    assert isinstance(frame.loc["v1", "param.embedder"], str)
    assert analysis.best_version(frame) == "v1"
    assert analysis.best_version(frame, metric="cold_start.HR@10") is None
    assert analysis.pick_versions(frame) == ("v2", "v3")
    assert analysis.pick_versions(frame, a="v1") == ("v1", "v3")
    with pytest.raises(ValueError, match="not registered"):
        analysis.pick_versions(frame, b="v9")
    with pytest.raises(ValueError, match="two registered versions"):
        analysis.pick_versions(frame.loc[["v1"]])
    assert analysis.versions_frame([]).empty


def answer(*cities: tuple[int, str]) -> SimpleNamespace:
    partners = [
        SimpleNamespace(
            rank=k, city=SimpleNamespace(id=i, name=n, country="DE"), score=1.0 / k, reasons=[f"r{i}"]
        )
        for k, (i, n) in enumerate(cities, start=1)
    ]
    return SimpleNamespace(partners=partners)


def test_comparing_answers() -> None:
    fa = analysis.response_frame(answer((1, "A"), (2, "B"), (3, "C")))
    fb = analysis.response_frame(answer((3, "C"), (4, "D"), (1, "A")))
    assert fa.columns.tolist() == ["rank", "city_id", "name", "country", "score", "reasons"]
    assert analysis.overlap_at_k([1, 2, 3], [3, 4, 1], k=3) == pytest.approx(2 / 3)
    assert analysis.overlap_at_k([], [], k=3) == 1.0
    assert analysis.overlap_at_k([1, 2], [1, 2], k=10) == 1.0
    both = analysis.side_by_side(fa, fb, labels=("x", "y"))
    assert both.columns.tolist() == ["name", "country", "rank x", "rank y", "reasons x", "reasons y"]
    assert both["name"].tolist()[:2] == ["A", "C"] and np.isnan(both.set_index("name").loc["B", "rank y"])
    table = analysis.compare_answers([fa], [fb], queries=["q"], k=3)
    assert table.loc["q"].to_dict() == {"overlap@3": pytest.approx(2 / 3), "only_a": "B", "only_b": "D"}
    assert analysis.request_label({"city_name": "Surabaya", "needs": "composting"}) == "Surabaya: composting"
    assert analysis.request_label({"city": {"name": "Takeo"}, "needs": "x" * 50}, width=5) == "Takeo: xxxxx…"


def test_plots_return_figures() -> None:
    g = tiny_graph()
    c = coops()
    curve = analysis.hit_rate_curve(ranks(), ks=range(1, 20))
    figures = [
        plots.bar_chart(analysis.cities_by_country(g.cities), label="country", value="cities", title="t"),
        plots.size_classes(analysis.size_classes(g.cities)),
        plots.degree_distribution(analysis.degree_distribution(g)),
        plots.link_map(analysis.link_segments(g), labels=analysis.top_cities_by_degree(g, top=2)),
        plots.heatmap(analysis.scheme_sector_matrix(SCHEMES, coops=c), title="t"),
        plots.heatmap(pd.DataFrame(), title="empty"),
        plots.stacked_bars(analysis.case_outcomes(c).drop(columns="total"), title="t"),
        plots.hit_rate_curves(curve),
        plots.breakdown_bars(analysis.hit_breakdown(ranks(), by="country"), title="t"),
        plots.version_metrics(
            analysis.versions_frame([version("v1", "trained", 0.3)]), metrics=["leave_one_out.HR@10"]
        ),
    ]
    import matplotlib.pyplot as plt

    for fig in figures:
        assert isinstance(fig, Figure) and fig.axes
        plt.close(fig)
