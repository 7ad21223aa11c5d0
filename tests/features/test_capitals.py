import numpy as np

from features.capitals import CAPITAL_COLUMNS, CapitalPairFeatures
from features.cities import CityTable, repeat_side
from features.pairs import ALL_COLUMNS, PairFeaturizer
from tests.features._tiny import tiny_graph


def _capitals_graph():
    g = tiny_graph()
    # 0 Berlin (DE), 1 Bonn (DE), 2 Warsaw (PL), 3 Kraków (PL), 4 Hamburg (DE), 5 Lyon (FR)
    g.cities["name"] = ["Berlin", "Bonn", "Warszawa", "Kraków", "Hamburg", "Lyon"]
    return g


def test_candidate_and_both_capitals_by_hand():
    g = _capitals_graph()
    table = CityTable.from_frame(g.cities)
    f = CapitalPairFeatures().fit(g, table=table)
    # GeoNames names Warsaw "Warsaw": the store's "Warszawa" is not matched, Berlin is.
    assert f.candidate_capital_.tolist() == [1, 0, 0, 0, 0, 0]
    got = f.transform_side(table.side(np.array([0, 0, 4])), np.array([0, 1, 0]))
    out = dict(zip(CAPITAL_COLUMNS, got.T, strict=True))
    assert out[CAPITAL_COLUMNS.candidate_capital].tolist() == [1, 0, 1]
    assert out[CAPITAL_COLUMNS.both_capitals].tolist() == [1, 0, 0]
    # A city not in the store is a capital by its name in its country: Berlin in Germany, not in France.
    paris = table.profile_side(1, name="Berlin", country="DE", latitude=52.5, longitude=13.4)
    assert f.transform_all(paris)[0].tolist() == [1, 1]
    elsewhere = table.profile_side(1, name="Berlin", country="FR", latitude=48.9, longitude=2.4)
    assert f.transform_all(elsewhere)[0].tolist() == [1, 0]


def test_the_featurizer_composes_the_capital_block_on_both_paths():
    g = _capitals_graph()
    f = PairFeaturizer().fit(g)
    at = [ALL_COLUMNS.index(c) for c in CAPITAL_COLUMNS]
    q = f.table_.side(np.array([0]))
    every = f.transform_all(q)
    pairwise = f.transform_side(repeat_side(q, g.n_cities), np.arange(g.n_cities))
    np.testing.assert_array_equal(every[:, at], pairwise[:, at])
    assert every[:, at].tolist()[0] == [1, 1] and every[:, at].sum() == 2
