"""Leave-one-case-out on the curated cases: the real scheme and sectors come back in the top 3."""

from __future__ import annotations

from db.importers.runner import import_dataset
from features.text import SentenceEmbedder
from models.advice.funding_eval import case_queries, run_funding_evaluation
from tests.conftest import CURATED


def test_case_queries_pair_initiators_with_partners_and_hide_sub_cases():
    cases = [
        {
            "id": 1,
            "key": "a",
            "parent_id": None,
            "title": "A",
            "members": [(10, "initiator"), (11, "partner"), (12, "partner")],
            "sectors": ["water-supply"],
            "scheme_ids": ["s"],
            "start_year": 2001,
        },
        {
            "id": 2,
            "key": "a-sub",
            "parent_id": 1,
            "title": "A1",
            "members": [(10, "initiator"), (11, "partner")],
            "sectors": [],
            "scheme_ids": ["t"],
            "start_year": 2002,
        },
        {
            "id": 3,
            "key": "b",
            "parent_id": None,
            "title": "B",
            "members": [(20, None), (21, None)],
            "sectors": [],
            "scheme_ids": [],
            "start_year": None,
        },
    ]
    queries = case_queries(cases)
    assert [(q.case_id, q.city_id, q.partner_id) for q in queries] == [("a", 10, 11), ("a", 10, 12)]
    assert queries[0].cooperation_ids == frozenset({1, 2}) and queries[0].year == 2001


def test_real_schemes_and_sectors_in_top3_for_most_curated_cases(session_factory):
    import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)
    with session_factory() as session:
        report = run_funding_evaluation(
            session, embedder=SentenceEmbedder(), regions_path=CURATED / "regions.json"
        )
    assert report["pairs"] >= 70
    assert report["scheme_top3"] >= 0.70, report["scheme_top3"]
    assert report["sector_top3"] >= 0.70, report["sector_top3"]
