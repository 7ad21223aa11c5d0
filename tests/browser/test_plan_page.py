"""The action plan on the planner page: draft from a partner card, edit, save with a write key,
download Markdown and Word, print, and a phone-sized screen. Headless Chromium against the real app."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from models.plans.draft import SECTION_TITLES
from service.auth import create_api_key
from tests.browser.conftest import Live, assert_fits_a_phone, phone_page
from tests.browser.test_planner import choose_city

pytestmark = pytest.mark.browser

EDITED = "Our own study visit to the composting plant in spring"


@pytest.fixture(scope="module")
def write_key(live: Live) -> str:
    with live.factory.begin() as session:
        return create_api_key(session, name="browser plan tests", scopes=["read", "write"])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def draft_from_first_partner(page: Page, live: Live) -> str:
    """Kitakyushu's answer, then "Draft an action plan" on the first card; the partner's name."""
    page.goto(live.url + "/")
    choose_city(page, "Kitaky", "Kitakyushu")
    page.get_by_label("Needs").fill("household waste composting and reducing non-revenue water")
    page.get_by_role("button", name="Find partners").click()
    first = page.locator("ol.partners > li").first
    expect(first).to_be_visible()
    partner = first.locator("h4").inner_text().split(" ")[0]
    first.get_by_role("button", name="Draft an action plan").click()
    plan = page.locator("#plan")
    expect(plan.get_by_role("heading", name="Action plan (draft)")).to_be_visible()
    return partner


def test_draft_edit_save_and_download(page: Page, live: Live, write_key: str, tmp_path: Path) -> None:
    draft_from_first_partner(page, live)
    plan = page.locator("#plan")
    for title in SECTION_TITLES.values():
        expect(plan.get_by_role("heading", name=title, exact=True)).to_be_visible()
    # each line is editable, with its source beside it
    first_line = plan.locator(".plan-line").first
    expect(first_line.locator(".plan-source")).not_to_be_empty()
    activities = plan.locator('[data-section="activities"] textarea').first
    activities.fill(EDITED)

    # without a key: Markdown works, Word and saving say what they need
    with page.expect_download() as info:
        plan.get_by_role("button", name="Download Markdown").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert EDITED in markdown and "## Main activities by phase" in markdown
    plan.get_by_role("button", name="Download Word").click()
    expect(page.locator("#plan-status")).to_contain_text("Word needs the plan saved first")
    plan.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#plan-status")).to_contain_text("needs a write key")

    # a wrong key: the page's error display names the problem, nothing is saved
    plan.get_by_label("Write key").fill("pm_wrong.key")
    plan.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("The plan was not saved.")
    expect(page.get_by_role("alert")).to_contain_text("not valid")

    plan.get_by_label("Write key").fill(write_key)
    expect(plan).to_contain_text("kept for this browser session only")
    assert page.evaluate("sessionStorage.getItem('partnermatch.writeKey')") == write_key
    assert page.evaluate("localStorage.length") == 0
    plan.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#plan-status")).to_contain_text("version 1")
    plan_id = int(page.locator("#plan-status").inner_text().split("plan ")[1].split(",")[0])
    saved = get_json(f"{live.url}/v1/plans/{plan_id}")
    assert saved["city_id"] == live.city_id("Kitakyushu")
    texts = [line["text"] for s in saved["content"]["sections"] for line in s["lines"]]
    assert EDITED in texts
    # the edited line is the planner's text now, and says what it was drafted from
    edited = next(line for s in saved["content"]["sections"] for line in s["lines"] if line["text"] == EDITED)
    assert edited["source"].startswith("planner, from "), edited

    # a second edit is the next version
    activities.fill(EDITED + ", then a pilot")
    plan.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#plan-status")).to_contain_text("version 2")
    assert get_json(f"{live.url}/v1/plans/{plan_id}")["current_version"] == 2

    with page.expect_download() as info:
        plan.get_by_role("button", name="Download Word").click()
    assert info.value.suggested_filename == f"plan-{plan_id}-v2.docx"
    docx = tmp_path / "plan.docx"
    info.value.save_as(docx)
    assert docx.read_bytes()[:2] == b"PK"  # a zip: the Word format


def test_print_view_shows_only_the_plan(page: Page, live: Live, screenshots: Path, tmp_path: Path) -> None:
    draft_from_first_partner(page, live)
    page.emulate_media(media="print")
    for hidden in ("#profile", "ol.partners", "header.top", ".plan-tools"):
        expect(page.locator(hidden)).to_be_hidden()
    for title in SECTION_TITLES.values():
        expect(page.locator("#plan").get_by_role("heading", name=title, exact=True)).to_be_visible()
    # one column: the plan starts at the left edge, as wide as the page
    box = page.locator("#plan").bounding_box()
    assert box is not None and box["x"] < 40 and box["width"] > 1200, box
    pdf = tmp_path / "plan.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes()[:4] == b"%PDF"
    # Chromium's PDF output: every section, and nothing of the search form or the partner list
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    text = " ".join(text.split())
    for title in SECTION_TITLES.values():
        assert title in text, title
    assert "Find partners" not in text and "Suggested partners" not in text
    page.screenshot(path=str(screenshots / "plan-print.png"), full_page=True)


def test_phone_sized_plan_view(browser: Any, live: Live, screenshots: Path) -> None:
    with phone_page(browser, 390, 844) as page:
        draft_from_first_partner(page, live)
        expect(page.locator("#plan .plan-line").first).to_be_visible()
        assert_fits_a_phone(page, "the plan view", "#plan input, #plan textarea")
        page.locator("#plan").screenshot(path=str(screenshots / "plan-phone.png"))
