"""The API docs at /docs render in Chromium from the server's own files, with other hosts blocked."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Live

pytestmark = pytest.mark.browser


def test_docs_show_the_operations_offline(page: Page, live: Live) -> None:
    own = urlsplit(live.url).netloc
    outside: list[str] = []

    def only_this_server(route: Any) -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(live.url + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("partnermatch")
    operation = page.locator(".opblock-summary-path", has_text="/v1/recommendations").first
    expect(operation).to_be_visible()
    expect(page.locator(".opblock-summary-path")).to_have_count(
        len([m for p in page.request.get(live.url + "/openapi.json").json()["paths"].values() for m in p])
    )
    operation.click()
    expect(page.locator(".opblock-body").first).to_contain_text("Request body")
    assert outside == [], outside
