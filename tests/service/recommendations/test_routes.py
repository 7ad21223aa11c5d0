"""POST /v1/recommendations through HTTP with a real trained model, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from db.places.regions import load_regions
from db.tables import City, Cooperation, CooperationMember
from models.store import LINK_KINDS
from service.batch import run_batch
from service.recommendations.schemas import RecommendationRequest
from tests.service.helpers import Api, assert_error, serve_promoted


@pytest.fixture(scope="module")
def served(api: Api) -> str:
    """A promoted model, picked up by the app's model holder."""
    return serve_promoted(api)


def _partners_of(api: Api, city_id: int) -> set[int]:
    """The cities ``city_id`` shares a partner link's kind of cooperation with (models.store.LINK_KINDS)."""
    with api.factory() as session:
        coop_ids = select(CooperationMember.cooperation_id).where(CooperationMember.city_id == city_id)
        rows = session.scalars(
            select(CooperationMember.city_id)
            .join(Cooperation, Cooperation.id == CooperationMember.cooperation_id)
            .where(CooperationMember.cooperation_id.in_(coop_ids), Cooperation.kind.in_(sorted(LINK_KINDS)))
        ).all()
    return set(rows) - {city_id}


def test_known_city_gets_partners_with_reasons_precedents_sectors_and_funding(api: Api, served: str):
    kitakyushu = api.city_id("Kitakyushu")
    r = api.client.post(
        "/v1/recommendations", json={"city_id": kitakyushu, "needs": "water leakage", "limit": 5}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model_version"] == served
    assert body["query"]["city"]["id"] == kitakyushu
    partners = body["partners"]
    assert 1 <= len(partners) <= 5
    assert [p["rank"] for p in partners] == list(range(1, len(partners) + 1))
    scores = [p["score"] for p in partners]
    assert scores == sorted(scores, reverse=True)
    assert all(p["reasons"] for p in partners)
    ids = {p["city"]["id"] for p in partners}
    assert kitakyushu not in ids
    assert not ids & _partners_of(api, kitakyushu), "existing partners must be excluded"
    for precedent in (x for p in partners for x in p["precedents"]):
        assert set(precedent) >= {
            "cooperation_id",
            "title",
            "cities",
            "sectors",
            "success",
            "outcome_summary",
        }
    assert body["sectors"] and all(s["reasons"] for s in body["sectors"])
    schemes = body["funding_schemes"]
    assert schemes and all(s["eligible"] in (True, False, None) and s["checks"] for s in schemes)
    assert [s["score"] for s in schemes] == sorted((s["score"] for s in schemes), reverse=True)
    # not eligible last; a scheme that funded cooperations like this one may go before an eligible one
    ruled_out = [s["eligible"] is False for s in schemes]
    assert ruled_out == sorted(ruled_out)
    partners_shown = [p["city"]["id"] for p in partners]
    for s in schemes:
        assert s["partner_city_ids"] == [i for i in partners_shown if i in s["partner_city_ids"]]
        assert s["partner_city_id"] in partners_shown
        assert bool(s["partner_city_ids"]) == (s["eligible"] is not False)


def test_new_city_by_profile_with_strict_countries(api: Api, served: str):
    # the request the docs show (a new city by its profile), its country in lower case
    example = RecommendationRequest.model_config["json_schema_extra"]["examples"][0]
    city = {**example["city"], "country": "kh"}
    r = api.client.post("/v1/recommendations", json={**example, "city": city, "strict": True, "limit": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"]["city"] is None
    assert body["partners"] and all(p["city"]["country"] == "JP" for p in body["partners"])
    assert body["sectors"][0]["id"] == "water-supply"
    eligible = {s["id"] for s in body["funding_schemes"] if s["eligible"]}
    assert eligible, body["funding_schemes"]


def test_desired_region_fills_the_list_first(api: Api, served: str):
    regions = load_regions(api.settings.curated_dir / "regions.json")
    eu = set(regions["EU27"]["members"])
    body = {"city_id": api.city_id("Koriyama"), "needs": "hydrogen", "role": "learner", "limit": 5}

    def answer(extra: dict) -> dict:
        r = api.client.post("/v1/recommendations", json={**body, **extra})
        assert r.status_code == 200, r.text
        return r.json()

    plain, wished = answer({}), answer({"desired_regions": ["EU27"]})
    in_eu = [p["city"]["country"] in eu for p in wished["partners"]]
    # a constraint, not a boost: EU partners come first, best first, then (only if said) the rest
    assert sum(in_eu) >= sum(p["city"]["country"] in eu for p in plain["partners"])
    assert in_eu == sorted(in_eu, reverse=True)
    eu_scores = [p["score"] for p in wished["partners"] if p["city"]["country"] in eu]
    assert eu_scores == sorted(eu_scores, reverse=True)
    shortfall = wished["wish_shortfall"]
    if shortfall is None:
        assert all(in_eu) and len(in_eu) == 5
    else:
        assert shortfall["wished"] == sum(in_eu) and shortfall["from_elsewhere"] == 5 - sum(in_eu)
    for p, inside in zip(wished["partners"], in_eu, strict=True):
        reasons = " ".join(p["reasons"])
        assert ("In a place you asked for" in reasons) == inside
        assert ("Outside the places you asked for" in reasons) == (not inside)
    assert plain["wish_shortfall"] is None


def test_a_wished_country_with_few_cities_says_what_is_missing(api: Api, served: str):
    with api.factory() as session:
        trained = session.execute(select(City.country, City.id)).all()
    model_cities = set(api.client.app.state.model_holder.current.model.cities_["city_id"].tolist())
    counts: dict[str, int] = {}
    for country, city_id in trained:
        if city_id in model_cities:
            counts[country] = counts.get(country, 0) + 1
    koriyama = api.city_id("Koriyama")
    rare = min((c for c in counts if c != "JP"), key=lambda c: (counts[c], c))
    assert counts[rare] < 5, counts
    r = api.client.post(
        "/v1/recommendations", json={"city_id": koriyama, "desired_countries": [rare], "limit": 5}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    shortfall = body["wish_shortfall"]
    assert shortfall is not None and shortfall["wished"] <= counts[rare]
    assert [p["city"]["country"] for p in body["partners"][: shortfall["wished"]]] == [rare] * shortfall[
        "wished"
    ]
    assert len(body["partners"]) == 5 and shortfall["from_elsewhere"] == 5 - shortfall["wished"]
    strict = api.client.post(
        "/v1/recommendations",
        json={"city_id": koriyama, "desired_countries": [rare], "strict": True, "limit": 5},
    ).json()
    assert {p["city"]["country"] for p in strict["partners"]} <= {rare} and strict["wish_shortfall"] is None


@pytest.mark.parametrize(
    "body, status, error, field",
    [
        ({"city_id": 999999, "limit": 5}, 404, "not_found", "city_id"),
        ({"limit": 5}, 422, "invalid_input", "body"),
        ({"city_id": 1, "city": {"name": "X", "country": "JP"}, "needs": "x"}, 422, "invalid_input", "body"),
        ({"city": {"name": "X", "country": "ZZ"}, "needs": "water"}, 422, "invalid_input", "city.country"),
        ({"city": {"name": "X", "country": "Japan"}, "needs": "water"}, 422, "invalid_input", "city.country"),
        ({"city": {"name": "X", "country": "JP"}, "needs": "  "}, 422, "invalid_input", "needs"),
        ({"city_id": 1, "needs": "x" * 4001}, 422, "invalid_input", "needs"),
        ({"city_id": 1, "limit": 0}, 422, "invalid_input", "limit"),
        ({"city_id": 1, "limit": 101}, 422, "invalid_input", "limit"),
        ({"city_id": 1, "limit": "ten"}, 422, "invalid_input", "limit"),
        ({"city_id": 1, "sectors": ["space-travel"]}, 422, "invalid_input", "sectors"),
        ({"city_id": 1, "desired_countries": ["XX"]}, 422, "invalid_input", "desired_countries"),
        ({"city_id": 1, "desired_regions": ["Atlantis"]}, 422, "invalid_input", "desired_regions"),
        ({"city_id": 1, "role": "boss"}, 422, "invalid_input", "role"),
        ({"city_id": 1, "colour": "blue"}, 422, "invalid_input", "colour"),
        (
            {"city": {"name": "X", "country": "JP", "latitude": 95}, "needs": "x"},
            422,
            "invalid_input",
            "city.latitude",
        ),
    ],
)
def test_bad_requests_get_a_4xx_naming_the_field(api: Api, served: str, body, status, error, field):
    assert_error(api.client.post("/v1/recommendations", json=body), status, error, field)


def test_malformed_and_oversized_bodies(api: Api, served: str):
    r = api.client.post(
        "/v1/recommendations", content=b'{"city_id": 1,', headers={"Content-Type": "application/json"}
    )
    body = assert_error(r, 422, "invalid_input")
    assert "JSON" in body["message"]
    big = json.dumps({"city_id": 1, "needs": "x" * 100_000})
    assert_error(
        api.client.post("/v1/recommendations", content=big, headers={"Content-Type": "application/json"}),
        413,
        "payload_too_large",
    )


def test_batch_answers_every_line_in_order(api: Api, served: str, tmp_path: Path):
    requests = tmp_path / "q.jsonl"
    answers = tmp_path / "a.jsonl"
    kitakyushu = api.city_id("Kitakyushu")
    requests.write_text(
        json.dumps({"city_id": kitakyushu, "limit": 3})
        + "\n"
        + json.dumps({"city": {"name": "Takeo", "country": "ZZ"}, "needs": "water"})
        + "\n"
        + "{not json\n"
        + json.dumps({"city": {"name": "Takeo", "country": "KH"}, "needs": "water", "limit": 2})
        + "\n"
    )
    assert run_batch(api.factory, api.settings, requests, answers) == 4
    lines = [json.loads(x) for x in answers.read_text().splitlines()]
    assert lines[0]["query"]["city"]["id"] == kitakyushu and len(lines[0]["partners"]) == 3
    assert lines[1]["error"] == "invalid_input" and "q.jsonl:2" in lines[1]["message"]
    assert lines[1]["details"][0]["field"] == "city.country"
    assert lines[2]["error"] == "invalid_input" and "q.jsonl:3" in lines[2]["message"]
    assert len(lines[3]["partners"]) == 2


def test_city_added_after_training_is_scored_from_its_profile(api: Api, served: str):
    created = api.created(
        "/v1/cities",
        {"name": "Newtown Recs", "country": "DE", "latitude": 51.0, "longitude": 7.0, "population": 20000},
    )
    r = api.client.post("/v1/recommendations", json={"city_id": created["id"], "needs": "energy", "limit": 3})
    assert r.status_code == 200, r.text
    assert r.json()["partners"]
    with api.factory() as session:
        assert session.get(City, created["id"]) is not None


def test_recorded_cooperation_backs_the_next_answer_at_once(api: Api, served: str):
    """A worker caches partners' histories; one it records itself shows in its very next answer."""
    request = {"city_id": api.city_id("Kitakyushu"), "needs": "tram network", "sectors": ["mobility"]}
    first = api.client.post("/v1/recommendations", json=request).json()["partners"][0]
    # the second answer is served with the cached histories
    assert api.client.post("/v1/recommendations", json=request).json()["partners"][0] == first
    recorded = api.created(
        "/v1/cooperations",
        {
            "title": "Tram exchange recorded by an API test",
            "kind": "technical-cooperation",
            "city_ids": [first["city"]["id"], api.city_id("Saldus")],
            "sectors": ["mobility"],
            "success": "high",
            "outcome_summary": "Two tram lines planned together.",
            "start_year": 2026,
        },
    )
    again = api.client.post("/v1/recommendations", json=request).json()["partners"][0]
    assert again["city"] == first["city"]
    assert again["precedents"][0]["cooperation_id"] == recorded["id"]
    assert recorded["id"] not in [p["cooperation_id"] for p in first["precedents"]]


def test_a_partnership_recorded_after_training_is_left_out_at_once_a_network_is_not(api: Api, served: str):
    request = {"city_id": api.city_id("Kitakyushu"), "needs": "port logistics and harbour management"}
    answer = api.client.post("/v1/recommendations", json=request).json()
    first, second = (p["city"]["id"] for p in answer["partners"][:2])
    for kind, member in (("technical-cooperation", first), ("thematic-network", second)):
        api.created(
            "/v1/cooperations",
            {
                "title": f"Harbour {kind} recorded by an API test",
                "kind": kind,
                "city_ids": [request["city_id"], member],
                "start_year": 2026,
            },
        )
    shown = [p["city"]["id"] for p in api.client.post("/v1/recommendations", json=request).json()["partners"]]
    assert first not in shown and second in shown
    everyone = api.client.post(
        "/v1/recommendations", json={**request, "exclude_existing": False, "limit": 100}
    )
    assert first in [p["city"]["id"] for p in everyone.json()["partners"]]


def test_statements_after_ranking_are_counted(api: Api, served: str, monkeypatch: pytest.MonkeyPatch):
    """After the ranker: the shown cities, one batched read of the histories not yet cached (its
    cooperations, then their sectors), the precedents' member names. Nothing per partner."""
    from sqlalchemy import event

    from service.catalogue_holder import CatalogueHolder
    from service.recommendations.schemas import RecommendationRequest
    from service.recommendations.service import recommend

    loaded = api.client.app.state.model_holder.current
    regions = api.settings.curated_dir / "regions.json"
    catalogue = CatalogueHolder(regions)  # its history cache starts empty
    assert loaded is not None and loaded.version == served
    ranked = threading.Event()
    statements: list[str] = []
    rank = loaded.model.rank_groups

    def rank_then_count(*args, **kwargs):  # type: ignore[no-untyped-def]
        frame = rank(*args, **kwargs)
        ranked.set()
        return frame

    def count(_conn, _cursor, statement, *_):  # type: ignore[no-untyped-def]
        # the model holder polls from its own thread
        if ranked.is_set() and threading.get_ident() == caller:
            statements.append(statement)

    monkeypatch.setattr(loaded.model, "rank_groups", rank_then_count)
    caller = threading.get_ident()
    engine = api.factory.kw["bind"]
    event.listen(engine, "before_cursor_execute", count)
    request = RecommendationRequest(city_id=api.city_id("Surabaya"), needs="composting", limit=10)
    try:
        answers = []
        for _ in range(2):
            ranked.clear()
            statements.clear()
            with api.factory() as session:
                answers.append(
                    recommend(
                        session,
                        loaded=loaded,
                        request=request,
                        regions_path=regions,
                        catalogue=catalogue,
                    )
                )
            assert ranked.is_set()
            if len(answers) == 1:
                first = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(answers[0].partners) == 10 and answers[0] == answers[1]
    # cold: cities, histories (two statements), member names; warm: histories from the worker's cache.
    # The precedents' member names are one read when any partner shown has precedents (which of the
    # curated cities come tenth depends on the model), none otherwise.
    names = ["cooperation_members"] if any(p.precedents for p in answers[0].partners) else []
    assert [s.split("FROM")[1].split()[0] for s in first] == [
        "cities",
        "cooperation_members",
        "cooperation_sectors",
        *names,
    ], first
    assert [s.split("FROM")[1].split()[0] for s in statements] == ["cities", *names]


def _ask(api: Api, city: dict, **extra) -> dict:  # type: ignore[type-arg]
    r = api.client.post("/v1/recommendations", json={"city": city, "limit": 5, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_city_given_by_name_is_answered_as_the_store_city(api: Api, served: str):
    kitakyushu = api.city_id("Kitakyushu")
    by_id = api.client.post("/v1/recommendations", json={"city_id": kitakyushu, "limit": 5}).json()
    # no needs: the store knows the city, as it does for an id
    by_name = _ask(api, {"name": "kitakyūshū", "country": "JP"})
    assert by_name["query"]["match"] == "name" and by_name["query"]["city"]["id"] == kitakyushu
    assert by_id["query"]["match"] == "id"
    # the same answer as for its id, existing partners left out alike
    assert [p["city"]["id"] for p in by_name["partners"]] == [p["city"]["id"] for p in by_id["partners"]]


def test_alternate_names_qualifiers_coordinates_and_ambiguity(api: Api, served: str):
    from db import writes

    with api.factory.begin() as session:
        north = writes.create_city(
            session, name="Testheim (Nord)", country="DE", latitude=53.5, longitude=10.0,
            alternate_names=["Tëstheim-Nørd"],
        )  # fmt: skip
        south = writes.create_city(session, name="Testheim (Süd)", country="DE", latitude=48, longitude=11.5)
        ids = north.id, south.id
    alias = _ask(api, {"name": "testheim nord", "country": "DE"}, needs="water")
    assert (alias["query"]["match"], alias["query"]["city"]["id"]) == ("alias", ids[0])
    qualified = _ask(api, {"name": "Testheim (Süd)", "country": "DE"}, needs="water")
    assert (qualified["query"]["match"], qualified["query"]["city"]["id"]) == ("name", ids[1])
    testheim = {"name": "Testheim", "country": "DE"}
    near = _ask(api, {**testheim, "latitude": 48.2, "longitude": 11.5}, needs="water")
    assert (near["query"]["match"], near["query"]["city"]["id"]) == ("coordinates", ids[1])
    elsewhere = _ask(api, {**testheim, "latitude": 51.0, "longitude": 7.0}, needs="water")
    assert (elsewhere["query"]["match"], elsewhere["query"]["city"]) == ("new", None)

    ambiguous = api.client.post("/v1/recommendations", json={"city": testheim})
    body = assert_error(ambiguous, 422, "invalid_input", "city.name")
    candidates = body["details"][0]["candidates"]
    assert sorted(c["id"] for c in candidates) == sorted(ids)
    assert {c["name"] for c in candidates} == {"Testheim (Nord)", "Testheim (Süd)"}


def test_an_unknown_name_is_a_new_city_that_must_say_what_it_needs(api: Api, served: str):
    nowhere = {"name": "Nowhere-on-Sea", "country": "FR"}
    new = _ask(api, nowhere, needs="harbour logistics")
    assert new["query"] == {
        "city": None,
        "needs": "harbour logistics",
        "match": "new",
        "needs_language": "en",
        "needs_read": {"how": "model", "sectors": {}, "notice": None},
    }
    missing = api.client.post("/v1/recommendations", json={"city": nowhere})
    assert_error(missing, 422, "invalid_input", "needs")


@pytest.mark.parametrize("scope", ["abroad", "domestic"])
def test_partner_scope_keeps_only_abroad_or_only_domestic_partners(api: Api, served: str, scope: str):
    kitakyushu = api.city_id("Kitakyushu")
    base = {"city_id": kitakyushu, "needs": "waste", "limit": 20}
    mixed = api.client.post("/v1/recommendations", json=base).json()["partners"]
    assert {p["city"]["country"] == "JP" for p in mixed} == {True, False}  # `any` has both
    r = api.client.post("/v1/recommendations", json={**base, "partner_scope": scope})
    assert r.status_code == 200, r.text
    partners = r.json()["partners"]
    # the small test store has few Japanese cities left once Kitakyushu's partners are out
    assert len(partners) == 20 if scope == "abroad" else len(partners) >= 5
    assert all((p["city"]["country"] == "JP") == (scope == "domestic") for p in partners)
    wording = "Abroad" if scope == "abroad" else "In your own country"
    assert all(any(reason.startswith(wording) for reason in p["reasons"]) for p in partners)
    # the best of the kept places, in the order of the unfiltered list
    kept = [p["city"]["id"] for p in mixed if (p["city"]["country"] == "JP") == (scope == "domestic")]
    assert [p["city"]["id"] for p in partners][: len(kept)] == kept


def test_partner_scope_for_a_new_city_uses_its_country(api: Api, served: str):
    city = {"name": "Nowhere-by-the-Lake", "country": "DE", "latitude": 47.6, "longitude": 9.4}
    r = api.client.post(
        "/v1/recommendations", json={"city": city, "needs": "tourism", "partner_scope": "abroad", "limit": 10}
    )
    assert r.status_code == 200, r.text
    assert all(p["city"]["country"] != "DE" for p in r.json()["partners"])
    bad = api.client.post("/v1/recommendations", json={"city": city, "needs": "x", "partner_scope": "out"})
    assert_error(bad, 422, "invalid_input", "partner_scope")


def test_a_learner_and_a_mentor_see_why_each_partner_fits_their_role(api: Api, served: str):
    takeo = {"name": "Takeo-on-test", "country": "KH", "latitude": 10.99, "longitude": 104.78}
    needs = "drinking water supply and water losses"
    plain = _ask(api, takeo, needs=needs)
    learner = _ask(api, takeo, needs=needs, role="learner")
    taught = [p for p in learner["partners"] if any("a partner to learn from" in r for r in p["reasons"])]
    assert taught, "a learner asking about water must see who is experienced in it"
    # experience moves partners up: the experienced ones rank no lower than without the role
    before = {p["city"]["id"]: p["rank"] for p in plain["partners"]}
    assert all(p["rank"] <= before.get(p["city"]["id"], 99) for p in taught[:1])
    kitakyushu = api.city_id("Kitakyushu")
    r = api.client.post(
        "/v1/recommendations",
        json={"city_id": kitakyushu, "role": "mentor", "partner_scope": "abroad", "limit": 10},
    )
    assert r.status_code == 200, r.text
    reasons = [reason for p in r.json()["partners"] for reason in p["reasons"]]
    assert any("which Kitakyushu can pass on, as you asked" in x for x in reasons)  # stated needs
    assert any(x.startswith("States no needs") for x in reasons)  # the track record as the proxy


def test_similar_population_keeps_partners_of_a_similar_size(api: Api, served: str):
    city = {
        "name": "Nowhere-in-Size",
        "country": "DE",
        "latitude": 50.0,
        "longitude": 8.0,
        "population": 300000,
    }
    answer = _ask(api, city, needs="climate plan", population="similar", limit=20)
    assert answer["partners"]
    assert all(100000 <= p["city"]["population"] <= 900000 for p in answer["partners"])
    assert all(any(r.startswith("Of a similar size") for r in p["reasons"]) for p in answer["partners"])
    unknown = api.client.post(
        "/v1/recommendations",
        json={"city": {**city, "population": None}, "needs": "climate plan", "population": "similar"},
    )
    assert_error(unknown, 422, "invalid_input", "population")


def test_precedents_say_whose_they_are_and_stay_in_the_sectors_asked_about(api: Api, served: str):
    city = {"name": "Takeo-for-precedents", "country": "KH", "latitude": 11.0, "longitude": 104.8}
    answer = _ask(api, city, sectors=["water-supply"], limit=10)
    precedents = [(p, x) for p in answer["partners"] for x in p["precedents"]]
    assert precedents
    assert all("water-supply" in x["sectors"] for _, x in precedents)
    assert {x["basis"] for _, x in precedents} <= {"partner", "similar_pair"}
    for partner in answer["partners"]:
        bases = [x["basis"] for x in partner["precedents"]]
        assert bases == sorted(bases), "the partner's own come before similar pairs'"


# ----------------------------------------------------------------- needs in other languages (issue 33)


def test_needs_in_another_language_are_read_through_the_sector_vocabulary(api: Api, served: str):
    kitakyushu = api.city_id("Kitakyushu")
    ask = {"city_id": kitakyushu, "limit": 5}
    english = api.client.post("/v1/recommendations", json={**ask, "needs": "hydrogen and renewable energy"})
    english = english.json()
    assert english["query"]["needs_language"] == "en"
    assert english["query"]["needs_read"] == {"how": "model", "sectors": {}, "notice": None}
    r = api.client.post("/v1/recommendations", json={**ask, "needs": "水素と再生可能エネルギーで協力したい"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"]["needs_language"] == "ja"
    read = body["query"]["needs_read"]
    assert read["how"] == "vocabulary"
    assert read["sectors"] == {"hydrogen": ["水素"], "renewable-energy": ["再生可能エネルギー"]}
    assert "Japanese" in read["notice"] and "水素" in read["notice"]
    top = [s["id"] for s in body["sectors"][:3]]
    assert english["sectors"][0]["id"] in top
    names = next(s for s in body["sectors"] if s["id"] == "hydrogen")["reasons"]
    assert "Your needs text names it: 水素" in names


def test_needs_in_a_language_it_cannot_read_are_said_so_and_nothing_fails(api: Api, served: str):
    city = {"name": "Nowhere-on-the-Volga", "country": "DE", "latitude": 52.0, "longitude": 10.0}
    r = api.client.post(
        "/v1/recommendations",
        json={"city": city, "needs": "Мы хотим сократить потери воды и очистку сточных вод.", "limit": 5},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"]["needs_language"] == "ru"
    assert body["query"]["needs_read"]["how"] == "none"
    assert "Russian" in body["query"]["needs_read"]["notice"]
    assert body["partners"]


def test_a_multilingual_model_setting_is_honoured(api: Api, served: str):
    from service.model_holder import LoadedModel
    from service.recommendations.schemas import RecommendationRequest
    from service.recommendations.service import recommend

    current = api.client.app.state.model_holder.current

    class StandIn:
        """The packaged encoder under another name, which remembers what it was asked to embed."""

        def __init__(self, real, name: str) -> None:
            self.real, self.model_name, self.seen = real, name, []
            self.encoder_, self.dim_, self.name_ = real.encoder_, real.dim_, real.name_

        def fit(self, X=None, y=None):
            return self

        def transform(self, X):
            self.seen.extend(X)
            return self.real.transform(X)

    stand_in = StandIn(current.model.embedder, "/models/stand-in-multilingual")
    model = copy.copy(current.model)
    model.embedder = stand_in
    loaded = LoadedModel(current.version, current.sha256, model)
    text = "Wir möchten die Wasserverluste in unserem Trinkwassernetz verringern."
    request = RecommendationRequest(city_id=api.city_id("Kitakyushu"), needs=text, limit=5)

    def ask(**settings) -> dict:
        with api.factory() as session:
            answer = recommend(
                session, loaded=loaded, request=request, catalogue=api.client.app.state.catalogue,
                regions_path=api.settings.curated_dir / "regions.json",
                settings=api.settings.model_copy(update=settings),
            )  # fmt: skip
        return answer.query.model_dump()

    multilingual = {"embedding_model": stand_in.model_name, "embedding_model_languages": ["en", "de"]}
    query = ask(**multilingual)
    assert (query["needs_language"], query["needs_read"]["how"]) == ("de", "model")
    assert query["needs_read"]["notice"] is None
    assert "water-supply" in query["needs_read"]["sectors"]  # the vocabulary still adds its sectors
    assert text in stand_in.seen
    # the languages belong to the configured model: another served model reads English only
    query = ask(**{**multilingual, "embedding_model": "/models/another"})
    assert query["needs_read"]["how"] == "vocabulary"
    assert stand_in.seen[-1] != text
