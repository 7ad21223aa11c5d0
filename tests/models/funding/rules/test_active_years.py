"""Active years checked in isolation, on synthetic schemes."""

from __future__ import annotations

from tests.models.funding.helpers import case, isolation_test, syn

CASES = [
    case("years-in-range", syn(active_years="2021-2027"), "pass", True, year=2025),
    case("years-open-end", syn(active_years="2014-"), "pass", True, year=2030),
    case("years-before-stated-start", syn(active_years="from 2013"), "fail", False, year=2010),
    case("years-after-until", syn(active_years="until 2020"), "fail", False, year=2022),
    case("years-after-documented-use", syn(active_years="2012 (Surabaya)"), "unknown", None, year=2025),
    case("years-unparseable", syn(active_years="ongoing, dates not stated"), "unknown", None, year=2025),
    case("years-null-with-year", syn(), "unknown", None, year=2025),
    case("years-no-query-year", syn(active_years="1995-2002"), None, True),
]


test_rule_in_isolation = isolation_test("active_years", CASES)
