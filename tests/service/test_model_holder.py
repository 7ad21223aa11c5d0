"""A registered version loaded for serving: one preparation for the holder, the batch and notebook 03."""

from __future__ import annotations

import pytest

from models import registry
from service.model_holder import LoadedModel


class Booster:
    """Stands for a LightGBM model: records the threads it is told to use."""

    def __init__(self) -> None:
        self.n_jobs = 4

    def set_params(self, **params: int) -> Booster:
        self.__dict__.update(params)
        return self


class Model:
    def __init__(self) -> None:
        self.warm_model_ = Booster()
        self.cold_model_ = Booster()


def test_from_registry_loads_a_version_and_prepares_it_for_serving(db_session):
    row = registry.register(db_session, model=Model(), metrics={}, params={}, data_hash="0" * 64)
    loaded = LoadedModel.from_registry(db_session, row.version)
    assert (loaded.version, loaded.sha256) == (row.version, row.artifact_sha256)
    assert (loaded.model.warm_model_.n_jobs, loaded.model.cold_model_.n_jobs) == (1, 1)
    with pytest.raises(LookupError, match="does not exist"):
        LoadedModel.from_registry(db_session, "nope")
