"""The embeddable widget on a host page served from another origin (another local port)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect

from tests.browser.conftest import HostSite, Live

pytestmark = pytest.mark.browser

# the host's own CSS is deliberately loud: none of it may reach inside the widget
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>City portal</title>
<style>
  body {{ font-family: Georgia, serif; margin: 24px; background: #fbfaf7; }}
  li, span, h2, p {{ color: #d00 !important; font-size: 30px; text-transform: uppercase; }}
  .grid {{ display: grid; grid-template-columns: 1fr 1fr; gap: 24px; align-items: start; }}
  #themed {{ --pm-accent: #7a1fa2; --pm-radius: 16px; --pm-font: Georgia, serif; }}
  iframe {{ border: 0; width: 100%; height: 330px; }}
</style></head>
<body>
  <h1>City portal — international cooperation</h1>
  <div class="grid">
    <section><h3>By city id (script tag, data-target)</h3><div id="by-id"></div></section>
    <section><h3>By profile, dark theme, placed where the script is</h3>
      <div id="themed">
        <script src="{api}/static/widget.js" data-name="Takeo" data-country="KH" data-latitude="10.99"
          data-longitude="104.78" data-needs="reduce non-revenue water and improve drinking water quality"
          data-limit="3" data-theme="dark"></script>
      </div>
    </section>
    <section><h3>Iframe</h3><iframe title="Partner recommendations"
      src="{api}/widget?city_id={essen}&amp;limit=3"></iframe></section>
    <section><h3>Invalid profile</h3><div id="broken"></div></section>
  </div>
  <script src="{api}/static/widget.js" data-city-id="{essen}" data-limit="5" data-target="#by-id"
    async></script>
  <script src="{api}/static/widget.js" data-name="Nowhere" data-country="ZZ" data-needs="water"
    data-target="#broken"></script>
</body></html>
"""


def test_widget_on_a_host_page_of_another_origin(
    page: Page, live: Live, host_site: HostSite, screenshots: Path
) -> None:
    essen = live.city_id("Essen")
    url = host_site.page("portal.html", HOST_PAGE.format(api=live.url, essen=essen))
    assert url.split("/")[2] != live.url.split("/")[2]  # another origin: another port
    api_answers: list[Response] = []
    page.on("response", lambda r: api_answers.append(r) if "/v1/recommendations" in r.url else None)
    page.goto(url)

    by_id = page.locator("#by-id .partner")
    expect(by_id.first).to_be_visible()
    assert by_id.count() == 5
    expect(page.locator("#by-id .title")).to_have_text("Suggested partner cities for Essen")
    expect(by_id.first.locator(".why")).not_to_be_empty()

    themed = page.locator("#themed .partner")
    expect(themed.first).to_be_visible()
    assert themed.count() == 3
    expect(page.locator("#themed .title")).to_have_text("Suggested partner cities for Takeo")

    frame = page.frame_locator("iframe")
    expect(frame.locator(".partner").first).to_be_visible()
    assert frame.locator(".partner").count() == 3

    error = page.locator("#broken [role=alert]")
    expect(error).to_contain_text("unknown country code 'ZZ'")
    expect(error).to_contain_text("city.country")

    # the host's CSS stayed outside the shadow root; the host's custom properties came in
    name = page.locator("#by-id .partner .name").first
    assert name.evaluate("e => getComputedStyle(e).fontSize") != "30px"
    assert name.evaluate("e => getComputedStyle(e).textTransform") == "none"
    themed_box = page.locator("#themed .pm")
    assert themed_box.evaluate("e => getComputedStyle(e).borderTopLeftRadius") == "16px"
    assert "Georgia" in themed_box.evaluate("e => getComputedStyle(e).fontFamily")
    assert themed_box.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(29, 35, 39)"  # dark

    # the calls were cross-origin and allowed by CORS
    host_origin = host_site.url
    # (all_headers: the plain .headers leave out the ones the browser adds, Origin among them)
    cross = [r for r in api_answers if r.request.all_headers().get("origin") == host_origin]
    assert len(cross) >= 3, [(r.url, r.request.all_headers()) for r in api_answers]
    assert all(r.all_headers().get("access-control-allow-origin") in ("*", host_origin) for r in cross)
    # a widget looks abroad unless its host says otherwise
    assert {(r.request.post_data_json or {}).get("partner_scope") for r in cross} == {"abroad"}

    page.set_viewport_size({"width": 1100, "height": 900})
    page.screenshot(path=str(screenshots / "widget-host.png"), full_page=True)
