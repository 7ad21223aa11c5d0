"""The plans service called directly, on a rolled-back session: a plan saved with its text, edited,
listed, its versions and its export."""

from __future__ import annotations

import pytest
from starlette.datastructures import URL

from db.errors import NotFound
from service.common import PageQuery
from service.plans import service
from service.plans.schemas import PlanContent, PlanCreate, PlanUpdate
from tests import factories as f


def _content(title: str) -> PlanContent:
    line = {"text": "Study visits to the water utility", "source": "planner"}
    return PlanContent(title=title, sections=[{"id": "activities", "title": "Activities", "lines": [line]}])


def test_a_plan_saved_then_edited_keeps_its_versions(db_session):
    city, partner = f.city(db_session), f.city(db_session)
    body = PlanCreate(city_id=city.id, partner_city_id=partner.id, content=_content("First"))
    plan = service.create_plan(db_session, index=None, body=body)
    assert (plan.current_version, plan.content.title) == (1, "First")
    edited = service.update_plan(db_session, plan_id=plan.id, body=PlanUpdate(content=_content("Second")))
    assert (edited.current_version, edited.title) == (2, "Second")
    history = service.plan_history(db_session, plan_id=plan.id)
    assert [(v.version, v.title) for v in history.versions] == [(1, "First"), (2, "Second")]
    page = service.list_plans(db_session, page=PageQuery(url=URL("/v1/plans")), city_id=partner.id)
    assert [(p.id, p.current_version) for p in page.items] == [(plan.id, 2)]
    text, media, name = service.export_plan(db_session, plan_id=plan.id, fmt="md", version=1)
    assert b"First" in text and media.startswith("text/markdown") and name.endswith(".md")


def test_unknown_plans_cities_and_versions_are_not_found(db_session):
    city = f.city(db_session)
    with pytest.raises(NotFound) as plan:
        service.get_plan(db_session, plan_id=10**9)
    assert plan.value.field == "plan_id"
    body = PlanCreate(city_id=city.id, partner_city_id=10**9, content=_content("A"))
    with pytest.raises(NotFound) as partner:
        service.create_plan(db_session, index=None, body=body)
    assert partner.value.field == "partner_city_id"
    saved = service.create_plan(
        db_session,
        index=None,
        body=PlanCreate(city_id=city.id, partner_city_id=f.city(db_session).id, content=_content("B")),
    )
    with pytest.raises(NotFound) as version:
        service.export_plan(db_session, plan_id=saved.id, fmt="md", version=5)
    assert version.value.field == "version"
