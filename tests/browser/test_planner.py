"""The planner page at / in headless Chromium, against the real app and a trained model."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect
from sqlalchemy import select

from db.tables import Feedback
from tests.browser.conftest import Live, assert_fits_a_phone, phone_page

pytestmark = pytest.mark.browser


def choose_city(page: Page, typed: str, name: str) -> None:
    """Type in the search, wait for the autocomplete entry and pick it with the keyboard."""
    search = page.get_by_label("Search a city by name")
    search.press_sequentially(typed, delay=20)
    option = page.get_by_role("option").filter(has_text=name).first
    expect(option).to_be_visible()
    # keyboard navigation: move down to the entry, Enter picks it (and does not submit the form)
    for _ in range(8):
        search.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    search.press("Enter")
    expect(page.locator("#city-chosen")).to_contain_text(f"Chosen: {name}")


def wait_feedback(live: Live, **where: Any) -> Feedback:
    deadline = time.monotonic() + 10
    while True:
        with live.factory() as session:
            stmt = select(Feedback).order_by(Feedback.id.desc())
            for column, value in where.items():
                stmt = stmt.where(getattr(Feedback, column) == value)
            row = session.scalars(stmt).first()
        if row is not None or time.monotonic() > deadline:
            assert row is not None, f"no feedback row with {where}"
            return row
        time.sleep(0.1)


def test_city_search_results_and_feedback(page: Page, live: Live, screenshots: Path) -> None:
    page.goto(live.url + "/")
    expect(page.get_by_role("heading", name="Your city")).to_be_visible()
    # sectors and regions come from the API
    expect(page.get_by_label("Solid waste management", exact=True)).to_be_attached()
    expect(page.get_by_label(re.compile(r"^Asia — "))).to_be_attached()

    choose_city(page, "Kitaky", "Kitakyushu")
    page.get_by_label("Needs").fill("household waste composting and reducing non-revenue water")
    page.get_by_label("Composting of organic waste", exact=True).check()
    expect(page.locator("#needs-count")).to_contain_text("/ 4000 characters")
    page.get_by_role("button", name="Find partners").click()

    partners = page.locator("ol.partners > li")
    expect(partners.first).to_be_visible()
    expect(page.locator("#status")).to_contain_text("partner cities for Kitakyushu (JP)")
    assert partners.count() == 10
    # ranked partners with scores and reasons, precedents with outcome and success label
    expect(partners.first.locator(".score")).to_contain_text("score")
    expect(partners.first.locator("ul.reasons li").first).to_be_visible()
    precedent = page.locator(".precedent").first
    expect(precedent).to_be_visible()
    expect(precedent.locator(".badge").first).to_contain_text("success")
    # a similar pair's precedent says whose it is
    similar = page.locator(".precedent .badge.similar-pair")
    if similar.count():
        expect(similar.first).to_have_text("similar pair")
    # suggested sectors and funding schemes with eligibility and the rule checks behind it
    expect(page.locator("ul.sectors > li").first).to_be_visible()
    schemes = page.locator("ul.schemes > li")
    expect(schemes.first).to_be_visible()
    badges = schemes.locator(".row-head .badge").all_inner_texts()
    assert badges and set(badges) <= {"Eligible", "Not eligible", "Eligibility unknown"}, badges
    statuses = set(page.locator("ul.checks .check-status").all_inner_texts())
    assert statuses and statuses <= {"PASS", "FAIL", "UNKNOWN"}, statuses
    # the map: the query city, one labelled point and one line per located partner
    svg = page.locator("svg.map")
    expect(svg).to_be_visible()
    expect(svg.locator(".map-origin text")).to_have_text("Kitakyushu")
    located = svg.locator(".map-partner").count()
    assert 1 <= located <= 10 and svg.locator(".map-links line").count() == located
    assert svg.locator(".map-labels text").count() == located
    assert svg.locator(".map-grid line").count() >= 4
    page.screenshot(path=str(screenshots / "planner-results.png"), full_page=True)

    first = partners.first
    partner_id = int(first.get_attribute("data-city-id") or 0)
    version = re.search(r"model (\S+)", page.locator("#status").inner_text())
    assert version is not None
    first.get_by_role("button", name="Relevant", exact=True).click()
    expect(first.locator(".feedback-status")).to_contain_text("recorded “Relevant”")
    expect(first.get_by_role("button", name="Relevant", exact=True)).to_have_attribute("aria-pressed", "true")
    row = wait_feedback(live, partner_city_id=partner_id, kind="relevant")
    assert row.query_city_id == live.city_id("Kitakyushu")
    assert row.model_version == version.group(1)


def test_new_city_profile_and_feedback_with_query(page: Page, live: Live) -> None:
    page.goto(live.url + "/")
    page.get_by_label("A new city").check()
    page.get_by_label("Name", exact=True).fill("Takeo")
    page.get_by_label("Country (ISO2)").fill("kh")
    page.get_by_label("Latitude (optional)").fill("10.99")
    page.get_by_label("Longitude (optional)").fill("104.78")
    page.get_by_label("Population (optional)").fill("40000")
    page.get_by_label("Needs").fill("reduce non-revenue water and improve drinking water quality")
    page.get_by_label("Desired countries (optional, ISO2, comma-separated)").fill("JP")
    page.get_by_label("Role", exact=True).select_option("learner")
    page.get_by_label("Partners", exact=True).fill("5")
    page.get_by_role("button", name="Find partners").click()

    partners = page.locator("ol.partners > li")
    expect(partners.first).to_be_visible()
    assert partners.count() == 5
    # the wished country fills the list first
    expect(partners.first).to_contain_text("In a place you asked for (JP)")
    expect(page.locator("svg.map .map-origin text")).to_have_text("Takeo")
    # each scheme names the partners it is for, and the partners list their schemes
    schemes = page.locator("ul.schemes > li")
    expect(schemes.first.locator(".scheme-partners")).to_contain_text("For a partnership with")
    first_scheme = schemes.first.locator("strong").first.inner_text()
    funded = page.locator("ol.partners > li .partner-funding")
    expect(funded.first).to_contain_text("Funding: ")
    assert any(first_scheme in funded.nth(i).inner_text() for i in range(funded.count()))

    partner_id = int(partners.nth(1).get_attribute("data-city-id") or 0)
    partners.nth(1).get_by_role("button", name="Contacted").click()
    expect(partners.nth(1).locator(".feedback-status")).to_contain_text("recorded “Contacted”")
    # a new city has no id: the feedback carries the request that produced the answer
    row = wait_feedback(live, partner_city_id=partner_id, kind="contacted")
    assert row.query_city_id is None
    assert row.query["city"]["name"] == "Takeo" and row.query["city"]["country"] == "KH"


@pytest.mark.parametrize(
    ("country", "needs", "field", "message"),
    [
        ("ZZ", "household waste composting", "city.country", "unknown country code 'ZZ'"),
        ("KH", "", "needs", "describe what the city needs"),
    ],
    ids=["unknown-country", "empty-needs"],
)
def test_invalid_profile_shows_the_api_message(
    page: Page, live: Live, country: str, needs: str, field: str, message: str
) -> None:
    page.goto(live.url + "/")
    page.get_by_label("A new city").check()
    page.get_by_label("Name", exact=True).fill("Nowhere")
    page.get_by_label("Country (ISO2)").fill(country)
    page.get_by_label("Needs").fill(needs)
    page.get_by_role("button", name="Find partners").click()

    error = page.get_by_role("alert")
    expect(error).to_be_visible()
    expect(error.locator(".error-message")).to_contain_text(message)
    expect(error.locator(".error-details")).to_contain_text(field)
    expect(page.locator("ol.partners")).to_have_count(0)


def _json(route: Route, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    route.fulfill(status=status, content_type="application/json", body=json.dumps(body), headers=headers)


def test_unavailable_empty_and_rate_limited_messages(page: Page, live: Live) -> None:
    """Answers the real service rarely gives (no model, nothing matched, rate limit), stubbed."""
    answers: list[tuple[int, dict[str, Any]]] = [
        (503, {"error": "unavailable", "message": "no model is promoted yet; train one", "details": []}),
        (200, {"model_version": "v-test", "query": {"city": None, "needs": ""}, "partners": []}),
        (
            200,
            {
                "model_version": "v-test",
                "query": {"city": None, "needs": "water"},
                "partners": [
                    {
                        "city": {
                            "id": 7,
                            "name": "Dalian",
                            "country": "CN",
                            "latitude": 38.9,
                            "longitude": 121.6,
                        },
                        "score": 0.5,
                        "rank": 1,
                        "reasons": ["Twinned since 1979"],
                        "precedents": [],
                    }
                ],
            },
        ),
    ]
    page.route("**/v1/recommendations", lambda route: _json(route, *answers.pop(0)))
    page.route(
        "**/v1/feedback",
        lambda route: _json(
            route,
            429,
            {"error": "rate_limited", "message": "at most 30 feedback answers a minute", "details": []},
            {"Retry-After": "42"},
        ),
    )
    page.goto(live.url + "/")
    page.get_by_label("A new city").check()
    page.get_by_label("Name", exact=True).fill("Takeo")
    page.get_by_label("Country (ISO2)").fill("KH")
    page.get_by_label("Needs").fill("water")
    submit = page.get_by_role("button", name="Find partners")

    submit.click()
    expect(page.get_by_role("alert")).to_contain_text("No model is promoted yet")
    expect(page.get_by_role("alert")).to_contain_text("no model is promoted yet; train one")

    submit.click()
    expect(page.get_by_role("heading", name="No partners matched")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_hidden()

    submit.click()
    partner = page.locator("ol.partners > li").first
    expect(partner).to_contain_text("Dalian")
    partner.get_by_role("button", name="Not relevant").click()
    status = partner.locator(".feedback-status")
    expect(status).to_contain_text("retry in 42 s")
    expect(status).to_contain_text("at most 30 feedback answers a minute")


def test_phone_sized_screen(browser: Any, live: Live, screenshots: Path) -> None:
    with phone_page(browser, 360, 740) as page:
        page.goto(live.url + "/")
        choose_city(page, "Essen", "Essen")
        page.get_by_label("Partners", exact=True).fill("3")
        page.get_by_role("button", name="Find partners").click()
        expect(page.locator("ol.partners > li").first).to_be_visible()
        expect(page.locator("ul.schemes > li").first).to_be_visible()
        assert_fits_a_phone(page, "the page", "input:not([type=hidden]), select, textarea")
        page.screenshot(path=str(screenshots / "planner-phone.png"), full_page=True)


def test_partners_come_from_abroad_unless_the_planner_asks_otherwise(page: Page, live: Live) -> None:
    sent: list[dict[str, Any]] = []

    def record(request: Any) -> None:
        if request.url.endswith("/v1/recommendations"):
            sent.append(json.loads(request.post_data or "{}"))

    page.on("request", record)
    page.goto(live.url + "/")
    choose_city(page, "Kitaky", "Kitakyushu")
    page.get_by_label("Needs").fill("household waste composting")
    expect(page.get_by_label("Partners from")).to_have_value("abroad")
    page.get_by_role("button", name="Find partners").click()
    expect(page.locator("ol.partners > li").first).to_be_visible()
    assert sent[-1]["partner_scope"] == "abroad"
    reasons = page.locator("ol.partners > li").first.locator("ul.reasons")
    expect(reasons).to_contain_text("Abroad")

    page.get_by_label("Partners from").select_option("domestic")
    page.get_by_role("button", name="Find partners").click()
    first = page.locator("ol.partners > li").first
    expect(first.locator("ul.reasons")).to_contain_text("In your own country (JP)")
    assert sent[-1]["partner_scope"] == "domestic"


def test_similar_size_is_asked_for_and_each_partner_says_it_fits(page: Page, live: Live) -> None:
    sent: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            sent.append(json.loads(r.post_data or "{}")) if r.url.endswith("/v1/recommendations") else None
        ),
    )
    page.goto(live.url + "/")
    choose_city(page, "Kitaky", "Kitakyushu")
    page.get_by_label("Needs").fill("household waste composting")
    page.get_by_label("Only cities of a similar size").check()
    page.get_by_role("button", name="Find partners").click()
    partners = page.locator("ol.partners > li")
    expect(partners.first).to_be_visible()
    assert sent[-1]["population"] == "similar"
    for i in range(partners.count()):
        expect(partners.nth(i).locator("ul.reasons")).to_contain_text("Of a similar size")


def test_the_needs_box_says_what_was_read_of_the_text(page: Page, live: Live) -> None:
    page.goto(live.url + "/")
    choose_city(page, "Kitaky", "Kitakyushu")
    needs, note = page.get_by_label("Needs"), page.locator("#needs-read")
    submit = page.get_by_role("button", name="Find partners")
    needs.fill("水素と再生可能エネルギーで協力したい")
    submit.click()
    expect(note).to_contain_text("Japanese")
    expect(note).to_contain_text("水素")
    needs.fill("Мы хотим сократить потери воды и улучшить очистку сточных вод.")
    submit.click()
    expect(note).to_contain_text("Russian, which this service cannot read")
    expect(page.locator("ol.partners > li").first).to_be_visible()  # nothing fails
    needs.fill("hydrogen and renewable energy")
    submit.click()
    expect(page.locator("ol.partners > li").first).to_be_visible()
    expect(note).to_be_hidden()
