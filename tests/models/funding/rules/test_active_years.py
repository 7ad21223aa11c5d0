"""Active years checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from tests.models.funding.helpers import DE, FR, assert_case, syn

CASES = [
    # id, scheme, city, partner, extra kwargs, rule, expected status, expected verdict
    ("years-in-range", syn(active_years="2021-2027"), DE, FR, {"year": 2025}, "active_years", "pass", True),
    ("years-open-end", syn(active_years="2014-"), DE, FR, {"year": 2030}, "active_years", "pass", True),
    (
        "years-before-stated-start",
        syn(active_years="from 2013"),
        DE,
        FR,
        {"year": 2010},
        "active_years",
        "fail",
        False,
    ),
    (
        "years-after-until",
        syn(active_years="until 2020"),
        DE,
        FR,
        {"year": 2022},
        "active_years",
        "fail",
        False,
    ),
    (
        "years-after-documented-use",
        syn(active_years="2012 (Surabaya)"),
        DE,
        FR,
        {"year": 2025},
        "active_years",
        "unknown",
        None,
    ),
    (
        "years-unparseable",
        syn(active_years="ongoing, dates not stated"),
        DE,
        FR,
        {"year": 2025},
        "active_years",
        "unknown",
        None,
    ),
    ("years-null-with-year", syn(), DE, FR, {"year": 2025}, "active_years", "unknown", None),
    ("years-no-query-year", syn(active_years="1995-2002"), DE, FR, {}, "active_years", None, True),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_rule_in_isolation(case: tuple) -> None:
    assert_case(*case[1:])
