"""What the rules engine takes and gives: the two parties, one check, the verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["pass", "fail", "unknown"]

CITY_APPLIES = "city-applies"
PARTNER_APPLIES = "partner-applies"


@dataclass(frozen=True)
class Party:
    """One side of the cooperation.

    Parameters
    ----------
    country
        ISO 3166-1 alpha-2 code, ``None`` when unknown.
    population
        Inhabitants, ``None`` when unknown.
    applicant_type
        Kind of organisation that would apply ("local government", "NGO",
        "private company", ...).
    income_group
        World Bank income group of the country (``L``, ``LM``, ``UM``, ``H``),
        ``None`` when unknown.
    """

    country: str | None
    population: int | None = None
    applicant_type: str | None = "local government"
    income_group: str | None = None


@dataclass(frozen=True)
class Check:
    """Outcome of one rule for one orientation of the pair."""

    rule: str
    status: Status
    detail: str


@dataclass(frozen=True)
class Eligibility:
    """Verdict for one scheme and one pair of cities.

    ``eligible`` is ``True`` (every checkable rule passes; see ``to_confirm``),
    ``False`` (some rule fails) or ``None`` (some checkable rule is unknown).
    ``orientation`` is :data:`CITY_APPLIES` or :data:`PARTNER_APPLIES`.
    """

    scheme_id: str
    eligible: bool | None
    checks: tuple[Check, ...]
    to_confirm: tuple[str, ...]
    orientation: str

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form (field names as in the API's ``funding_schemes`` items)."""
        return {
            "id": self.scheme_id,
            "eligible": self.eligible,
            "orientation": self.orientation,
            "checks": [{"rule": c.rule, "status": c.status, "detail": c.detail} for c in self.checks],
            "to_confirm": list(self.to_confirm),
        }
