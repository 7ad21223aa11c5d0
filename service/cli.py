"""The ``partnermatch`` command line."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from db.errors import PartnermatchError
from db.migrate import upgrade
from db.session import make_engine, make_session_factory, session_scope
from service.config import get_settings
from service.logs import configure_logging, log_fields
from service.progress import show_progress

app = typer.Typer(
    help="partnermatch: partner cities, sectors and funding schemes for city-to-city cooperation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
logger = logging.getLogger("partnermatch.cli")
T = TypeVar("T")


def _factory():  # type: ignore[no-untyped-def]
    settings = get_settings()
    configure_logging(settings.log_level)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return make_session_factory(engine)


def _on_store(factory: sessionmaker[Session], task: Callable[..., T], **kwargs: Any) -> T:
    """``task(session, embedding_model=..., **kwargs)`` (training, evaluation) in one unit of work
    with progress shown, given the configured embedding model. What it writes is committed: a
    model version, and the embeddings computed on the way, cached for the next run."""
    with show_progress(), session_scope(factory) as session:
        return task(session, embedding_model=get_settings().embedding_model, **kwargs)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@app.command("migrate")
def migrate_cmd() -> None:
    """Create or upgrade the database schema."""
    _factory()
    typer.echo("schema is up to date")


@app.command("dump")
def dump_cmd(
    output: Annotated[Path, typer.Option("--output", help="Bundle to write (a zip, see db/portability.py)")],
) -> None:
    """Copy every table of the store (PARTNERMATCH_DATABASE_URL) into one bundle file, ids kept."""
    import time

    from db.portability import dump_store

    engine = _factory().kw["bind"]
    started = time.perf_counter()
    manifest = dump_store(engine, output, progress=_table_progress("dumped"))
    rows = sum(t["rows"] for t in manifest["tables"].values())
    typer.echo(f"dumped {rows} rows of {len(manifest['tables'])} tables to {output} "
               f"in {time.perf_counter() - started:.1f} s")  # fmt: skip


@app.command("restore")
def restore_cmd(
    source: Annotated[Path, typer.Argument(help="Bundle written by `partnermatch dump`")],
) -> None:
    """Copy a bundle into the store (PARTNERMATCH_DATABASE_URL), which must be empty; all or nothing."""
    import time

    from db.portability import restore_store

    engine = _factory().kw["bind"]
    started = time.perf_counter()
    try:
        counts = restore_store(engine, source, progress=_table_progress("restored"))
    except (PartnermatchError, DBAPIError, ValueError) as exc:
        # a damaged bundle: rows that break a constraint or do not fit their columns
        _fail(f"restore failed, nothing was written: {str(exc).splitlines()[0]}")
        return
    typer.echo(f"restored {sum(counts.values())} rows of {len(counts)} tables from {source} "
               f"in {time.perf_counter() - started:.1f} s")  # fmt: skip


def _table_progress(verb: str):  # type: ignore[no-untyped-def]
    def report(table: str, rows: int) -> None:
        log_fields(logger, logging.INFO, f"{verb} {table}", table=table, rows=rows)

    return report


@app.command("import")
def import_cmd(
    dataset: Annotated[
        str, typer.Argument(help="all | curated | worldbank | twins | urbact | interreg")
    ] = "all",
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files to read instead of the data directory")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Public data directory (default PARTNERMATCH_DATA_DIR)")
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write the import report as JSON here")] = None,
) -> None:
    """Import the curated set and public datasets (idempotent; a bad file writes nothing)."""
    from db.importers.common import ImportFileError
    from db.importers.runner import DATASETS, import_all, import_dataset

    settings = get_settings()
    factory = _factory()
    directory = data_dir or settings.data_dir
    if dataset != "all" and dataset not in DATASETS:
        _fail(f"unknown dataset {dataset!r}; choose all or one of {', '.join(DATASETS)}")
    try:
        with show_progress():
            if dataset == "all":
                reports = import_all(factory, curated_dir=settings.curated_dir, data_dir=directory)
            else:
                reports = [
                    import_dataset(
                        factory,
                        dataset,
                        curated_dir=settings.curated_dir,
                        data_dir=directory,
                        paths=list(paths or []),
                    )
                ]
    except ImportFileError as exc:
        _fail(f"import failed, nothing was written: {exc}")
        return
    payload = [r.to_dict() for r in reports]
    for r in payload:
        tables = ", ".join(
            f"{t}: +{c['inserted']} ~{c['updated']} ={c['unchanged']}" for t, c in r["tables"].items()
        )
        typer.echo(f"{r['source']}: {tables}")
        if r["resolution"]:
            typer.echo(f"  resolution: {json.dumps(r['resolution'])}")
        for u in r["unresolved_top"][:10]:
            typer.echo(f"  unresolved: {u['name']} ({u['country']}) ×{u['count']} [{u['status']}]")
    if report:
        report.write_text(json.dumps(payload, indent=2))


@app.command("import-schemes")
def import_schemes_cmd(
    file: Annotated[Path, typer.Argument(help="JSON or YAML (.yaml/.yml) list of funding-scheme records")],
) -> None:
    """Add or replace funding schemes from a file, validated like the admin API; all or nothing."""
    from models.advice.scheme_import import import_schemes, read_scheme_file

    settings = get_settings()
    if not file.is_file():
        _fail(f"{file} not found")
    try:
        records = read_scheme_file(file)
        with session_scope(_factory()) as session:
            result = import_schemes(
                session,
                records=records,
                source_name=file.name,
                source="file",
                curated_dir=settings.curated_dir,
            )
    except ValueError as exc:
        _fail(f"import failed, nothing was written:\n{exc}")
        return
    typer.echo(f"funding schemes: {len(result.inserted)} added, {len(result.updated)} replaced")


@app.command("train")
def train_cmd(
    promote: Annotated[bool, typer.Option(help="Promote the new version after training")] = False,
    if_none_promoted: Annotated[
        bool, typer.Option(help="Do nothing when a version is already promoted")
    ] = False,
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
    evaluate: Annotated[bool, typer.Option(help="Evaluate on held-out splits and store the metrics")] = False,
) -> None:
    """Train a ranker on the store and register it as a new model version."""
    from models import registry
    from models.train import train_and_register

    factory = _factory()
    if if_none_promoted:
        with factory() as session:
            current = registry.promoted(session)
            # a model an earlier version of partnermatch promoted may not load in this one
            error = (
                registry.load_error(session, current.version, get_settings().model_dir) if current else None
            )
        if current is not None and error is None:
            typer.echo(f"model {current.version} is already promoted; nothing to do")
            return
        if current is not None:
            typer.echo(
                f"model {current.version} is promoted but cannot be served ({error}); training a new one"
            )
    row = _on_store(factory, train_and_register, seed=seed, evaluate=evaluate, promote=promote)
    typer.echo(f"registered model {row.version} ({row.status}); data hash {row.data_hash[:12]}")


@app.command("evaluate")
def evaluate_cmd(
    output: Annotated[Path | None, typer.Option(help="Write the JSON report here")] = None,
    seed: Annotated[int, typer.Option(help="Random seed of splits and training")] = 0,
    queries: Annotated[int, typer.Option(help="Queries per setting (cold start uses half)")] = 1000,
    setting: Annotated[
        list[str] | None,
        typer.Option(help="leave_one_out, cold_start, themed (default: these three), needs (five fits)"),
    ] = None,
    params: Annotated[
        str, typer.Option(help='PartnerRanker parameters as JSON, e.g. {"n_estimators": 500}')
    ] = "{}",
) -> None:
    """Evaluate the ranker and the baselines on leave-one-out, cold-start and themed splits."""
    from models.evaluate import format_report
    from models.evaluate_needs import format_needs_report
    from models.ranker import PartnerRanker
    from models.train import evaluate_store

    settings = tuple(setting or ("leave_one_out", "cold_start", "themed"))
    unknown = set(settings) - {"leave_one_out", "cold_start", "themed", "needs"}
    if unknown:
        _fail(f"unknown setting(s) {sorted(unknown)}; choose leave_one_out, cold_start, themed or needs")
    try:
        overrides = json.loads(params)
    except json.JSONDecodeError as exc:
        _fail(f"--params is not valid JSON ({exc}); give an object such as '{{\"n_estimators\": 500}}'")
    if not isinstance(overrides, dict):
        _fail("--params must be a JSON object of PartnerRanker parameters")
    # the seed and the embedding model have their own settings
    allowed = set(PartnerRanker().get_params()) - {"embedder", "random_state"}
    bad = sorted(set(overrides) - allowed)
    if bad:
        _fail(f"--params: unknown parameter(s) {bad}; choose from {sorted(allowed)}")
    report = _on_store(
        _factory(), evaluate_store, seed=seed, n_queries=queries, settings=settings, params=overrides
    )
    typer.echo(format_report(report))
    if "needs" in report:
        typer.echo(format_needs_report(report["needs"]))
    if output:
        output.write_text(json.dumps(report, indent=2))


@app.command("recommend")
def recommend_cmd(
    input: Annotated[Path, typer.Option("--input", help="JSON lines, one recommendation request a line")],
    output: Annotated[Path, typer.Option("--output", help="JSON lines, one answer a line, in request order")],
) -> None:
    """Answer a file of recommendation requests with the promoted model."""
    from service.batch import run_batch

    factory = _factory()
    settings = get_settings()
    try:
        count = run_batch(factory, settings, input, output)
    except ValueError as exc:
        _fail(str(exc))
        return
    typer.echo(f"wrote {count} answers to {output}")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (2 suits a 2-core machine)")] = 1,
) -> None:
    """Serve the HTTP API (uvicorn)."""
    import uvicorn

    _factory()  # migrate once before workers start
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
    )


@app.command("create-api-key")
def create_api_key_cmd(
    name: Annotated[str, typer.Option(help="Who the key is for")],
    scopes: Annotated[str, typer.Option(help="Comma-separated: read, write, admin")] = "write",
) -> None:
    """Create an API key; it is shown once and stored hashed."""
    from service.auth import SCOPES, create_api_key

    wanted = [s.strip() for s in scopes.split(",") if s.strip()]
    bad = set(wanted) - set(SCOPES)
    if bad:
        _fail(f"unknown scope(s) {sorted(bad)}; allowed: {', '.join(SCOPES)}")
    with session_scope(_factory()) as session:
        key = create_api_key(session, name=name, scopes=wanted)
    typer.echo(key)


@app.command("api-keys")
def api_keys_cmd() -> None:
    """List the API keys: prefix, name, scopes, when created, last used and revoked."""
    from service.auth import KEY_PREFIX, list_api_keys

    with session_scope(_factory()) as session:
        for key in list_api_keys(session):
            when = {n: (getattr(key, n).isoformat(timespec="seconds") if getattr(key, n) else "-")
                    for n in ("created_at", "last_used_at", "revoked_at")}  # fmt: skip
            state = f"revoked {when['revoked_at']}" if key.revoked_at else "active"
            scopes = ",".join(key.scopes)
            typer.echo(f"{KEY_PREFIX}{key.prefix}  {key.name}  {scopes}  created {when['created_at']}  "
                       f"last used {when['last_used_at']}  {state}")  # fmt: skip


@app.command("revoke-api-key")
def revoke_api_key_cmd(
    prefix: Annotated[str, typer.Argument(help="The key's prefix as `api-keys` lists it (pm_xxxxxxxx)")],
) -> None:
    """Revoke an API key: every request with it gets 401 from then on (in every worker)."""
    from service.auth import revoke_api_key

    try:
        with session_scope(_factory()) as session:
            key = revoke_api_key(session, prefix=prefix)
    except PartnermatchError as exc:
        _fail(str(exc))
        return
    typer.echo(f"revoked the key of {key.name!r}")


@app.command("promote")
def promote_cmd(version: Annotated[str, typer.Argument(help="Version to serve")]) -> None:
    """Promote a model version (every worker picks it up within seconds)."""
    from models import registry

    try:
        with session_scope(_factory()) as session:
            registry.promote(session, version)
    except PartnermatchError as exc:
        _fail(str(exc))
    typer.echo(f"promoted {version}")


@app.command("models")
def models_cmd() -> None:
    """List model versions with their status and headline metrics."""
    from db.repositories import model_versions

    with _factory()() as session:
        for row in model_versions.list_versions(session):
            typer.echo(f"{row.version}\t{row.status}\t{json.dumps(row.metrics.get('summary', {}))}")


def main() -> None:  # pragma: no cover
    app(prog_name="partnermatch")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
