"""Moving a store between databases: every table into one versioned bundle file, and back.

A bundle is a zip file:

* ``manifest.json``: ``{"format": 1, "application": "partnermatch", "schema_revision": <alembic
  revision>, "source_dialect": "sqlite" | "postgresql", "created_at": <ISO time>, "tables":
  {<name>: {"rows": <count>, "columns": [<names>]}}}``;
* ``tables/<name>.jsonl``: one JSON array a row, values in the manifest's column order, rows in
  primary-key order. Times are ISO 8601 in UTC, binary values (model artifacts, embeddings)
  base64, JSON columns as they are.

Every table of ``db.tables`` goes in with its ids: what imports created, what users created
(profiles, cooperations, schemes, feedback, API keys) and the model registry with its artifacts.
A restore goes into an empty store migrated to the same schema revision, in one transaction:
it lands whole or not at all. ``format`` rises when the layout changes; a reader refuses a
format it does not know.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import logging
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, Table, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.types import DateTime, LargeBinary

from db.errors import Conflict, InvalidInput
from db.tables import Base

BUNDLE_FORMAT = 1
MANIFEST = "manifest.json"
BATCH = 1000

logger = logging.getLogger(__name__)
Progress = Callable[[str, int], None]  # (table, rows so far)


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)  # parents before the tables that point at them


def _revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _as_time(value: dt.datetime) -> str:
    # SQLite hands back naive times; every time is stored in UTC
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat()


def _same(value: Any) -> Any:
    return value


# (to the bundle, from the bundle) for the column types JSON cannot hold as they are
_CODECS: dict[type, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    DateTime: (_as_time, dt.datetime.fromisoformat),
    LargeBinary: (lambda v: base64.b64encode(v).decode("ascii"), base64.b64decode),
}


def _codec(column_type: Any, direction: int) -> Callable[[Any], Any]:
    """How a column's values go into (0) or come out of (1) the bundle; None stays None."""
    found = (pair[direction] for kind, pair in _CODECS.items() if isinstance(column_type, kind))
    convert = next(found, _same)
    return lambda value: None if value is None else convert(value)


def _encoders(table: Table) -> list[Callable[[Any], Any]]:
    return [_codec(c.type, 0) for c in table.columns]


def _decoders(table: Table, columns: list[str]) -> list[Callable[[Any], Any]]:
    return [_codec(table.columns[name].type, 1) for name in columns]


def dump_store(engine: Engine, target: Path, *, progress: Progress | None = None) -> dict[str, Any]:
    """Write every table of the store at ``engine`` to the bundle ``target``; its manifest."""
    manifest: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "application": "partnermatch",
        "source_dialect": engine.dialect.name,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "tables": {},
    }
    partial = target.with_name(target.name + ".partial")
    # one transaction: a consistent snapshot of the whole store (REPEATABLE READ on PostgreSQL)
    with engine.connect() as conn, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        else:
            # pysqlite opens a transaction only before a write: without this, each table's
            # SELECT would see the store as it was at that moment, not all of them at one
            conn.exec_driver_sql("BEGIN")
        manifest["schema_revision"] = _revision(conn)
        for table in _tables():
            encode = _encoders(table)
            rows = 0
            member = bundle.open(f"tables/{table.name}.jsonl", "w", force_zip64=True)
            with member as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
                stmt = select(table).order_by(*table.primary_key.columns)
                for row in conn.execution_options(yield_per=BATCH).execute(stmt):
                    values = [f(v) for f, v in zip(encode, row, strict=True)]
                    out.write(json.dumps(values, ensure_ascii=False) + "\n")
                    rows += 1
                    if progress and rows % (10 * BATCH) == 0:
                        progress(table.name, rows)
            manifest["tables"][table.name] = {"rows": rows, "columns": [c.name for c in table.columns]}
            if progress:
                progress(table.name, rows)
        bundle.writestr(MANIFEST, json.dumps(manifest, indent=1))
    partial.replace(target)  # a half-written bundle never has the name asked for
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    """The manifest of a bundle, checked: a format this version reads, and every table it names."""
    try:
        with zipfile.ZipFile(source) as bundle:
            manifest = json.loads(bundle.read(MANIFEST))
            names = set(bundle.namelist())
    except (OSError, zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{source}: not a partnermatch bundle ({exc})") from exc
    if manifest.get("application") != "partnermatch" or manifest.get("format") != BUNDLE_FORMAT:
        raise InvalidInput(
            f"{source}: bundle format {manifest.get('format')!r} of {manifest.get('application')!r}; "
            f"this version reads partnermatch bundles of format {BUNDLE_FORMAT}"
        )
    if not isinstance(manifest.get("tables"), dict) or not manifest.get("schema_revision"):
        raise InvalidInput(f"{source}: the manifest lacks its tables or its schema revision")
    known = {t.name for t in _tables()}
    missing = sorted(t for t in known if f"tables/{t}.jsonl" not in names or t not in manifest["tables"])
    if missing:
        raise InvalidInput(f"{source}: the bundle lacks the tables {missing}")
    return manifest


def _rows(bundle: zipfile.ZipFile, table: Table, columns: list[str]) -> Iterator[dict[str, Any]]:
    decode = _decoders(table, columns)
    with bundle.open(f"tables/{table.name}.jsonl") as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            values = json.loads(line)
            yield {c: f(v) for c, f, v in zip(columns, decode, values, strict=True)}


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that points at itself (a sector's parent), each after the row it names."""
    refs = [fk for fk in table.foreign_keys if fk.column.table is table]
    if not refs:
        return rows
    key, parent = refs[0].column.name, refs[0].parent.name
    placed: set[Any] = set()
    ordered: list[dict[str, Any]] = []
    waiting = rows
    while waiting:
        ready = [r[parent] is None or r[parent] in placed for r in waiting]
        if not any(ready):
            raise InvalidInput(f"table {table.name}: {parent} values point at rows the bundle lacks")
        ordered += [r for r, ok in zip(waiting, ready, strict=True) if ok]
        placed |= {r[key] for r, ok in zip(waiting, ready, strict=True) if ok}
        waiting = [r for r, ok in zip(waiting, ready, strict=True) if not ok]
    return ordered


def restore_store(engine: Engine, source: Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Copy a bundle into the empty store at ``engine`` (migrated to the bundle's revision), ids kept.

    Refuses a store that holds any row, or another schema revision. Rows per table.
    """
    manifest = read_manifest(source)
    counts: dict[str, int] = {}
    with engine.begin() as conn, zipfile.ZipFile(source) as bundle:
        revision = _revision(conn)
        if revision != manifest["schema_revision"]:
            raise Conflict(
                f"the bundle has schema revision {manifest['schema_revision']}, this store {revision}; "
                "restore into a store of the same partnermatch version (migrate one of them first)"
            )
        filled = [t.name for t in _tables() if conn.scalar(select(func.count()).select_from(t))]
        if filled:
            raise Conflict(
                f"the store is not empty (rows in {', '.join(filled)}); restore only into a new, "
                "empty database, so that nothing there is overwritten or mixed"
            )
        for table in _tables():
            columns = manifest["tables"][table.name]["columns"]
            unknown = set(columns) - set(table.columns.keys())
            if unknown:
                raise InvalidInput(f"{source}: table {table.name} has unknown columns {sorted(unknown)}")
            rows = _rows(bundle, table, columns)
            if any(fk.column.table is table for fk in table.foreign_keys):
                rows = iter(_parents_first(table, list(rows)))
            done = 0
            while batch := [row for _, row in zip(range(BATCH), rows, strict=False)]:
                conn.execute(insert(table), batch)
                done += len(batch)
                if progress and done % (10 * BATCH) == 0:
                    progress(table.name, done)
            if done != manifest["tables"][table.name]["rows"]:
                raise InvalidInput(
                    f"{source}: table {table.name} has {done} rows, its manifest says "
                    f"{manifest['tables'][table.name]['rows']}; the bundle is damaged"
                )
            counts[table.name] = done
            if progress:
                progress(table.name, done)
        if engine.dialect.name == "postgresql":
            _advance_sequences(conn)
    return counts


def _advance_sequences(conn: Connection) -> None:
    """New rows after a restore with explicit ids get ids past the restored ones."""
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and len(table.primary_key.columns) == 1
                and column.type.python_type is int
            ):  # fmt: skip
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE(MAX({column.name}), 1), MAX({column.name}) IS NOT NULL) FROM {table.name}"
                    )
                )
