"""Reading the free-text ``active_years`` of a scheme."""

from __future__ import annotations

import pytest

from models.funding import parse_active_years
from tests.models.funding.helpers import SCHEMES


@pytest.mark.parametrize(
    ("text", "start", "end", "start_explicit"),
    [
        ("2016-2020 (phase I)", 2016, 2020, False),
        ("FY1999-2000 (Dalian)", 1999, 2000, False),
        ("2021-2023/24 (phase II)", 2021, 2024, False),
        ("October/November 2021 to March 2023", 2021, 2023, False),
        ("2013-present (renamed later)", 2013, None, True),
        ("2014-", 2014, None, True),
        ("Kitakyushu since 1981; partner budgets", 1981, None, True),
        ("CLAIR founded 1988; used from 2001", 1988, None, True),
        ("1996-2000 (Dalian); master plan (target year 2035); 2016-2017", 1996, 2017, False),
        ("2010 (Dalian) to 2017 and later", 2010, None, False),
    ],
)
def test_parse_active_years(text: str, start: int, end: int | None, start_explicit: bool) -> None:
    period = parse_active_years(text)
    assert period is not None
    assert (period.start, period.end, period.start_explicit) == (start, end, start_explicit)


def test_every_catalogue_text_is_readable() -> None:
    unreadable = [s["id"] for s in SCHEMES if parse_active_years(s["active_years"]) is None]
    assert unreadable == []
