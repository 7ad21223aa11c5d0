"""The readiness check of a pair: the seven factors behind lasting cooperation and the three
conditions for real results named by the Kitakyushu study (IGES 2018, ch. 4), each judged from
the store.

Every item gets ``strong``, ``partial``, ``gap`` or ``unknown`` with the evidence it rests on
(each with its source: ``precedent:<id>``, ``rule:<scheme>/<rule>``, ``profile:<city id>``,
``store:<what>``). What the store cannot know is ``unknown``, never ``strong``, and comes with one
concrete question for the planner; an item that is not ``strong`` always asks one. The thresholds
are the constants of :mod:`models.plans.factors` and :mod:`models.plans.conditions`; the tests read
them as a table. The items are :mod:`models.plans.evidence`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from models.plans.conditions import leadership, local_eagerness, matched_needs
from models.plans.evidence import Evidence, Item
from models.plans.factors import (
    communication,
    external_funds,
    home_benefits,
    packaged_know_how,
    policy_positioning,
    recognition,
    stakeholder_team,
)  # fmt: skip
from models.plans.facts import PairFacts, SectorTerms


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
