"""A maximum number of inhabitants of the applicant (programmes for small towns); ``null``: none."""

from __future__ import annotations

from models.funding.registry import CatalogueField, Findings, RuleInput, RuleType


def check(q: RuleInput, ev: Findings) -> None:
    maximum, applicant = q.eligibility.get("max_population"), q.applicant
    if maximum is None:
        return
    if isinstance(maximum, bool) or not isinstance(maximum, int | float):
        ev.add("max_population", "unknown", f"population ceiling {maximum!r} is not a number")
        return
    if applicant.population is None:
        ev.add("max_population", "unknown", f"applicant population is unknown; at most {maximum:,} allowed")
    elif applicant.population <= maximum:
        ev.add("max_population", "pass", f"applicant population {applicant.population:,} ≤ {maximum:,}")
    else:
        ev.add("max_population", "fail", f"applicant population {applicant.population:,} > {maximum:,}")


RULE_TYPES = (
    RuleType(
        rules=("max_population",),
        order=45,
        check=check,
        fields=(
            CatalogueField(
                "max_population",
                lambda _: {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 1}]},
                help="null or the largest number of inhabitants an applicant may have, a whole number >= 1",
                annotation=int | None,
                description="Most inhabitants the applicant may have",
                required=False,
            ),
        ),
        reads=frozenset({"population"}),
    ),
)
