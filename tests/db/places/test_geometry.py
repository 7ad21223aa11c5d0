"""The one great-circle distance: scalars and arrays alike, and which points count as positions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from db.places.geometry import haversine_km, valid_point


def test_haversine_one_degree_on_equator():
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.195, abs=0.01)
    assert haversine_km(10.0, 20.0, 10.0, 20.0) == 0.0


def test_haversine_broadcasts_a_point_over_arrays():
    d = haversine_km(0.0, 0.0, np.array([0.0, 1.0, 0.0]), np.array([1.0, 0.0, 180.0]))
    assert d.shape == (3,)
    assert d[0] == pytest.approx(d[1], rel=1e-3)
    assert d[2] == pytest.approx(math.pi * 6371.0088)


@pytest.mark.parametrize(
    ("lat", "lon", "valid"),
    [
        (51.45, 7.01, True),
        (0.0, 0.0, False),
        (None, 7.0, False),
        (float("nan"), 7.0, False),
        (91.0, 0.0, False),
    ],
)
def test_valid_point(lat, lon, valid):
    assert valid_point(lat, lon) is valid
