"""FastAPI dependencies as annotated aliases: one session per request, settings, the served model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from db.errors import Unavailable
from db.session import session_scope
from service.config import Settings
from service.model_holder import LoadedModel, ModelHolder


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work (:func:`db.session.session_scope`): commit when the handler
    succeeds, roll back when it raises.

    Declared with ``scope="function"`` (below), so the commit runs when the handler returns and
    before the response is sent: a commit that fails is answered with an error, never with the
    2xx the handler prepared. With FastAPI's default scope it would run after the response.
    """
    with session_scope(request.app.state.session_factory) as session:
        yield session


# only read the app's state: async, so FastAPI runs them without a threadpool hop each
async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_holder(request: Request) -> ModelHolder:
    return request.app.state.model_holder


async def get_model(request: Request) -> LoadedModel:
    current = request.app.state.model_holder.current
    if current is None:
        raise Unavailable(
            "no model is promoted yet; train one (`partnermatch train --promote`) and try again"
        )
    return current


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
HolderDep = Annotated[ModelHolder, Depends(get_holder)]
ModelDep = Annotated[LoadedModel, Depends(get_model)]
