"""Response shapes of the model registry API."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from service.common import JsonNumber, Page, UtcDateTime, request_config


class ModelVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: str
    status: str = Field(description="trained | promoted | retired | failed")
    metrics: dict[str, Any]
    params: dict[str, Any]
    data_hash: str
    artifact_sha256: str | None
    created_at: UtcDateTime
    promoted_at: UtcDateTime | None


class ModelVersionPage(Page[ModelVersionRead]):
    pass


class TrainingJobCreate(BaseModel):
    model_config = request_config({"seed": 0, "evaluate": True, "promote": False})

    seed: Annotated[int, Field(ge=0, le=2**31 - 1), JsonNumber] = 0
    evaluate: bool = Field(
        False, strict=True, description="Evaluate on held-out splits and store the metrics"
    )
    promote: bool = Field(False, strict=True, description="Serve the new version as soon as it is registered")


class TrainingJobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    status: str = Field(description="queued | running | succeeded | failed")
    params: dict[str, Any]
    model_version: str | None
    error: str | None
    created_at: UtcDateTime
    finished_at: UtcDateTime | None
