"""Geography, size and economy of city pairs."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from db.places.geometry import haversine_km
from features.blocks import Block, Columns, PairTransformer
from features.cities import CityTable, QuerySide

# Columns of GeoPairFeatures. The log ranks are log10 of the population rank within the country
# and within the admin region (0: the largest); same_name is 1 when both cities bear the same
# name (Córdoba and Córdoba, Perth and Perth).
GEO_COLUMNS = Columns(
    "distance_km log_distance same_country same_continent same_wb_region income_gap tz_diff_hours"
    " log_pop_ratio query_log_pop candidate_log_pop query_log_rank candidate_log_rank log_rank_diff"
    " query_log_admin_rank candidate_log_admin_rank same_name"
)


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # Unknown codes (-1) never match, so "same region" is never claimed without data.
    return ((a == b) & (a >= 0)).astype(float)


class GeoPairFeatures(PairTransformer):
    """Distance, size, country/continent/region, income and time-zone features of pairs.

    ``X`` is an int array ``(n, 2)`` of (query position, candidate position).
    None of these features depend on links, so no hold-out logic is needed.

    Attributes
    ----------
    table_ : CityTable
        Encoded city arrays.
    """

    columns = GEO_COLUMNS

    def fit(self, graph, y=None, *, table: CityTable | None = None) -> GeoPairFeatures:
        """Encode the cities of ``graph`` (or reuse a prebuilt ``table``)."""
        self.table_ = table if table is not None else CityTable.from_frame(graph.cities)
        return self

    def transform_side(self, q: QuerySide, cand: np.ndarray) -> np.ndarray:
        """Features of ``q`` rows against candidate positions ``cand``."""
        check_is_fitted(self, "table_")
        t = self.table_
        d = haversine_km(q.latitude, q.longitude, t.latitude[cand], t.longitude[cand])
        n = len(d)
        return np.column_stack(
            [
                np.broadcast_to(np.asarray(c, dtype=float), (n,))
                for c in [
                    d,
                    np.log1p(d),
                    _same(q.country, t.country[cand]),
                    _same(q.continent, t.continent[cand]),
                    _same(q.wb_region, t.wb_region[cand]),
                    np.abs(q.income - t.income[cand]),
                    np.abs(q.tz_offset - t.tz_offset[cand]),
                    q.log_population - t.log_population[cand],
                    q.log_population,
                    t.log_population[cand],
                    q.log_rank,
                    t.log_rank[cand],
                    q.log_rank - t.log_rank[cand],
                    q.log_admin_rank,
                    t.log_admin_rank[cand],
                    _same(q.name, t.name[cand]),
                ]
            ]
        )

    def transform_all(self, q: QuerySide) -> np.ndarray:
        """Features of a one-row query side against every city (vectorised, no repetition)."""
        check_is_fitted(self, "table_")
        return self.transform_side(q, np.arange(self.table_.n))


GEO_BLOCK = Block(GEO_COLUMNS, attribute="geo_", make=lambda f: GeoPairFeatures(), fit_with=("table",))
