"""The trajectories the next-steps model learns from (``models.plans.next_steps``): a pair's
dated cooperations grouped by start year into *stages*, and the tokens that describe a stage.

Every pair of members of a dated cooperation has one: two cities in the same URBACT networks over
the years, the dated curated cases. Parent cases (those with sub-cases) are left out: a parent
lists the sectors of its whole history, so it would leak the later steps; its sub-cases stand for
it. A cooperation that two sources both list (an URBACT III network is also an Interreg project)
is one step. The logic reads no store: rows come from ``db.repositories.partnerships``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Row = Mapping[str, Any]
Pair = tuple[int, int]
TokenKind = Literal["sector", "scheme", "kind", "year"]

# two sources' rows of one cooperation start at most this many years apart
DUPLICATE_YEARS = 2


def token(kind: TokenKind, value: str) -> str:
    return f"{kind}:{value}"


def split_token(tok: str) -> tuple[str, str]:
    kind, _, value = tok.partition(":")
    return kind, value


def usable(row: Row) -> bool:
    """A cooperation that can be a step of a trajectory: dated, and not a parent case."""
    return row.get("start_year") is not None and not row.get("is_parent", False)


def tokens_of(row: Row) -> frozenset[str]:
    return frozenset(
        [token("sector", s) for s in row.get("sectors", ())]
        + [token("scheme", s) for s in row.get("schemes", ())]
        + [token("kind", row["kind"])]
    )


@dataclass(frozen=True)
class Stage:
    """The cooperations of a pair that started in one year."""

    year: int
    cooperation_ids: tuple[int, ...]
    tokens: frozenset[str]

    def of_kind(self, kind: TokenKind) -> set[str]:
        return {v for k, v in map(split_token, self.tokens) if k == kind}


def stages_of(rows: Iterable[Row]) -> list[Stage]:
    """The usable rows grouped by start year, oldest first (rows that two sources list merged)."""
    by_year: dict[int, list[Row]] = defaultdict(list)
    for row in merge_duplicates(r for r in rows if usable(r)):
        by_year[int(row["start_year"])].append(row)
    return [
        Stage(
            year,
            tuple(sorted(r["id"] for r in group)),
            frozenset().union(*(tokens_of(r) for r in group)) | {token("year", str(year))},
        )
        for year, group in sorted(by_year.items())
    ]


def history(rows: Iterable[Row]) -> list[Row]:
    """A pair's shared cooperations in time order (undated ones last, then by id)."""
    return sorted(rows, key=lambda r: (r.get("start_year") is None, r.get("start_year") or 0, r["id"]))


def title_key(title: str) -> str:
    """A title without its parenthesised qualifiers, case, spaces and punctuation: "AGRI -URBAN" and
    "AGRI-URBAN (2014 - 2020 URBACT III)" are one key."""
    return re.sub(r"[^0-9a-z]+", "", re.sub(r"\([^)]*\)", "", title.casefold()))


def merge_duplicates(rows: Iterable[Row]) -> list[Row]:
    """One row per cooperation that two sources both list (an URBACT III network is also an
    Interreg project): same title key, at most ``DUPLICATE_YEARS`` apart, and at least half the
    members in common. The row with more sectors is kept, with the schemes of both."""
    kept: list[dict[str, Any]] = []
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (-len(r.get("sectors", ())), r["id"])):
        key = title_key(row.get("title", ""))
        twin = next((k for k in by_key[key] if key and _same(k, row)), None)
        if twin is None:
            copy = dict(row)
            kept.append(copy)
            by_key[key].append(copy)
        else:
            twin["schemes"] = tuple(dict.fromkeys([*twin.get("schemes", ()), *row.get("schemes", ())]))
            twin.setdefault("duplicates", []).append(row["id"])
    return sorted(kept, key=lambda r: r["id"])


def _same(a: Row, b: Row) -> bool:
    if a.get("start_year") is None or b.get("start_year") is None:
        return False
    if abs(a["start_year"] - b["start_year"]) > DUPLICATE_YEARS:
        return False
    ma, mb = set(a["members"]), set(b["members"])
    return bool(ma | mb) and len(ma & mb) / len(ma | mb) >= 0.5


def trajectories(rows: Iterable[Row], *, min_stages: int = 2) -> dict[Pair, list[Stage]]:
    """Every pair of members of the usable rows with at least ``min_stages`` stages (rows that two
    sources list are merged)."""
    usable_rows = [r for r in rows if usable(r)]
    years: dict[Pair, set[int]] = defaultdict(set)
    for row in usable_rows:
        for pair in itertools.combinations(sorted(set(row["members"])), 2):
            years[pair].add(row["start_year"])
    kept = {pair for pair, ys in years.items() if len(ys) >= min_stages}
    grouped: dict[Pair, list[Row]] = defaultdict(list)
    for row in usable_rows:
        for pair in itertools.combinations(sorted(set(row["members"])), 2):
            if pair in kept:
                grouped[pair].append(row)
    return {pair: stages_of(group) for pair, group in grouped.items()}


def distinct(trajectories: Mapping[Pair, Sequence[Stage]]) -> dict[Pair, Sequence[Stage]]:
    """One trajectory per sequence of cooperations: the members of two networks that joined both
    are many pairs with one history, which counts once (a case is a history, not a pair)."""
    seen: dict[tuple[tuple[int, ...], ...], Pair] = {}
    for pair, stages in sorted(trajectories.items()):
        seen.setdefault(tuple(s.cooperation_ids for s in stages), pair)
    return {pair: trajectories[pair] for pair in seen.values()}


def own_shares(rows: Iterable[Row], *, pair: Pair, before: int | None = None) -> dict[str, float]:
    """Share of the two cities' usable cooperations with other partners (not with each other) that
    had each sector, each city counting half; only those started before ``before`` when given."""
    per_city: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        members = set(row["members"])
        if not usable(row) or set(pair) <= members or before is not None and row["start_year"] >= before:
            continue
        for city in pair:
            if city in members and row.get("sectors"):
                per_city[city].append(row)
    out: Counter[str] = Counter()
    for group in per_city.values():
        counts = Counter(s for r in group for s in set(r["sectors"]))
        for sector, count in counts.items():
            out[sector] += count / len(group) / len(pair)
    return dict(out)
