"""Whether the scheme runs in the query year, from its free-text ``active_years``.

A query year inside the parsed span passes; one before a *stated* start ("from 2013",
"2014-", "founded 1988") or after a stated end ("until 2020") fails; one outside dates
that merely document use ("2012 (Surabaya)") is ``unknown``, as is a text without any
year. Without a query year nothing is checked.
"""

from __future__ import annotations

from models.funding.registry import Findings, RuleInput, RuleType
from models.funding.years import parse_active_years


def check(q: RuleInput, ev: Findings) -> None:
    text, year = q.scheme.get("active_years"), q.year
    if year is None:
        return
    period = parse_active_years(text)
    if period is None:
        shown = f"'{text}'" if text else "not stated"
        ev.add("active_years", "unknown", f"active years {shown} cannot be read; asked for {year}")
        return
    span = period.label
    if period.start is not None and year < period.start:
        # Dates of cases show use, not the launch: only a stated start ("from 2013") excludes.
        if period.start_explicit:
            ev.add("active_years", "fail", f"{year} is before the scheme started ({span}: {text})")
        else:
            ev.add("active_years", "unknown", f"{year} is before the first documented year ({span}: {text})")
    elif period.end is not None and year > period.end:
        if period.end_explicit:
            ev.add("active_years", "fail", f"{year} is after the scheme ended ({span}: {text})")
        else:
            ev.add(
                "active_years",
                "unknown",
                f"{year} is after the last documented year; whether it still runs is not stated "
                f"({span}: {text})",
            )
    else:
        ev.add("active_years", "pass", f"{year} is within {span} ({text})")


RULE_TYPES = (RuleType(rules=("active_years",), order=70, check=check),)
