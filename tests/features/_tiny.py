"""Tiny hand-made graphs shared by the feature tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.dataset import GraphData, Group


def tiny_graph() -> GraphData:
    """Six cities: 0-1-2 path, 0-3, 3-2 (so 0 and 2 share partners 1 and 3), 4 and 5 isolated.

    Countries: 0,1,4 in DE; 2,3 in PL; 5 in FR. Admin regions: DE.01 {0, 4}, DE.02 {1},
    PL.01 {2, 3}; 5 has none. One group {0, 2, 5}.
    """
    cities = pd.DataFrame(
        {
            "city_id": [10, 11, 12, 13, 14, 15],
            "name": ["A", "B", "C", "D", "E", "F"],
            "country": ["DE", "DE", "PL", "PL", "DE", "FR"],
            "admin_area": ["01", "02", "01", "01", "01", None],
            "latitude": [0.0, 0.0, 0.0, 1.0, 10.0, 45.0],
            "longitude": [0.0, 1.0, 2.0, 0.0, 0.0, 5.0],
            "population": [1000.0, 100000.0, np.nan, 10000.0, 500.0, 2000.0],
            "timezone": [
                "Europe/Berlin",
                "Europe/Berlin",
                "Europe/Warsaw",
                "Europe/Warsaw",
                None,
                "Asia/Tokyo",
            ],  # fmt: skip
            "continent": ["EU", "EU", "EU", "EU", "EU", "AS"],
            "wb_region": ["ECA", "ECA", "ECA", "ECA", "ECA", None],
            "income_group": ["H", "H", "UM", "H", "H", "L"],
            "profile_text": ["", "water utility", "", "waste composting", "", ""],
            "sectors": [("water",), ("water", "waste"), (), ("waste",), (), ("energy",)],
        }
    )
    links = np.array([[0, 1], [1, 2], [0, 3], [2, 3]], dtype=np.int64)
    groups = [Group(id="g1", kind="urbact", members=np.array([0, 2, 5]), text="circular economy",
                    start_year=2010, sectors=("waste",))]  # fmt: skip
    return GraphData(cities=cities, links=links, groups=groups).validate()
