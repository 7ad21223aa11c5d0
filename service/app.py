"""FastAPI application factory."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from service import health, pages
from service.catalogue import routes as catalogue
from service.catalogue_holder import CatalogueHolder, watch_commits
from service.cities import routes as cities
from service.common import error_payload
from service.config import Settings, get_settings
from service.cooperations import routes as cooperations
from service.errors import register_error_handlers
from service.feedback import routes as feedback
from service.logs import configure_logging
from service.metrics import MeasureRequests, Metrics
from service.model_holder import ModelHolder
from service.models import routes as models_admin
from service.partnerships import routes as partnerships
from service.plans import routes as plans
from service.ratelimit import RateLimiter
from service.recommendations import routes as recommendations

logger = logging.getLogger(__name__)

API_DESCRIPTION = """
Partner cities, cooperation sectors and funding schemes for a city's needs, each with the
reasons and past cooperations behind it. Read endpoints are open; write and admin endpoints
need `Authorization: Bearer <key>` with the right scope (keys: `partnermatch create-api-key`).
Every error answers `{"error", "message", "details": [{"field", "message"}]}`.
"""


PLAN_DOCUMENT = re.compile(r"/v1/plans(/[0-9]+)?")


class LimitBody:
    """Refuse a body whose declared length exceeds the limit (413) before anything reads it.

    Plain ASGI, like ``service.metrics.MeasureRequests``.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = Headers(scope=scope).get("content-length")
            s = self.settings
            # an import and a saved plan (a whole document, sent again on each edit) may be larger
            document = scope["path"].endswith("/import") or PLAN_DOCUMENT.fullmatch(scope["path"])
            limit = s.max_import_bytes if document else s.max_body_bytes
            if length is not None and length.isdigit() and int(length) > limit:
                message = f"request body of {length} bytes exceeds the limit of {limit} bytes"
                response = JSONResponse(error_payload("payload_too_large", message), status_code=413)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import torch
        from threadpoolctl import threadpool_limits

        # Workers already use the cores: one thread each for PyTorch and for the BLAS and
        # OpenMP pools numpy and LightGBM would otherwise size to the machine.
        torch.set_num_threads(settings.torch_threads)
        threadpool_limits(settings.torch_threads)
        engine = make_engine(settings.database_url)
        if migrate:
            upgrade(engine)
        factory = make_session_factory(engine)
        holder = ModelHolder(factory, cache_dir=settings.model_dir, poll_seconds=settings.model_poll_seconds)
        app.state.settings = settings
        app.state.engine = engine
        app.state.session_factory = factory
        app.state.model_holder = holder
        app.state.catalogue = CatalogueHolder(settings.curated_dir / "regions.json")
        watch_commits(factory, app.state.catalogue)
        app.state.recommend_slots = threading.BoundedSemaphore(settings.recommend_concurrency)
        app.state.rate_limiter = RateLimiter.from_settings(settings)
        holder.start()
        try:
            yield
        finally:
            holder.stop()
            engine.dispose()

    configure_logging(settings.log_level)
    app = FastAPI(
        title="partnermatch",
        version="1.0.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        # served by service.pages from the package's own files, not from a CDN; no ReDoc
        docs_url=None,
        redoc_url=None,
    )
    app.state.metrics = Metrics()
    register_error_handlers(app)
    app.add_middleware(MeasureRequests, metrics=app.state.metrics)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type"],
    )
    app.add_middleware(LimitBody, settings=settings)

    app.include_router(health.router)
    app.include_router(recommendations.router, prefix="/v1")
    app.include_router(cities.router, prefix="/v1")
    app.include_router(cooperations.router, prefix="/v1")
    app.include_router(catalogue.router, prefix="/v1")
    app.include_router(feedback.router, prefix="/v1")
    app.include_router(models_admin.router, prefix="/v1")
    app.include_router(plans.router, prefix="/v1")
    app.include_router(partnerships.router, prefix="/v1")
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    app.mount(pages.SWAGGER_UI_PATH, StaticFiles(directory=pages.SWAGGER_UI_DIR), name="swagger-ui")
    return app
