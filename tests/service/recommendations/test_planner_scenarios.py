"""Planner scenarios written from the seed documents, asked as a planner would over HTTP.

Each asks for a city that is not in the store (so it has no curated case of its own) and asserts
the partner, the sector and the funding a planner there would expect. The store is the curated
set alone, in a database of this module's own, and the model is the small deterministic ranker of
``tests.helpers.train_small_model`` (seed 0, 40 trees), trained on it: the answers depend on the
data and the model, not on what other test modules wrote. SQLite only: the answers do not depend
on the backend, which ``test_routes`` beside it runs on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.service.helpers import Api, curated_api, serve_promoted

JAPANESE_ODA = {
    "jica-partnership-program",
    "jica-technical-cooperation-project",
    "jica-training",
    "jica-expert-dispatch",
    "jica-development-study",
    "jica-sme-support",
    "oda-yen-loan",
    "japan-grant-aid",
}


@pytest.fixture(scope="module")
def planner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("scenarios")
    with curated_api(f"sqlite:///{folder / 'store.db'}", Path(folder / "models")) as api:
        serve_promoted(api)
        yield api


def _new_city(name: str, country: str, latitude: float, longitude: float, population: int) -> dict[str, Any]:
    """A city not in the store, as the request's ``city``."""
    return {
        "name": name,
        "country": country,
        "latitude": latitude,
        "longitude": longitude,
        "population": population,
    }


def _ask(api: Api, **body: Any) -> dict[str, Any]:
    r = api.client.post("/v1/recommendations", json={"limit": 10, **body})
    assert r.status_code == 200, r.text
    return r.json()


def _partners(answer: dict[str, Any]) -> list[str]:
    return [p["city"]["name"] for p in answer["partners"]]


def _schemes(answer: dict[str, Any], n: int = 5) -> list[str]:
    return [s["id"] for s in answer["funding_schemes"][:n]]


def _sectors(answer: dict[str, Any], n: int = 3) -> list[str]:
    return [s["id"] for s in answer["sectors"][:n]]


def test_a_cambodian_town_asking_about_water_gets_kitakyushu_and_jica(planner: Api):
    # Kitakyushu's water cooperation with Phnom Penh, rolled out to Cambodia's provincial waterworks
    answer = _ask(
        planner,
        city=_new_city("Takeo", "KH", 10.99, 104.78, 40000),
        needs="reduce non-revenue water and improve drinking water quality",
    )
    assert answer["query"]["match"] == "new"
    assert {"Kitakyushu", "Phnom Penh"} & set(_partners(answer))
    assert "water-supply" in _sectors(answer)
    assert JAPANESE_ODA & set(_schemes(answer, 3))
    jica = next(s for s in answer["funding_schemes"] if s["id"] in JAPANESE_ODA)
    kitakyushu = next(p["city"]["id"] for p in answer["partners"] if p["city"]["name"] == "Kitakyushu")
    japanese = [p["city"]["id"] for p in answer["partners"] if p["city"]["country"] == "JP"]
    assert kitakyushu in jica["partner_city_ids"]
    assert sorted(jica["partner_city_ids"]) == sorted(japanese), (
        "a Japanese scheme is for the Japanese partners"
    )
    assert any("like this between these countries" in r for r in jica["reasons"])


def test_the_cambodian_town_looking_at_home_gets_phnom_penh_and_no_foreign_partner(planner: Api):
    # Phnom Penh's water utility carried Kitakyushu's know-how to the provincial waterworks
    answer = _ask(
        planner,
        city=_new_city("Kratie", "KH", 12.49, 106.02, 30000),
        needs="safe drinking water supply for the provincial town",
        partner_scope="domestic",
    )
    assert {p["city"]["country"] for p in answer["partners"]} == {"KH"}
    assert "Phnom Penh" in _partners(answer)
    assert "water-supply" in _sectors(answer)
    assert not JAPANESE_ODA & set(_schemes(answer)), "no Japanese scheme funds a Cambodian pair"


def test_an_eu_city_wishing_for_japan_gets_japanese_partners_and_iurc(planner: Api):
    # Essen and Koriyama: an IUC pairing on hydrogen and energy, continued under IURC
    answer = _ask(
        planner,
        city=_new_city("Bochum", "DE", 51.48, 7.22, 365000),
        needs="hydrogen economy and renewable energy",
        desired_countries=["JP"],
    )
    countries = [p["city"]["country"] for p in answer["partners"]]
    assert countries == ["JP"] * len(countries) and len(countries) == 10
    assert "Koriyama" in _partners(answer)[:3]
    assert "hydrogen" in _sectors(answer)
    assert _schemes(answer)[0] == "eu-iurc"
    assert all("In a place you asked for (JP)" in p["reasons"] for p in answer["partners"])


def test_a_german_city_asking_for_medical_devices_in_japan_gets_koriyama(planner: Api):
    # Koriyama's medical-device industry was one of the pairing's themes
    answer = _ask(
        planner,
        city=_new_city("Dortmund", "DE", 51.51, 7.47, 590000),
        needs="medical devices industry and digital health",
        desired_countries=["JP"],
        strict=True,
    )
    assert "Koriyama" in _partners(answer)[:3]
    assert {"medical-devices", "digital-health"} & set(_sectors(answer))
    assert {"eu-iurc", "eu-iuc"} & set(_schemes(answer, 3))


def test_two_eu_towns_asking_for_twinning_get_cerv_and_no_japanese_oda(planner: Api):
    answer = _ask(
        planner,
        city=_new_city("Annecy", "FR", 45.9, 6.12, 130000),
        needs="town twinning: citizens' exchanges, culture and youth",
        desired_countries=["DE"],
    )
    germans = [p for p in answer["partners"] if p["city"]["country"] == "DE"]
    assert germans and answer["partners"][: len(germans)] == germans, "the wished country comes first"
    assert _schemes(answer)[0] == "eu-cerv-town-twinning"
    assert not JAPANESE_ODA & set(_schemes(answer))
    assert "education-youth" in _sectors(answer)
    cerv = answer["funding_schemes"][0]
    assert {p["city"]["id"] for p in germans} <= set(cerv["partner_city_ids"])


def test_a_vietnamese_city_learning_wastewater_gets_kitakyushu_first(planner: Api):
    # Kitakyushu's sewerage and water cooperation with Hai Phong
    answer = _ask(
        planner,
        city=_new_city("Hue", "VN", 16.46, 107.59, 450000),
        needs="sewage collection and wastewater treatment",
        role="learner",
        partner_scope="abroad",
    )
    first = answer["partners"][0]
    assert first["city"]["name"] == "Kitakyushu"
    assert any(r.startswith("Experienced in Sewage and wastewater treatment") for r in first["reasons"])
    assert all(p["city"]["country"] != "VN" for p in answer["partners"])
    assert _sectors(answer, 1) == ["sewage-wastewater"]
    assert first["precedents"] and all(p["basis"] == "partner" for p in first["precedents"])
    assert all(
        "sewage-wastewater" in p["sectors"] or "water-supply" in p["sectors"] for p in first["precedents"]
    )
    assert set(_schemes(answer)) & {*JAPANESE_ODA, "clair-programmes", "mlit-sewerage-plan-support"}


def test_a_chinese_city_asking_about_air_pollution_in_japan_gets_the_japan_china_scheme(planner: Api):
    # Kitakyushu–Dalian: the environmental model zone and the Japan–China air-pollution cooperation
    answer = _ask(
        planner,
        city=_new_city("Shenyang", "CN", 41.8, 123.43, 8000000),
        needs="air pollution control and cleaner production in industry",
        desired_countries=["JP"],
    )
    assert _partners(answer)[0] == "Kitakyushu"
    assert _sectors(answer, 1) == ["air-quality"]
    assert _schemes(answer, 1) == ["moej-japan-china-air-pollution"]


def test_an_indonesian_city_asking_about_composting_gets_kitakyushu_and_a_japanese_scheme(planner: Api):
    # Takakura composting, carried from Kitakyushu to Surabaya
    answer = _ask(
        planner,
        city=_new_city("Bandung", "ID", -6.91, 107.61, 2500000),
        needs="household waste composting and recycling",
        partner_scope="abroad",
    )
    assert "Kitakyushu" in _partners(answer)[:3]
    assert "composting" in _sectors(answer)
    first = next(p for p in answer["partners"] if p["city"]["name"] == "Kitakyushu")
    assert any("composting" in p["sectors"] for p in first["precedents"])
    assert set(_schemes(answer)) & {*JAPANESE_ODA, "jcm-joint-crediting-mechanism", "clair-programmes"}
    assert "city-own-budget" not in _schemes(answer, 1)


def test_a_japanese_water_utility_as_mentor_gets_towns_that_need_water(planner: Api):
    # the Kitakyushu study: lead and coordinate with other Japanese municipalities abroad
    answer = _ask(
        planner,
        city=_new_city("Kawasaki", "JP", 35.52, 139.7, 1500000),
        needs="share our know-how on water utility management and non-revenue water reduction",
        role="mentor",
        partner_scope="abroad",
    )
    top = answer["partners"][:5]
    assert {p["city"]["country"] for p in top} <= {"KH", "VN", "ID", "MM", "PH", "TH", "CN", "LA"}
    assert all(any("which Kawasaki can pass on" in r for r in p["reasons"]) for p in top)
    assert JAPANESE_ODA & set(_schemes(answer))


def test_a_polish_city_wanting_peers_of_its_size_in_the_eu(planner: Api):
    answer = _ask(
        planner,
        city=_new_city("Lublin", "PL", 51.25, 22.57, 340000),
        needs="energy efficiency of buildings and a local climate plan",
        desired_regions=["EU27"],
        population="similar",
    )
    assert len(answer["partners"]) == 10
    for p in answer["partners"]:
        assert 340000 / 3 <= p["city"]["population"] <= 340000 * 3
        assert any(r.startswith("Of a similar size") for r in p["reasons"])
    assert "energy" in _sectors(answer)
    assert set(_schemes(answer)) & {"eu-urbact", "eu-interreg-europe", "covenant-of-mayors-twinning"}
    assert not JAPANESE_ODA & set(_schemes(answer))
