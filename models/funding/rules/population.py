"""Bounds on the applicant's number of inhabitants: a minimum, and a maximum (programmes for small
towns); ``null`` means no bound. Both are checked the same way, in opposite directions."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from models.funding.registry import CatalogueField, Findings, RuleInput, RuleType


def _bound_check(
    rule: str, *, within: Callable[[Any, Any], bool], signs: tuple[str, str], noun: str, need: str
) -> Callable[[RuleInput, Findings], None]:
    """The check of one bound: ``within(population, bound)`` passes; ``signs`` are (pass, fail)."""

    def check(q: RuleInput, ev: Findings) -> None:
        bound, applicant = q.eligibility.get(rule), q.applicant
        if bound is None:
            return
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            ev.add(rule, "unknown", f"population {noun} {bound!r} is not a number")
            return
        if applicant.population is None:
            ev.add(rule, "unknown", f"applicant population is unknown; {need.format(bound)}")
        elif within(applicant.population, bound):
            ev.add(rule, "pass", f"applicant population {applicant.population:,} {signs[0]} {bound:,}")
        else:
            ev.add(rule, "fail", f"applicant population {applicant.population:,} {signs[1]} {bound:,}")

    return check


def _bound_rule(
    rule: str,
    *,
    order: int,
    within: Callable[[Any, Any], bool],
    signs: tuple[str, str],
    noun: str,
    need: str,
    least: int,
    help: str,
    **field: Any,
) -> RuleType:
    """The rule type of one bound: a whole number of at least ``least``, or null, checked by
    :func:`_bound_check`."""
    return RuleType(
        rules=(rule,),
        order=order,
        check=_bound_check(rule, within=within, signs=signs, noun=noun, need=need),
        fields=(
            CatalogueField(
                rule,
                lambda _: {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": least}]},
                help=help,
                annotation=int | None,
                **field,
            ),
        ),
        reads=frozenset({"population"}),
    )


RULE_TYPES = (
    _bound_rule(
        "min_population",
        order=40,
        within=operator.ge,
        signs=("≥", "<"),
        noun="threshold",
        need="at least {:,} required",
        least=0,
        help="null or a whole number of inhabitants >= 0",
    ),
    _bound_rule(
        "max_population",
        order=45,
        within=operator.le,
        signs=("≤", ">"),
        noun="ceiling",
        need="at most {:,} allowed",
        least=1,
        help="null or the largest number of inhabitants an applicant may have, a whole number >= 1",
        description="Most inhabitants the applicant may have",
        required=False,
    ),
)
