"""Plan reads: by id, pages by either city, the versions of a plan."""

from __future__ import annotations

from db.repositories import plans
from tests import factories as f


def test_plans_and_versions(db_session):
    a, b, c = f.city(db_session), f.city(db_session), f.city(db_session)
    ab = f.plan(db_session, city_row=a, partner=b, versions=2)
    ca = f.plan(db_session, city_row=c, partner=a)
    assert plans.get_plan(db_session, plan_id=ab.id) is ab
    assert plans.get_plan(db_session, plan_id=-1) is None
    rows, total = plans.page_plans(db_session, city_id=a.id, limit=10, offset=0)
    assert total == 2 and [p.id for p in rows] == [ab.id, ca.id]
    assert plans.page_plans(db_session, city_id=b.id, limit=10, offset=0)[0] == [ab]
    assert plans.page_plans(db_session, city_id=None, limit=1, offset=1) == ([ca], 2)
    assert [v.version for v in plans.plan_versions(db_session, plan_id=ab.id)] == [1, 2]
    assert plans.plan_version(db_session, plan_id=ab.id, version=2).title.endswith("v2")
    assert plans.plan_version(db_session, plan_id=ab.id, version=3) is None
