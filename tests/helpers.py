"""Small helpers the tests share."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.tables import Base


def row_counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
        }


def head_lines(src: Path, dst: Path, n: int) -> Path:
    """Copy the first ``n`` lines (header included) of a text file."""
    with src.open(encoding="utf-8") as fin, dst.open("w", encoding="utf-8") as fout:
        for i, line in enumerate(fin):
            if i >= n:
                break
            fout.write(line)
    return dst


def public_sample(public: Path, dst: Path, *, twins: int = 1500, interreg: int = 600) -> Path:
    """A small copy of the public datasets in a temporary folder (never committed)."""
    dst.mkdir(parents=True, exist_ok=True)
    head_lines(public / "twin_cities.csv", dst / "twin_cities.csv", twins)
    head_lines(public / "twin_cities_geocoded.csv", dst / "twin_cities_geocoded.csv", twins)
    head_lines(public / "interreg_2014_2020_partners.csv", dst / "interreg_2014_2020_partners.csv", interreg)
    for name in (
        "urbact_memberships.csv",
        "urbact_networks.csv",
        "worldbank_class_economies.csv",
        "worldbank_class_group_compositions.csv",
        "worldbank_income_group_history.csv",
    ):
        shutil.copy(public / name, dst / name)
    return dst


# a real ranker, fitted quickly: tests need a trained model, not a good one
SMALL_RANKER_PARAMS = {"n_estimators": 40, "n_cold_queries": 100}


def train_small_model(factory: sessionmaker[Session], *, seed: int = 0, promote: bool = True) -> str:
    """Train, register (and promote) a small real model on what the store holds; its version."""
    from db.session import session_scope
    from models.train import train_and_register

    with session_scope(factory) as session:
        row = train_and_register(session, seed=seed, promote=promote, params=SMALL_RANKER_PARAMS)
        return row.version
