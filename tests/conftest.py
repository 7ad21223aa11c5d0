"""Shared fixtures: a real database per backend (SQLite file, PostgreSQL schema), data paths."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from db.migrate import upgrade
from db.session import make_engine, make_session_factory

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
CURATED = REPO / "data" / "curated"
PG_URL = os.environ.get("PARTNERMATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_or_skip(available: bool, message: str) -> None:
    """Skip on a developer's machine; under CI=true a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{message} (CI=true: this must run, not skip)")
    pytest.skip(message)


def _postgres_error() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means "not available here"
        return f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"


def postgres_schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    error = _postgres_error()
    require_or_skip(
        error is None,
        f"PostgreSQL not reachable at {PG_URL} ({error}); start a server or set "
        "PARTNERMATCH_TEST_POSTGRES_URL to run the PostgreSQL tests",
    )
    return True


def make_test_database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh empty database URL for ``backend``; PostgreSQL gets its own schema, dropped afterwards."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    request.getfixturevalue("postgres_available")
    schema = f"pm_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    request.addfinalizer(drop)
    return postgres_schema_url(schema)


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return make_test_database(request.param, tmp_path, request)


def migrated_engine(url: str) -> Iterator[Engine]:
    """An engine on ``url`` with the schema at its latest migration, disposed of afterwards."""
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    yield from migrated_engine(db_url)


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture(scope="session", params=BACKENDS)
def store_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One migrated database per backend for the whole run; tests reach it through ``db_session``."""
    url = make_test_database(request.param, tmp_path_factory.mktemp(f"store-{request.param}"), request)
    yield from migrated_engine(url)


@pytest.fixture
def db_session(store_engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test.

    SQLAlchemy's "joining a session into an external transaction": the session's commits leave
    the connection's transaction open, so the test sees its own rows and the next test none of
    them, without a database built per test. Not savepoints ("create_savepoint"): SQLite's driver
    would commit when the outermost savepoint is released.
    """
    connection = store_engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="rollback_only")
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture(scope="session")
def public_data_dir() -> Path:
    from service.config import Settings

    directory = Settings().data_dir
    require_or_skip(
        directory is not None and (directory / "twin_cities.csv").is_file(),
        "public datasets not found; set PARTNERMATCH_DATA_DIR to the folder with twin_cities.csv etc.",
    )
    assert directory is not None
    return directory
