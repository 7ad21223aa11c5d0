"""Strict CSV reading shared by the public-data importers: a bad row names its line."""

from __future__ import annotations

import csv
from pathlib import Path

from db.importers.common import ImportFileError


def read_rows(
    path: Path, required: tuple[str, ...], *, delimiter: str = ","
) -> list[tuple[int, dict[str, str]]]:
    """All rows as (line number, row); raises ImportFileError on a missing column or a malformed row."""
    if not path.is_file():
        raise ImportFileError(path, None, "file not found; check PARTNERMATCH_DATA_DIR or the path given")
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=delimiter)
            fields = reader.fieldnames or []
            missing = [c for c in required if c not in fields]
            if missing:
                raise ImportFileError(
                    path, 1, f"header lacks column(s) {missing}; expected at least {list(required)}"
                )
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise ImportFileError(
                        path,
                        reader.line_num,
                        f"expected {len(fields)} fields separated by {delimiter!r}, "
                        "found a different number (truncated or malformed row)",
                    )
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise ImportFileError(path, None, f"malformed CSV: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(path, None, f"not UTF-8 text: {exc}") from exc
    if not rows:
        raise ImportFileError(path, None, "no data rows")
    return rows


def parse_float(path: Path, line: int, column: str, text: str) -> float | None:
    """Floats with a decimal point or comma; empty → None."""
    text = text.strip()
    if not text or text.upper() in {"NA", "NAN", "NULL"}:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError as exc:
        raise ImportFileError(path, line, f"column {column}: {text!r} is not a number") from exc


def parse_year(path: Path, line: int, column: str, text: str) -> int | None:
    value = parse_float(path, line, column, text)
    if value is None:
        return None
    if not 1800 <= value <= 2100:
        raise ImportFileError(path, line, f"column {column}: {text!r} is not a year between 1800 and 2100")
    return int(value)
