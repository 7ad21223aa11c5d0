"""models.notebook.explore_data on tiny hand-made inputs; models.plots draws its tables."""

from __future__ import annotations

import pandas as pd
import pytest

from models import plots
from models.notebook import explore_data
from tests.features._tiny import tiny_graph
from tests.models.notebook._figures import assert_figures


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
    by = explore_data.cities_by_country(g.cities)
    assert by.iloc[0].to_dict() == {
        "country": "DE",
        "cities": 3,
        "with_population": 3,
        "median_population": 1000.0,
    }
    assert by["cities"].sum() == 6
    assert len(explore_data.cities_by_country(g.cities, top=1)) == 1
    sizes = explore_data.size_classes(g.cities).set_index("size_class")["cities"]
    assert sizes["<10k"] == 3 and sizes["10k-50k"] == 1 and sizes["100k-500k"] == 1 and sizes["unknown"] == 1
    assert sizes.sum() == 6


def test_degree_distribution_and_countries() -> None:
    g = tiny_graph()  # degrees 2, 2, 2, 2, 0, 0
    dist = explore_data.degree_distribution(g)
    assert dist[["degree", "cities"]].values.tolist() == [[0, 2], [2, 4]]
    assert dist["share"].sum() == pytest.approx(1.0)
    pairs = explore_data.country_pairs(g)
    # links: 0-1 DE-DE, 1-2 DE-PL, 0-3 DE-PL, 2-3 PL-PL
    assert pairs.iloc[0][["country_a", "country_b", "links"]].tolist() == ["DE", "PL", 2]
    assert pairs["links"].sum() == 4 and pairs["share"].sum() == pytest.approx(1.0)
    assert explore_data.country_pairs(g, domestic=False)["links"].tolist() == [2]
    countries = explore_data.partner_countries(g).set_index("country")
    assert countries.loc["DE", "links"] == 4 and countries.loc["PL", "links"] == 4
    assert countries.loc["DE", "domestic_share"] == pytest.approx(0.5)
    assert countries.loc["DE", "linked_cities"] == 2


def test_link_segments_and_hubs() -> None:
    g = tiny_graph()
    seg = explore_data.link_segments(g)
    assert len(seg) == 4 and seg["domestic"].sum() == 2
    assert seg.iloc[0][["name_a", "name_b", "lon_b"]].tolist() == ["A", "B", 1.0]
    assert len(explore_data.link_segments(g, max_links=2)) == 2
    hubs = explore_data.top_cities_by_degree(g, top=2)
    assert hubs["degree"].tolist() == [2, 2] and hubs["name"].tolist() == ["A", "B"]


def test_sectors_schemes_and_outcomes() -> None:
    c = coops()
    kinds = explore_data.cooperations_by_kind(c)
    assert kinds.iloc[0][["kind", "cooperations"]].tolist() == ["technical-cooperation", 2]
    sec = explore_data.sector_counts(c, SECTORS).set_index("sector")["cooperations"]
    assert sec.to_dict() == {"solid-waste": 2, "composting": 1, "water-supply": 1, "energy": 0}
    sch = explore_data.scheme_counts(c, SCHEMES).set_index("scheme")["cooperations"]
    assert sch.to_dict() == {"jica": 2, "moej": 1, "iuc": 0}
    catalogue = explore_data.scheme_sector_matrix(SCHEMES)
    assert catalogue.loc["jica"].to_dict() == {"solid-waste": 1, "water-supply": 1}
    assert "iuc" not in catalogue.index
    funded = explore_data.scheme_sector_matrix(SCHEMES, coops=c)
    assert funded.loc["jica"].to_dict() == {"composting": 1, "solid-waste": 1, "water-supply": 1}
    assert funded.loc["moej", "water-supply"] == 0
    out = explore_data.case_outcomes(c)
    assert out.loc["technical-cooperation"].to_dict() == {"high": 1, "unknown": 1, "total": 2}
    ind = explore_data.outcome_indicators(c)
    assert ind[["cooperation_id", "metric", "value"]].values.tolist() == [[2, "leakage", 15]]


def test_plots_of_the_explore_tables() -> None:
    g = tiny_graph()
    c = coops()
    assert_figures(
        [
            plots.bar_chart(
                explore_data.cities_by_country(g.cities), label="country", value="cities", title="t"
            ),
            plots.size_classes(explore_data.size_classes(g.cities)),
            plots.degree_distribution(explore_data.degree_distribution(g)),
            plots.link_map(explore_data.link_segments(g), labels=explore_data.top_cities_by_degree(g, top=2)),
            plots.heatmap(explore_data.scheme_sector_matrix(SCHEMES, coops=c), title="t"),
            plots.heatmap(pd.DataFrame(), title="empty"),
            plots.stacked_bars(explore_data.case_outcomes(c).drop(columns="total"), title="t"),
        ]
    )
