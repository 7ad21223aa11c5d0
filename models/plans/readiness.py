"""The readiness check of a pair: the seven factors behind lasting cooperation and the three
conditions for real results named by the Kitakyushu study (IGES 2018, ch. 4), each judged from
the store.

Every item gets ``strong``, ``partial``, ``gap`` or ``unknown`` with the evidence it rests on
(each with its source: ``precedent:<id>``, ``rule:<scheme>/<rule>``, ``profile:<city id>``,
``store:<what>``). What the store cannot know is ``unknown``, never ``strong``, and comes with one
concrete question for the planner; an item that is not ``strong`` always asks one. The thresholds
are the constants below, the tests read them as a table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, get_args

from models.plans.facts import PairFacts, Row, SectorTerms, sectors_in

Status = Literal["strong", "partial", "gap", "unknown"]
STATUSES: tuple[str, ...] = get_args(Status)
Kind = Literal["factor", "condition"]

# a home team is "diverse" with this many cooperations of at least two kinds, one with business or funding
TEAM_COOPERATIONS = 3
TEAM_KINDS = 2
BUSINESS_KINDS = frozenset({"business-cooperation", "funded-project"})
# know-how is "packaged" when this many cooperations in the sectors have a high success and indicators
PACKAGED_COOPERATIONS = 2
# hours between the clocks that still leave a common working day
WORKING_OVERLAP_HOURS = 3.0
RECOGNITION = re.compile(
    r"\baward|\bprize|\bmedal|\bcommendation|\bshowcas|\bgreen capital|\bmagsaysay|\bgrand cross|\bhonou?r",
    re.IGNORECASE,
)
FORMAL_KINDS = frozenset({"twinning", "technical-cooperation", "programme-pairing"})


@dataclass(frozen=True)
class Evidence:
    text: str
    source: str


@dataclass(frozen=True)
class Item:
    id: str
    kind: Kind
    name: str
    status: Status
    evidence: tuple[Evidence, ...]
    question: str | None


@dataclass(frozen=True)
class Readiness:
    items: tuple[Item, ...]

    @property
    def gaps(self) -> tuple[Item, ...]:
        """Items that need work before the plan: a gap first, then what is unknown."""
        return tuple(i for i in self.items if i.status == "gap") + tuple(
            i for i in self.items if i.status == "unknown"
        )

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)


def _coop(row: Row) -> str:
    year = f" ({row['start_year']})" if row.get("start_year") else ""
    return f"{row['title']}{year}"


def _in_sectors(rows: Iterable[Row], sectors: Sequence[str]) -> list[Row]:
    wanted = set(sectors)
    return [r for r in rows if wanted & set(r.get("sectors") or ())]


def _unique(rows: Iterable[Row]) -> list[Row]:
    seen: dict[int, Row] = {}
    for r in rows:
        seen.setdefault(int(r["id"]), r)
    return list(seen.values())


def _documented(row: Row) -> bool:
    return row.get("success") == "high" and bool(row.get("outcome_indicators"))


def _indicators(row: Row, limit: int = 2) -> str:
    found = []
    for ind in list(row.get("outcome_indicators") or ())[:limit]:
        unit = f" {ind.get('unit')}" if ind.get("unit") and ind.get("unit") != "status" else ""
        year = f" ({ind['year']})" if ind.get("year") else ""
        found.append(f"{ind.get('metric')}: {ind.get('value')}{unit}{year}")
    return "; ".join(found)


# --------------------------------------------------------------------------- the seven factors


def policy_positioning(f: PairFacts) -> Item:
    q = (
        f"Is international cooperation with {f.partner.name} written into a current plan of "
        f"{f.city.name} (city master plan, international strategy or council resolution)?"
    )
    ev = [
        Evidence(f"{f.city.name} and {f.partner.name} already cooperate: {_coop(r)}", f"precedent:{r['id']}")
        for r in f.shared
    ] + [Evidence(f"Their regions cooperate: {_coop(r)}", f"precedent:{r['id']}") for r in f.regional]
    # an agreement shows intent, not a place in a city plan: the store never says strong here
    return Item(
        "policy_positioning", "factor", "Policy positioning", "partial" if ev else "unknown", tuple(ev), q
    )


def stakeholder_team(f: PairFacts) -> Item:
    home = f.city
    q = (
        f"Which departments, companies, universities and NGOs of {home.name} will join the team, "
        "and who coordinates them?"
    )
    kinds = {r["kind"] for r in f.city_history}
    business = [r for r in f.city_history if r["kind"] in BUSINESS_KINDS]
    ev = []
    if f.city_history:
        ev.append(
            Evidence(
                f"{home.name} has {len(f.city_history)} recorded cooperations of {len(kinds)} kind(s): "
                + ", ".join(sorted(kinds)),
                "store:cooperations",
            )
        )
    ev += [
        Evidence(f"With business or external funding: {_coop(r)}", f"precedent:{r['id']}")
        for r in business[:3]
    ]
    if home.industries:
        ev.append(Evidence(f"Industries of {home.name}: {', '.join(home.industries)}", home.source))
    if len(f.city_history) >= TEAM_COOPERATIONS and len(kinds) >= TEAM_KINDS and business and home.industries:
        status: Status = "strong"
    elif f.city_history or home.industries:
        status = "partial"
    elif home.has_profile:
        status = "gap"
        ev.append(
            Evidence(f"{home.name}'s profile names no industries and no cooperation is recorded", home.source)
        )
    else:
        status = "unknown"
    return Item(
        "stakeholder_team",
        "factor",
        "Diverse stakeholder team",
        status,
        tuple(ev),
        None if status == "strong" else q,
    )


def packaged_know_how(f: PairFacts, terms: Sequence[SectorTerms]) -> Item:
    q = (
        f"Which manuals, training courses or reference sites can be offered as a package in "
        f"{f.sectors_text()}, and who teaches them?"
    )
    name = "Packaged know-how"
    if not f.sectors:
        ev = (Evidence("No sectors were chosen for the pair", "store:request"),)
        return Item("packaged_know_how", "factor", name, "unknown", ev, q)
    rows = _unique(_in_sectors([*f.city_history, *f.partner_history], f.sectors))
    documented = [r for r in rows if _documented(r)]
    ev = [
        Evidence(
            f"{_coop(r)}: success {r.get('success') or 'unknown'}"
            + (f"; {_indicators(r)}" if r.get("outcome_indicators") else ""),
            f"precedent:{r['id']}",
        )
        for r in sorted(rows, key=lambda r: (not _documented(r), r["id"]))[:4]
    ]
    wanted = set(f.sectors)
    for side in (f.city, f.partner):
        for strength in side.strengths:
            if wanted & set(sectors_in(strength, terms)):
                ev.append(Evidence(f"{side.name} is strong in {strength}", side.source))
    if len(documented) >= PACKAGED_COOPERATIONS:
        status: Status = "strong"
    elif ev:
        status = "partial"
    elif f.city_history or f.partner_history:
        status = "gap"
        ev.append(
            Evidence(
                f"Neither city has a recorded cooperation or strength in {f.sectors_text()}",
                "store:cooperations",
            )
        )
    else:
        status = "unknown"
    return Item("packaged_know_how", "factor", name, status, tuple(ev), None if status == "strong" else q)


def external_funds(f: PairFacts) -> Item:
    name = "External funds"
    q = "Which scheme's next call fits the timeline, and who in the city office writes the application?"
    if not f.funding:
        ev = (
            Evidence(
                "No funding scheme of the catalogue could be checked for the pair", "store:funding_schemes"
            ),
        )
        return Item("external_funds", "factor", name, "unknown", ev, q)
    ev = []
    for opt in f.funding:
        verdict = {True: "eligible", False: "not eligible", None: "eligibility unknown"}[opt.eligible]
        confirm = f"; to confirm: {'; '.join(opt.to_confirm)}" if opt.to_confirm else ""
        failing = [c for c in opt.checks if c.status == "fail"]
        why = f" ({failing[0].detail})" if failing else ""
        ev.append(Evidence(f"{opt.name}: {verdict}{why}{confirm}", f"rule:{opt.scheme_id}"))
    funded = [r for r in _unique([*f.city_history, *f.partner_history]) if int(r["id"]) in f.funded_ids]
    funded_here = _in_sectors(funded, f.sectors) if f.sectors else funded
    ev += [Evidence(f"Funded before: {_coop(r)}", f"precedent:{r['id']}") for r in funded_here[:3]]
    eligible = [o for o in f.funding if o.eligible is True]
    if eligible and funded_here:
        status: Status = "strong"
    elif eligible or any(o.eligible is None for o in f.funding):
        status = "partial"
    else:
        status = "gap"
    return Item("external_funds", "factor", name, status, tuple(ev), None if status == "strong" else q)


def communication(f: PairFacts) -> Item:
    name = "Communication"
    q = "Which working language will the two teams use, and who interprets or translates?"
    a, b = f.city, f.partner
    ev = []
    if f.offset_hours is not None:
        ev.append(
            Evidence(
                f"The clocks of {a.name} and {b.name} are {f.offset_hours:g} hours apart", "store:timezone"
            )
        )
    if not a.languages or not b.languages:
        missing = ", ".join(c.name for c in (a, b) if not c.languages)
        ev.append(Evidence(f"No language is recorded for {missing}", "store:profiles"))
        return Item("communication", "factor", name, "unknown", tuple(ev), q)
    shared = sorted({x.casefold() for x in a.languages} & {x.casefold() for x in b.languages})
    ev.append(
        Evidence(
            f"{a.name} speaks {', '.join(a.languages)}; {b.name} speaks {', '.join(b.languages)}", a.source
        )
    )
    close = f.offset_hours is not None and f.offset_hours <= WORKING_OVERLAP_HOURS
    if shared and close:
        status: Status = "strong"
    elif shared or close:
        status = "partial"
    else:
        status = "gap"
    if shared:
        ev.append(Evidence(f"Shared language: {', '.join(shared)}", "store:profiles"))
    return Item("communication", "factor", name, status, tuple(ev), None if status == "strong" else q)


def _recognised(rows: Iterable[Row]) -> list[tuple[Row, str]]:
    found = []
    for r in rows:
        texts = [
            r.get("outcome_summary") or "",
            *(str(i.get("metric")) for i in r.get("outcome_indicators") or ()),
        ]
        hit = next((t for t in texts if RECOGNITION.search(t)), None)
        if hit:
            found.append((r, hit))
    return found


def recognition(f: PairFacts) -> Item:
    name = "Recognition"
    q = "Which award, national showcase or local press can make the results visible, at home and abroad?"
    own = _recognised(f.shared)
    other = _recognised(_unique([*f.city_history, *f.partner_history]))
    other = [(r, t) for r, t in other if r["id"] not in {o["id"] for o, _ in own}]
    ev = [Evidence(f"{_coop(r)}: {t}", f"precedent:{r['id']}") for r, t in own]
    ev += [Evidence(f"{_coop(r)}: {t}", f"precedent:{r['id']}") for r, t in other[:2]]
    high = [r for r in f.shared if r.get("success") == "high"]
    if own:
        status: Status = "strong"
    elif other or high:
        status = "partial"
        ev += [
            Evidence(f"{_coop(r)} is recorded with high success", f"precedent:{r['id']}") for r in high[:2]
        ]
    else:
        status = "unknown"
    return Item("recognition", "factor", name, status, tuple(ev), None if status == "strong" else q)


def business_potential(
    f: PairFacts, terms: Sequence[SectorTerms]
) -> tuple[list[tuple[str, str, str]], set[str]]:
    """(home industry, partner need, sector) triples: what the home city's firms could supply."""
    needs: dict[str, str] = {}
    for text in [*f.partner.challenges, f.partner.needs_text]:
        for s in sectors_in(text, terms):
            needs.setdefault(s, text)
    for s in f.partner.stated_sectors:
        needs.setdefault(s, f"{f.partner.name} asks for {f.sector_label(s)}")
    found = []
    for industry in [*f.city.industries, *f.city.strengths]:
        for s in sectors_in(industry, terms):
            if s in needs and s not in {x[2] for x in found}:
                found.append((industry, needs[s], s))
    return found, set(needs)


def home_benefits(f: PairFacts, terms: Sequence[SectorTerms]) -> Item:
    name = "Benefits to the home city"
    q = (
        f"What will {f.city.name} gain at home (orders for local firms, staff skills, jobs), "
        "and how will it be measured?"
    )
    if (
        not f.city.industries
        and not f.city.strengths
        or not (f.partner.challenges or f.partner.needs_text or f.partner.stated_sectors)
    ):
        ev = (
            Evidence("The store lacks the home city's industries or the partner's needs", "store:profiles"),
        )
        return Item("home_benefits", "factor", name, "unknown", ev, q)
    matches, _ = business_potential(f, terms)
    ev = [
        Evidence(f"{f.city.name}: {industry} ↔ {f.partner.name}: {need} ({f.sector_label(s)})", f.city.source)
        for industry, need, s in matches
    ]
    business = [
        r
        for r in _unique([*f.shared, *f.regional, *f.city_history])
        if r["kind"] == "business-cooperation" and set(r.get("sectors") or ()) & {m[2] for m in matches}
    ]
    ev += [
        Evidence(f"Business cooperation already: {_coop(r)}", f"precedent:{r['id']}") for r in business[:2]
    ]
    if matches and business:
        status: Status = "strong"
    elif matches:
        status = "partial"
    else:
        status = "gap"
        ev.append(Evidence(f"No industry of {f.city.name} matches a need of {f.partner.name}", f.city.source))
    return Item("home_benefits", "factor", name, status, tuple(ev), None if status == "strong" else q)


# --------------------------------------------------------------------------- the three conditions


def matched_needs(f: PairFacts, terms: Sequence[SectorTerms]) -> Item:
    name = "Support matched local needs"
    q = f"Which problem of {f.partner.name} does the cooperation solve, in the words of its own staff?"
    if not f.sectors:
        ev = (Evidence("No sectors were chosen for the pair", "store:request"),)
        return Item("matched_needs", "condition", name, "unknown", ev, q)
    _, needed = business_potential(f, terms)
    for text in [*f.city.challenges, f.city.needs_text]:
        needed |= set(sectors_in(text, terms))
    needed |= set(f.city.stated_sectors)
    if not needed:
        ev = (Evidence("Neither city states needs or challenges in the store", "store:profiles"),)
        return Item("matched_needs", "condition", name, "unknown", ev, q)
    hit = [s for s in f.sectors if s in needed]
    ev = [Evidence(f"{f.sector_label(s)} answers a stated need or challenge", f.partner.source) for s in hit]
    missing = [s for s in f.sectors if s not in needed]
    if missing:
        ev.append(
            Evidence(f"No stated need for {', '.join(f.sector_label(s) for s in missing)}", "store:profiles")
        )
    status: Status = "strong" if not missing else "partial" if hit else "gap"
    return Item("matched_needs", "condition", name, status, tuple(ev), None if status == "strong" else q)


def local_eagerness(f: PairFacts) -> Item:
    name = "Local people eager"
    q = (
        f"Who in {f.partner.name} asked for this cooperation, and will its staff and residents take part "
        "(a named department, utility or resident group)?"
    )
    own = _in_sectors(f.shared, f.sectors) if f.sectors else list(f.shared)
    ev = [
        Evidence(
            f"Cooperated already: {_coop(r)} (success {r.get('success') or 'unknown'})",
            f"precedent:{r['id']}",
        )
        for r in own
    ]
    if len(own) >= 2 and sum(r.get("success") == "high" for r in own) >= 2:
        status: Status = "strong"
    elif own or f.shared:
        status = "partial"
        if not own:
            ev += [
                Evidence(f"Cooperated already in other sectors: {_coop(r)}", f"precedent:{r['id']}")
                for r in f.shared
            ]
    else:
        status = "unknown"
    return Item("local_eagerness", "condition", name, status, tuple(ev), None if status == "strong" else q)


def leadership(f: PairFacts) -> Item:
    name = "Strong leadership"
    q = (
        f"Which mayor or department head of {f.city.name} and of {f.partner.name} champions the cooperation, "
        "and is it among their term's priorities?"
    )
    formal = [r for r in f.shared if r["kind"] in FORMAL_KINDS]
    ev = [
        Evidence(f"An agreement the city heads entered: {_coop(r)}", f"precedent:{r['id']}") for r in formal
    ]
    # who leads now is not in the store: an agreement is partial evidence at best
    return Item("leadership", "condition", name, "partial" if formal else "unknown", tuple(ev), q)


FACTORS: tuple[str, ...] = (
    "policy_positioning", "stakeholder_team", "packaged_know_how", "external_funds",
    "communication", "recognition", "home_benefits",
)  # fmt: skip
CONDITIONS: tuple[str, ...] = ("matched_needs", "local_eagerness", "leadership")


def check_readiness(facts: PairFacts, terms: Sequence[SectorTerms]) -> Readiness:
    """The ten items, factors first, in the study's order."""
    checks: list[Callable[[], Item]] = [
        lambda: policy_positioning(facts),
        lambda: stakeholder_team(facts),
        lambda: packaged_know_how(facts, terms),
        lambda: external_funds(facts),
        lambda: communication(facts),
        lambda: recognition(facts),
        lambda: home_benefits(facts, terms),
        lambda: matched_needs(facts, terms),
        lambda: local_eagerness(facts),
        lambda: leadership(facts),
    ]
    items = []
    for check in checks:
        item = check()
        if not item.evidence:
            item = replace(
                item, evidence=(Evidence("The store records nothing on this for the pair", "store:none"),)
            )
        items.append(item)
    return Readiness(tuple(items))
