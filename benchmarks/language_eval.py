"""Needs in other languages: do they get the English answer's sectors and partners?

Asks the whole recommendation function (in-process, as benchmarks/recommend_cost.py does) the
needs texts of benchmarks/data/needs_languages.json, each in English and in other languages, for
the same city, and reports for the texts not in English:

- ``top_sector_share``: the share whose top-3 sectors contain the English answer's top sector;
- ``mean_top10_overlap``: the mean number of partners shared by the top 10 and the English top 10;

for the items (``items``, written with the vocabulary) and, separately, for those written after
data/curated/sector_terms.json was frozen (``frozen``). Runs on the store and promoted model of
``PARTNERMATCH_DATABASE_URL``. To compare with another version of the code run it with
``PYTHONPATH=/path/to/that/checkout``; it only reads fields every version answers with.

    PARTNERMATCH_DATABASE_URL=sqlite:////path/partnermatch.db python benchmarks/language_eval.py \\
        --output benchmarks/results/language_eval.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from recommend_cost import served  # the sibling script: python puts this folder on the path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "needs_languages.json"
OUT = HERE / "results" / "language_eval.json"


def summary(rows: list[dict]) -> dict:
    other = [r for r in rows if r["language"] != "en"]
    if not other:
        return {"texts": 0}
    by_language: dict[str, list[dict]] = {}
    for r in other:
        by_language.setdefault(r["language"], []).append(r)

    def stats(rs: list[dict]) -> dict:
        return {
            "texts": len(rs),
            "top_sector_share": round(float(np.mean([r["english_top_in_top3"] for r in rs])), 3),
            "top_sector_first_share": round(float(np.mean([r["same_top_sector"] for r in rs])), 3),
            "mean_top10_overlap": round(float(np.mean([r["top10_overlap"] for r in rs])), 2),
        }

    return {**stats(other), "by_language": {k: stats(v) for k, v in sorted(by_language.items())}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--output", type=Path, default=OUT)
    args = ap.parse_args()

    from sqlalchemy import or_, select

    import service
    from db.tables import City

    store = served()
    factory, loaded = store.factory, store.loaded
    doc = json.loads(args.data.read_text(encoding="utf-8"))

    def city_id(city: dict) -> int | None:
        """The store's most populous city of that name (or ASCII name) in that country."""
        with factory() as session:
            return session.scalar(
                select(City.id)
                .where(or_(City.name == city["name"], City.ascii_name == city["name"]))
                .where(City.country == city["country"])
                .order_by(City.population.desc().nulls_last(), City.id)
                .limit(1)
            )

    def ask(city: int, needs: str) -> dict:
        answer, _ = store.recommend({"city_id": city, "needs": needs, "limit": 10})
        q = answer.query.model_dump()
        return {
            "needs_language": q.get("needs_language"),
            "needs_read": (q.get("needs_read") or {}).get("how"),
            "sectors": [s.id for s in answer.sectors[:3]],
            "partners": [p.city.id for p in answer.partners[:10]],
        }

    report: dict = {
        "code": str(Path(service.__file__).resolve().parent.parent),
        "model_version": loaded.version,
        "data": str(args.data),
    }
    t0 = time.perf_counter()
    for part in ("items", "frozen"):
        rows, missing = [], []
        for item in doc.get(part, []):
            cid = city_id(item["city"])
            if cid is None:
                missing.append(item["id"])
                continue
            english = ask(cid, item["texts"]["en"])
            for lang, text in item["texts"].items():
                got = english if lang == "en" else ask(cid, text)
                top = english["sectors"][0] if english["sectors"] else None
                rows.append(
                    {
                        "id": item["id"],
                        "city_id": cid,
                        "language": lang,
                        **got,
                        "english_top_sector": top,
                        "english_top_in_top3": top in got["sectors"],
                        "same_top_sector": bool(got["sectors"]) and got["sectors"][0] == top,
                        "top10_overlap": len(set(got["partners"]) & set(english["partners"])),
                    }
                )
        report[part] = {"summary": {**summary(rows), "cities_not_in_store": missing}, "rows": rows}
    report["seconds"] = round(time.perf_counter() - t0, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps({k: v["summary"] if isinstance(v, dict) and "summary" in v else v
                      for k, v in report.items()}, indent=2))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
