"""Liveness, readiness and Prometheus metrics through HTTP."""

from __future__ import annotations

from tests.service.helpers import Api


def test_health_readiness_and_metrics(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    ready = api.client.get("/readyz")
    assert ready.json()["checks"]["database"] == "ok"
    model = ready.json()["checks"]["model"]
    assert ready.status_code == (503 if model == "none promoted" else 200)

    assert api.client.get("/v1/sectors").status_code == 200
    assert api.client.get("/v1/cities/999999999").status_code == 404
    assert api.client.post("/v1/feedback", content=b"x" * 2_000_000).status_code == 413
    metrics = api.client.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    body = metrics.text
    # counted by route template (within the version prefix) and status, timed by route
    assert 'partnermatch_requests_total{method="GET",route="/sectors",status="200"}' in body
    assert 'partnermatch_requests_total{method="GET",route="/cities/{city_id}",status="404"}' in body
    assert 'partnermatch_request_seconds_count{method="GET",route="/sectors"}' in body
    assert 'partnermatch_request_seconds_bucket{le="0.005",method="GET",route="/sectors"}' in body
    # an oversized body is refused before routing: it is not counted as a route
    assert 'route="/feedback",status="413"' not in body
    if model != "none promoted":
        assert f'partnermatch_model_info{{version="{model}"}} 1.0' in body
    else:
        assert "partnermatch_model_info{" not in body
