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


def test_an_artifact_fitted_with_other_pair_features_is_refused():
    from types import SimpleNamespace

    from features.pairs import PairFeaturizer
    from tests.features._tiny import tiny_graph

    model = SimpleNamespace(featurizer_=PairFeaturizer().fit(tiny_graph()))
    assert load_artifact_bytes(dump_artifact(model)).featurizer_.feature_names_out_.tolist()
    model.featurizer_.feature_names_out_ = model.featurizer_.feature_names_out_[1:]
    with pytest.raises(ValueError, match=r"no longer computed: none; new: \['distance_km'\].*retrain"):
        load_artifact_bytes(dump_artifact(model))


class Moved:
    """Stands for a class an artifact names that a later version moved elsewhere."""


def test_an_artifact_naming_a_moved_class_is_refused_with_the_way_out(monkeypatch):
    import sys

    data = dump_artifact(Moved())
    monkeypatch.delattr(sys.modules[__name__], "Moved")
    with pytest.raises(ValueError, match="another version of partnermatch .* partnermatch train --promote"):
        load_artifact_bytes(data)


def test_attach_evaluation_adds_its_entries_to_the_version_metrics(db_session):
    from models.registry import attach_evaluation
    from tests import factories as f

    row = f.model_version(db_session, metrics={"train": {"cities": 6}, "summary": {"old": 0.1}})
    attach_evaluation(db_session, row.version, {"summary": {"leave_one_out.HR@10": 0.5}})
    db_session.expire_all()
    assert row.metrics == {"train": {"cities": 6}, "summary": {"leave_one_out.HR@10": 0.5}}
    with pytest.raises(LookupError, match="does not exist"):
        attach_evaluation(db_session, "nope", {})


def test_load_error_says_why_a_stored_model_cannot_be_served(db_session):
    import hashlib

    from models.registry import load_error
    from tests import factories as f

    def stored(artifact: bytes):
        return f.model_version(
            db_session, artifact=artifact, artifact_sha256=hashlib.sha256(artifact).hexdigest()
        )

    assert load_error(db_session, stored(dump_artifact({"weights": [1]})).version) is None
    buffer = io.BytesIO()
    joblib.dump({"format": ARTIFACT_FORMAT - 1, "libraries": {}, "model": {}}, buffer)
    assert "partnermatch train --promote" in load_error(db_session, stored(buffer.getvalue()).version)
    assert "does not exist" in load_error(db_session, "nope")
