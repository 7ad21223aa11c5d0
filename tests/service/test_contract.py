"""The API against its own OpenAPI schema: every operation, every schemathesis check, through the
examples, fuzzing and stateful phases (scenarios over the links between operations) with no key and
with read, write and admin keys, and through the coverage phase (boundary values, unexpected
methods: most of the cases) with the admin key, whose scopes reach every handler.

The app runs on a copy of the package's SQLite store (so fuzzed writes reach no other test), with
the promoted model of that store or a small one trained here. The configuration and the one
declared exception are in ``tests/service/contract.py``; ``benchmarks/contract_deep.py`` runs the
same with more examples.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.types import ASGIApp

from db.session import make_engine, make_session_factory
from models import registry
from tests.helpers import train_small_model
from tests.service import contract
from tests.service.helpers import Api

EXAMPLES = 10
STATEFUL_STEPS = 6


@pytest.fixture(scope="module")
def contract_app(api: Api, api_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ASGIApp]:
    if not api_url.startswith("sqlite"):
        pytest.skip("the contract is fuzzed on the SQLite store (the schema and handlers are the same)")
    url = contract.copy_sqlite(api_url, tmp_path_factory.mktemp("contract") / "contract.db")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        served = registry.promoted(session)
    if served is None:
        train_small_model(factory)
    settings = api.settings.model_copy(update={"database_url": url})
    with contract.started(contract.contract_app(settings)) as app:
        yield app
    engine.dispose()


@pytest.mark.parametrize("key", contract.KEYS)
def test_contract(contract_app: ASGIApp, api: Api, key: str) -> None:
    token = None if key == "none" else api.keys[key]
    report = contract.run(
        contract_app,
        key=key,
        token=token,
        max_examples=EXAMPLES,
        max_steps=STATEFUL_STEPS,
        coverage=key == "admin",
    )
    print(f"contract [{key}]: {report.cases} cases {report.cases_by_phase} in {report.seconds} s")
    assert report.cases > 0
    assert not report.errors, "\n".join(report.errors)
    assert not report.failures, "\n\n".join(report.failures)
