"""Model artifacts: written and read back, and an older format refused with the way out."""

from __future__ import annotations

import io

import joblib
import pytest

from models.registry import ARTIFACT_FORMAT, dump_artifact, load_artifact_bytes


def test_artifact_round_trip():
    assert load_artifact_bytes(dump_artifact({"weights": [1, 2]})) == {"weights": [1, 2]}


def test_an_artifact_of_an_older_format_is_refused_with_the_way_out():
    buffer = io.BytesIO()
    joblib.dump({"format": ARTIFACT_FORMAT - 1, "libraries": {}, "model": {"weights": [1]}}, buffer)
    with pytest.raises(ValueError, match=rf"format {ARTIFACT_FORMAT - 1} .* partnermatch train --promote"):
        load_artifact_bytes(buffer.getvalue())
