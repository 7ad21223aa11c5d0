"""A store moves SQLite -> PostgreSQL -> SQLite through bundles and keeps every row, ids included."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from db import writes
from db.errors import Conflict, InvalidInput
from db.importers.runner import import_dataset
from db.migrate import upgrade
from db.portability import dump_store, read_manifest, restore_store
from db.session import make_engine, make_session_factory
from db.tables import ApiKey, City, ModelVersion
from models import registry
from service.auth import create_api_key
from service.cli import app as cli_app
from service.config import get_settings
from tests.conftest import CURATED, make_test_database
from tests.helpers import train_small_model


def _store(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


def _content(bundle: Path) -> dict[str, list[list]]:
    """Every table's rows, as the bundle holds them."""
    with zipfile.ZipFile(bundle) as z:
        manifest = json.loads(z.read("manifest.json"))
        return {
            name: [json.loads(line) for line in z.read(f"tables/{name}.jsonl").decode().splitlines()]
            for name in manifest["tables"]
        }


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle of a small store with imported rows, user rows and a registered model."""
    directory = tmp_path_factory.mktemp("portable")
    engine = _store(f"sqlite:///{directory / 'source.db'}")
    factory = make_session_factory(engine)
    import_dataset(factory, "curated", curated_dir=CURATED, data_dir=None)
    with factory.begin() as session:
        create_api_key(session, name="portal", scopes=["read"])
        city = writes.create_city(session, name="Portable Town", country="FR", latitude=45.5, longitude=4.9)
        writes.upsert_profile(
            session, city_id=city.id, values={"needs_text": "moved with its store"}, region_codes=[]
        )
        partner = session.scalar(select(City.id).where(City.name == "Kitakyushu"))
        members = [city.id, partner]
        writes.create_cooperation(
            session, title="Moved cooperation", kind="twinning", city_ids=members, sectors=["energy"]
        )
        writes.add_feedback(session, partner_city_id=partner, kind="contacted", query_city_id=city.id)
        writes.create_training_job(session, params={"seed": 3})
    train_small_model(factory)
    bundle = directory / "first.pmbundle"
    dump_store(engine, bundle)
    engine.dispose()
    return bundle


@pytest.mark.postgres
def test_sqlite_to_postgresql_and_back_keeps_every_row(sample: Path, tmp_path: Path, request) -> None:
    postgres = _store(make_test_database("postgres", tmp_path, request))
    assert sum(restore_store(postgres, sample).values()) == sum(len(r) for r in _content(sample).values())
    second = tmp_path / "second.pmbundle"
    assert dump_store(postgres, second)["source_dialect"] == "postgresql"
    sqlite = _store(f"sqlite:///{tmp_path / 'back.db'}")
    restore_store(sqlite, second)
    third = tmp_path / "third.pmbundle"
    dump_store(sqlite, third)

    first = _content(sample)
    assert first == _content(second) == _content(third)
    assert all(first[t] for t in ("cities", "cooperations", "feedback", "api_keys", "model_versions"))

    # the moved store works: its model loads, its key is there, new rows get new ids
    with make_session_factory(postgres)() as session:
        version = session.scalar(select(ModelVersion.version).where(ModelVersion.status == "promoted"))
        assert version is not None and registry.load_model(session, version) is not None
        assert session.scalar(select(ApiKey.name)) == "portal"
        top = session.scalar(select(City.id).order_by(City.id.desc()).limit(1))
        added = writes.create_city(session, name="After The Move", country="FR", latitude=43.0, longitude=1.0)
        assert added.id > top
        session.rollback()
    postgres.dispose()
    sqlite.dispose()


def test_restore_refuses_a_store_that_is_not_empty(sample: Path, tmp_path: Path) -> None:
    engine = _store(f"sqlite:///{tmp_path / 'target.db'}")
    restore_store(engine, sample)
    with pytest.raises(Conflict, match="not empty"):
        restore_store(engine, sample)
    engine.dispose()


def test_bundles_of_another_format_or_damaged_are_refused(sample: Path, tmp_path: Path) -> None:
    assert read_manifest(sample)["format"] == 1
    other = tmp_path / "other.pmbundle"
    with zipfile.ZipFile(sample) as source, zipfile.ZipFile(other, "w") as target:
        for item in source.namelist():
            data = source.read(item)
            if item == "manifest.json":
                data = json.dumps({**json.loads(data), "format": 99}).encode()
            target.writestr(item, data)
    with pytest.raises(InvalidInput, match="format 99"):
        read_manifest(other)
    not_a_bundle = tmp_path / "notes.txt"
    not_a_bundle.write_text("hello")
    with pytest.raises(InvalidInput, match="not a partnermatch bundle"):
        read_manifest(not_a_bundle)

    truncated = tmp_path / "truncated.pmbundle"
    with zipfile.ZipFile(sample) as source, zipfile.ZipFile(truncated, "w") as target:
        for item in source.namelist():
            data = source.read(item)
            if item == "tables/cities.jsonl":
                data = b"\n".join(data.splitlines()[:-1]) + b"\n"
            target.writestr(item, data)
    engine = _store(f"sqlite:///{tmp_path / 'partial.db'}")
    with pytest.raises(InvalidInput, match="damaged"):
        restore_store(engine, truncated)
    with make_session_factory(engine)() as session:  # nothing landed
        assert session.scalar(select(City.id).limit(1)) is None
    engine.dispose()


def test_the_commands_dump_and_restore(sample: Path, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "cli.db"
    monkeypatch.setenv("PARTNERMATCH_DATABASE_URL", f"sqlite:///{target}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        restored = runner.invoke(cli_app, ["restore", str(sample)])
        assert restored.exit_code == 0, restored.output
        assert "restored" in restored.output
        again = runner.invoke(cli_app, ["restore", str(sample)])
        assert again.exit_code == 2 and "not empty" in again.output
        dumped = runner.invoke(cli_app, ["dump", "--output", str(tmp_path / "cli.pmbundle")])
        assert dumped.exit_code == 0, dumped.output
    finally:
        get_settings.cache_clear()
    assert _content(tmp_path / "cli.pmbundle") == _content(sample)


def test_a_dump_is_one_snapshot_while_others_write(sample: Path, tmp_path: Path) -> None:
    engine = _store(f"sqlite:///{tmp_path / 'busy.db'}")
    restore_store(engine, sample)
    factory = make_session_factory(engine)

    def write_meanwhile(table: str, _rows: int) -> None:
        if table == "cities":  # a new city, and a cooperation naming it, land after cities were read
            with factory.begin() as session:
                city = writes.create_city(session, name="Late Town", country="FR", latitude=48, longitude=7)
                other = session.scalar(select(City.id).where(City.name == "Kitakyushu"))
                writes.create_cooperation(session, title="Late", kind="twinning", city_ids=[city.id, other])

    snapshot = tmp_path / "snapshot.pmbundle"
    dump_store(engine, snapshot, progress=write_meanwhile)
    assert _content(snapshot) == _content(sample)  # none of the late rows, not half of them
    target = _store(f"sqlite:///{tmp_path / 'restored.db'}")
    restore_store(target, snapshot)
    engine.dispose()
    target.dispose()
