"""Leave-one-case-out report of the sector and funding recommenders on the curated cases.

Reads the store at PARTNERMATCH_DATABASE_URL (run `partnermatch import all` first) and
writes benchmarks/results/funding_eval.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from features.text import SentenceEmbedder
from models.advice.funding_eval import run_funding_evaluation
from service.config import get_settings

OUT = Path(__file__).resolve().parent / "results" / "funding_eval.json"


def main() -> int:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        report = run_funding_evaluation(
            session,
            embedder=SentenceEmbedder(settings.embedding_model),
            regions_path=settings.curated_dir / "regions.json",
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    misses = [r for r in report["rows"] if not (r["scheme_hit"] and r["sector_hit"])]
    for r in misses:
        print(
            f"{r['case']}: {r['city']}–{r['partner']} schemes {r['predicted_schemes']} vs {r['true_schemes']}"
            f" | sectors {r['predicted_sectors']} vs {r['true_sectors'][:5]}"
        )
    print(json.dumps({k: v for k, v in report.items() if k != "rows"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
