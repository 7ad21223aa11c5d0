"""The page routes without a browser: what the server fills in, and that URL input is escaped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.common import MAX_NEEDS_CHARS
from service.config import Settings


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # no lifespan (no `with`): these routes need neither the database nor a model
    yield TestClient(create_app(Settings(database_url="sqlite://", data_dir=None)))


def test_planner_page_shows_the_needs_limit(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f'maxlength="{MAX_NEEDS_CHARS}"' in response.text
    assert "__MAX_NEEDS_CHARS__" not in response.text
    assert '<script type="module" src="/static/app.js">' in response.text


def test_static_files_are_served(client: TestClient) -> None:
    for path in ("/static/app.js", "/static/api.js", "/static/map.js", "/static/widget.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "javascript" in response.headers["content-type"], path
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")
    # nothing is fetched from elsewhere at run time
    for path in ("/", "/static/app.js", "/static/widget.js", "/static/app.css"):
        assert "https://" not in client.get(path).text.replace("https://partnermatch.example.org", ""), path


def test_widget_iframe_page_turns_parameters_into_escaped_attributes(client: TestClient) -> None:
    hostile = '"><script>alert(1)</script>'
    response = client.get("/widget", params={"name": hostile, "country": "KH", "needs": "water", "limit": 3})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert 'data-name="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in response.text
    assert 'data-limit="3"' in response.text and 'data-target="#pm-widget"' in response.text
    assert 'src="/static/widget.js"' in response.text

    by_id = client.get("/widget", params={"city_id": 12})
    assert 'data-city-id="12"' in by_id.text and 'data-limit="5"' in by_id.text
    assert 'data-partner-scope="abroad"' in by_id.text  # the widget's default
    domestic = client.get("/widget", params={"city_id": 12, "partner_scope": "domestic"})
    assert 'data-partner-scope="domestic"' in domestic.text


def test_widget_iframe_page_rejects_bad_parameters(client: TestClient) -> None:
    response = client.get("/widget", params={"city_id": 0, "limit": 500, "partner_scope": "moon"})
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["details"]}
    assert fields == {"city_id", "limit", "partner_scope"}
