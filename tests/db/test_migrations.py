"""Schema migrations go down and up again on a filled store (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, inspect, select

from db.importers.runner import import_dataset
from db.migrate import alembic_config, upgrade
from db.tables import Cooperation, CooperationMember
from tests.conftest import CURATED


def _downgrade(engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_cooperation_revision_downgrades_and_upgrades_keeping_every_row(engine, session_factory):
    # the curated cases link to one another (parent_id): a copy-and-drop of the table would fail
    import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)

    def counts():
        with session_factory() as session:
            return (
                session.scalar(select(func.count()).select_from(Cooperation)),
                session.scalar(select(func.count()).select_from(CooperationMember)),
                session.scalar(select(func.count()).where(Cooperation.parent_id.is_not(None))),
            )

    before = counts()
    assert before[2] > 0
    _downgrade(engine, "b71c2d9e4a10")
    assert "revision" not in {c["name"] for c in inspect(engine).get_columns("cooperations")}
    upgrade(engine)
    assert counts() == before
    with session_factory() as session:
        assert set(session.scalars(select(Cooperation.revision).distinct())) == {1}
