"""Request and response shapes of the feedback API."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from db.tables import FeedbackKind
from service.common import (
    NOT_BLANK_PATTERN,
    Id,
    JsonNumber,
    NotBlank,
    Page,
    StoreId,
    UtcDateTime,
    given,
    request_config,
)
from service.recommendations.schemas import RecommendationRequest

MAX_COMMENT_CHARS = 2000


class FeedbackCreate(BaseModel):
    """A planner's reaction to one suggested partner; used as a training signal."""

    # query_city_id or query, as _some_query checks
    model_config = request_config(
        {
            "query_city_id": 12,
            "partner_city_id": 34,
            "kind": "contacted",
            "comment": "Met at the Asia water forum.",
            "model_version": "2026-11-23-1",
        },
        anyOf=given("query_city_id", "query"),
    )

    query_city_id: Annotated[
        StoreId | None,
        Field(description="The city the query was for"),
        JsonNumber,
    ] = None
    query: RecommendationRequest | None = Field(None, description="The recommendation request as sent")
    partner_city_id: Id
    kind: FeedbackKind
    comment: Annotated[
        str | None, Field(max_length=MAX_COMMENT_CHARS, pattern=NOT_BLANK_PATTERN), NotBlank
    ] = None
    model_version: Annotated[str | None, Field(max_length=40)] = None

    @model_validator(mode="after")
    def _some_query(self) -> FeedbackCreate:
        if self.query_city_id is None and self.query is None:
            raise ValueError("give query_city_id or query (the recommendation request the feedback is about)")
        return self


class FeedbackRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    query_city_id: int | None
    query: dict[str, Any]
    partner_city_id: int
    kind: str
    comment: str | None
    model_version: str | None
    client: str | None
    created_at: UtcDateTime


class FeedbackPage(Page[FeedbackRead]):
    pass


class FeedbackFilters(BaseModel):
    """The query of GET /v1/feedback; every filter given must match. The names are the
    repository's arguments, one for one."""

    kind: FeedbackKind | None = None
    partner_city_id: StoreId | None = None
    query_city_id: StoreId | None = None
    model_version: Annotated[str | None, Field(max_length=40)] = None
