import numpy as np
import pytest

from features.cities import CityTable, utc_offset_hours
from features.geo import GEO_COLUMNS, GeoPairFeatures
from tests.features._tiny import tiny_graph


def test_utc_offsets():
    assert utc_offset_hours("Europe/Berlin") == 1.0
    assert utc_offset_hours("Asia/Tokyo") == 9.0
    assert np.isnan(utc_offset_hours(None))
    assert np.isnan(utc_offset_hours("Not/AZone"))


def test_geo_features_by_hand():
    g = tiny_graph()
    f = GeoPairFeatures().fit(g)
    X = np.array([[0, 1], [0, 2], [0, 5], [1, 2]])
    out = dict(zip(GEO_COLUMNS, f.transform(X).T, strict=True))
    assert out[GEO_COLUMNS.distance_km][0] == pytest.approx(111.195, abs=0.01)
    assert out[GEO_COLUMNS.log_distance][0] == pytest.approx(np.log1p(111.195), abs=1e-3)
    assert out[GEO_COLUMNS.same_country].tolist() == [1, 0, 0, 0]
    assert out[GEO_COLUMNS.same_continent].tolist() == [1, 1, 0, 1]
    assert out[GEO_COLUMNS.same_wb_region].tolist() == [1, 1, 0, 1]  # unknown region never matches
    assert out[GEO_COLUMNS.income_gap].tolist() == [0, 1, 3, 1]
    assert out[GEO_COLUMNS.tz_diff_hours].tolist() == [0, 0, 8, 0]
    assert out[GEO_COLUMNS.log_pop_ratio][0] == pytest.approx(-2.0)  # 1e3 vs 1e5
    assert np.isnan(out[GEO_COLUMNS.log_pop_ratio][1])  # unknown population stays NaN for the trees
    assert out[GEO_COLUMNS.query_log_pop][0] == pytest.approx(3.0)


def test_population_ranks_by_hand():
    # DE by population: 1 (1e5), 0 (1e3), 4 (500); PL: 3 (2 unknown); admin DE.01: 0, 4; city 5 has no region
    f = GeoPairFeatures().fit(tiny_graph())
    out = dict(zip(GEO_COLUMNS, f.transform(np.array([[0, 1], [0, 2], [4, 0], [1, 5]])).T, strict=True))
    np.testing.assert_allclose(out[GEO_COLUMNS.query_log_rank], np.log10([2, 2, 3, 1]))
    np.testing.assert_allclose(out[GEO_COLUMNS.candidate_log_rank], [0, np.nan, np.log10(2), 0])
    np.testing.assert_allclose(out[GEO_COLUMNS.log_rank_diff], [np.log10(2), np.nan, np.log10(1.5), 0])
    np.testing.assert_allclose(out[GEO_COLUMNS.query_log_admin_rank], [0, 0, np.log10(2), 0])
    np.testing.assert_allclose(out[GEO_COLUMNS.candidate_log_admin_rank], [0, np.nan, 0, np.nan])


def test_new_city_profile_side_matches_known_city():
    g = tiny_graph()
    table = CityTable.from_frame(g.cities)
    f = GeoPairFeatures().fit(g, table=table)
    cand = np.array([1, 2, 5])
    known = f.transform_side(table.side(np.zeros(3, dtype=np.int64)), cand)
    new = f.transform_side(
        table.profile_side(3, country="DE", latitude=0.0, longitude=0.0, population=1000,
                           timezone="Europe/Berlin", continent="EU", wb_region="ECA", income_group="H"),
        cand,
    )  # fmt: skip
    np.testing.assert_allclose(known, new)


def test_new_city_takes_the_region_of_its_nearest_store_city_and_ranks_among_them():
    table = CityTable.from_frame(tiny_graph().cities)
    near_b = table.profile_side(1, country="DE", latitude=0.1, longitude=1.1, population=200_000)
    assert near_b.admin_region[0] == table.admin_region[1]  # DE.02, B's region, not A's
    assert near_b.log_rank[0] == 0.0 and near_b.log_admin_rank[0] == 0.0  # larger than B
    small = table.profile_side(1, country="DE", latitude=0.0, longitude=0.0, population=600)
    assert small.log_rank[0] == pytest.approx(np.log10(3)) and small.log_admin_rank[0] == pytest.approx(
        np.log10(2)
    )
    nowhere = table.profile_side(1, country="JP", latitude=35.0, longitude=139.0, population=600)
    assert (
        nowhere.admin_region[0] == -1
        and np.isnan(nowhere.log_rank[0])
        and np.isnan(nowhere.log_admin_rank[0])
    )


def test_region_named_in_words_takes_the_code_of_its_nearest_coded_neighbour():
    cities = tiny_graph().cities.copy()
    # A curated city names its prefecture; E is nearer to A (DE.01) than to B (DE.02)
    cities.loc[4, "admin_area"] = "Fukuoka Prefecture"
    cities.loc[4, ["latitude", "longitude"]] = [0.1, 0.2]
    table = CityTable.from_frame(cities)
    assert table.admin_region[4] == table.admin_region[0]
    assert len(table.admin_vocab) == 3  # DE.01, DE.02, PL.01: no region of its own
    assert table.log_admin_rank[4] == pytest.approx(np.log10(2))  # 500 after A's 1000 in DE.01
    assert table.admin_region[5] == -1  # F: no coded city in FR to borrow from


def test_same_name_by_hand():
    cities = tiny_graph().cities.copy()
    # accents, case and qualifiers do not matter; an empty name matches nothing
    cities["name"] = ["Córdoba", "Perth", "cordoba", "Frankfurt (Oder)", "Frankfurt", ""]
    table = CityTable.from_frame(cities)
    f = GeoPairFeatures().fit(tiny_graph(), table=table)
    X = np.array([[0, 2], [2, 0], [0, 1], [3, 4], [5, 1], [4, 5]])
    out = dict(zip(GEO_COLUMNS, f.transform(X).T, strict=True))
    assert out[GEO_COLUMNS.same_name].tolist() == [1, 1, 0, 1, 0, 0]
    kw = dict(country="AR", latitude=-31.4, longitude=-64.2)
    new = f.transform_side(table.profile_side(3, name="CÓRDOBA", **kw), np.array([0, 2, 1]))
    unnamed = f.transform_side(table.profile_side(3, **kw), np.array([0, 2, 1]))
    assert new[:, GEO_COLUMNS.index(GEO_COLUMNS.same_name)].tolist() == [1, 1, 0]
    assert unnamed[:, GEO_COLUMNS.index(GEO_COLUMNS.same_name)].tolist() == [0, 0, 0]
