"""The generated Essen-Koriyama plan against the real UCAP "at a glance" (seed 000).

The curated `essen-koriyama` case and the IURC cluster case are hidden from the generator (their
text lists the UCAP's seven themes word for word); no sectors are given, so the themes come from
what else the store knows (the Fukushima-NRW partnership, the two profiles). Themes are matched by
sector id against the UCAP's seven, challenges against its four.

    python benchmarks/plan_vs_ucap.py [--output plan_vs_ucap.json]   # a fresh SQLite store in a temp dir
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from db.importers.runner import import_dataset  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.repositories.cooperations import cooperation_ids_by_source_key  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from db.tables import City  # noqa: E402
from features.text import SentenceEmbedder  # noqa: E402
from models.plans.draft import theme_ids  # noqa: E402
from service.catalogue_holder import CatalogueHolder  # noqa: E402
from service.plans.schemas import PairRequest  # noqa: E402
from service.plans.service import draft  # noqa: E402

CURATED = Path(__file__).resolve().parent.parent / "data" / "curated"
HIDDEN = ("curated:essen-koriyama", "curated:iurc-cluster-essen-koriyama-grenoble-toyota")
# seed 000, section 1: the seven themes, each with the sector ids that stand for it
UCAP_THEMES = {
    "Renewable Energy": {"renewable-energy", "energy", "hydrogen"},
    "Medical Device Related Industry": {"medical-devices", "healthcare", "digital-health"},
    "Water Management": {"water-supply", "sewage-wastewater"},
    "Smart City": {"smart-city"},
    "Regional and Urban Innovation, Competitive, Inclusive and Sustainable Economic Growth": {
        "local-economy"
    },
    "Urban Transport": {"mobility"},
    "Education and Development of Future Generations": {"education-youth"},
}
# seed 000, section 2: the four key challenges
UCAP_CHALLENGES = {
    "Urgent need to enhance climate, social, and economic urban resilience to shocks and stresses": {
        "climate-adaptation"
    },
    "High demand for globally competitive and innovative industries in renewable energy and medical device": {
        "local-economy", "renewable-energy", "medical-devices",
    },
    "Development of next generations who bear the future of urban innovations and relationships": {
        "education-youth"
    },
    "Insufficient resources, which could cause inefficiency or failure of actions": {"resources"},
}  # fmt: skip


def compare(plan: dict) -> dict:
    themes = theme_ids(plan)
    challenges = theme_ids(plan, "challenges")
    theme_hits = {t: sorted(ids & set(themes)) for t, ids in UCAP_THEMES.items()}
    challenge_hits = {c: sorted(ids & set(challenges)) for c, ids in UCAP_CHALLENGES.items()}
    matched = {s for ids in UCAP_THEMES.values() for s in ids}
    return {
        "hidden": list(HIDDEN),
        "generated_themes": themes,
        "generated_challenges": challenges,
        "themes_matched": sum(bool(v) for v in theme_hits.values()),
        "themes_total": len(UCAP_THEMES),
        "challenges_matched": sum(bool(v) for v in challenge_hits.values()),
        "challenges_total": len(UCAP_CHALLENGES),
        "themes": theme_hits,
        "challenges": challenge_hits,
        "generated_themes_not_in_ucap": [t for t in themes if t not in matched],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("plan_vs_ucap.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/store.db")
        upgrade(engine)
        factory = make_session_factory(engine)
        import_dataset(factory, "curated", curated_dir=CURATED, data_dir=None)
        with factory() as session:
            index = CatalogueHolder(CURATED / "regions.json").get(session, SentenceEmbedder().fit())

            def city(name: str) -> int:
                return session.scalar(select(City.id).where(City.name == name, City.kind == "city"))

            hidden = cooperation_ids_by_source_key(session, keys=HIDDEN)
            assert len(hidden) == len(HIDDEN), hidden
            pair = PairRequest(city_id=city("Essen"), partner_city_id=city("Koriyama"), sectors=[])
            plan = draft(session, index=index, pair=pair, hidden=hidden).model_dump()
        engine.dispose()
    report = compare(plan)
    report["plan"] = plan
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "plan"}, indent=2, ensure_ascii=False))
    print(
        f"themes {report['themes_matched']}/7, challenges {report['challenges_matched']}/4 -> {args.output}"
    )


if __name__ == "__main__":
    main()
