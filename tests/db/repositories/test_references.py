"""unknown_ids: the given values with no row, in the order given."""

from __future__ import annotations

from db.repositories.references import unknown_ids
from db.tables import Sector
from tests import factories as f


def test_unknown_ids_keep_their_order(db_session):
    f.sector(db_session, sector_id="water")
    found = unknown_ids(db_session, column=Sector.id, values=["zeta", "water", "alpha", "zeta"])
    assert found == ["zeta", "alpha"]
    assert unknown_ids(db_session, column=Sector.id, values=[]) == []
