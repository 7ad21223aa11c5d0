"""The seven factors behind lasting cooperation (IGES 2018, ch. 4), each judged from the store.

The thresholds are the constants below; the tests read them as a table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from models.plans.evidence import (
    Evidence,
    Item,
    Status,
    coop_title,
    in_sectors,
    indicator_text,
    is_documented,
    unique_rows,
)  # fmt: skip
from models.plans.facts import PairFacts, Row, SectorTerms, sectors_in

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


def policy_positioning(f: PairFacts) -> Item:
    q = (
        f"Is international cooperation with {f.partner.name} written into a current plan of "
        f"{f.city.name} (city master plan, international strategy or council resolution)?"
    )
    ev = [
        Evidence(
            f"{f.city.name} and {f.partner.name} already cooperate: {coop_title(r)}", f"precedent:{r['id']}"
        )
        for r in f.shared
    ] + [Evidence(f"Their regions cooperate: {coop_title(r)}", f"precedent:{r['id']}") for r in f.regional]
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
        Evidence(f"With business or external funding: {coop_title(r)}", f"precedent:{r['id']}")
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
    rows = unique_rows(in_sectors([*f.city_history, *f.partner_history], f.sectors))
    documented = [r for r in rows if is_documented(r)]
    ev = [
        Evidence(
            f"{coop_title(r)}: success {r.get('success') or 'unknown'}"
            + (f"; {indicator_text(r)}" if r.get("outcome_indicators") else ""),
            f"precedent:{r['id']}",
        )
        for r in sorted(rows, key=lambda r: (not is_documented(r), r["id"]))[:4]
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
    funded = [r for r in unique_rows([*f.city_history, *f.partner_history]) if int(r["id"]) in f.funded_ids]
    funded_here = in_sectors(funded, f.sectors) if f.sectors else funded
    ev += [Evidence(f"Funded before: {coop_title(r)}", f"precedent:{r['id']}") for r in funded_here[:3]]
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
    other = _recognised(unique_rows([*f.city_history, *f.partner_history]))
    other = [(r, t) for r, t in other if r["id"] not in {o["id"] for o, _ in own}]
    ev = [Evidence(f"{coop_title(r)}: {t}", f"precedent:{r['id']}") for r, t in own]
    ev += [Evidence(f"{coop_title(r)}: {t}", f"precedent:{r['id']}") for r, t in other[:2]]
    high = [r for r in f.shared if r.get("success") == "high"]
    if own:
        status: Status = "strong"
    elif other or high:
        status = "partial"
        ev += [
            Evidence(f"{coop_title(r)} is recorded with high success", f"precedent:{r['id']}")
            for r in high[:2]
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
        for r in unique_rows([*f.shared, *f.regional, *f.city_history])
        if r["kind"] == "business-cooperation" and set(r.get("sectors") or ()) & {m[2] for m in matches}
    ]
    ev += [
        Evidence(f"Business cooperation already: {coop_title(r)}", f"precedent:{r['id']}")
        for r in business[:2]
    ]
    if matches and business:
        status: Status = "strong"
    elif matches:
        status = "partial"
    else:
        status = "gap"
        ev.append(Evidence(f"No industry of {f.city.name} matches a need of {f.partner.name}", f.city.source))
    return Item("home_benefits", "factor", name, status, tuple(ev), None if status == "strong" else q)
