"""The planner page (`/`), the iframe widget (`/widget`) and the API docs (`/docs`).

The page and the widget are static files under ``service/static`` (no build step); these
routes only fill in what the server knows (the needs limit, the widget's attributes).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Annotated, Literal

import swagger_ui
from fastapi import APIRouter, Query
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from service.common import MAX_NEEDS_CHARS, StoreId

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Swagger UI's own files, from the swagger-ui-py package (Apache-2.0; its LICENSE is beside them),
# so that /docs works on a machine without access to a CDN
SWAGGER_UI_DIR = Path(swagger_ui.__file__).resolve().parent / "static"
SWAGGER_UI_PATH = "/swagger-ui"

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def planner_page() -> HTMLResponse:
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(html.replace("__MAX_NEEDS_CHARS__", str(MAX_NEEDS_CHARS)))


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs() -> HTMLResponse:
    """Swagger UI on the OpenAPI schema, from this server's files only."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="partnermatch API",
        swagger_js_url=f"{SWAGGER_UI_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_UI_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_UI_PATH}/favicon-32x32.png",
    )


@router.get("/widget", response_class=HTMLResponse, include_in_schema=False)
def widget_page(
    city_id: Annotated[StoreId | None, Query()] = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    needs: Annotated[str | None, Query(max_length=MAX_NEEDS_CHARS)] = None,
    sectors: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 5,
    partner_scope: Literal["abroad", "domestic", "any"] = "abroad",
    theme: Literal["light", "dark"] = "light",
    title: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """For hosts that prefer an iframe: the script widget with the query parameters as its attributes."""
    attributes = {
        "data-city-id": city_id,
        "data-name": name,
        "data-country": country,
        "data-needs": needs,
        "data-sectors": sectors,
        "data-limit": limit,
        "data-partner-scope": partner_scope,
        "data-theme": theme,
        "data-title": title,
        "data-target": "#pm-widget",
    }
    # every value is escaped: they come straight from the iframe's URL
    attrs = " ".join(f'{key}="{escape(str(v))}"' for key, v in attributes.items() if v is not None)
    html = (STATIC_DIR / "widget.html").read_text(encoding="utf-8")
    return HTMLResponse(html.replace("__WIDGET_ATTRIBUTES__", attrs))
