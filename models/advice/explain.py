"""Human-readable reasons for a recommended partner, from its pair-feature values."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from features.geo import GEO_COLUMNS
from features.graph import AFFINITY_COLUMNS, GRAPH_COLUMNS
from features.pairs import TEXT_COLUMNS
from features.regional import REGIONAL_COLUMNS

SIMILAR_SIZE = "Similar population size"


def _get(row: Mapping[str, float], key: str) -> float:
    v = row.get(key, np.nan)
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def reasons(
    feature_row: Mapping[str, float],
    query_name: str,
    candidate_name: str,
    *,
    query_country: str | None = None,
    candidate_country: str | None = None,
    max_reasons: int = 4,
) -> list[str]:
    """Pick the features that drove a score and phrase them, strongest first.

    Parameters
    ----------
    feature_row : mapping
        One row of :meth:`models.ranker.PartnerRanker.rank` (feature name -> value).
    query_name, candidate_name : str
    query_country, candidate_country : str, optional
        ISO2 codes, used to name the country pair.
    max_reasons : int

    Returns
    -------
    list of str
        E.g. ``["Shares 2 partners with Takeo (Adamic–Adar 1.4)", "Same country", "412 km away"]``.
    """
    out: list[tuple[float, str]] = []
    cn, aa = _get(feature_row, GRAPH_COLUMNS.common_neighbours), _get(feature_row, GRAPH_COLUMNS.adamic_adar)
    if cn >= 1:
        noun = "partner" if cn == 1 else "partners"
        out.append((10 + cn, f"Shares {cn:.0f} {noun} with {query_name} (Adamic–Adar {aa:.1f})"))
    elif _get(feature_row, GRAPH_COLUMNS.paths3) >= 1:
        out.append((5, f"Linked to {query_name} through partners of partners"))
    groups = _get(feature_row, GRAPH_COLUMNS.shared_groups)
    if groups >= 1:
        out.append((9 + groups, f"Already cooperates with {query_name} in {groups:.0f} network(s)"))
    near_q = _get(feature_row, REGIONAL_COLUMNS.near_query_links_candidate)
    if near_q >= 1:
        towns = "town" if near_q == 1 else "towns"
        out.append(
            (
                7.5 + min(near_q, 5) / 10,
                f"{near_q:.0f} {towns} near {query_name} partner with {candidate_name}",
            )
        )
    near_c = _get(feature_row, REGIONAL_COLUMNS.query_partner_near_candidate)
    if near_c >= 1:
        noun = "partner" if near_c == 1 else "partners"
        out.append(
            (7 + min(near_c, 5) / 10, f"{query_name} already has {near_c:.0f} {noun} near {candidate_name}")
        )
    areas = _get(feature_row, REGIONAL_COLUMNS.near_links_near)
    if areas >= 2:
        out.append((5 + min(areas, 20) / 20, f"{areas:.0f} partnerships already link the two areas"))
    regions = _get(feature_row, AFFINITY_COLUMNS.admin_pair_links)
    if regions >= 2:
        out.append(
            (4.5 + min(regions, 20) / 20, f"{regions:.0f} twinnings already link the two cities' regions")
        )
    if _get(feature_row, GEO_COLUMNS.same_name) == 1:
        out.append((9.5, f"Shares its name with {query_name}"))
    sim = _get(feature_row, TEXT_COLUMNS.needs_track_similarity)
    if sim >= 0.35:
        out.append((8 + sim, f"Track record matches the needs (similarity {sim:.2f})"))
    sec = _get(feature_row, TEXT_COLUMNS.sector_jaccard)
    if sec > 0:
        out.append((7 + sec, f"Overlapping sectors ({sec:.0%})"))
    if _get(feature_row, GEO_COLUMNS.same_country) == 1:
        out.append((6, "Same country"))
    links = _get(feature_row, AFFINITY_COLUMNS.country_pair_links)
    if links >= 3 and _get(feature_row, GEO_COLUMNS.same_country) != 1:
        known = query_country and candidate_country
        pair = f"{query_country}–{candidate_country}" if known else "the two countries"
        out.append((4 + min(np.log1p(links), 5), f"Country pair {pair} has {links:.0f} twinnings"))
    d = _get(feature_row, GEO_COLUMNS.distance_km)
    if np.isfinite(d):
        out.append((3 + (1 if d < 500 else 0), f"{d:,.0f} km away"))
    deg = _get(feature_row, GRAPH_COLUMNS.candidate_degree)
    if deg >= 5:
        out.append((3.5, f"{candidate_name} is an experienced partner ({deg:.0f} cooperations)"))
    ranks = _get(feature_row, GEO_COLUMNS.query_log_rank), _get(feature_row, GEO_COLUMNS.candidate_log_rank)
    if all(np.isfinite(r) and r < 1 for r in ranks):  # log10 of the rank: both in their country's top 10
        out.append((2.5, "Both among the ten largest cities of their countries"))
    gap = _get(feature_row, GEO_COLUMNS.log_pop_ratio)
    if np.isfinite(gap) and abs(gap) < 0.3:
        out.append((2, SIMILAR_SIZE))
    tz = _get(feature_row, GEO_COLUMNS.tz_diff_hours)
    if np.isfinite(tz) and tz <= 1 and _get(feature_row, GEO_COLUMNS.same_country) != 1:
        out.append((1, "Same or adjacent time zone"))
    out.sort(key=lambda t: -t[0])
    return [text for _, text in out[:max_reasons]]
