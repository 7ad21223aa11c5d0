"""Conditions stated only in words: each is reported as ``unknown`` and listed to confirm."""

from __future__ import annotations

from models.funding.registry import CatalogueField, Findings, RuleInput, RuleType, json_list, json_text


def check(q: RuleInput, ev: Findings) -> None:
    for condition in q.eligibility.get("requires") or []:
        ev.add("requires", "unknown", condition, textual=True)
        ev.to_confirm.append(condition)


RULE_TYPES = (
    RuleType(
        rules=("requires",),
        order=80,
        check=check,
        fields=(
            CatalogueField(
                "requires",
                lambda _: json_list(json_text(), nullable=True),
                help="null or a list of textual conditions",
                annotation=list[str] | None,
                description="Textual conditions to confirm",
            ),
        ),
        textual=True,
    ),
)
