"""The API contract fuzzed deeper than the suite does: schemathesis on the ASGI app, many examples.

The same configuration, checks and declared rejections as ``tests/service/test_contract.py``
(``tests/service/contract.py``), with more examples per operation (``--examples``, default 150)
and every phase for every key, with no key and with a read, a write and an admin key
(``--keys`` picks some). The store is the curated set in a fresh SQLite file with a small trained model (or
``--store PATH``: built there on the first run, copied from on later ones). Writes cases
generated, failures by check and the failures themselves to benchmarks/results/contract_deep.json
(or ``--output``); exits 1 when anything failed. Takes several minutes on a 2-core machine per key
(the stateful phase is most of it).

    .venv/bin/python benchmarks/contract_deep.py
    .venv/bin/python benchmarks/contract_deep.py --examples 50 --keys none admin --store var/contract.db
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

OUT = REPO / "benchmarks" / "results" / "contract_deep.json"


def build_store(path: Path) -> dict[str, str]:
    """The curated set, one key per scope and a small promoted model, in a new SQLite file."""
    from db.importers.runner import import_dataset
    from db.migrate import upgrade
    from db.session import make_engine, make_session_factory
    from service.auth import create_api_key
    from tests.conftest import CURATED
    from tests.helpers import train_small_model

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    factory = make_session_factory(engine)
    import_dataset(factory, "curated", curated_dir=CURATED, data_dir=None)
    with factory.begin() as session:
        keys = {
            scope: create_api_key(session, name=f"contract-{scope}", scopes=[scope])
            for scope in ("read", "write", "admin")
        }
    train_small_model(factory)
    engine.dispose()
    path.with_suffix(".keys.json").write_text(json.dumps(keys))
    return keys


def main() -> int:
    from service.config import Settings
    from tests.service import contract

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=150, help="examples per operation and phase")
    ap.add_argument("--steps", type=int, default=8, help="most steps of a stateful scenario")
    ap.add_argument("--keys", nargs="+", default=list(contract.KEYS), choices=contract.KEYS)
    ap.add_argument("--store", type=Path, help="SQLite store to build once and copy from")
    ap.add_argument("--output", type=Path, default=OUT)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="contract-deep-"))
    source = args.store or work / "source.db"
    started = time.perf_counter()
    if source.exists():
        keys = json.loads(source.with_suffix(".keys.json").read_text())
    else:
        source.parent.mkdir(parents=True, exist_ok=True)
        keys = build_store(source)
    setup_seconds = time.perf_counter() - started

    reports: list[dict] = []

    def write() -> dict:
        result = {
            "schemathesis": __import__("schemathesis").__version__,
            "examples_per_operation": args.examples,
            "stateful_max_steps": args.steps,
            "seed": 30,
            "setup_seconds": round(setup_seconds, 1),
            "keys": [r["key"] for r in reports],
            "cases": sum(r["cases"] for r in reports),
            "failures": sum(len(r["failures"]) for r in reports),
            "errors": sum(len(r["errors"]) for r in reports),
            "failures_by_check": {
                name: sum(r["failures_by_check"].get(name, 0) for r in reports)
                for name in sorted({n for r in reports for n in r["failures_by_check"]})
            },
            "expected_rejections": sorted(map(list, contract.EXPECTED_REJECTIONS)),
            "runs": reports,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
        return result

    for key in args.keys:
        # a fresh copy per key: each run starts from the same store
        url = contract.copy_sqlite(f"sqlite:///{source}", work / f"{key}.db")
        settings = Settings(database_url=url, data_dir=None, model_dir=work / "artifacts")
        token = None if key == "none" else keys[key]
        with contract.started(contract.contract_app(settings)) as app:
            report = contract.run(app, key=key, token=token, max_examples=args.examples, max_steps=args.steps)
        print(
            f"[{key}] {report.cases} cases {report.cases_by_phase}, "
            f"failures {report.failures_by_check or 0}, errors {len(report.errors)}, {report.seconds} s",
            flush=True,
        )
        reports.append(report.as_dict())
        result = write()  # after each key, so a long run keeps what it has

    print(json.dumps({k: v for k, v in result.items() if k not in ("runs", "expected_rejections")}, indent=2))
    return 1 if result["failures"] or result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
