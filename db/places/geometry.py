"""Distances on the globe: the one great-circle distance the store, the gazetteer and the features use."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> np.ndarray:
    """Great-circle distance in kilometres (inputs in degrees; scalars or arrays, broadcast).

    Examples
    --------
    >>> round(float(haversine_km(0.0, 0.0, 0.0, 1.0)), 1)
    111.2
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def valid_point(lat: float | None, lon: float | None) -> bool:
    """Whether a (latitude, longitude) pair is a usable position."""
    if lat is None or lon is None or math.isnan(lat) or math.isnan(lon):
        return False
    # (0, 0) is the geocoders' "no idea", not a place anyone is twinned with.
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0 and (lat, lon) != (0.0, 0.0)
