"""regions.json read once per version of the file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from db.places.regions import load_regions
from tests.conftest import CURATED


def test_the_curated_regions_load():
    regions = load_regions(CURATED / "regions.json")
    assert "EU27" in regions and "DE" in regions["EU27"]["members"]


def test_a_changed_file_is_read_again(tmp_path: Path):
    path = tmp_path / "regions.json"
    path.write_text(json.dumps({"A": {"members": ["DE"]}}), encoding="utf-8")
    first = load_regions(path)
    assert load_regions(str(path)) is first
    path.write_text(json.dumps({"B": {"members": None}}), encoding="utf-8")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    assert list(load_regions(path)) == ["B"]
