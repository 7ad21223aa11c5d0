"""Cooperations: filters, offset and cursor paging, recording a partnership that training sees."""

from __future__ import annotations

import base64

from models.store import load_graph
from tests.service.helpers import Api, assert_error


def test_list_pages_by_cursor_by_default(api: Api) -> None:
    first = api.client.get("/v1/cooperations", params={"limit": 30}).json()
    assert first["total"] >= 70 and len(first["items"]) == 30 and first["offset"] is None
    assert "cursor=" in first["next"] and "limit=30" in first["next"]
    seen = [c["id"] for c in first["items"]]
    url = first["next"]
    while url:
        page = api.client.get(url).json()
        assert page["total"] == first["total"]
        seen += [c["id"] for c in page["items"]]
        url = page["next"]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == first["total"]


def test_list_pages_by_offset(api: Api) -> None:
    first = api.client.get("/v1/cooperations", params={"limit": 10, "offset": 0}).json()
    assert first["offset"] == 0 and "offset=10" in first["next"]
    second = api.client.get(first["next"]).json()
    assert second["offset"] == 10
    assert second["items"][0]["id"] > first["items"][-1]["id"]
    near_end = api.client.get("/v1/cooperations", params={"offset": first["total"] - 1}).json()
    assert len(near_end["items"]) == 1 and near_end["next"] is None


def test_paging_errors(api: Api) -> None:
    both = api.client.get("/v1/cooperations", params={"offset": 0, "cursor": "aWQ6MQ"})
    assert_error(both, 422, "invalid_input", "cursor")
    assert_error(
        api.client.get("/v1/cooperations", params={"cursor": "garbage!"}), 422, "invalid_input", "cursor"
    )
    assert_error(api.client.get("/v1/cooperations", params={"offset": -1}), 422, "invalid_input", "offset")
    # a forged cursor beyond any 64-bit id
    huge = base64.urlsafe_b64encode(b"id:" + b"9" * 30).decode().rstrip("=")
    assert_error(api.client.get("/v1/cooperations", params={"cursor": huge}), 422, "invalid_input", "cursor")


def test_filters(api: Api) -> None:
    kitakyushu = api.city_id("Kitakyushu")
    by_city = api.client.get("/v1/cooperations", params={"city_id": kitakyushu, "limit": 200}).json()
    assert by_city["total"] > 3
    assert all(any(m["city_id"] == kitakyushu for m in c["members"]) for c in by_city["items"])

    water = api.client.get("/v1/cooperations", params={"sector": "water-supply", "limit": 200}).json()
    assert water["total"] > 0 and all("water-supply" in c["sectors"] for c in water["items"])

    jica = api.client.get(
        "/v1/cooperations", params={"scheme": "jica-partnership-program", "limit": 200}
    ).json()
    assert jica["total"] > 0
    assert all("jica-partnership-program" in c["funding_scheme_ids"] for c in jica["items"])

    kind = api.client.get("/v1/cooperations", params={"kind": "funded-project", "limit": 200}).json()
    assert kind["total"] > 0 and all(c["kind"] == "funded-project" for c in kind["items"])

    years = api.client.get(
        "/v1/cooperations", params={"year_from": 2010, "year_to": 2015, "limit": 200}
    ).json()
    assert years["total"] > 0 and all(2010 <= c["start_year"] <= 2015 for c in years["items"])

    combined = api.client.get(
        "/v1/cooperations", params={"city_id": kitakyushu, "sector": "water-supply", "limit": 200}
    ).json()
    assert 0 < combined["total"] <= min(by_city["total"], water["total"])
    assert (
        "city_id="
        in (api.client.get("/v1/cooperations", params={"city_id": kitakyushu, "limit": 1}).json()["next"])
    )


def test_filter_errors(api: Api) -> None:
    get = api.client.get
    assert_error(get("/v1/cooperations", params={"city_id": 99999999}), 404, "not_found", "city_id")
    assert_error(get("/v1/cooperations", params={"sector": "nope"}), 422, "invalid_input", "sector")
    assert_error(get("/v1/cooperations", params={"scheme": "nope"}), 422, "invalid_input", "scheme")
    assert_error(get("/v1/cooperations", params={"kind": "friendship"}), 422, "invalid_input", "kind")
    assert_error(
        get("/v1/cooperations", params={"year_from": 2020, "year_to": 2000}), 422, "invalid_input", "year_to"
    )


def test_get_one(api: Api) -> None:
    first = api.client.get("/v1/cooperations", params={"limit": 1}).json()["items"][0]
    assert api.client.get(f"/v1/cooperations/{first['id']}").json() == first
    assert_error(api.client.get("/v1/cooperations/99999999"), 404, "not_found", "cooperation_id")


def _payload(api: Api, **overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "title": "Takeo–Kitakyushu water utility partnership (test)",
        "kind": "technical-cooperation",
        "city_ids": [api.city_id("Kitakyushu"), api.city_id("Mandalay")],
        "sectors": ["water-supply", "capacity-building"],
        "funding_scheme_ids": ["jica-partnership-program"],
        "start_year": 2024,
        "end_year": 2026,
        "outcome_summary": "Non-revenue water down from 32% to 21%.",
        "outcome_indicators": [{"metric": "non-revenue water", "value": 21, "unit": "percent", "year": 2026}],
        "success": "high",
    }
    payload.update(overrides)
    return payload


def test_record_cooperation_is_listed_and_trained_on(api: Api) -> None:
    before = api.client.get("/v1/cooperations", params={"sector": "water-supply"}).json()["total"]
    # peripheral cities: the recommendation tests share this database and its graph
    a, b = api.city_id("Saldus"), api.city_id("Smiltene")
    response = api.client.post(
        "/v1/cooperations",
        json=_payload(api, city_ids=[a, b], title="Placeholder partnership of an API test"),
        headers=api.auth("write"),
    )
    assert response.status_code == 201, response.text
    coop = response.json()
    assert coop["origin"] == "user" and coop["source"] == "api"
    assert sorted(m["city_id"] for m in coop["members"]) == sorted([a, b])
    assert coop["outcome_indicators"][0]["value"] == 21 and coop["success"] == "high"
    assert response.headers["Location"] == f"/v1/cooperations/{coop['id']}"
    assert api.client.get(f"/v1/cooperations/{coop['id']}").json() == coop
    after = api.client.get("/v1/cooperations", params={"sector": "water-supply"}).json()["total"]
    assert after == before + 1
    listed = api.client.get("/v1/cooperations", params={"city_id": a, "limit": 200}).json()["items"]
    assert coop["id"] in [c["id"] for c in listed]

    with api.factory() as session:
        graph = load_graph(session)
        position = {cid: pos for pos, cid in enumerate(graph.cities["city_id"].tolist())}
        pair = tuple(sorted((position[a], position[b])))
        assert pair in {tuple(link) for link in graph.links.tolist()}
        assert any(g.id.endswith(f":{coop['id']}") for g in graph.groups)


def test_record_cooperation_validation(api: Api) -> None:
    write = api.auth("write")

    def post(**overrides: object):  # type: ignore[no-untyped-def]
        return api.client.post("/v1/cooperations", json=_payload(api, **overrides), headers=write)

    kitakyushu = api.city_id("Kitakyushu")
    assert_error(post(city_ids=[kitakyushu, 99999999]), 404, "not_found", "city_ids[1]")
    assert_error(post(city_ids=[kitakyushu]), 422, "invalid_input", "city_ids")
    assert_error(post(city_ids=[kitakyushu, kitakyushu]), 422, "invalid_input", "city_ids")
    assert_error(post(sectors=["water-supply", "alchemy"]), 422, "invalid_input", "sectors[1]")
    assert_error(post(funding_scheme_ids=["no-such-scheme"]), 422, "invalid_input", "funding_scheme_ids[0]")
    assert_error(post(kind="friendship"), 422, "invalid_input", "kind")
    assert_error(post(success="great"), 422, "invalid_input", "success")
    assert_error(post(start_year=2020, end_year=2010), 422, "invalid_input")
    assert_error(post(title=" "), 422, "invalid_input", "title")
    assert_error(post(outcome_indicators=[{"value": 3}]), 422, "invalid_input", "outcome_indicators.0.metric")
