"""The API contract, fuzzed from its own OpenAPI schema with schemathesis.

Shared by the suite's contract tests (``tests/service/test_contract.py``) and the deeper run of
``benchmarks/contract_deep.py``: the configuration, the keys each run sends, the app on a copy of
a store, and the one declared exception to the built-in checks (:data:`EXPECTED_REJECTIONS`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from service.app import create_app
from service.config import Settings

# Every phase (examples, coverage, fuzzing, stateful) and every built-in check at its defaults,
# with two exceptions. positive_data_acceptance is replaced by valid_data_accepted below, which
# runs it and lets through only EXPECTED_REJECTIONS. negative_data_rejection's statuses gain 413:
# a schema-violating body the fuzzer made larger than the body limit is refused before anything
# reads it (schemathesis's default list names 400, 401, 403-406, 409, 415, 422, 428, 429, 5xx).
# `deterministic` derandomizes Hypothesis (fixed seed), so a run repeats case for case.
CONFIG_TOML = """
seed = 30
suppress-health-check = ["too_slow", "filter_too_much", "data_too_large"]
headers = {headers}

[generation]
max-examples = {max_examples}
mode = "all"
deterministic = true
database = "none"

[checks]
enabled = true
positive_data_acceptance.enabled = false

[checks.negative_data_rejection]
expected-statuses = [
    "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx",
]

[phases.coverage]
enabled = {coverage}

[phases.stateful]
enabled = true
max-steps = {max_steps}
"""


def _for_each(operations: tuple[str, ...], reasons: dict[str, str]) -> dict[tuple[str, str], str]:
    """The same ``{field: why}`` declared for every one of ``operations``."""
    return {(operation, field): why for operation in operations for field, why in reasons.items()}


# Codes that pass the schema's pattern but name nothing in the store: a 422 whose details name
# only these fields (list positions such as `sectors[2]` or `[0].sectors` count as `sectors`) is
# accepted from a schema-valid request. Each entry is (operation, field): why. Every other
# rejection of valid data still fails the run.
UNKNOWN_CODES: dict[tuple[str, str], str] = {
    ("GET /v1/cities", "country"): "an ISO2-shaped code that is no country",
    ("GET /v1/funding-schemes", "country"): "an ISO2-shaped code that is no country",
    ("GET /v1/funding-schemes", "sector"): "no such sector id",
    ("GET /v1/cooperations", "sector"): "no such sector id",
    ("GET /v1/cooperations", "scheme"): "no such funding scheme id",
    ("POST /v1/cities", "country"): "an ISO2-shaped code that is no country",
    ("PUT /v1/cities/{city_id}/profile", "sectors"): "no such sector id",
    ("PUT /v1/cities/{city_id}/profile", "desired_countries"): "an ISO2-shaped code that is no country",
    ("PUT /v1/cities/{city_id}/profile", "desired_regions"): "no such region code (regions.json)",
    ("POST /v1/cooperations", "sectors"): "no such sector id",
    ("POST /v1/cooperations", "funding_scheme_ids"): "no such funding scheme id",
    ("POST /v1/recommendations", "city.country"): "an ISO2-shaped code that is no country",
    ("POST /v1/recommendations", "desired_countries"): "an ISO2-shaped code that is no country",
    ("POST /v1/recommendations", "sectors"): "no such sector id",
    ("POST /v1/recommendations", "desired_regions"): "no such region code (regions.json)",
    ("POST /v1/plans/readiness", "sectors"): "no such sector id",
    ("POST /v1/plans/draft", "sectors"): "no such sector id",
    ("POST /v1/plans", "sectors"): "no such sector id",
    ("GET /v1/partnerships/rollout", "sector"): "no such sector id",
    # not unknown but ambiguous in the store: the answer lists the candidates to pick by id
    ("POST /v1/recommendations", "city.name"): "a name several store cities of that country bear, "
    "given without coordinates",
    **_for_each(
        ("PUT /v1/funding-schemes/{scheme_id}", "POST /v1/funding-schemes/import"),
        {
            "sectors": "no such sector id",
            "funder_countries": "no such country",
            "eligibility.applicant_countries": "neither a country nor a region code",
            "eligibility.partner_countries": "neither a country nor a region code",
            "eligibility.jcm_partner_countries": "no such country",
        },
    ),
}

# Rules across fields that OpenAPI 3.1 cannot state (it has no keyword relating two values).
# Not store codes: listed apart so that each one can be argued with.
CROSS_FIELD_RULES: dict[tuple[str, str], str] = {
    ("POST /v1/recommendations", "needs"): "a city the store does not hold, with neither needs nor sectors",
    ("GET /v1/cooperations", "cursor"): "a cursor with an offset, or a cursor this API never issued",
    ("GET /v1/cooperations", "year_to"): "year_to before year_from",
    ("POST /v1/cooperations", "end_year"): "end_year before start_year",
    ("POST /v1/recommendations", "city.latitude"): "a new city without coordinates, in a country the model "
    "holds no city of (found by benchmarks/contract_deep.py: it was a 500)",
    **_for_each(
        (
            "POST /v1/plans/readiness",
            "POST /v1/plans/draft",
            "POST /v1/plans",
            "GET /v1/partnerships/next-steps",
            "GET /v1/partnerships/rollout",
        ),
        {"partner_city_id": "the same city as city_id"},
    ),
    **_for_each(
        ("POST /v1/plans", "PUT /v1/plans/{plan_id}"), {"content.sections": "a section id given twice"}
    ),
}

EXPECTED_REJECTIONS: frozenset[tuple[str, str]] = frozenset(UNKNOWN_CODES) | frozenset(CROSS_FIELD_RULES)

KEYS = ("none", "read", "write", "admin")


def _field(name: str) -> str:
    return re.sub(r"\[\d+\]", "", name).removeprefix(".")


def declared_rejection(operation: str, status: int, body: Any) -> bool:
    """Whether a 422 answer names only fields declared for ``operation`` in EXPECTED_REJECTIONS."""
    if status != 422 or not isinstance(body, Mapping):
        return False
    fields = {_field(str(d.get("field"))) for d in body.get("details") or [] if isinstance(d, Mapping)}
    return bool(fields) and all((operation, f) in EXPECTED_REJECTIONS for f in fields)


@schemathesis.check
def valid_data_accepted(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Any) -> None:
    """The built-in ``positive_data_acceptance``, except for the declared rejections."""
    try:
        positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData as failure:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not declared_rejection(case.operation.label, response.status_code, body):
            failure.message += f"\nAnswer: {response.text[:500]}"
            raise


def _refuse_training(session: Session, **_: Any) -> Any:
    # retraining is exercised up to its job (queued, then failed): a real fit takes minutes
    raise RuntimeError("the contract tests do not train")


def copy_sqlite(src_url: str, dst: Path) -> str:
    """A consistent copy of a SQLite store (the backup API, safe while it is open)."""
    src_path = src_url.removeprefix("sqlite:///")
    with sqlite3.connect(src_path) as src, sqlite3.connect(dst) as out:
        src.backup(out)
    return f"sqlite:///{dst}"


def contract_app(settings: Settings) -> FastAPI:
    """The app as served, on ``settings``; the feedback limit is raised so fuzzing reaches the handler."""
    app = create_app(settings.model_copy(update={"feedback_rate_limit_per_minute": 1_000_000}))
    app.state.train_fn = _refuse_training
    return app


@contextmanager
def started(app: FastAPI) -> Iterator[ASGIApp]:
    """``app`` with its lifespan run once here (model and catalogue index loaded once for every run),
    as an ASGI app whose own lifespan events do nothing."""
    with TestClient(app):

        async def without_lifespan(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "lifespan":
                while True:
                    message = await receive()
                    kind = message["type"].removeprefix("lifespan.")
                    await send({"type": f"lifespan.{kind}.complete"})
                    if kind == "shutdown":
                        return
            await app(scope, receive, send)

        yield without_lifespan


def load_schema(
    app: ASGIApp, *, token: str | None, max_examples: int, max_steps: int, coverage: bool = True
) -> Any:
    headers = "{}" if token is None else f'{{ Authorization = "Bearer {token}" }}'
    config = schemathesis.Config.from_str(
        CONFIG_TOML.format(
            headers=headers, max_examples=max_examples, max_steps=max_steps, coverage=str(coverage).lower()
        )
    )
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


@dataclass
class Report:
    """What one run generated and what failed, by check."""

    key: str
    cases: int = 0
    cases_by_phase: dict[str, int] = field(default_factory=dict)
    seconds_by_operation: dict[str, float] = field(default_factory=dict)
    failures_by_check: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run(
    app: ASGIApp, *, key: str, token: str | None, max_examples: int, max_steps: int, coverage: bool = True
) -> Report:
    """Every operation through every phase with ``token`` (None: no key); failures deduplicated.

    ``coverage=False`` leaves out the coverage phase (boundary values and unexpected methods, by far
    the most cases), which the suite runs with the admin key only."""
    from schemathesis.engine import Status, events, from_schema

    schema = load_schema(app, token=token, max_examples=max_examples, max_steps=max_steps, coverage=coverage)
    report = Report(key=key)
    seen: set[tuple[str, str, str]] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            phase = event.phase.value
            report.cases += len(event.recorder.cases)
            report.cases_by_phase[phase] = report.cases_by_phase.get(phase, 0) + len(event.recorder.cases)
            label = event.recorder.label
            report.seconds_by_operation[label] = round(
                report.seconds_by_operation.get(label, 0.0) + event.elapsed_time, 2
            )
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status != Status.FAILURE or check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    ident = (check.name, failure.operation, failure.title)
                    if ident in seen:
                        continue
                    seen.add(ident)
                    report.failures_by_check[check.name] = report.failures_by_check.get(check.name, 0) + 1
                    report.failures.append(
                        f"[{key}] {check.name} on {failure.operation}: {failure.title}: "
                        f"{failure.message}\n{check.failure_info.code_sample}"
                    )
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"[{key}] {event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            report.errors.append(f"[{key}] fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            report.seconds = round(event.running_time, 1)
    return report
