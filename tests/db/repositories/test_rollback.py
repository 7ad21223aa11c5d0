"""The rolled-back session: what one test writes, even through a commit, the next one never sees."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.tables import City
from tests import factories as f


@pytest.mark.parametrize("commit", [False, True])
def test_rows_do_not_outlive_their_test(db_session, commit):
    assert db_session.scalar(select(func.count()).select_from(City)) == 0
    f.city(db_session)
    if commit:
        db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(City)) == 1
