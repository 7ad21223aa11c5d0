"""Region codes resolved to countries."""

from __future__ import annotations

import pytest

from models.funding import RegionResolver
from tests.models.funding.helpers import REGIONS, load


@pytest.mark.parametrize(
    ("code", "iso2", "expected"),
    [
        ("EU27", "DE", True),
        ("EU27", "JP", False),
        ("eu27", "de", True),
        ("CERV-associated", "UA", None),
        ("JP", "JP", True),
        ("UK", "GB", True),
        ("multilateral", "JP", None),
    ],
)
def test_region_resolver_contains(code: str, iso2: str, expected: bool | None) -> None:
    assert REGIONS.contains(code, iso2) is expected


def test_region_resolver_members_and_extra_facts() -> None:
    assert REGIONS.members("CERV-associated") is None
    assert "KH" in (REGIONS.members("ODA-eligible") or set())
    completed = RegionResolver(load("regions.json"), extra_members={"CERV-associated": ["UA"]})
    assert completed.contains("CERV-associated", "UA") is True
