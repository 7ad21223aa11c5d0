"""Sector recommender: each signal adds to the score and writes its reason."""

from __future__ import annotations

import numpy as np
import pytest

from models.advice.sectors import (
    PARTNER_WEIGHT,
    REQUESTED_WEIGHT,
    SectorInfo,
    TrackRecord,
    needed_sectors,
    suggest_sectors,
    track_records,
)

SECTORS = [
    SectorInfo("water-supply", "Water supply"),
    SectorInfo("energy", "Energy"),
    SectorInfo("hydrogen", "Hydrogen", parent="energy"),
]
# orthogonal unit vectors: the needs text matches exactly one sector
EMB = np.eye(3, dtype=np.float32)


def test_requested_sector_comes_first_with_its_reason():
    out = suggest_sectors(SECTORS, EMB, needs_embedding=None, requested=["water-supply"])
    assert [s.id for s in out] == ["water-supply"]
    assert out[0].score == pytest.approx(REQUESTED_WEIGHT)
    assert out[0].reasons == ("You asked for this sector",)


def test_child_of_requested_sector_gets_half():
    out = {s.id: s for s in suggest_sectors(SECTORS, EMB, needs_embedding=None, requested=["energy"])}
    assert out["hydrogen"].score == pytest.approx(REQUESTED_WEIGHT / 2)
    assert "Part of energy" in out["hydrogen"].reasons[0]


def test_needs_text_similarity_scores_the_matching_sector():
    out = suggest_sectors(SECTORS, EMB, needs_embedding=np.array([0, 0, 1], dtype=np.float32))
    assert out[0].id == "hydrogen" and out[0].score == pytest.approx(2.0)
    assert out[0].reasons == ("Your needs text matches “Hydrogen”",)
    assert len(out) == 1  # the others have no signal at all


def test_partner_track_record_with_success_counts():
    partner = TrackRecord("Kitakyushu")
    for success in ["high"] * 7 + ["medium"] * 2:
        partner.add(["water-supply"], success)
    out = suggest_sectors(SECTORS, EMB, needs_embedding=None, partners=[partner])
    assert out[0].id == "water-supply"
    # (min(9,5) + min(7,5)) / 10 at rank 0
    assert out[0].score == pytest.approx(PARTNER_WEIGHT * 1.0)
    assert out[0].reasons == ("Kitakyushu has 9 cooperations in this sector, 7 with high success",)


def test_track_records_skip_excluded_cooperations():
    coops = [
        {"id": 1, "members": [10, 11], "sectors": ("water-supply",), "success": "high"},
        {"id": 2, "members": [10], "sectors": ("energy",), "success": None},
    ]
    records = track_records(coops, {10: "A", 11: "B"}, exclude=frozenset({1}))
    assert records[10].total == {"energy": 1} and records[11].total == {}


def test_the_needed_sectors_are_those_asked_for_else_those_the_text_matches():
    assert needed_sectors(SECTORS, EMB, needs_embedding=None, requested=["energy", "energy"]) == ["energy"]
    close = np.array([0.8, 0, 0.6], dtype=np.float32)  # mostly water, somewhat hydrogen
    assert needed_sectors(SECTORS, EMB, needs_embedding=close) == ["water-supply", "hydrogen"]
    assert needed_sectors(SECTORS, EMB, needs_embedding=close, limit=1) == ["water-supply"]
    assert needed_sectors(SECTORS, EMB, needs_embedding=None) == []
