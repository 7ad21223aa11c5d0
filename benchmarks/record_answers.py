"""Record the API's answers to a fixed, varied set of calls, to show a refactoring changed nothing.

    python benchmarks/record_answers.py record --output var/recordings/before.jsonl
    python benchmarks/record_answers.py compare var/recordings/before.jsonl var/recordings/after.jsonl

``record`` copies the SQLite store (default: the one ``make run`` builds, with a promoted model)
to a temporary file, so that the write calls among the recorded ones leave the store as it was,
and drives the real app in-process: 300+ recommendation requests (known cities, new cities,
needs, sectors, desired countries and regions, strict, roles, limits) and 100+ other calls
(reads, pages, writes, errors). Requests come from a seeded generator over the store's own
cities (``_recorded_calls.py``), so two runs of the same code on the same store send the same
calls; the answers are written one JSON object a line with their status and body. Times (keys
ending in ``_at``) are replaced by a placeholder. The recordings contain public data: keep them
under ``var/``.

``compare`` prints how many answers differ and the first differences, path by path.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _recorded_calls import other_calls, recommendation_requests, store_facts  # the sibling module

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("<time>" if k.endswith("_at") else _normalise(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _run(store: Path, output: Path, n_requests: int, seed: int) -> None:
    from fastapi.testclient import TestClient

    from db.session import make_engine, make_session_factory
    from service.app import create_app
    from service.auth import create_api_key
    from service.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "store.db"
        shutil.copyfile(store, copy)
        url = f"sqlite:///{copy}"
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with factory.begin() as session:
            keys = {
                s: create_api_key(session, name=f"recorder-{s}", scopes=[s])
                for s in ("read", "write", "admin")
            }
        engine.dispose()
        settings = Settings(
            database_url=url, model_dir=Path(tmp) / "artifacts", feedback_rate_limit_per_minute=1000
        )
        rng = random.Random(seed)
        with TestClient(create_app(settings)) as client, output.open("w", encoding="utf-8") as out:
            facts = store_facts(client)
            recs = recommendation_requests(facts, rng, n_requests)
            calls = [
                {"method": "POST", "path": "/v1/recommendations", "params": None, "body": b, "key": None}
                for b in recs
            ] + other_calls(facts, rng)
            for i, call in enumerate(calls):
                headers = {"Authorization": f"Bearer {keys[call['key']]}"} if call["key"] else {}
                response = client.request(
                    call["method"], call["path"], params=call["params"], json=call["body"], headers=headers
                )
                try:
                    body = response.json()
                except ValueError:
                    body = response.text
                record = {key: call[key] for key in ("method", "path", "params", "body", "key")}
                out.write(
                    json.dumps(
                        {"call": i, **record, "status": response.status_code, "answer": _normalise(body)},
                        ensure_ascii=False,
                        sort_keys=True,
                    )
                    + "\n"
                )
                if (i + 1) % 50 == 0:
                    print(f"{i + 1}/{len(calls)} calls", file=sys.stderr)
            print(
                f"recorded {len(recs)} recommendation requests and {len(calls) - len(recs)} other calls "
                f"to {output}",
                file=sys.stderr,
            )


def _diffs(a: Any, b: Any, path: str = "") -> Iterator[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            yield from _diffs(a.get(key, "<missing>"), b.get(key, "<missing>"), f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _diffs(x, y, f"{path}[{i}]")
    elif a != b:
        before, after = (json.dumps(v, ensure_ascii=False)[:200] for v in (a, b))
        yield f"{path or '.'}: {before} -> {after}"


def _compare(first: Path, second: Path, show: int) -> int:
    a = [json.loads(line) for line in first.open(encoding="utf-8")]
    b = [json.loads(line) for line in second.open(encoding="utf-8")]
    if len(a) != len(b):
        print(f"{first} has {len(a)} answers, {second} has {len(b)}")
    differing = 0
    for x, y in zip(a, b, strict=False):
        found = list(
            _diffs(
                {"status": x["status"], "answer": x["answer"]}, {"status": y["status"], "answer": y["answer"]}
            )
        )
        if found:
            differing += 1
            if differing <= show:
                request = json.dumps(x["body"], ensure_ascii=False)[:160]
                print(f"call {x['call']} {x['method']} {x['path']} {request}")
                for line in found[:8]:
                    print(f"    {line}")
    print(f"{differing} of {min(len(a), len(b))} answers differ")
    return 1 if differing or len(a) != len(b) else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument(
        "--store", type=Path, default=REPO / "var" / "partnermatch.db", help="SQLite store to copy"
    )
    rec.add_argument("--output", type=Path, required=True)
    rec.add_argument("--requests", type=int, default=320)
    rec.add_argument("--seed", type=int, default=0)
    cmp = sub.add_parser("compare")
    cmp.add_argument("first", type=Path)
    cmp.add_argument("second", type=Path)
    cmp.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    if args.command == "record":
        args.output.parent.mkdir(parents=True, exist_ok=True)
        _run(args.store, args.output, args.requests, args.seed)
        return 0
    return _compare(args.first, args.second, args.show)


if __name__ == "__main__":
    raise SystemExit(main())
