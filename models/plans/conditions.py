"""The three conditions for real results (IGES 2018, ch. 4), each judged from the store."""

from __future__ import annotations

from collections.abc import Sequence

from models.plans.evidence import Evidence, Item, Status, coop_title, in_sectors
from models.plans.factors import business_potential
from models.plans.facts import PairFacts, SectorTerms, sectors_in

# cooperations the city heads enter: evidence of leadership
FORMAL_KINDS = frozenset({"twinning", "technical-cooperation", "programme-pairing"})


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
    own = in_sectors(f.shared, f.sectors) if f.sectors else list(f.shared)
    ev = [
        Evidence(
            f"Cooperated already: {coop_title(r)} (success {r.get('success') or 'unknown'})",
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
                Evidence(f"Cooperated already in other sectors: {coop_title(r)}", f"precedent:{r['id']}")
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
        Evidence(f"An agreement the city heads entered: {coop_title(r)}", f"precedent:{r['id']}")
        for r in formal
    ]
    # who leads now is not in the store: an agreement is partial evidence at best
    return Item("leadership", "condition", name, "partial" if formal else "unknown", tuple(ev), q)
