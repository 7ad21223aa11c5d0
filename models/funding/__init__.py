"""Funding-scheme eligibility: an explicit, data-driven rules engine.

The rules live in the catalogue (``data/curated/funding_schemes.json``, the
``eligibility`` object of each scheme); this package only knows *rule types*,
never individual schemes. Each rule type is one module of
:mod:`models.funding.rules` (see :mod:`models.funding.registry`), whose docstring
says what its values mean and what ``null`` does. Every rule is reported as its
own :class:`Check` (``pass`` / ``fail`` / ``unknown`` with a human-readable
detail), and the verdict is derived from the checks:

* any ``fail``                                  -> ``eligible = False``
* else any ``unknown`` among the checkable rules -> ``eligible = None``
* else                                          -> ``eligible = True``; textual
  conditions are listed in ``to_confirm`` (True-but-to-confirm, never hidden).

Checkable rules are those stated in a structured form. Textual conditions
(``requires`` and a ``partner_count`` written as prose) can only be reported:
they become ``unknown`` checks *and* entries of ``to_confirm``, without blocking
the verdict.

``null`` in the catalogue means "not stated", never "anyone". Missing facts about
the *cities* are never guessed: a party without country, population or income
group, or a region whose ``members`` are ``null``, gives an ``unknown`` check for
every rule that needs it.

Which side applies matters (JICA partnership-type and Japanese ministry
schemes: the Japanese local government applies; JICA technical cooperation,
training, loans and grant aid: the partner country's government requests). The
catalogue encodes this through ``applicant_countries`` / ``partner_countries``,
so :func:`check_scheme` simply evaluates the pair both ways round and keeps the
better outcome (True > None > False), recording the orientation used.
"""

from models.funding.engine import (
    CHECKABLE_RULES,
    CountryRules,
    check_scheme,
    match_schemes,
    ruled_out_by_countries,
)
from models.funding.regions import RegionResolver
from models.funding.rules.sectors import sector_parents_from
from models.funding.types import CITY_APPLIES, PARTNER_APPLIES, Check, Eligibility, Party, Status
from models.funding.years import ActivePeriod, parse_active_years

__all__ = [
    "ActivePeriod",
    "CHECKABLE_RULES",
    "CITY_APPLIES",
    "PARTNER_APPLIES",
    "Check",
    "CountryRules",
    "Eligibility",
    "Party",
    "RegionResolver",
    "Status",
    "check_scheme",
    "match_schemes",
    "parse_active_years",
    "ruled_out_by_countries",
    "sector_parents_from",
]
