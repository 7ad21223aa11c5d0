"""Run importers inside one transaction each: a bad file writes nothing."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from db.importers import curated, interreg, twins, urbact, worldbank
from db.importers.common import ImportFileError, ImportReport
from db.places.loading import load_gazetteer
from db.progress import stage
from db.session import session_scope
from db.tables import Base

logger = logging.getLogger(__name__)

DATASETS = ("curated", "worldbank", "twins", "urbact", "interreg")


def _run(factory: sessionmaker[Session], name: str, step: Callable[[Session], ImportReport]) -> ImportReport:
    start = time.perf_counter()
    with stage(f"import {name}") as progress:
        with session_scope(factory) as session:
            report = step(session)
        tables = report.to_dict()["tables"].values()
        progress.count(**{k: sum(t[k] for t in tables) for k in ("inserted", "updated", "unchanged")})
    with stage("planner statistics"), session_scope(factory) as session:
        refresh_statistics(session)
    report.notes.append(f"{name} took {time.perf_counter() - start:.1f} s")
    logger.info("imported %s", name, extra={"fields": {"dataset": name, **report.to_dict()}})
    return report


def refresh_statistics(session: Session) -> None:
    """Gather the query planner's statistics after a bulk import.

    SQLite never gathers them by itself, nor PostgreSQL before autovacuum runs (if it is
    on). Without them both plan for small tables: PostgreSQL hashed all 15,000 cities to
    name the members of 30 cooperations (3 ms, not 0.1 ms). Only this project's tables:
    the database may hold others.
    """
    for table in Base.metadata.sorted_tables:
        session.execute(text(f"ANALYZE {table.name}"))


def import_dataset(
    factory: sessionmaker[Session],
    dataset: str,
    *,
    curated_dir: Path,
    data_dir: Path | None,
    paths: list[Path] | None = None,
) -> ImportReport:
    """Import one dataset; ``paths`` overrides the files read from the data directory."""
    paths = paths or []

    def need_dir() -> Path:
        if paths:
            return paths[0].parent
        if data_dir is None or not data_dir.is_dir():
            raise ImportFileError(
                str(data_dir),
                None,
                "data directory not found; set PARTNERMATCH_DATA_DIR or pass --data-dir / file paths",
            )
        return data_dir

    if dataset == "curated":
        directory = paths[0] if paths else curated_dir
        return _run(
            factory, dataset, lambda s: curated.import_curated(s, directory, gazetteer=load_gazetteer())
        )
    if dataset == "worldbank":
        directory = need_dir()
        return _run(factory, dataset, lambda s: worldbank.import_worldbank(s, directory))
    if dataset == "twins":
        if paths:
            raw = next((p for p in paths if "geocoded" not in p.name), None)
            geo = next((p for p in paths if "geocoded" in p.name), None)
        else:
            directory = need_dir()
            raw, geo = directory / twins.RAW, directory / twins.GEOCODED
            raw, geo = (raw if raw.is_file() else None), (geo if geo.is_file() else None)
            if raw is None and geo is None:
                raise ImportFileError(directory, None, f"neither {twins.RAW} nor {twins.GEOCODED} found")
        return _run(factory, dataset, lambda s: twins.import_twins(s, raw, geo, gazetteer=load_gazetteer()))
    if dataset == "urbact":
        directory = need_dir()
        memberships = next((p for p in paths if "member" in p.name), None)
        networks = next((p for p in paths if "network" in p.name), None)
        return _run(
            factory,
            dataset,
            lambda s: urbact.import_urbact(
                s, directory, gazetteer=load_gazetteer(), memberships=memberships, networks=networks
            ),
        )
    if dataset == "interreg":
        path = paths[0] if paths else need_dir() / interreg.PARTNERS
        return _run(factory, dataset, lambda s: interreg.import_interreg(s, path, gazetteer=load_gazetteer()))
    raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")


def import_all(
    factory: sessionmaker[Session], *, curated_dir: Path, data_dir: Path | None
) -> list[ImportReport]:
    """The curated set, then every public dataset when the data directory exists."""
    reports = [import_dataset(factory, "curated", curated_dir=curated_dir, data_dir=data_dir)]
    if data_dir is None or not data_dir.is_dir():
        logger.info("no public data directory; imported the curated set only")
        return reports
    for dataset in DATASETS[1:]:
        reports.append(import_dataset(factory, dataset, curated_dir=curated_dir, data_dir=data_dir))
    return reports
