"""Applicant types: free-text organisation types, some with a role in parentheses.

An entry whose role names the other side ("host", "experts", "Japanese implementing
partner", "participant") is checked against the partner; a sub-national applicant where
only a "national government (requesting side / borrower / recipient)" may apply is
``unknown`` (the national government has to take the project up); other parenthesised
qualifiers ("CCAC member cities") go to ``to_confirm``. ``null`` skips the check with a
note in ``to_confirm``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from models.funding.registry import (
    CatalogueField,
    Findings,
    RuleInput,
    RuleType,
    codes,
    json_list,
    json_text,
)
from models.funding.types import Status

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


def check(q: RuleInput, ev: Findings) -> None:
    types, applicant, partner = codes(q.eligibility.get("applicant_types")), q.applicant, q.partner
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


RULE_TYPES = (
    RuleType(
        rules=("applicant_types",),
        order=30,
        check=check,
        fields=(
            CatalogueField(
                "applicant_types",
                lambda _: json_list(json_text(), nullable=True, min_items=1),
                help="null or a non-empty list of organisation types "
                "(e.g. 'local government', 'NGO'); a role may follow in parentheses",
                annotation=list[str] | None,
            ),
        ),
        reads=frozenset({"applicant_type"}),
    ),
)
