"""Region codes (``EU27``, ``ODA-eligible``, ...) resolved to countries, and country codes normalised."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from db.places.regions import load_regions

ISO2_PATTERN = "^[A-Z]{2}$"
ISO2 = re.compile(ISO2_PATTERN)

# Common non-ISO spellings that sources and users type for ISO 3166-1 codes.
_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}


@lru_cache(maxsize=8192)  # pure, and called a few hundred times per request
def norm_country(code: str | None) -> str | None:
    if code is None:
        return None
    code = code.strip().upper()
    return _COUNTRY_ALIASES.get(code, code) or None


class RegionResolver:
    """Resolve region codes (``EU27``, ``ODA-eligible``, ...) to ISO2 members.

    Parameters
    ----------
    regions
        Content of ``regions.json``: ``{code: {"members": [...] | null, ...}}``.
        ``members: null`` means "not compiled": membership is then unknown.
    extra_members
        Optional country facts that complete regions, ``{code: iso2 codes}``
        (e.g. the countries associated to CERV in a given year). They are added
        to the compiled members, or make a ``null`` region known.
    income_groups
        Optional ``{iso2: "L" | "LM" | "UM" | "H"}`` from the World Bank list;
        used when a :class:`Party` has no income group of its own.
    """

    def __init__(
        self,
        regions: Mapping[str, Mapping[str, Any]],
        *,
        extra_members: Mapping[str, Iterable[str]] | None = None,
        income_groups: Mapping[str, str] | None = None,
    ) -> None:
        self._members: dict[str, frozenset[str] | None] = {}
        # Region codes are matched case-insensitively; catalogue spelling is kept for display.
        self._names: dict[str, str] = {}
        for code, region in regions.items():
            raw = region.get("members") if isinstance(region, Mapping) else None
            self._members[code.casefold()] = (
                None if raw is None else frozenset(c for c in map(norm_country, raw) if c)
            )
            self._names[code.casefold()] = code
        for code, extra in (extra_members or {}).items():
            key = code.casefold()
            known = self._members.get(key) or frozenset()
            self._members[key] = known | frozenset(c for c in map(norm_country, extra) if c)
            self._names.setdefault(key, code)
        self._income = {
            c: g for c, g in ((norm_country(k), v) for k, v in (income_groups or {}).items()) if c
        }
        # (code or region, country) -> answer; eligibility checks ask the same few pairs over and over
        self._contains: dict[tuple[str, str], bool | None] = {}

    def is_region(self, code: str) -> bool:
        """Whether ``code`` is a region code known to this resolver."""
        return code.casefold() in self._members

    def members(self, code: str) -> frozenset[str] | None:
        """ISO2 members of a region; ``None`` when not compiled or not a known region."""
        return self._members.get(code.casefold())

    def contains(self, code_or_country: str, iso2: str) -> bool | None:
        """Whether country ``iso2`` is ``code_or_country`` or belongs to that region.

        Returns ``None`` when that cannot be told: a region without compiled
        members, or a code that is neither a known region nor an ISO2 code.
        """
        key = (code_or_country, iso2)
        if key not in self._contains:
            self._contains[key] = self._contains_uncached(code_or_country, iso2)
        return self._contains[key]

    def _contains_uncached(self, code_or_country: str, iso2: str) -> bool | None:
        country = norm_country(iso2)
        if not country:
            return None
        if self.is_region(code_or_country):
            members = self.members(code_or_country)
            return None if members is None else country in members
        code = norm_country(code_or_country)
        if code and ISO2.match(code):
            return code == country
        return None

    def income_group(self, iso2: str | None) -> str | None:
        """World Bank income group from the country facts, ``None`` when not given."""
        country = norm_country(iso2)
        return self._income.get(country) if country else None

    @classmethod
    def from_file(cls, regions_path: str | Path, **kwargs: Any) -> RegionResolver:
        """Build from a ``regions.json`` path; keyword arguments as for the constructor."""
        return cls(load_regions(regions_path), **kwargs)
