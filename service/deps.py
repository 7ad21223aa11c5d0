"""FastAPI dependencies as annotated aliases: one session per request, settings, the served model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from service.config import Settings
from service.errors import Unavailable
from service.model_holder import LoadedModel, ModelHolder


def get_session(request: Request) -> Iterator[Session]:
    """Commit when the handler succeeds, roll back when it raises."""
    session = request.app.state.session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_holder(request: Request) -> ModelHolder:
    return request.app.state.model_holder


def get_model(request: Request) -> LoadedModel:
    current = request.app.state.model_holder.current
    if current is None:
        raise Unavailable(
            "no model is promoted yet; train one (`partnermatch train --promote`) and try again"
        )
    return current


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
HolderDep = Annotated[ModelHolder, Depends(get_holder)]
ModelDep = Annotated[LoadedModel, Depends(get_model)]
