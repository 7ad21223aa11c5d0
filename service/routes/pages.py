"""The planner page (`/`), the iframe widget (`/widget`) and the region list the page offers.

The page and the widget are static files under ``service/static`` (no build step); these
routes only fill in what the server knows (the needs limit, the widget's attributes).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from models.advice.scheme_import import load_regions
from service.auth import ReadKey
from service.deps import SettingsDep
from service.routes._common import errors
from service.schemas import MAX_NEEDS_CHARS

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter()


class RegionRead(BaseModel):
    code: str
    name: str
    members: list[str] | None = None


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def planner_page() -> HTMLResponse:
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(html.replace("__MAX_NEEDS_CHARS__", str(MAX_NEEDS_CHARS)))


@router.get("/widget", response_class=HTMLResponse, include_in_schema=False)
def widget_page(
    city_id: Annotated[int | None, Query(ge=1)] = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    needs: Annotated[str | None, Query(max_length=MAX_NEEDS_CHARS)] = None,
    sectors: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 5,
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
        "data-theme": theme,
        "data-title": title,
        "data-target": "#pm-widget",
    }
    # every value is escaped: they come straight from the iframe's URL
    attrs = " ".join(f'{key}="{escape(str(v))}"' for key, v in attributes.items() if v is not None)
    html = (STATIC_DIR / "widget.html").read_text(encoding="utf-8")
    return HTMLResponse(html.replace("__WIDGET_ATTRIBUTES__", attrs))


@router.get(
    "/v1/regions",
    response_model=list[RegionRead],
    tags=["regions"],
    summary="Region codes for desired_regions (from regions.json)",
    responses=errors(401, 403),
)
def list_regions(settings: SettingsDep, _: ReadKey) -> list[RegionRead]:
    return [
        RegionRead(code=code, name=entry.get("name", code), members=entry.get("members"))
        for code, entry in load_regions(settings.curated_dir).items()
    ]
