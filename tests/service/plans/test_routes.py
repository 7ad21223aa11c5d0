"""Plans over the API: readiness of the seed pairs, drafting, saving, versions, exports, bad input."""

from __future__ import annotations

import io

import pytest
from docx import Document
from sqlalchemy import func, select

from db.tables import Plan, PlanVersion
from tests.service.helpers import Api, assert_error

SEED_PAIRS = [
    # (home, partner, sectors, item -> expected status)
    (
        "Kitakyushu",
        "Phnom Penh",
        ["water-supply"],
        {
            "policy_positioning": "partial",
            "stakeholder_team": "strong",
            "packaged_know_how": "strong",
            # no shared language, but two hours apart
            "communication": "partial",
            "leadership": "partial",
        },
    ),
    (
        "Kitakyushu",
        "Surabaya",
        ["solid-waste"],
        {"policy_positioning": "partial", "stakeholder_team": "strong", "communication": "partial"},
    ),
    (
        "Essen",
        "Koriyama",
        ["renewable-energy", "medical-devices"],
        {"policy_positioning": "partial", "communication": "gap", "home_benefits": "partial"},
    ),
]


def _status(body: dict) -> dict[str, str]:
    return {i["id"]: i["status"] for i in body["items"]}


@pytest.mark.parametrize(("home", "partner", "sectors", "expected"), SEED_PAIRS, ids=lambda v: str(v)[:20])
def test_readiness_of_the_seed_pairs(
    api: Api, home: str, partner: str, sectors: list, expected: dict
) -> None:
    body = {"city_id": api.city_id(home), "partner_city_id": api.city_id(partner), "sectors": sectors}
    answer = api.client.post("/v1/plans/readiness", json=body)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert len(found["items"]) == 10
    statuses = _status(found)
    for item, status in expected.items():
        assert statuses[item] == status, (item, found)
    for item in found["items"]:
        assert item["evidence"] and all(e["source"] for e in item["evidence"])
        if item["status"] != "strong":
            assert item["question"]
    # the pair's own cooperation is cited as a precedent
    policy = next(i for i in found["items"] if i["id"] == "policy_positioning")
    assert any(e["source"].startswith("precedent:") for e in policy["evidence"])


def test_essen_koriyama_cites_the_regions_partnership(api: Api) -> None:
    body = {"city_id": api.city_id("Essen"), "partner_city_id": api.city_id("Koriyama"), "sectors": []}
    found = api.client.post("/v1/plans/readiness", json=body).json()
    policy = next(i for i in found["items"] if i["id"] == "policy_positioning")
    assert any("Fukushima Prefecture" in e["text"] for e in policy["evidence"]), policy


def test_a_pair_with_nothing_known(api: Api) -> None:
    a, b = api.new_cities("Plan nowhere", 2)
    found = api.client.post("/v1/plans/readiness", json={"city_id": a, "partner_city_id": b}).json()
    statuses = _status(found)
    assert "strong" not in statuses.values()
    assert statuses["policy_positioning"] == statuses["communication"] == statuses["leadership"] == "unknown"
    assert statuses["home_benefits"] == statuses["matched_needs"] == "unknown"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"partner_city_id": 1}, 422, "city_id"),
        ({"city_id": 0, "partner_city_id": 1}, 422, "city_id"),
        ({"city_id": 2**63, "partner_city_id": 1}, 422, "city_id"),
        ({"city_id": 1, "partner_city_id": 1}, 422, "partner_city_id"),
        ({"city_id": 1, "partner_city_id": 2, "sectors": ["no-such-sector"]}, 422, "sectors[0]"),
        ({"city_id": 1, "partner_city_id": 2, "extra": 1}, 422, "extra"),
        ({"city_id": 999_999_999, "partner_city_id": 1}, 404, "city_id"),
    ],
)
def test_bad_pairs_name_the_field(api: Api, body: dict, status: int, field: str | None) -> None:
    answer = api.client.post("/v1/plans/readiness", json=body)
    assert_error(answer, status, "invalid_input" if status == 422 else "not_found", field)


def _count(api: Api) -> tuple[int, int]:
    with api.factory() as session:
        return (
            session.scalar(select(func.count()).select_from(Plan)) or 0,
            session.scalar(select(func.count()).select_from(PlanVersion)) or 0,
        )


def test_round_trip_create_edit_history_export(api: Api) -> None:
    pair = {"city_id": api.city_id("Kitakyushu"), "partner_city_id": api.city_id("Phnom Penh")}
    pair["sectors"] = ["water-supply", "sewage-wastewater"]
    drafted = api.client.post("/v1/plans/draft", json=pair).json()
    sections = {s["id"]: s for s in drafted["sections"]}
    assert list(sections) == [
        "facts", "themes", "challenges", "objective", "activities",
        "stakeholders", "funding", "readiness", "risks",
    ]  # fmt: skip
    assert all(ln["source"] for s in drafted["sections"] for ln in s["lines"])
    phases = {ln["phase"] for ln in sections["activities"]["lines"]}
    assert phases == {"exchange", "pilot", "agreement", "scale-up"}
    assert any(ln["source"].startswith("precedent:") for ln in sections["activities"]["lines"])
    assert any(ln["source"].startswith("rule:") for ln in sections["funding"]["lines"])
    assert len(sections["risks"]["lines"]) == 4

    assert_error(api.client.post("/v1/plans", json=pair), 401, "unauthorized")
    assert_error(api.client.post("/v1/plans", json=pair, headers=api.auth("read")), 403, "forbidden")
    created = api.client.post("/v1/plans", json=pair, headers=api.auth("write"))
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["current_version"] == 1 and created.headers["location"].endswith(f"/v1/plans/{plan['id']}")
    first_title = plan["content"]["title"]

    edited = {"title": "Our plan, edited", "sections": plan["content"]["sections"]}
    edited["sections"][4]["lines"].append(
        {"text": "Our own study tour", "source": "planner", "phase": "exchange"}
    )
    answer = api.client.put(
        f"/v1/plans/{plan['id']}", json={"content": edited, "note": "v2"}, headers=api.auth("write")
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["current_version"] == 2 and answer.json()["title"] == "Our plan, edited"

    history = api.client.get(f"/v1/plans/{plan['id']}/versions").json()["versions"]
    assert [v["version"] for v in history] == [1, 2]
    assert (
        history[0]["content"]["title"] == first_title and history[1]["content"]["title"] == "Our plan, edited"
    )
    assert history[1]["note"] == "v2"

    listed = api.client.get("/v1/plans", params={"city_id": pair["city_id"]}).json()
    assert plan["id"] in [p["id"] for p in listed["items"]]

    md = api.client.get(f"/v1/plans/{plan['id']}/export", params={"format": "md"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "# Our plan, edited" in md.text and "## Main activities by phase" in md.text
    assert "Our own study tour [planner]" in md.text
    old = api.client.get(f"/v1/plans/{plan['id']}/export", params={"format": "md", "version": 1}).text
    assert first_title in old and "Our own study tour" not in old

    docx = api.client.get(f"/v1/plans/{plan['id']}/export", params={"format": "docx"})
    assert docx.status_code == 200 and "attachment" in docx.headers["content-disposition"]
    doc = Document(io.BytesIO(docx.content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Our plan, edited"
    for title in ("The two cities", "Themes of cooperation", "Key challenges", "Main objective",
                  "Main activities by phase", "Stakeholders to involve", "Funding options", "Readiness gaps",
                  "Risks", "Exchange and study visits", "Pilot", "Agreement", "Scale-up"):  # fmt: skip
        assert title in headings, (title, headings)


def test_bad_plans_are_refused_whole(api: Api) -> None:
    pair = {"city_id": api.city_id("Essen"), "partner_city_id": api.city_id("Koriyama")}
    write = api.auth("write")
    before = _count(api)
    bad_section = {"title": "x", "sections": [{"id": "nonsense", "title": "x", "lines": []}]}
    assert_error(
        api.client.post("/v1/plans", json={**pair, "content": bad_section}, headers=write),
        422,
        "invalid_input",
        "content.sections.0.id",
    )
    empty_line = {"title": "x", "sections": [{"id": "risks", "title": "Risks", "lines": [{"text": ""}]}]}
    assert_error(
        api.client.post("/v1/plans", json={**pair, "content": empty_line}, headers=write),
        422,
        "invalid_input",
        "content.sections.0.lines.0.text",
    )
    assert_error(
        api.client.post("/v1/plans", json={**pair, "partner_city_id": 999_999_999}, headers=write),
        404,
        "not_found",
        "partner_city_id",
    )
    assert _count(api) == before

    good = {"title": "Mine", "sections": [{"id": "risks", "title": "Risks", "lines": [{"text": "a risk"}]}]}
    plan = api.client.post("/v1/plans", json={**pair, "content": good}, headers=write).json()
    assert plan["content"]["sections"][0]["lines"][0]["source"] == "planner"
    before = _count(api)
    answer = api.client.put(
        f"/v1/plans/{plan['id']}", json={"content": {"title": "", "sections": []}}, headers=write
    )
    assert_error(answer, 422, "invalid_input", "content.title")
    assert _count(api) == before and api.client.get(f"/v1/plans/{plan['id']}").json()["current_version"] == 1
    assert_error(
        api.client.put("/v1/plans/999999999", json={"content": good}, headers=write),
        404,
        "not_found",
        "plan_id",
    )
    assert_error(
        api.client.get(f"/v1/plans/{plan['id']}/export", params={"version": 7}), 404, "not_found", "version"
    )
    assert_error(
        api.client.get(f"/v1/plans/{plan['id']}/export", params={"format": "pdf"}),
        422,
        "invalid_input",
        "format",
    )
    assert_error(api.client.get(f"/v1/plans/{2**63}"), 422, "invalid_input", "plan_id")


def test_an_edit_saved_meanwhile_is_a_conflict_not_a_lost_edit(api: Api) -> None:
    from db import writes
    from db.errors import Conflict

    pair = {"city_id": api.city_id("Kitakyushu"), "partner_city_id": api.city_id("Surabaya")}
    plan = api.client.post("/v1/plans", json=pair, headers=api.auth("write")).json()
    with api.factory() as session:
        stale = session.get(Plan, plan["id"])
        assert stale is not None and stale.current_version == 1
        session.expunge(stale)  # the planner's editor holds version 1 while someone else saves
        session.commit()
        other = {"title": "Saved first", "sections": plan["content"]["sections"]}
        saved = api.client.put(f"/v1/plans/{plan['id']}", json={"content": other}, headers=api.auth("write"))
        assert saved.status_code == 200, saved.text
        with pytest.raises(Conflict) as found:
            writes.add_plan_version(session, plan=stale, title="Saved second", content=other, note=None)
        assert found.value.field == "plan_id"
        session.rollback()
    history = api.client.get(f"/v1/plans/{plan['id']}/versions").json()["versions"]
    assert [(v["version"], v["content"]["title"]) for v in history][-1] == (2, "Saved first")
