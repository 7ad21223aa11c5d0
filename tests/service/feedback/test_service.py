"""The feedback service's list called directly, on a rolled-back session: filters and pages."""

from __future__ import annotations

from starlette.datastructures import URL

from service.common import PageQuery
from service.feedback import service
from service.feedback.schemas import FeedbackFilters
from tests import factories as f


def _list(session, **filters):
    return service.list_feedback(
        session=session, page=PageQuery(url=URL("/v1/feedback"), limit=10), filters=FeedbackFilters(**filters)
    )


def test_feedback_is_filtered_by_partner_and_kind(db_session):
    partner, other = f.city(db_session), f.city(db_session)
    liked = f.feedback(db_session, partner=partner, kind="relevant")
    f.feedback(db_session, partner=partner, kind="not_relevant")
    f.feedback(db_session, partner=other, kind="relevant")
    page = _list(db_session, partner_city_id=partner.id, kind="relevant")
    assert [r.id for r in page.items] == [liked.id] and page.total == 1
    assert _list(db_session, partner_city_id=partner.id).total == 2
