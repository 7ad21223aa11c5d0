import pickle

import pytest

from features.blocks import Columns
from features.pairs import ALL_COLUMNS, BLOCKS


def test_columns_are_a_tuple_whose_names_are_attributes():
    cols = Columns("query_degree adamic_adar\n paths3")
    assert cols == ("query_degree", "adamic_adar", "paths3")
    assert cols.adamic_adar == "adamic_adar" and cols.index(cols.paths3) == 2
    with pytest.raises(AttributeError, match="no column 'adamic_adr'"):
        _ = cols.adamic_adr
    assert pickle.loads(pickle.dumps(cols)) == cols


@pytest.mark.parametrize("names", ["a b a", "a b-c", "count b"])
def test_columns_refuse_repeats_non_identifiers_and_tuple_methods(names):
    with pytest.raises(ValueError, match="distinct identifiers"):
        Columns(names)


def test_every_pair_feature_is_declared_once():
    assert len(set(ALL_COLUMNS)) == len(ALL_COLUMNS) == sum(len(b.columns) for b in BLOCKS)
