"""Existing partnerships on the planner page: next steps for each partnership of the chosen city,
and the roll-out through a partner on its card once a plan is drafted. Headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Live
from tests.browser.test_plan_page import draft_from_first_partner
from tests.browser.test_planner import choose_city

pytestmark = pytest.mark.browser


def test_a_chosen_city_shows_its_partnerships_and_their_next_steps(page: Page, live: Live) -> None:
    page.goto(live.url + "/")
    choose_city(page, "Kitaky", "Kitakyushu")
    section = page.locator("#partnerships")
    expect(section.get_by_role("heading", name="Kitakyushu's partnerships: next steps")).to_be_visible()
    items = section.locator("li.partnership")
    expect(items).to_have_count(5)
    dalian = items.filter(has_text="Dalian")
    expect(dalian).to_have_count(1)
    dalian.get_by_role("button", name="Next steps with Dalian").click()
    sectors = dalian.locator("ol.next-sectors > li")
    expect(sectors.first).to_be_visible()
    assert sectors.count() == 5
    expect(sectors.first.locator("ul.reasons > li").first).not_to_be_empty()


def test_a_drafted_plan_shows_the_rollout_through_the_partner_on_its_card(page: Page, live: Live) -> None:
    partner = draft_from_first_partner(page, live)
    card = page.locator("ol.partners > li").first
    rollout = card.get_by_role("region", name=f"Roll-out through {partner}")
    expect(rollout.locator(".rollout-partner ol.rollout-places > li").first).to_be_visible()
    expect(rollout.locator(".rollout-home ol.rollout-places > li").first).to_be_visible()
    assert rollout.locator(".rollout-partner ol.rollout-places > li").count() == 5
    expect(rollout.locator("ul.reasons > li").first).not_to_be_empty()
