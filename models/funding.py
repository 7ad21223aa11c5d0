"""Funding-scheme eligibility: an explicit, data-driven rules engine.

The rules live in the catalogue (``data/curated/funding_schemes.json``, the
``eligibility`` object of each scheme); this module only knows *rule types*,
never individual schemes. Every rule is reported as its own :class:`Check`
(``pass`` / ``fail`` / ``unknown`` with a human-readable detail), and the
verdict is derived from the checks:

* any ``fail``                                  -> ``eligible = False``
* else any ``unknown`` among the checkable rules -> ``eligible = None``
* else                                          -> ``eligible = True``; textual
  conditions are listed in ``to_confirm`` (True-but-to-confirm, never hidden).

Checkable rules are those stated in a structured form: ``applicant_countries``,
``partner_countries``, ``income_groups``, ``applicant_types``,
``min_population``, ``partner_count`` given as a number or ``{min, max}``, and
``active_years`` when a query year is given. Textual conditions (``requires``
and a ``partner_count`` written as prose) can only be reported: they become
``unknown`` checks *and* entries of ``to_confirm``, without blocking the
verdict. Sector fit is reported (and a mismatch fails) but an absent sector
request is simply not checked.

``null`` in the catalogue means "not stated", never "anyone"; per rule:

==================== =========================================================
rule                 catalogue value ``null`` (or missing)
==================== =========================================================
applicant_countries  no check; a note goes to ``to_confirm``
partner_countries    no check; a note goes to ``to_confirm``
applicant_types      no check; a note goes to ``to_confirm``
income_groups        no check (no income rule stated)
min_population       no check (no threshold stated)
partner_count        no check (no count stated)
sectors              no check
active_years         no check without a query year; ``unknown`` with one
requires             nothing to report
==================== =========================================================

``income_groups`` constrain the aid-receiving ("partner") country. That is
the partner side, except in request-type schemes, recognised from the data as
schemes whose ``applicant_countries`` exclude every ``funder_countries`` entry
(JICA technical cooperation, yen loans, grant aid): there the applicant is the
receiving country and its income group is checked. An ``applicant_types``
entry whose parenthesised role names the other side ("host", "experts",
"Japanese implementing partner", "participant") is checked against the
partner; a sub-national applicant where only a "national government
(requesting side / borrower / recipient)" may apply is ``unknown`` (the
national government has to take the project up); other parenthesised
qualifiers ("CCAC member cities") go to ``to_confirm``.

``active_years`` is free text that mixes programme periods with the dates of
the cases that used a scheme. A query year inside the parsed span passes; one
before a *stated* start ("from 2013", "2014-", "founded 1988") or after a
stated end ("until 2020") fails; one outside dates that merely document use
("2012 (Surabaya)") is ``unknown``, as is a text without any year.

Missing facts about the *cities* are never guessed: a party without country,
population or income group, or a region whose ``members`` are ``null``, gives
an ``unknown`` check for every rule that needs it.

Which side applies matters (JICA partnership-type and Japanese ministry
schemes: the Japanese local government applies; JICA technical cooperation,
training, loans and grant aid: the partner country's government requests). The
catalogue encodes this through ``applicant_countries`` / ``partner_countries``,
so :func:`check_scheme` simply evaluates the pair both ways round and keeps the
better outcome (True > None > False), recording the orientation used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "ActivePeriod",
    "CITY_APPLIES",
    "PARTNER_APPLIES",
    "Check",
    "Eligibility",
    "Party",
    "RegionResolver",
    "check_scheme",
    "match_schemes",
    "parse_active_years",
    "sector_parents_from",
]

Status = Literal["pass", "fail", "unknown"]

CITY_APPLIES = "city-applies"
PARTNER_APPLIES = "partner-applies"

# Rules whose "unknown" makes the verdict unknown. Textual conditions are not here:
# they can never be checked, so they are listed in ``to_confirm`` instead.
CHECKABLE_RULES = frozenset(
    {
        "applicant_countries",
        "partner_countries",
        "income_groups",
        "applicant_types",
        "min_population",
        "partner_count",
        "active_years",
    }
)

INCOME_GROUPS = ("L", "LM", "UM", "H")

# Region codes whose members a scheme may carry itself (the scheme's own list wins over
# regions.json because it is the more specific, scheme-local fact).
SCHEME_REGION_OVERRIDES = {"JCM-partners": "jcm_partner_countries"}

# Common non-ISO spellings that sources and users type for ISO 3166-1 codes.
_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}

_ISO2 = re.compile(r"^[A-Z]{2}$")


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Party:
    """One side of the cooperation.

    Parameters
    ----------
    country
        ISO 3166-1 alpha-2 code, ``None`` when unknown.
    population
        Inhabitants, ``None`` when unknown.
    applicant_type
        Kind of organisation that would apply ("local government", "NGO",
        "private company", ...).
    income_group
        World Bank income group of the country (``L``, ``LM``, ``UM``, ``H``),
        ``None`` when unknown.
    """

    country: str | None
    population: int | None = None
    applicant_type: str | None = "local government"
    income_group: str | None = None


@dataclass(frozen=True)
class Check:
    """Outcome of one rule for one orientation of the pair."""

    rule: str
    status: Status
    detail: str


@dataclass(frozen=True)
class Eligibility:
    """Verdict for one scheme and one pair of cities.

    ``eligible`` is ``True`` (every checkable rule passes; see ``to_confirm``),
    ``False`` (some rule fails) or ``None`` (some checkable rule is unknown).
    ``orientation`` is :data:`CITY_APPLIES` or :data:`PARTNER_APPLIES`.
    """

    scheme_id: str
    eligible: bool | None
    checks: tuple[Check, ...]
    to_confirm: tuple[str, ...]
    orientation: str

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form (field names as in the API's ``funding_schemes`` items)."""
        return {
            "id": self.scheme_id,
            "eligible": self.eligible,
            "orientation": self.orientation,
            "checks": [{"rule": c.rule, "status": c.status, "detail": c.detail} for c in self.checks],
            "to_confirm": list(self.to_confirm),
        }


@lru_cache(maxsize=8192)  # pure, and called a few hundred times per request
def _norm_country(code: str | None) -> str | None:
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
                None if raw is None else frozenset(c for c in map(_norm_country, raw) if c)
            )
            self._names[code.casefold()] = code
        for code, extra in (extra_members or {}).items():
            key = code.casefold()
            known = self._members.get(key) or frozenset()
            self._members[key] = known | frozenset(c for c in map(_norm_country, extra) if c)
            self._names.setdefault(key, code)
        self._income = {
            c: g for c, g in ((_norm_country(k), v) for k, v in (income_groups or {}).items()) if c
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
        country = _norm_country(iso2)
        if not country:
            return None
        if self.is_region(code_or_country):
            members = self.members(code_or_country)
            return None if members is None else country in members
        code = _norm_country(code_or_country)
        if code and _ISO2.match(code):
            return code == country
        return None

    def income_group(self, iso2: str | None) -> str | None:
        """World Bank income group from the country facts, ``None`` when not given."""
        country = _norm_country(iso2)
        return self._income.get(country) if country else None

    @classmethod
    def from_file(cls, regions_path: str | Path, **kwargs: Any) -> RegionResolver:
        """Build from a ``regions.json`` path; keyword arguments as for the constructor."""
        return cls(json.loads(Path(regions_path).read_text(encoding="utf-8")), **kwargs)


# --------------------------------------------------------------------------- rule helpers


@dataclass
class _Eval:
    """Checks and notes of one orientation, collected rule by rule."""

    checks: list[Check] = field(default_factory=list)
    to_confirm: list[str] = field(default_factory=list)
    # Rules reported as unknown that do not block the verdict (textual conditions).
    textual: set[int] = field(default_factory=set)

    def add(self, rule: str, status: Status, detail: str, *, textual: bool = False) -> None:
        if textual:
            self.textual.add(len(self.checks))
        self.checks.append(Check(rule, status, detail))

    def verdict(self) -> bool | None:
        if any(c.status == "fail" for c in self.checks):
            return False
        blocking = [
            c
            for i, c in enumerate(self.checks)
            if c.status == "unknown" and i not in self.textual and c.rule in CHECKABLE_RULES
        ]
        return None if blocking else True


def _codes(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _membership(
    codes: Sequence[str],
    country: str | None,
    regions: RegionResolver,
    overrides: Mapping[str, frozenset[str]],
) -> tuple[Status, str]:
    """Status for "country is one of these codes/regions", with the deciding code."""
    if country is None:
        return "unknown", ""
    undecided: list[str] = []
    for code in codes:
        if code in overrides:
            hit: bool | None = country in overrides[code]
        else:
            hit = regions.contains(code, country)
        if hit:
            return "pass", code
        if hit is None:
            undecided.append(code)
    if undecided:
        return "unknown", ", ".join(undecided)
    return "fail", ", ".join(codes)


def _describe_code(code: str, regions: RegionResolver, overrides: Mapping[str, frozenset[str]]) -> str:
    if code in overrides:
        return f"{code} (scheme's own list)"
    if regions.is_region(code) and regions.members(code) is None:
        return f"{code} (members not compiled)"
    return code


def _check_countries(
    ev: _Eval,
    rule: str,
    side: str,
    codes: list[str] | None,
    party: Party,
    regions: RegionResolver,
    overrides: Mapping[str, frozenset[str]],
) -> None:
    if codes is None:
        # "Not stated" is not "anyone": skip the check but do not let it vanish.
        ev.to_confirm.append(f"{side} countries are not stated in the catalogue; confirm with the operator")
        return
    country = _norm_country(party.country)
    status, deciding = _membership(codes, country, regions, overrides)
    allowed = ", ".join(_describe_code(c, regions, overrides) for c in codes)
    if country is None:
        ev.add(rule, "unknown", f"{side} country is unknown; allowed: {allowed}")
    elif status == "pass":
        ev.add(rule, "pass", f"{side} country {country} is in {_describe_code(deciding, regions, overrides)}")
    elif status == "unknown":
        ev.add(rule, "unknown", f"cannot tell whether {side} country {country} is in {deciding}")
    else:
        ev.add(rule, "fail", f"{side} country {country} is not in {allowed}")


def _recipient_is_applicant(scheme: Mapping[str, Any], regions: RegionResolver) -> bool:
    """Whether the income rule constrains the applicant rather than the partner.

    The catalogue's income groups describe the aid-receiving ("partner") country.
    In request-type schemes (JICA technical cooperation, yen loans, grant aid)
    that country is the *applicant*: recognised from the data as a scheme whose
    applicant countries exclude every funder country.
    """
    elig = scheme.get("eligibility") or {}
    applicant_codes = _codes(elig.get("applicant_countries"))
    funders = [
        c for c in (_norm_country(f) for f in scheme.get("funder_countries") or []) if c and _ISO2.match(c)
    ]
    if not applicant_codes or not funders:
        return False
    for funder in funders:
        for code in applicant_codes:
            if regions.contains(code, funder) is not False:
                return False
    return True


def _check_income(
    ev: _Eval,
    groups: list[str] | None,
    party: Party,
    side: str,
    regions: RegionResolver,
) -> None:
    if groups is None:
        return
    allowed = ", ".join(groups)
    country = _norm_country(party.country)
    group = party.income_group or regions.income_group(country)
    source = "" if party.income_group else " (from country facts)"
    who = f"{side} country {country}" if country else f"{side} country"
    if group is None:
        ev.add("income_groups", "unknown", f"income group of {who} is unknown; allowed: {allowed}")
    elif group.upper() in {g.upper() for g in groups}:
        ev.add("income_groups", "pass", f"{who} is income group {group}{source}, allowed: {allowed}")
    else:
        ev.add("income_groups", "fail", f"{who} is income group {group}{source}, allowed only: {allowed}")


# Applicant types are free text in the catalogue; they are compared through coarse
# categories so that "municipality", "city or municipality" and a user's "local government"
# meet. First matching pattern wins for each alternative of an entry.
_TYPE_PATTERNS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = tuple(
    (re.compile(p), frozenset(cats))
    for p, cats in (
        (r"development bank", {"development bank"}),
        (r"pupil|student", {"pupil"}),
        (r"twinning committee", {"twinning committee"}),
        (r"coordinator", {"territorial coordinator"}),
        (r"training body|training institut", {"training body"}),
        (r"utility|municipal enterprise|agency owned by|service provider", {"utility"}),
        (r"\bsmes?\b|small and medium", {"sme"}),
        (r"compan|business|enterprise|firm", {"company"}),
        (r"universit|research|academ", {"research"}),
        (r"representing municipalities|non-?profit|\bngos?\b|association|foundation|charit", {"non-profit"}),
        (r"\bnational\b|ministry|central government", {"national government"}),
        (r"region|province|prefecture|state government", {"regional government"}),
        (
            r"local government|local authorit|municipal|\bcity\b|\bcities\b|\btowns?\b|metropolitan|"
            r"district|\bother local\b|county|mayor",
            {"local government"},
        ),
        (r"public authorit|public law|public-law|public body", {"public body"}),
    )
)

# What an applicant of one kind also counts as (a municipality is a public authority).
_TYPE_IMPLIES = {
    "local government": {"public body"},
    "regional government": {"public body"},
    "national government": {"public body"},
    "sme": {"company"},
}

# Qualifiers in parentheses name a role. These mark the *other* side's role in a scheme
# (e.g. the Japanese city that implements a JICA project requested by the partner country).
_COUNTERPART_ROLES = re.compile(r"implementing partner|\bhost\b|\bexperts?\b|\bparticipant\b")
# These mark the applicant's own role; they are not extra conditions.
_APPLICANT_ROLES = re.compile(r"requesting side|borrower|recipient|trainees|implementing agency")
# The applicant of a request-type scheme is a national government acting for the city.
_ON_BEHALF_ROLES = re.compile(r"requesting side|borrower|recipient")


@dataclass(frozen=True)
class _TypeEntry:
    text: str
    base: str
    qualifier: str | None
    categories: frozenset[str]

    @property
    def counterpart(self) -> bool:
        return bool(self.qualifier and _COUNTERPART_ROLES.search(self.qualifier))

    @property
    def condition(self) -> str | None:
        """Qualifier that is a further condition (to confirm), not a role or an example."""
        q = self.qualifier
        if not q or _COUNTERPART_ROLES.search(q) or _APPLICANT_ROLES.search(q) or q.startswith("e.g."):
            return None
        return q


def _type_alternatives(base: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\s+or\s+", base) if p.strip()]
    out: list[str] = []
    for i, part in enumerate(parts):
        # "national or local government officials": a lone adjective borrows the next noun.
        if " " not in part and i + 1 < len(parts) and " " in parts[i + 1]:
            part = f"{part} {parts[i + 1].split(' ', 1)[1]}"
        out.append(part)
    return out


# catalogue texts repeat on every request: parse each once
@lru_cache(maxsize=4096)
def _categories(text: str) -> frozenset[str]:
    cats: set[str] = set()
    for alt in _type_alternatives(text.casefold()):
        for pattern, found in _TYPE_PATTERNS:
            if pattern.search(alt):
                cats |= found
                break
    return frozenset(cats)


# catalogue texts repeat on every request: parse each once
@lru_cache(maxsize=4096)
def _parse_type(text: str) -> _TypeEntry:
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", text.strip())
    base, qualifier = (m.group(1), m.group(2).strip()) if m else (text.strip(), None)
    return _TypeEntry(text, base, qualifier, _categories(base))


def _party_categories(applicant_type: str) -> frozenset[str]:
    cats = set(_categories(applicant_type))
    for cat in list(cats):
        cats |= _TYPE_IMPLIES.get(cat, set())
    return frozenset(cats)


def _match_types(
    entries: Sequence[_TypeEntry], applicant_type: str | None
) -> tuple[Status, _TypeEntry | None]:
    if applicant_type is None:
        return "unknown", None
    mine = _party_categories(applicant_type)
    wanted = applicant_type.strip().casefold()
    # Prefer an entry without further conditions, so a condition is only asked when needed.
    hits = [e for e in entries if e.base.casefold() == wanted or (mine & e.categories)]
    if hits:
        return "pass", min(hits, key=lambda e: e.condition is not None)
    if not mine:
        # An organisation type we do not recognise: we cannot say it is excluded.
        return "unknown", None
    return "fail", None


def _check_types(ev: _Eval, types: list[str] | None, applicant: Party, partner: Party) -> None:
    if types is None:
        ev.to_confirm.append("applicant types are not stated in the catalogue; confirm with the operator")
        return
    entries = [_parse_type(t) for t in types]
    own = [e for e in entries if not e.counterpart]
    counterpart = [e for e in entries if e.counterpart]
    statuses: list[Status] = []
    details: list[str] = []

    if own:
        status, hit = _match_types(own, applicant.applicant_type)
        allowed = "; ".join(e.text for e in own)
        kind = applicant.applicant_type
        if status == "pass" and hit is not None:
            details.append(f"applicant type '{kind}' fits '{hit.text}'")
            if hit.condition:
                ev.to_confirm.append(f"applicant type condition: {hit.text}")
        elif (
            status == "fail"
            and kind
            and (_party_categories(kind) & {"local government", "regional government", "utility"})
        ):
            on_behalf = [
                e
                for e in own
                if "national government" in e.categories
                and e.qualifier
                and _ON_BEHALF_ROLES.search(e.qualifier)
            ]
            if on_behalf:
                # The city cannot apply itself, but its national government may do so for it.
                status = "unknown"
                details.append(
                    f"applicant is a '{kind}'; the scheme is applied for by '{on_behalf[0].text}', "
                    "which must take the project up"
                )
            else:
                details.append(f"applicant type '{kind}' is not among: {allowed}")
        elif status == "fail":
            details.append(f"applicant type '{kind}' is not among: {allowed}")
        else:
            details.append(f"applicant type '{kind}' cannot be matched to: {allowed}")
        statuses.append(status)

    if counterpart:
        status, hit = _match_types(counterpart, partner.applicant_type)
        allowed = "; ".join(e.text for e in counterpart)
        kind = partner.applicant_type
        if status == "pass" and hit is not None:
            details.append(f"partner type '{kind}' fits the counterpart role '{hit.text}'")
        elif status == "fail":
            details.append(f"partner type '{kind}' is not among the counterpart roles: {allowed}")
        else:
            details.append(f"partner type '{kind}' cannot be matched to the counterpart roles: {allowed}")
        statuses.append(status)

    final: Status = "fail" if "fail" in statuses else "unknown" if "unknown" in statuses else "pass"
    ev.add("applicant_types", final, "; ".join(details))


def _check_population(ev: _Eval, minimum: Any, applicant: Party) -> None:
    if minimum is None:
        return
    if isinstance(minimum, bool) or not isinstance(minimum, int | float):
        ev.add("min_population", "unknown", f"population threshold {minimum!r} is not a number")
        return
    if applicant.population is None:
        ev.add("min_population", "unknown", f"applicant population is unknown; at least {minimum:,} required")
    elif applicant.population >= minimum:
        ev.add("min_population", "pass", f"applicant population {applicant.population:,} ≥ {minimum:,}")
    else:
        ev.add("min_population", "fail", f"applicant population {applicant.population:,} < {minimum:,}")


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check_partner_count(ev: _Eval, rule: Any, n_partners: int) -> None:
    if rule is None:
        return
    if isinstance(rule, str):
        # Prose ("Pairs, trios and thematic clusters") cannot be checked: report and ask.
        ev.add("partner_count", "unknown", f"partner count stated as text: {rule}", textual=True)
        ev.to_confirm.append(f"partner count: {rule}")
        return
    lo: int | None
    hi: int | None
    if _int_or_none(rule) is not None:
        # A bare number in the catalogue is a minimum ("at least N partners").
        lo, hi = rule, None
    elif isinstance(rule, Mapping) and set(rule) <= {"min", "max"} and rule:
        lo, hi = _int_or_none(rule.get("min")), _int_or_none(rule.get("max"))
        if (rule.get("min") is not None and lo is None) or (rule.get("max") is not None and hi is None):
            ev.add("partner_count", "unknown", f"partner count rule {rule!r} is not understood")
            return
    else:
        ev.add("partner_count", "unknown", f"partner count rule {rule!r} is not understood")
        return
    span = f"{lo if lo is not None else 'any'}–{hi if hi is not None else 'any'}"
    if (lo is not None and n_partners < lo) or (hi is not None and n_partners > hi):
        ev.add("partner_count", "fail", f"{n_partners} partners, scheme requires {span}")
    else:
        ev.add("partner_count", "pass", f"{n_partners} partners within {span}")


def sector_parents_from(records: Iterable[Mapping[str, Any]]) -> dict[str, str | None]:
    """``{sector id: parent id}`` from the records of ``sectors.json``."""
    return {r["id"]: r.get("parent") for r in records}


def _lineage(sector: str, parents: Mapping[str, str | None]) -> list[str]:
    chain, seen = [sector], {sector}
    while (parent := parents.get(chain[-1])) and parent not in seen:
        chain.append(parent)
        seen.add(parent)
    return chain


def _check_sectors(
    ev: _Eval,
    scheme_sectors: Sequence[str] | None,
    requested: Sequence[str],
    parents: Mapping[str, str | None],
) -> None:
    # Nothing requested: sector fit says nothing about eligibility, so it is not checked.
    if not requested or not scheme_sectors:
        return
    offered = set(scheme_sectors)
    direct = [s for s in requested if s in offered]
    if direct:
        ev.add("sectors", "pass", f"scheme covers {', '.join(direct)}")
        return
    # With the taxonomy: a request for "hydrogen" fits a scheme for "energy", and a
    # request for "energy" fits a scheme for "renewable-energy".
    related = []
    for s in requested:
        broader = [a for a in _lineage(s, parents)[1:] if a in offered]
        narrower = [o for o in offered if s in _lineage(o, parents)[1:]]
        if broader:
            related.append(f"{s} via broader {broader[0]}")
        elif narrower:
            related.append(f"{s} via narrower {', '.join(sorted(narrower))}")
    if related:
        ev.add("sectors", "pass", f"scheme covers {'; '.join(related)}")
    else:
        ev.add(
            "sectors",
            "fail",
            f"requested {', '.join(requested)} not among scheme sectors {', '.join(scheme_sectors)}",
        )


# --------------------------------------------------------------------------- active years

_YEAR = r"(?:19|20)\d\d"
_MONTH = (
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
    r"(?:/(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)?\s+)?"
)
_RANGE = re.compile(
    rf"(?<!\d)({_YEAR})\s*(?:[-–—]|\bto\b(?:\s+at\s+least)?)\s*{_MONTH}({_YEAR}|\d\d)(?!\d)(/\d\d(?!\d))?"
    rf"(\s+and\s+later|\s+onwards)?",
    re.I,
)
_OPEN_START = re.compile(
    rf"(?:\b(?:from|since)\s+{_MONTH}({_YEAR})(?!\d)(?!\s*(?:[-–—]|to\b)\s*{_MONTH}\d))"
    rf"|(?<!\d)({_YEAR})\s*(?:[-–—]\s*(?:present|today|now|ongoing)\b|[-–—](?!\s*[\w/])|\s+onwards\b|\s+and\s+later\b)",
    re.I,
)
_UNTIL = re.compile(rf"\b(?:until|till|up to|to)\s+{_MONTH}({_YEAR})(?!\d)", re.I)
_SINGLE = re.compile(rf"(?<!\d)({_YEAR})(?!\d)")
_ONGOING = re.compile(r"\b(?:ongoing|present|to date|since|onwards|to at least|and later)\b", re.I)
# A founding date is a stated start, but says nothing about whether the scheme still runs.
_FOUNDED = re.compile(
    rf"\b(?:founded|established|launched|created)\s+(?:in\s+)?{_MONTH}({_YEAR})(?!\d)", re.I
)
# Years that are not about when the scheme runs.
_NOISE = re.compile(rf"\btarget\s+year\s+{_YEAR}", re.I)


@dataclass(frozen=True)
class ActivePeriod:
    """Envelope of the years in an ``active_years`` text.

    ``start_explicit`` / ``end_explicit`` are true when the bound comes from a
    word that states a boundary ("from 2013", "2014-", "until 2020") rather
    than from the dates of cases that used the scheme.
    """

    start: int | None
    end: int | None
    start_explicit: bool
    end_explicit: bool

    @property
    def label(self) -> str:
        """``"2013–…"`` style span for messages."""
        start = "…" if self.start is None else str(self.start)
        end = "…" if self.end is None else str(self.end)
        return f"{start}–{end}"


# catalogue texts repeat on every request: parse each once
@lru_cache(maxsize=4096)
def parse_active_years(text: str | None) -> ActivePeriod | None:
    """Parse a free-text ``active_years`` into an :class:`ActivePeriod`.

    Understands ranges (``2016-2020``, ``FY1999-2000``, ``2021-2023/24``,
    ``2021 to March 2023``), open starts (``from 2013``, ``since 1981``,
    ``2014-``, ``2013-present``, ``2013 onwards``), ends (``until 2020``) and
    single years; the envelope spans all of them. Returns ``None`` when no year
    can be found.
    """
    if not text:
        return None
    clean = _NOISE.sub(" ", text)
    starts: list[tuple[int, bool]] = []
    ends: list[tuple[int, bool]] = []
    open_end = False
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in taken)

    for m in _RANGE.finditer(clean):
        a = int(m.group(1))
        raw_b = m.group(2)
        b = int(raw_b) if len(raw_b) == 4 else (a // 100) * 100 + int(raw_b)
        if m.group(3):
            b = (b // 100) * 100 + int(m.group(3)[1:])
        if b < a:
            continue
        starts.append((a, False))
        ends.append((b, False))
        if m.group(4) or re.search(r"\bat\s+least\b", m.group(0), re.I):
            open_end = True
        taken.append(m.span())
    for m in _OPEN_START.finditer(clean):
        if not free(m):
            continue
        starts.append((int(m.group(1) or m.group(2)), True))
        open_end = True
        taken.append(m.span())
    for m in _FOUNDED.finditer(clean):
        if not free(m):
            continue
        starts.append((int(m.group(1)), True))
        taken.append(m.span())
    for m in _UNTIL.finditer(clean):
        if not free(m):
            continue
        ends.append((int(m.group(1)), True))
        taken.append(m.span())
    for m in _SINGLE.finditer(clean):
        if not free(m):
            continue
        year = int(m.group(1))
        starts.append((year, False))
        ends.append((year, False))
    if not starts and not ends:
        return None
    if _ONGOING.search(clean):
        open_end = True
    start, start_explicit = min(starts) if starts else (None, False)
    if start is not None:
        start_explicit = any(y == start and e for y, e in starts)
    end: int | None
    if open_end:
        end, end_explicit = None, False
    else:
        end = max(y for y, _ in ends)
        end_explicit = any(y == end and e for y, e in ends)
    # An explicit "until" with no start at all leaves the start open.
    return ActivePeriod(start, end, start_explicit, end_explicit)


def _check_years(ev: _Eval, text: str | None, year: int | None) -> None:
    if year is None:
        return
    period = parse_active_years(text)
    if period is None:
        shown = f"'{text}'" if text else "not stated"
        ev.add("active_years", "unknown", f"active years {shown} cannot be read; asked for {year}")
        return
    span = period.label
    if period.start is not None and year < period.start:
        # Dates of cases show use, not the launch: only a stated start ("from 2013") excludes.
        if period.start_explicit:
            ev.add("active_years", "fail", f"{year} is before the scheme started ({span}: {text})")
        else:
            ev.add("active_years", "unknown", f"{year} is before the first documented year ({span}: {text})")
    elif period.end is not None and year > period.end:
        if period.end_explicit:
            ev.add("active_years", "fail", f"{year} is after the scheme ended ({span}: {text})")
        else:
            ev.add(
                "active_years",
                "unknown",
                f"{year} is after the last documented year; whether it still runs is not stated "
                f"({span}: {text})",
            )
    else:
        ev.add("active_years", "pass", f"{year} is within {span} ({text})")


# --------------------------------------------------------------------------- engine


def _overrides(elig: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    out = {}
    for code, key in SCHEME_REGION_OVERRIDES.items():
        if elig.get(key) is not None:
            out[code] = frozenset(c for c in map(_norm_country, elig[key]) if c)
    return out


def _evaluate(
    scheme: Mapping[str, Any],
    *,
    applicant: Party,
    partner: Party,
    sectors: Sequence[str],
    n_partners: int,
    year: int | None,
    regions: RegionResolver,
    sector_parents: Mapping[str, str | None],
) -> _Eval:
    elig: Mapping[str, Any] = scheme.get("eligibility") or {}
    overrides = _overrides(elig)
    ev = _Eval()
    _check_countries(
        ev,
        "applicant_countries",
        "applicant",
        _codes(elig.get("applicant_countries")),
        applicant,
        regions,
        overrides,
    )
    _check_countries(
        ev,
        "partner_countries",
        "partner",
        _codes(elig.get("partner_countries")),
        partner,
        regions,
        overrides,
    )
    if _recipient_is_applicant(scheme, regions):
        _check_income(ev, _codes(elig.get("income_groups")), applicant, "applicant", regions)
    else:
        _check_income(ev, _codes(elig.get("income_groups")), partner, "partner", regions)
    _check_types(ev, _codes(elig.get("applicant_types")), applicant, partner)
    _check_population(ev, elig.get("min_population"), applicant)
    _check_partner_count(ev, elig.get("partner_count"), n_partners)
    _check_sectors(ev, scheme.get("sectors"), sectors, sector_parents)
    _check_years(ev, scheme.get("active_years"), year)
    for condition in elig.get("requires") or []:
        ev.add("requires", "unknown", condition, textual=True)
        ev.to_confirm.append(condition)
    return ev


def _rank(ev: _Eval) -> tuple[int, int, int]:
    verdict = ev.verdict()
    order = {True: 2, None: 1, False: 0}[verdict]
    fails = sum(c.status == "fail" for c in ev.checks)
    unknowns = sum(c.status == "unknown" for c in ev.checks)
    return order, -fails, -unknowns


def check_scheme(
    scheme: Mapping[str, Any],
    *,
    city: Party,
    partner: Party,
    sectors: Sequence[str] = (),
    n_partners: int = 2,
    year: int | None = None,
    regions: RegionResolver,
    sector_parents: Mapping[str, str | None] | None = None,
) -> Eligibility:
    """Check one scheme for a pair of cities, both ways round.

    Parameters
    ----------
    scheme
        One record of ``funding_schemes.json``.
    city, partner
        The two sides. Each is tried as the applicant in turn.
    sectors
        Requested sector ids; empty means no sector check.
    n_partners
        Number of cities/organisations taking part, the applicant included
        (2 for a pair).
    year
        Year the cooperation would be funded; ``None`` skips the year check.
    regions
        Resolver for region codes.
    sector_parents
        Optional ``{sector: parent}`` taxonomy (see :func:`sector_parents_from`)
        so that broader/narrower sectors count as a fit.

    Returns
    -------
    Eligibility
        The better orientation (True > None > False; then fewer failing, then
        fewer unknown checks; the city applying wins a tie).
    """
    evaluate = partial(
        _evaluate,
        scheme,
        sectors=tuple(sectors),
        n_partners=n_partners,
        year=year,
        regions=regions,
        sector_parents=sector_parents or {},
    )
    as_city = evaluate(applicant=city, partner=partner)
    as_partner = evaluate(applicant=partner, partner=city)
    best, orientation = (
        (as_partner, PARTNER_APPLIES) if _rank(as_partner) > _rank(as_city) else (as_city, CITY_APPLIES)
    )
    return Eligibility(
        scheme_id=str(scheme.get("id")),
        eligible=best.verdict(),
        checks=tuple(best.checks),
        to_confirm=tuple(dict.fromkeys(best.to_confirm)),
        orientation=orientation,
    )


def ruled_out_by_countries(
    scheme: Mapping[str, Any], *, city: Party, partner: Party, regions: RegionResolver
) -> bool:
    """Whether the country rules alone fail the pair both ways round.

    Then :func:`check_scheme` finds the scheme not eligible, whatever the other rules say.
    """
    countries = (city.country, partner.country)
    return CountryRules.of(scheme, countries, regions).rules_out(*countries)


@dataclass(frozen=True)
class CountryRules:
    """The countries one scheme's applicant and partner rules fail, among a known list of countries.

    A cheap first pass (no rule details are built) for a caller that ranks many schemes: a pair
    both of whose orientations fail is ruled out. A country outside the list counts as passing
    both rules: at worst a pair gets the full check.
    """

    applicant_fails: frozenset[str]
    partner_fails: frozenset[str]

    @classmethod
    def of(
        cls, scheme: Mapping[str, Any], countries: Iterable[str | None], regions: RegionResolver
    ) -> CountryRules:
        elig: Mapping[str, Any] = scheme.get("eligibility") or {}
        overrides = _overrides(elig)
        known = {c for c in map(_norm_country, countries) if c}

        def failing(key: str) -> frozenset[str]:
            codes = _codes(elig.get(key))
            if codes is None:
                return frozenset()
            return frozenset(c for c in known if _membership(codes, c, regions, overrides)[0] == "fail")

        return cls(failing("applicant_countries"), failing("partner_countries"))

    def rules_out(self, city_country: str | None, partner_country: str | None) -> bool:
        a, b = _norm_country(city_country), _norm_country(partner_country)
        return all(x in self.applicant_fails or y in self.partner_fails for x, y in ((a, b), (b, a)))


def match_schemes(
    schemes: Sequence[Mapping[str, Any]],
    *,
    city: Party,
    partner: Party,
    sectors: Sequence[str] = (),
    n_partners: int = 2,
    year: int | None = None,
    regions: RegionResolver,
    sector_parents: Mapping[str, str | None] | None = None,
) -> list[Eligibility]:
    """:func:`check_scheme` for every scheme, in the order given.

    Sorting (eligible first, by fit) is left to the funding recommender.
    """
    return [
        check_scheme(
            s,
            city=city,
            partner=partner,
            sectors=sectors,
            n_partners=n_partners,
            year=year,
            regions=regions,
            sector_parents=sector_parents,
        )
        for s in schemes
    ]
