"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Database reachable and a model loaded",
    responses={503: {"description": "Not ready: the database is unreachable or no model is loaded"}},
)
def readyz(request: Request) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        with request.app.state.session_factory() as session:
            session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports, it does not raise
        checks["database"] = f"unreachable: {exc.__class__.__name__}"
    current = request.app.state.model_holder.current
    checks["model"] = current.version if current else "none promoted"
    ready = checks["database"] == "ok" and current is not None
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks}, status_code=200 if ready else 503
    )


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    holder = request.app.state.model_holder
    request.app.state.metrics.set_model(holder.current.version if holder.current else None)
    return request.app.state.metrics.render()
