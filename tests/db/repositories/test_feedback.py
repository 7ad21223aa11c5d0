"""Feedback reads: filters, newest first, the total of matches."""

from __future__ import annotations

from db.repositories.feedback import list_feedback
from tests import factories as f


def test_filters_and_order(db_session):
    query, partner, other = f.city(db_session), f.city(db_session), f.city(db_session)
    old = f.feedback(
        db_session, partner=partner, query_city_id=query.id, model_version="v1", created_at=f.at(2)
    )
    new = f.feedback(db_session, partner=partner, kind="contacted", created_at=f.at(1))
    f.feedback(db_session, partner=other, created_at=f.at(3))
    rows, total = list_feedback(db_session, partner_city_id=partner.id, limit=10)
    assert total == 2 and [r.id for r in rows] == [new.id, old.id]
    assert list_feedback(db_session, kind="contacted", limit=10)[0] == [new]
    assert list_feedback(db_session, query_city_id=query.id, model_version="v1", limit=10)[0] == [old]
    rows, total = list_feedback(db_session, limit=1, offset=1)
    assert total == 3 and rows == [old]
