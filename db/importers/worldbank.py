"""World Bank country classification: region, income group (with history) and EU membership."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.orm import Session

from db.importers.common import ImportFileError, ImportReport, apply_values, ensure_countries
from db.places.countries import INCOME_GROUPS

ECONOMIES = "worldbank_class_economies.csv"
COMPOSITIONS = "worldbank_class_group_compositions.csv"
HISTORY = "worldbank_income_group_history.csv"

INCOME_CODES = {
    "Low income": "L",
    "Lower middle income": "LM",
    "Upper middle income": "UM",
    "High income": "H",
}


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise ImportFileError(path, None, "file not found")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFileError(path, 1, f"header lacks column(s) {missing}; expected {list(required)}")
        rows = []
        for row in reader:
            if None in row or any(row.get(c) is None for c in required):
                raise ImportFileError(
                    path, reader.line_num, "wrong number of fields (truncated or malformed row)"
                )
            rows.append((reader.line_num, row))
    return rows


def import_worldbank(session: Session, directory: Path) -> ImportReport:
    economies = _rows(
        directory / ECONOMIES, ("Economy", "Code", "Region", "Income group", "Lending category")
    )
    groups = _rows(directory / COMPOSITIONS, ("WB_Group_Code", "WB_Country_Code"))
    history = _rows(directory / HISTORY, ("iso3", "fiscal_year", "income_group"))
    report = ImportReport(
        source="worldbank", files=[str(directory / f) for f in (ECONOMIES, COMPOSITIONS, HISTORY)]
    )

    countries = ensure_countries(session)
    by_iso3 = {c.iso3: c for c in countries.values() if c.iso3}
    eu = {row["WB_Country_Code"] for _, row in groups if row["WB_Group_Code"] == "EUU"}
    if not eu:
        raise ImportFileError(directory / COMPOSITIONS, None, "no EUU (European Union) group rows found")

    incomes: dict[str, dict[str, str]] = {}
    for line, row in history:
        # a trailing '*' marks a classification the World Bank later revised; the letter still holds
        code = row["income_group"].strip().rstrip("*")
        if code not in {*INCOME_GROUPS, "..", ""}:
            raise ImportFileError(
                directory / HISTORY, line, f"income_group {code!r} not in L, LM, UM, H or '..'"
            )
        if code in INCOME_GROUPS:
            incomes.setdefault(row["iso3"], {})[row["fiscal_year"]] = code

    for line, row in economies:
        iso3 = row["Code"].strip()
        country = by_iso3.get(iso3)
        if country is None:
            continue  # aggregates and economies GeoNames does not list (e.g. Channel Islands)
        income = row["Income group"].strip()
        if income and income not in INCOME_CODES:
            raise ImportFileError(directory / ECONOMIES, line, f"unknown income group {income!r}")
        values = {
            "wb_region": row["Region"].strip() or None,
            "income_group": INCOME_CODES.get(income),
            "lending_category": row["Lending category"].strip() or None,
            "eu_member": iso3 in eu,
            "income_history": incomes.get(iso3) or None,
        }
        report.count("countries", "updated" if apply_values(country, values) else "unchanged")
    return report
