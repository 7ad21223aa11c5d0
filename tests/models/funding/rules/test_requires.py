"""Textual conditions checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from tests.models.funding.helpers import DE, FR, assert_case, syn

CASES = [
    # id, scheme, city, partner, extra kwargs, rule, expected status, expected verdict
    ("requires-to-confirm", syn(requires=["be a signatory"]), DE, FR, {}, "requires", "unknown", True),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_rule_in_isolation(case: tuple) -> None:
    assert_case(*case[1:])
