"""A draft Urban Cooperation Action Plan in the shape of the UCAP "at a glance" (seed 000): both
cities' facts, themes, key challenges, main objective, activities by phase, stakeholders, funding
options, readiness gaps and risks.

Every line carries its source: ``precedent:<cooperation id>``, ``rule:<scheme id>``,
``profile:<city id>``, ``readiness:<item>``, ``seed:<document>`` (the risks the seed documents
name), ``template`` (wording of this generator for the planner to edit) or ``planner`` (the
planner's own text, once edited). The plan is plain JSON-able data.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from models.plans.factors import business_potential
from models.plans.facts import PairFacts, Row, SectorTerms, sectors_in
from models.plans.readiness import Readiness

PHASES: tuple[str, ...] = ("exchange", "pilot", "agreement", "scale-up")
PHASE_TITLES = {
    "exchange": "Exchange and study visits",
    "pilot": "Pilot",
    "agreement": "Agreement",
    "scale-up": "Scale-up",
}
# the first phase whose words an activity uses, checked from the last phase back
PHASE_WORDS = {
    "scale-up": r"roll-?out|transfer(red)? .*to (nearby|other)|expan|scale|joined|business mission|contract|"
    r"trade fair|market",
    "agreement": r"\bagreement|\bmou\b|memorand|sister|letter of intent|signed|signing",
    "pilot": r"pilot|demonstrat|model (area|plant|zone|project)|feasibility|survey|study\b|project",
    "exchange": r"seminar|training|exchange|visit|study tour|workshop|know-how|lecture|internship|expert",
}
MAX_THEMES = 7
ACTIVITIES_PER_PHASE = 4
SECTION_TITLES = {
    "facts": "The two cities",
    "themes": "Themes of cooperation",
    "challenges": "Key challenges",
    "objective": "Main objective",
    "activities": "Main activities by phase",
    "stakeholders": "Stakeholders to involve",
    "funding": "Funding options",
    "readiness": "Readiness gaps",
    "risks": "Risks",
}
SECTIONS: tuple[str, ...] = tuple(SECTION_TITLES)
# the risks the seed documents name (IGES 2018 on Kitakyushu, seeds 003 and 004; the Essen-Koriyama deck)
SEED_RISKS = (
    (
        "Competitive bidding for ODA: orders from a project the cities prepared go to open tender, so the "
        "home city's firms may not win them",
        "seed:003_6fa685373c4dc005",
    ),
    (
        "Donor intent shaping project design: a funder's priorities and calls can pull the activities "
        "away from what the partner city asked for",
        "seed:003_6fa685373c4dc005",
    ),
    (
        "Language: documents, training and daily contact need a working language and interpreters",
        "seed:003_6fa685373c4dc005",
    ),
    (
        "Benefits at home are hard to show: residents and council ask what the home city gains, and "
        "the gains (skills, orders, reputation) come late and are hard to count",
        "seed:004_7ea94b39f15e6c08",
    ),
)


def line(text: str, source: str, **extra: Any) -> dict[str, Any]:
    return {"text": text, "source": source, **{k: v for k, v in extra.items() if v is not None}}


def phase_of(activity: str) -> str:
    low = activity.lower()
    for phase in ("scale-up", "agreement", "pilot", "exchange"):
        if re.search(PHASE_WORDS[phase], low):
            return phase
    return "exchange"


def activities(description: str) -> list[str]:
    """A cooperation's activities: one a line (curated cases), else its sentences."""
    parts = description.splitlines() if "\n" in description else re.split(r"(?<=[.;])\s+", description)
    return [p.strip().rstrip(".;") for p in parts if len(p.strip()) > 12]


def choose_themes(
    f: PairFacts, terms: Sequence[SectorTerms], precedents: Sequence[Row]
) -> list[tuple[str, str]]:
    """(sector id, source) of up to seven themes: the sectors asked for, else what the store suggests
    (the pair's and their regions' cooperations, what the home city could supply, shared challenges)."""
    if f.sectors:
        return [(s, "planner") for s in f.sectors[:MAX_THEMES]]
    votes: Counter[str] = Counter()
    source: dict[str, str] = {}
    for r in [*f.shared, *f.regional]:
        for s in r.get("sectors") or ():
            votes[s] += 3
            source.setdefault(s, f"precedent:{r['id']}")
    for _, _, s in business_potential(f, terms)[0]:
        votes[s] += 2
        source.setdefault(s, f.city.source)
    mine = {s for t in [*f.city.challenges, *f.city.industries] for s in sectors_in(t, terms)}
    theirs = {s for t in [*f.partner.challenges, *f.partner.industries] for s in sectors_in(t, terms)}
    for s in mine & theirs:
        votes[s] += 2
        source.setdefault(s, f.city.source)
    for r in precedents:
        for s in r.get("sectors") or ():
            if s in votes:
                votes[s] += 1
    order = sorted(votes, key=lambda s: (-votes[s], s))
    return [(s, source[s]) for s in order[:MAX_THEMES]]


def draft_plan(
    f: PairFacts,
    readiness: Readiness,
    terms: Sequence[SectorTerms],
    *,
    precedents: Sequence[Row] = (),
    title: str | None = None,
) -> dict[str, Any]:
    """The draft plan; ``precedents`` are cooperation rows with ``description`` (the pair's own,
    their regions', then the partners' and similar pairs' in the sectors), best first."""
    a, b = f.city, f.partner
    rows = list(precedents)
    themes = choose_themes(f, terms, rows)
    theme_ids = [s for s, _ in themes]
    sections: dict[str, list[dict[str, Any]]] = {k: [] for k in SECTIONS}

    for c in (a, b):
        facts = [f"{c.name} ({c.country or 'country unknown'})"]
        if c.admin_area:
            facts.append(c.admin_area)
        if c.population:
            facts.append(f"population {c.population:,}")
        if c.languages:
            facts.append(f"languages: {', '.join(c.languages)}")
        if c.industries:
            facts.append(f"industries: {', '.join(c.industries)}")
        if c.strengths:
            facts.append(f"strengths: {', '.join(c.strengths[:4])}")
        sections["facts"].append(line("; ".join(facts), c.source))

    for s, source in themes:
        sections["themes"].append(line(f.sector_label(s), source, sector=s))

    # key challenges: the cities' own, grouped by theme; shared ones first
    by_theme: dict[str, list[tuple[str, str]]] = {}
    for c in (a, b):
        for text in c.challenges:
            for s in sectors_in(text, terms):
                if s in theme_ids:
                    by_theme.setdefault(s, []).append((c.name, text))
                    break
    for s in sorted(by_theme, key=lambda s: (-len({n for n, _ in by_theme[s]}), theme_ids.index(s))):
        said = "; ".join(f"{n}: {t}" for n, t in by_theme[s])
        who = {n for n, _ in by_theme[s]}
        src = a.source if a.name in who else b.source
        sections["challenges"].append(line(f"{f.sector_label(s)} — {said}", src, sector=s))
    funds = readiness.item("external_funds")
    if funds.status != "strong":
        sections["challenges"].append(
            line(
                "Insufficient resources: staff time and money for the activities are not secured "
                f"(external funds: {funds.status})",
                "readiness:external_funds",
                sector="resources",
            )
        )

    names = ", ".join(f.sector_label(s) for s in theme_ids[:3]) or "the chosen themes"
    sections["objective"] += [
        line(
            f"To strengthen the relationship between {a.name} and {b.name} for a mutually beneficial future",
            "template",
        ),
        line(
            f"To solve shared challenges in {names} by exchanging know-how and piloting solutions", "template"
        ),
    ]
    potential, _ = business_potential(f, terms)
    if potential:
        sections["objective"].append(
            line(
                f"To open business for {a.name}'s firms ({', '.join(p[0] for p in potential[:3])})",
                a.source,
            )
        )

    per_phase: dict[str, list[dict[str, Any]]] = {p: [] for p in PHASES}
    for r in rows:
        if theme_ids and not set(r.get("sectors") or ()) & set(theme_ids):
            continue
        for act in activities(r.get("description") or ""):
            phase = phase_of(act)
            if len(per_phase[phase]) < ACTIVITIES_PER_PHASE:
                per_phase[phase].append(line(act, f"precedent:{r['id']}", phase=phase))
    defaults = {
        "exchange": f"Study visits and joint seminars between {a.name} and {b.name} on {names}",
        "pilot": f"A pilot project in {b.name} on the first theme, with indicators agreed beforehand",
        "agreement": f"An agreement (MoU) between {a.name} and {b.name} naming the themes and the teams",
        "scale-up": "Roll the pilot out to more sites or cities nearby; business matching for local firms",
    }
    for phase in PHASES:
        sections["activities"] += per_phase[phase] or [line(defaults[phase], "template", phase=phase)]

    for c in (a, b):
        relevant = [i for i in c.industries if set(sectors_in(i, terms)) & set(theme_ids)]
        if relevant:
            sections["stakeholders"].append(
                line(f"{c.name}: firms and institutions in {', '.join(relevant)}", c.source)
            )
        sections["stakeholders"].append(
            line(f"{c.name}: the international office and the departments of each theme", "template")
        )
    for opt in f.funding or ():
        sections["stakeholders"].append(line(f"Funder to approach: {opt.name}", f"rule:{opt.scheme_id}"))

    for opt in f.funding or ():
        verdict = {True: "eligible", False: "not eligible", None: "eligibility unknown"}[opt.eligible]
        checks = "; ".join(f"{c.rule} {c.status}: {c.detail}" for c in opt.checks)
        confirm = f" To confirm: {'; '.join(opt.to_confirm)}." if opt.to_confirm else ""
        sections["funding"].append(
            line(f"{opt.name} — {verdict}. {checks}.{confirm}".replace("..", "."), f"rule:{opt.scheme_id}")
        )
    if not sections["funding"]:
        sections["funding"].append(line("No scheme of the catalogue was found for the pair", "template"))

    for item in readiness.items:
        if item.status in ("gap", "unknown", "partial"):
            sections["readiness"].append(
                line(
                    f"{item.name} ({item.status}): {item.question}",
                    f"readiness:{item.id}",
                    status=item.status,
                )
            )

    comm = readiness.item("communication")
    for text, source in SEED_RISKS:
        extra = ""
        if text.startswith("Language") and comm.status != "strong":
            extra = f" ({comm.evidence[-1].text})" if comm.evidence else ""
        sections["risks"].append(line(text + extra, source))

    return {
        "title": title or f"Urban Cooperation Action Plan of {a.name} and {b.name} (draft)",
        "city": {"id": a.id, "name": a.name, "country": a.country},
        "partner": {"id": b.id, "name": b.name, "country": b.country},
        "sectors": list(f.sectors),
        "sections": [{"id": k, "title": SECTION_TITLES[k], "lines": sections[k]} for k in SECTIONS],
    }


def theme_ids(plan: Mapping[str, Any], section: str = "themes") -> list[str]:
    found = next(s for s in plan["sections"] if s["id"] == section)
    return [ln["sector"] for ln in found["lines"] if ln.get("sector")]
