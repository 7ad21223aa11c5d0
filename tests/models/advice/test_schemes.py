"""Funding recommender: eligibility tier first, then thematic fit and precedent."""

from __future__ import annotations

import json

import numpy as np

from models.advice.schemes import (
    FundedCooperation,
    SchemeFunding,
    catch_all,
    group_by_scheme,
    suggest_schemes,
)
from models.funding import CountryRules, Party, RegionResolver
from models.funding.registry import party_fields_read
from tests.conftest import CURATED

SCHEMES = json.loads((CURATED / "funding_schemes.json").read_text())
BY_ID = {s["id"]: s for s in SCHEMES}
REGIONS = RegionResolver.from_file(CURATED / "regions.json")
ZERO = np.zeros((len(SCHEMES), 4), dtype=np.float32)
CASES = json.loads((CURATED / "cooperation_cases.json").read_text())
FUNDED = [
    FundedCooperation(
        k,
        tuple(c["funding_scheme_ids"]),
        frozenset(m["country"] for m in c["cities"]),
        frozenset(c["sectors"]),
    )
    for k, c in enumerate(CASES)
    if c["funding_scheme_ids"]
]


def _ids(out):
    return [s.scheme_id for s in out]


def _suggest(**request):
    """The curated catalogue's schemes for a request without a needs text, all of them unless
    ``limit`` says; no precedent unless ``funded_by_scheme`` names some."""
    defaults = {"needs_embedding": None, "funded_by_scheme": {}, "regions": REGIONS, "limit": len(SCHEMES)}
    return suggest_schemes(SCHEMES, ZERO, **{**defaults, **request})


def test_japan_cambodia_water_ranks_an_eligible_jica_scheme_first():
    out = _suggest(
        city=Party("JP", 960_000, income_group="H"),
        partners=[(2, Party("KH", income_group="LM"))],
        sectors=["water-supply"],
        funded_by_scheme=group_by_scheme(FUNDED),
        limit=10,
    )
    assert out[0].eligibility.eligible is True
    assert "jica-partnership-program" in _ids(out[:5])
    # schemes ruled out come last; before them, those that funded water between JP and KH first
    ruled_out = [s.eligibility.eligible is False for s in out]
    assert ruled_out == sorted(ruled_out)
    like_this = [any("like this" in r for r in s.reasons) and not catch_all(BY_ID[s.scheme_id]) for s in out]
    first = [x for x, no in zip(like_this, ruled_out, strict=True) if not no]
    assert first == sorted(first, reverse=True) and first[0]


def test_a_funded_precedent_puts_the_own_budget_after_it():
    """The own budget funded water between JP and KH too, but it is open to all: the JICA scheme that
    funded such cooperations goes first; the own budget stays in the list."""
    out = _suggest(
        city=Party("KH", 40_000, income_group="LM"),
        partners=[(2, Party("JP", 960_000, income_group="H"))],
        sectors=["water-supply"],
        funded_by_scheme=group_by_scheme(FUNDED),
    )
    ids = _ids(out)
    assert catch_all(BY_ID["city-own-budget"]) and not catch_all(BY_ID["jica-partnership-program"])
    assert ids.index("jica-partnership-program") < ids.index("city-own-budget")
    assert ids[0] != "city-own-budget"
    jica = out[ids.index("jica-partnership-program")]
    assert any(r.startswith("Precedent: funded") and "like this" in r for r in jica.reasons)


def test_a_scheme_names_every_partner_it_is_not_ruled_out_for():
    out = _suggest(
        city=Party("KH", income_group="LM"),
        partners=[
            (5, Party("VN", income_group="LM")),
            (6, Party("JP", income_group="H")),
            (7, Party("KH", income_group="LM")),
            (8, Party("JP", income_group="H")),
        ],
        sectors=["water-supply"],
    )
    by_id = {s.scheme_id: s for s in out}
    assert by_id["jica-partnership-program"].partner_city_ids == (6, 8)
    assert by_id["city-own-budget"].partner_city_ids == (5, 6, 7, 8)
    for s in out:
        assert (s.partner_city_id in s.partner_city_ids) == (s.eligibility.eligible is not False)


def test_two_eu_cities_get_no_japanese_oda_scheme_as_eligible():
    out = _suggest(
        city=Party("DE", 580_000, income_group="H"),
        partners=[(2, Party("FR", income_group="H"))],
        sectors=["tourism-culture"],
    )
    eligible = {s.scheme_id for s in out if s.eligibility.eligible}
    assert "eu-cerv-town-twinning" in eligible
    assert not eligible & {"jica-partnership-program", "oda-yen-loan", "japan-grant-aid"}


def test_precedent_lifts_a_scheme_within_its_tier_and_says_why():
    funded = [FundedCooperation(1, ("eu-iurc",), frozenset({"DE", "JP"}), frozenset({"hydrogen"}))]
    args = dict(
        city=Party("DE", income_group="H"),
        partners=[(2, Party("JP", income_group="H"))],
        sectors=["hydrogen"],
    )
    without = {s.scheme_id: s for s in _suggest(**args)}
    with_prec = {s.scheme_id: s for s in _suggest(funded_by_scheme=group_by_scheme(funded), **args)}
    assert with_prec["eu-iurc"].score > without["eu-iurc"].score
    assert any("between these countries" in r for r in with_prec["eu-iurc"].reasons)


def test_best_partner_stands_for_the_scheme():
    out = _suggest(
        city=Party("JP", income_group="H"),
        partners=[(7, Party("KR", income_group="H")), (8, Party("KH", income_group="LM"))],
        sectors=["water-supply"],
    )
    jica = next(s for s in out if s.scheme_id == "jica-partnership-program")
    assert jica.partner_city_id == 8 and jica.eligibility.eligible is True


def _random_requests(n: int, seed: int):
    """Scheme embeddings and ``n`` varied requests: a city, 1–3 partners, sectors, a needs vector."""
    rng = np.random.default_rng(seed)
    embeddings = rng.normal(size=(len(SCHEMES), 8)).astype(np.float32)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    countries = [
        ("JP", "H"), ("KH", "LM"), ("DE", "H"), ("FR", "H"), ("PL", "H"), ("VN", "LM"), ("BR", "UM"),
        ("CN", "UM"), ("US", "H"),
    ]  # fmt: skip
    sector_ids = sorted({s for scheme in SCHEMES for s in scheme.get("sectors") or ()})
    requests = []
    for _ in range(n):
        city_country, city_income = countries[rng.integers(len(countries))]
        picks = rng.choice(len(countries), size=int(rng.integers(1, 4)), replace=False)
        requests.append(
            dict(
                city=Party(city_country, int(rng.integers(5_000, 3_000_000)), income_group=city_income),
                partners=[(int(p), Party(countries[p][0], income_group=countries[p][1])) for p in picks],
                sectors=list(rng.choice(sector_ids, size=int(rng.integers(0, 3)), replace=False)),
                needs_embedding=embeddings[rng.integers(len(SCHEMES))] if rng.random() < 0.7 else None,
                funded_by_scheme=group_by_scheme(FUNDED),
                regions=REGIONS,
            )
        )
    return embeddings, requests


def test_stopping_early_gives_the_answer_of_checking_every_scheme():
    """Eligibility is checked in order of the fit bound and stops once the top 5 cannot change."""
    embeddings, requests = _random_requests(40, seed=7)
    early_checks = full_checks = 0
    for args in requests:
        early_cache: dict = {}
        full_cache: dict = {}
        early = suggest_schemes(SCHEMES, embeddings, limit=5, cache=early_cache, **args)
        full = suggest_schemes(SCHEMES, embeddings, limit=len(SCHEMES), cache=full_cache, **args)
        assert early == full[:5]
        early_checks += len(early_cache)
        full_checks += len(full_cache)
    assert early_checks < full_checks


def test_the_country_pass_changes_no_answer(monkeypatch):
    """Pairs the country rules exclude are ranked as not eligible without checking every rule."""
    import models.advice.schemes

    embeddings, requests = _random_requests(40, seed=11)
    limits = [5, len(SCHEMES)] * (len(requests) // 2)
    checked: dict = {}
    with_pass = [
        suggest_schemes(SCHEMES, embeddings, limit=n, cache=checked, **r)
        for n, r in zip(limits, requests, strict=True)
    ]
    monkeypatch.setattr(models.advice.schemes.CountryRules, "rules_out", lambda *a, **k: False)
    every: dict = {}
    every_rule = [
        suggest_schemes(SCHEMES, embeddings, limit=n, cache=every, **r)
        for n, r in zip(limits, requests, strict=True)
    ]
    assert with_pass == every_rule
    assert any(s.eligibility.eligible is False for out in with_pass for s in out)
    assert len(checked) < len(every)


def test_precomputed_country_rules_give_the_same_answers():
    embeddings, requests = _random_requests(40, seed=13)
    rules = {
        str(s["id"]): CountryRules.of(s, ["JP", "KH", "DE", "FR", "PL", "VN", "BR", "CN", "US"], REGIONS)
        for s in SCHEMES
    }
    for n, r in zip([5, len(SCHEMES)] * 20, requests, strict=True):
        assert suggest_schemes(SCHEMES, embeddings, limit=n, country_rules=rules, **r) == suggest_schemes(
            SCHEMES, embeddings, limit=n, **r
        )


def test_cached_verdicts_are_those_of_checking_without_the_cache():
    embeddings, requests = _random_requests(30, seed=17)
    cache: dict = {}
    for n, r in zip([5, len(SCHEMES)] * 15, requests, strict=True):
        assert suggest_schemes(SCHEMES, embeddings, limit=n, cache=cache, **r) == suggest_schemes(
            SCHEMES, embeddings, limit=n, **r
        )


def test_cities_that_differ_only_in_what_no_rule_reads_share_cached_verdicts():
    reading = {s["id"] for s in SCHEMES if "population" in party_fields_read(s["eligibility"])}
    assert reading, "the catalogue states a population rule"
    cache: dict = {}
    keys = []
    for population in (10_000, 2_000_000):
        _suggest(
            city=Party("DE", population, income_group="H"),
            partners=[(1, Party("JP", income_group="H")), (2, Party("KH", income_group="LM"))],
            sectors=[],
            cache=cache,
        )
        keys.append(set(cache))
    added = keys[1] - keys[0]
    assert added and {k[0] for k in added} <= reading


def test_scheme_funding_counts_by_hand():
    coops = [
        FundedCooperation(1, ("a",), frozenset({"DE", "PL"}), frozenset({"water-supply"})),
        FundedCooperation(2, ("a",), frozenset({"DE", "PL", "CZ"}), frozenset({"energy", "mobility"})),
        FundedCooperation(3, ("a",), frozenset({"DE"}), frozenset()),
    ]
    funding = SchemeFunding.of(coops)
    assert funding.between(frozenset({"DE", "PL"})) == 2
    assert funding.between(frozenset({"DE"})) == 3
    assert funding.between(frozenset({"PL", "FR"})) == 0
    assert funding.between(frozenset()) == 0
    assert funding.in_sectors(frozenset({"water-supply", "energy"})) == 2
    assert funding.in_sectors(frozenset({"mobility", "energy"})) == 1
    assert funding.in_sectors(frozenset()) == 0
    assert group_by_scheme(coops)["a"] == funding
