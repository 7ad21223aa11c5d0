"""A minimum number of inhabitants of the applicant; ``null`` means no threshold."""

from __future__ import annotations

from models.funding.registry import CatalogueField, Findings, RuleInput, RuleType


def check(q: RuleInput, ev: Findings) -> None:
    minimum, applicant = q.eligibility.get("min_population"), q.applicant
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


RULE_TYPES = (
    RuleType(
        rules=("min_population",),
        order=40,
        check=check,
        fields=(
            CatalogueField(
                "min_population",
                lambda _: {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 0}]},
                help="null or a whole number of inhabitants >= 0",
                annotation=int | None,
            ),
        ),
        reads=frozenset({"population"}),
    ),
)
