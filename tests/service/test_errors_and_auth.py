"""Auth and the one error shape, across the endpoints."""

from __future__ import annotations

import pytest

from tests.service.helpers import Api, assert_error


def test_write_without_key_is_401_with_a_message(api: Api) -> None:
    response = api.client.post(
        "/v1/cities", json={"name": "X", "country": "JP", "latitude": 1, "longitude": 1}
    )
    body = assert_error(response, 401, "unauthorized")
    assert "'write' scope" in body["message"] and "Authorization: Bearer" in body["message"]
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("token", ["pm_nothere.secret", "not-even-a-key", ""])
def test_wrong_key_is_401(api: Api, token: str) -> None:
    response = api.client.get("/v1/models", headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 401, "unauthorized")


def test_mistyped_key_of_a_real_prefix_is_401(api: Api) -> None:
    response = api.client.get("/v1/models", headers={"Authorization": f"Bearer {api.keys['admin']}x"})
    body = assert_error(response, 401, "unauthorized")
    assert "not valid" in body["message"]


@pytest.mark.parametrize(
    "method, path, scope",
    [
        ("get", "/v1/models", "write"),
        ("get", "/v1/feedback", "read"),
        ("post", "/v1/models/rollback", "write"),
        ("put", "/v1/funding-schemes/eu-iurc", "write"),
        ("post", "/v1/cities", "read"),
        ("put", "/v1/cities/1/profile", "read"),
        ("post", "/v1/cooperations", "read"),
    ],
)
def test_key_without_scope_is_403(api: Api, method: str, path: str, scope: str) -> None:
    response = api.client.request(method, path, headers=api.auth(scope), json={})
    body = assert_error(response, 403, "forbidden")
    assert "lacks the" in body["message"] and scope in body["message"]


def test_admin_key_implies_write(api: Api) -> None:
    response = api.client.post("/v1/cooperations", headers=api.auth("admin"), json={})
    # past auth: the empty body is what fails
    assert_error(response, 422, "invalid_input", "title")


def test_malformed_json_names_the_problem(api: Api) -> None:
    response = api.client.post(
        "/v1/cooperations",
        headers={**api.auth("write"), "Content-Type": "application/json"},
        content=b'{"title": "x", "kind": ',
    )
    body = assert_error(response, 422, "invalid_input")
    assert "malformed JSON" in body["message"]


def test_oversized_body_is_413(api: Api) -> None:
    response = api.client.put(
        "/v1/cities/1/profile",
        headers=api.auth("write"),
        json={"needs_text": "x" * (api.settings.max_body_bytes + 10)},
    )
    body = assert_error(response, 413, "payload_too_large")
    assert str(api.settings.max_body_bytes) in body["message"]


def test_wrong_types_name_each_field(api: Api) -> None:
    response = api.client.post(
        "/v1/cooperations",
        headers=api.auth("write"),
        json={"title": 5, "kind": "friendship", "city_ids": "1,2", "start_year": "soon"},
    )
    body = assert_error(response, 422, "invalid_input")
    assert {"title", "kind", "city_ids", "start_year"} <= {d["field"] for d in body["details"]}


def test_unknown_field_is_refused(api: Api) -> None:
    response = api.client.post(
        "/v1/feedback", json={"query_city_id": 1, "partner_city_id": 2, "kind": "relevant", "stars": 5}
    )
    assert_error(response, 422, "invalid_input", "stars")


@pytest.mark.parametrize("limit", [0, 201, -1, "many"])
def test_limit_out_of_range(api: Api, limit: object) -> None:
    for path in ("/v1/cities", "/v1/cooperations", "/v1/sectors", "/v1/funding-schemes"):
        assert_error(api.client.get(path, params={"limit": limit}), 422, "invalid_input", "limit")


def test_openapi_documents_errors_and_examples(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    post = spec["paths"]["/v1/cooperations"]["post"]
    assert {"401", "403", "404", "422"} <= set(post["responses"])
    assert post["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorResponse")
    schemas = spec["components"]["schemas"]
    for name in ("CooperationCreate", "ProfileUpdate", "CityCreate", "FeedbackCreate", "TrainingJobCreate"):
        assert schemas[name].get("examples"), name
    for name in ("CityPage", "CooperationPage", "FeedbackPage", "ModelVersionPage", "FundingSchemePage"):
        assert {"items", "total", "next"} <= set(schemas[name]["properties"]), name
    assert "application/yaml" in spec["paths"]["/v1/funding-schemes/import"]["post"]["requestBody"]["content"]


def test_the_api_offers_the_tables_vocabularies(api: Api) -> None:
    from db.tables import COOPERATION_KINDS, FEEDBACK_KINDS, ROLES, SUCCESS_LABELS

    schemas = api.client.get("/openapi.json").json()["components"]["schemas"]

    def enum(schema: str, field: str) -> tuple[str, ...]:
        prop = schemas[schema]["properties"][field]
        options = prop.get("anyOf", [prop])
        return tuple(next(o["enum"] for o in options if "enum" in o))

    assert enum("CooperationCreate", "kind") == COOPERATION_KINDS
    assert enum("CooperationCreate", "success") == SUCCESS_LABELS
    assert enum("FeedbackCreate", "kind") == FEEDBACK_KINDS
    assert enum("RecommendationRequest", "role") == ROLES


def test_keys_are_listed_and_a_revoked_key_gets_401(api: Api, monkeypatch) -> None:
    from typer.testing import CliRunner

    from service.auth import create_api_key
    from service.cli import app as cli_app
    from service.config import get_settings

    with api.factory.begin() as session:
        token = create_api_key(session, name="to be revoked", scopes=["write"])
    prefix = token.split(".")[0]
    headers = {"Authorization": f"Bearer {token}"}
    city = {"name": "Revocation Test Town", "country": "FR", "latitude": 46.2, "longitude": -1.1}
    assert api.client.post("/v1/cities", json=city, headers=headers).status_code == 201

    monkeypatch.setenv("PARTNERMATCH_DATABASE_URL", api.settings.database_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        listed = runner.invoke(cli_app, ["api-keys"])
        assert listed.exit_code == 0, listed.output
        line = next(row for row in listed.output.splitlines() if row.startswith(prefix))
        assert "to be revoked" in line and "write" in line and line.endswith("active")
        assert "last used 20" in line  # the request above counts
        revoked = runner.invoke(cli_app, ["revoke-api-key", prefix])
        assert revoked.exit_code == 0, revoked.output
        relisted = runner.invoke(cli_app, ["api-keys"]).output
        assert "revoked 20" in next(row for row in relisted.splitlines() if row.startswith(prefix))
        unknown = runner.invoke(cli_app, ["revoke-api-key", "pm_nosuchkey"])
        assert unknown.exit_code == 2 and "no API key has the prefix 'nosuchkey'" in unknown.output
    finally:
        get_settings.cache_clear()
    again = api.client.post("/v1/cities", json={**city, "latitude": 47.9}, headers=headers)
    assert_error(again, 401, "unauthorized")
