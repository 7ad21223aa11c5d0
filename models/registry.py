"""Model registry: versions with metrics, artifacts stored in the database.

The database copy is authoritative so every worker and replica can load any
version; a local directory caches the bytes with a metadata file beside them.
Only an explicitly promoted version is served.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
from sqlalchemy.orm import Session

from db.errors import Conflict, NotFound
from db.repositories import model_versions
from db.tables import ModelVersion

# Raised whenever a fitted model's pickled state changes shape (2: admin regions and population
# ranks in the city table and the features; 3: city names and the namesake feature; 4: the ranker's
# extra_trees and max_bin parameters; 5: the same two on the retrieval model; 6: the featurizer's
# blocks and the training sampler, the city table in features.cities and the regional features in
# features.regional, so a pickle names other classes): an older artifact is
# refused, not half-read. A change of the pair features alone needs no new number: an artifact whose
# featurizer was fitted with other columns than features.pairs.ALL_COLUMNS is refused when loaded.
ARTIFACT_FORMAT = 6


@dataclass(frozen=True)
class PromotedRef:
    version: str
    sha256: str


def _library_versions() -> dict[str, str]:
    import lightgbm
    import numpy
    import sklearn

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "sklearn": sklearn.__version__,
        "lightgbm": lightgbm.__version__,
    }


def dump_artifact(obj: Any) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(
        {"format": ARTIFACT_FORMAT, "libraries": _library_versions(), "model": obj}, buffer, compress=3
    )
    return buffer.getvalue()


def load_artifact_bytes(data: bytes) -> Any:
    """Unpickle an artifact written by :func:`dump_artifact` (trusted: it comes from our own store)."""
    try:
        payload = joblib.load(io.BytesIO(data))
    except (AttributeError, ImportError) as exc:  # it names a class this version moved or removed
        raise ValueError(
            f"artifact written by another version of partnermatch ({exc}); retrain the model with"
            " this version of partnermatch: partnermatch train --promote"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != ARTIFACT_FORMAT:
        found = payload.get("format") if isinstance(payload, dict) else None
        raise ValueError(
            f"artifact format {found} is not this version's ({ARTIFACT_FORMAT}); retrain the model with"
            " this version of partnermatch: partnermatch train --promote"
        )
    model = payload["model"]
    featurizer = getattr(model, "featurizer_", None)
    if featurizer is not None:
        try:
            featurizer.check_columns()
        except ValueError as exc:
            raise ValueError(f"{exc}; retrain the model with this version of partnermatch") from None
    return model


def load_error(session: Session, version: str, cache_dir: Path | None = None) -> str | None:
    """Why this version of partnermatch cannot load the model ``version`` (None when it can)."""
    try:
        load_model(session, version, cache_dir)
    except (LookupError, ValueError) as exc:
        return str(exc)
    return None


def next_version_name(session: Session, today: dt.date | None = None) -> str:
    today = today or dt.datetime.now(dt.UTC).date()
    prefix = today.isoformat()
    count = model_versions.count_versions_with_prefix(session, prefix=prefix)
    return f"{prefix}-{count + 1}"


def register(
    session: Session,
    *,
    model: Any,
    metrics: dict[str, Any],
    params: dict[str, Any],
    data_hash: str,
    version: str | None = None,
) -> ModelVersion:
    """Store the artifact and a row for it (status ``trained``)."""
    data = dump_artifact(model)
    name = version or next_version_name(session)
    row = ModelVersion(
        version=name,
        status="trained",
        metrics=metrics,
        params=params,
        data_hash=data_hash,
        artifact_uri=f"db://model_versions/{name}",
        artifact=data,
        artifact_sha256=hashlib.sha256(data).hexdigest(),
    )
    session.add(row)
    session.flush()
    return row


def promoted(session: Session) -> PromotedRef | None:
    """The served version; a cheap query every worker polls."""
    row = model_versions.promoted_row(session)
    return PromotedRef(row.version, row.artifact_sha256 or "") if row else None


def promote(session: Session, version: str) -> ModelVersion:
    """Make ``version`` the served one; the previously promoted one goes back to ``trained``."""
    row = model_versions.get_version(session, version=version)
    if row is None:
        raise NotFound(f"model version {version!r} does not exist", field="version")
    if row.status == "failed":
        raise Conflict(f"model version {version!r} failed to train and cannot be promoted", field="version")
    return model_versions.mark_promoted(session, row=row)


def rollback(session: Session) -> ModelVersion:
    """Promote again the version that was promoted before the current one."""
    current = model_versions.current_promoted(session)
    previous = model_versions.last_promoted_before(session, current=current)
    if previous is None:
        raise Conflict("no earlier promoted version to roll back to")
    return promote(session, previous.version)


def attach_evaluation(session: Session, version: str, metrics: dict[str, Any]) -> ModelVersion:
    """Add evaluation entries to a registered version's metrics so the model list shows them.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
    version : str
    metrics : dict
        Entries to add or replace, e.g. :func:`models.train.evaluation_metrics` of a report.

    Raises
    ------
    LookupError
        If the version does not exist.
    """
    row = model_versions.get_version(session, version=version)
    if row is None:
        raise LookupError(f"model version {version!r} does not exist")
    row.metrics = {**(row.metrics or {}), **metrics}
    session.flush()
    return row


def load_model(session: Session, version: str, cache_dir: Path | None = None) -> Any:
    """The fitted model of ``version``, from the local cache when its checksum matches."""
    row = model_versions.get_version(session, version=version)
    if row is None:
        raise LookupError(f"model version {version!r} does not exist")
    cached = cache_dir / version / "model.joblib" if cache_dir else None
    if cached is not None and cached.is_file():
        data = cached.read_bytes()
        if hashlib.sha256(data).hexdigest() == row.artifact_sha256:
            return load_artifact_bytes(data)
    data = model_versions.artifact_bytes(session, version_id=row.id)
    if data is None:
        raise LookupError(f"model version {version!r} has no stored artifact")
    if hashlib.sha256(data).hexdigest() != row.artifact_sha256:
        raise ValueError(f"artifact of {version!r} does not match its checksum; retrain it")
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(data)
        metadata = {
            "version": version,
            "sha256": row.artifact_sha256,
            "metrics": row.metrics,
            "params": row.params,
            "data_hash": row.data_hash,
        }
        (cached.parent / "metadata.json").write_text(json.dumps(metadata, indent=2, default=str))
    return load_artifact_bytes(data)
