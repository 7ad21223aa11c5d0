"""What the store knows of a pair of cities, gathered once by the service for the readiness check
and the draft plan (plain data: the logic here never reads the store itself).

``city`` is the home city (the one whose planner drafts the plan), ``partner`` the other.
Cooperation rows have the shape of ``db.repositories.cooperations.cooperation_summaries`` (id, kind, title,
success, outcome_summary, outcome_indicators, start_year, sectors), plus ``description`` (one
activity a line) where the service read it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Row = Mapping[str, Any]


@dataclass(frozen=True)
class CityFacts:
    name: str
    country: str | None
    id: int | None = None
    admin_area: str | None = None
    population: int | None = None
    timezone: str | None = None
    has_profile: bool = False
    languages: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    challenges: tuple[str, ...] = ()
    stated_sectors: tuple[str, ...] = ()
    needs_text: str = ""

    @property
    def source(self) -> str:
        return f"profile:{self.id}" if self.id is not None else f"profile:{self.name}"


@dataclass(frozen=True)
class RuleCheck:
    rule: str
    status: str  # pass | fail | unknown
    detail: str


@dataclass(frozen=True)
class FundingOption:
    """One scheme checked for the pair by the funding engine (``models.funding.check_scheme``)."""

    scheme_id: str
    name: str
    eligible: bool | None
    checks: tuple[RuleCheck, ...] = ()
    to_confirm: tuple[str, ...] = ()


@dataclass(frozen=True)
class PairFacts:
    city: CityFacts
    partner: CityFacts
    sectors: tuple[str, ...]
    city_history: tuple[Row, ...] = ()
    partner_history: tuple[Row, ...] = ()
    # cooperations between the two cities' regions, or a region and the other city (not the pair's own)
    regional: tuple[Row, ...] = ()
    # None: the funding engine was not asked (no countries); () asked, nothing found
    funding: tuple[FundingOption, ...] | None = None
    # cooperations a funding scheme paid for (ids), among the histories
    funded_ids: frozenset[int] = frozenset()
    sector_names: Mapping[str, str] = field(default_factory=dict)
    # hours between the two cities' clocks (absolute), None when a time zone is unknown
    offset_hours: float | None = None

    @property
    def shared(self) -> tuple[Row, ...]:
        """Cooperations both cities are members of, oldest first."""
        theirs = {int(r["id"]) for r in self.partner_history}
        rows = [r for r in self.city_history if int(r["id"]) in theirs]
        return tuple(sorted(rows, key=lambda r: (r.get("start_year") or 0, r["id"])))

    def sector_label(self, sector: str) -> str:
        return self.sector_names.get(sector, sector)

    def sectors_text(self) -> str:
        return ", ".join(self.sector_label(s) for s in self.sectors) or "the chosen sectors"


def offset_hours(tz_a: str | None, tz_b: str | None, when: dt.datetime | None = None) -> float | None:
    """Hours between two IANA zones' clocks at ``when`` (now); None when either is unknown."""
    if not tz_a or not tz_b:
        return None
    try:
        a, b = ZoneInfo(tz_a), ZoneInfo(tz_b)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    at = when or dt.datetime.now(dt.UTC)
    delta = at.astimezone(a).utcoffset() - at.astimezone(b).utcoffset()  # type: ignore[operator]
    return abs(delta.total_seconds()) / 3600


# --------------------------------------------------------------------------- text to sectors

# words a profile uses for a sector that its name and aliases do not contain
EXTRA_TERMS: dict[str, tuple[str, ...]] = {
    "water-supply": ("water utility", "water utilities", "leakage", "non-revenue water", "waterworks"),
    "sewage-wastewater": ("sewer", "sewerage", "sludge", "drainage"),
    "climate-adaptation": ("resilience", "flooding", "heavy rain", "typhoon", "earthquake", "disaster"),
    "education-youth": ("next generation", "school", "student", "university"),
    "local-economy": ("competitive", "business", "trade fair", "commerce", "SME", "companies"),
    "renewable-energy": ("solar", "wind power", "biogas"),
    "medical-devices": ("medical device", "medical technology"),
    "healthcare": ("hospital", "medicine"),
    "digital-health": ("digital health",),
    "hydrogen": ("fuel cell",),
    "energy": ("energy utility", "energy transition", "energy saving"),
    "smart-city": ("digital", "innovation"),
    "mobility": ("transport", "mobility"),
    "solid-waste": ("waste", "disposal site"),
    "low-carbon": ("low-carbon", "low carbon", "climate change"),
    "air-quality": ("air pollution", "smog"),
    "cleaner-production": ("cleaner production",),
    "recycling-circular": ("recycling", "eco-town"),
    "tourism-culture": ("tourism", "heritage", "sake"),
    "food-agriculture": ("agriculture", "food"),
    "coastal-maritime": ("port", "maritime"),
}
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"and", "of", "the", "for", "in", "to", "a", "an", "with", "on"})


def _stems(text: str) -> tuple[str, ...]:
    return tuple(w[:5] for w in _WORD.findall(text.lower().replace("-", " ")) if w not in _STOP)


@dataclass(frozen=True)
class SectorTerms:
    """A sector's phrases as word stems: a text names the sector when it holds every stem of one."""

    id: str
    phrases: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, sector_id: str, name: str, aliases: Iterable[str] = ()) -> SectorTerms:
        texts = [sector_id, name, *aliases, *EXTRA_TERMS.get(sector_id, ())]
        phrases = {_stems(t) for t in texts}
        return cls(sector_id, tuple(sorted(p for p in phrases if p)))


def sectors_in(text: str, terms: Sequence[SectorTerms]) -> list[str]:
    """Sector ids a text names, in the order of ``terms``."""
    words = set(_stems(text))
    return [t.id for t in terms if any(all(w in words for w in phrase) for phrase in t.phrases)]
