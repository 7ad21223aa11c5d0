"""Sectors and funding schemes: reads, admin edits and imports (all or nothing), the CLI import."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from typer.testing import CliRunner

from db.importers.runner import import_dataset
from db.tables import FundingScheme
from features.text import SentenceEmbedder
from service.cli import app as cli_app
from service.config import get_settings
from tests.conftest import CURATED
from tests.service.helpers import Api, assert_error

SCHEMES = json.loads((CURATED / "funding_schemes.json").read_text(encoding="utf-8"))


def _scheme(scheme_id: str, **overrides: object) -> dict[str, object]:
    record = copy.deepcopy(next(s for s in SCHEMES if s["id"] == "eu-iurc"))
    record.update(id=scheme_id, name=f"Test scheme {scheme_id}", **overrides)
    return record


def _count(api: Api) -> int:
    with api.factory() as session:
        return session.scalar(select(func.count()).select_from(FundingScheme)) or 0


def test_sectors(api: Api) -> None:
    page = api.client.get("/v1/sectors", params={"limit": 10}).json()
    assert page["total"] == 27 and len(page["items"]) == 10 and "offset=10" in page["next"]
    water = api.client.get("/v1/sectors/water-supply").json()
    assert water["name"] == "Water supply and utilities" and "drinking-water" in water["aliases"]
    assert_error(api.client.get("/v1/sectors/alchemy"), 404, "not_found", "sector_id")


def test_schemes_list_and_filters(api: Api) -> None:
    page = api.client.get("/v1/funding-schemes", params={"limit": 200}).json()
    assert page["total"] >= 46 and page["next"] is None
    water = api.client.get("/v1/funding-schemes", params={"sector": "water-supply", "limit": 200}).json()
    assert 0 < water["total"] < page["total"]
    assert all("water-supply" in s["sectors"] for s in water["items"])
    # Cambodia is ODA-eligible, so JICA's partnership programme names it through a region
    kh = api.client.get("/v1/funding-schemes", params={"country": "kh", "limit": 200}).json()
    assert "jica-partnership-program" in {s["id"] for s in kh["items"]}
    de = api.client.get("/v1/funding-schemes", params={"country": "DE", "limit": 200}).json()
    assert "eu-iurc" in {s["id"] for s in de["items"]}
    assert "jica-partnership-program" not in {s["id"] for s in de["items"]}
    assert_error(
        api.client.get("/v1/funding-schemes", params={"country": "XX"}), 422, "invalid_input", "country"
    )
    assert_error(
        api.client.get("/v1/funding-schemes", params={"sector": "x"}), 422, "invalid_input", "sector"
    )


def test_scheme_detail_has_structured_eligibility(api: Api) -> None:
    body = api.client.get("/v1/funding-schemes/jica-partnership-program").json()
    assert body["eligibility"]["applicant_countries"] == ["JP"]
    assert body["eligibility"]["income_groups"] == ["L", "LM", "UM"]
    assert isinstance(body["eligibility"]["requires"], list) and body["funder_countries"] == ["JP"]
    assert body["origin"] == "import"
    assert_error(api.client.get("/v1/funding-schemes/nope"), 404, "not_found", "scheme_id")


def test_put_scheme_adds_then_edits(api: Api) -> None:
    admin = api.auth("admin")
    record = _scheme("test-put-scheme")
    del record["id"]  # the path names it
    created = api.client.put("/v1/funding-schemes/test-put-scheme", json=record, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["origin"] == "user" and created.json()["source"] == "api"
    record["description"] = "edited"
    edited = api.client.put("/v1/funding-schemes/test-put-scheme", json=record, headers=admin)
    assert edited.status_code == 200 and edited.json()["description"] == "edited"
    assert api.client.get("/v1/funding-schemes/test-put-scheme").json()["description"] == "edited"


def test_scheme_edits_reach_this_workers_catalogue_at_once(api: Api) -> None:
    """Within its time-to-live the index is not compared with the store, except after its own writes."""
    holder, embedder = api.client.app.state.catalogue, SentenceEmbedder().fit()
    with api.factory() as session:
        holder.get(session, embedder)
    record = _scheme("test-fresh-scheme")
    put = api.client.put("/v1/funding-schemes/test-fresh-scheme", json=record, headers=api.auth("admin"))
    assert put.status_code == 201, put.text
    with api.factory() as session:
        assert "test-fresh-scheme" in {s["id"] for s in holder.get(session, embedder).schemes}
    record["id"] = "test-fresh-import"
    imported = api.client.post("/v1/funding-schemes/import", json=[record], headers=api.auth("admin"))
    assert imported.status_code == 200, imported.text
    with api.factory() as session:
        assert "test-fresh-import" in {s["id"] for s in holder.get(session, embedder).schemes}


def test_put_scheme_validation(api: Api) -> None:
    admin, url = api.auth("admin"), "/v1/funding-schemes/test-bad-scheme"
    before = _count(api)
    body = assert_error(
        api.client.put(url, json=_scheme("other-id"), headers=admin), 422, "invalid_input", "id"
    )
    assert "differs" in body["message"]
    bad_kind = assert_error(
        api.client.put(url, json=_scheme("test-bad-scheme", kind="gift"), headers=admin),
        422,
        "invalid_input",
        "kind",
    )
    assert "allowed:" in bad_kind["message"]
    bad_sector = _scheme("test-bad-scheme", sectors=["water-supply", "alchemy"])
    assert_error(api.client.put(url, json=bad_sector, headers=admin), 422, "invalid_input", "sectors[1]")
    assert_error(api.client.put(url, json=[1, 2], headers=admin), 422, "invalid_input", "body")
    assert _count(api) == before


def test_edited_scheme_survives_reimport(api: Api) -> None:
    record = copy.deepcopy(next(s for s in SCHEMES if s["id"] == "eu-iurc"))
    record["description"] = "edited by an analyst through the API"
    response = api.client.put("/v1/funding-schemes/eu-iurc", json=record, headers=api.auth("admin"))
    assert response.status_code == 200, response.text
    import_dataset(api.factory, "curated", curated_dir=CURATED, data_dir=None)
    assert api.client.get("/v1/funding-schemes/eu-iurc").json()["description"] == record["description"]


def test_import_json_and_yaml(api: Api) -> None:
    admin = api.auth("admin")
    records = [_scheme("test-import-a"), _scheme("test-import-b")]
    response = api.client.post("/v1/funding-schemes/import", json=records, headers=admin)
    assert response.status_code == 200, response.text
    assert response.json() == {"inserted": ["test-import-a", "test-import-b"], "updated": []}
    records[1]["description"] = "from YAML"
    response = api.client.post(
        "/v1/funding-schemes/import",
        content=yaml.safe_dump(records, allow_unicode=True).encode(),
        headers={**admin, "Content-Type": "application/yaml"},
    )
    assert response.json() == {"inserted": [], "updated": ["test-import-a", "test-import-b"]}
    assert api.client.get("/v1/funding-schemes/test-import-b").json()["description"] == "from YAML"


def test_import_is_all_or_nothing(api: Api) -> None:
    admin = api.auth("admin")
    before = _count(api)
    bad = _scheme("test-import-d")
    bad["eligibility"]["income_groups"] = ["rich"]  # type: ignore[index]
    records = [_scheme("test-import-c"), bad]
    body = assert_error(
        api.client.post("/v1/funding-schemes/import", json=records, headers=admin),
        422,
        "invalid_input",
        "[1].eligibility.income_groups[0]",
    )
    assert "record 1 (id 'test-import-d')" in body["message"]
    assert _count(api) == before
    yaml_error = api.client.post(
        "/v1/funding-schemes/import",
        content=b"- id: x\n  name: [unclosed\n",
        headers={**admin, "Content-Type": "application/yaml"},
    )
    assert "invalid YAML" in assert_error(yaml_error, 422, "invalid_input")["message"]
    json_error = api.client.post(
        "/v1/funding-schemes/import",
        content=b'[{"id": ',
        headers={**admin, "Content-Type": "application/json"},
    )
    assert "body:1: invalid JSON" in assert_error(json_error, 422, "invalid_input")["message"]
    not_list = api.client.post("/v1/funding-schemes/import", json={"id": "x"}, headers=admin)
    assert "expected a list" in assert_error(not_list, 422, "invalid_input")["message"]
    empty = api.client.post("/v1/funding-schemes/import", json=[], headers=admin)
    assert "empty" in assert_error(empty, 422, "invalid_input")["message"]
    assert _count(api) == before


def test_import_needs_admin(api: Api) -> None:
    response = api.client.post("/v1/funding-schemes/import", json=[], headers=api.auth("write"))
    assert_error(response, 403, "forbidden")
    assert_error(api.client.post("/v1/funding-schemes/import", json=[]), 401, "unauthorized")


def test_cli_import_schemes(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERMATCH_DATABASE_URL", api.settings.database_url)
    get_settings.cache_clear()
    try:
        good = tmp_path / "schemes.yaml"
        good.write_text(yaml.safe_dump([_scheme("test-cli-scheme")]), encoding="utf-8")
        result = CliRunner().invoke(cli_app, ["import-schemes", str(good)])
        assert result.exit_code == 0, result.output
        assert "1 added" in result.output
        scheme = api.client.get("/v1/funding-schemes/test-cli-scheme").json()
        assert scheme["origin"] == "user" and scheme["source"] == "file"

        before = _count(api)
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps([_scheme("test-cli-other"), _scheme("test-cli-bad", kind="gift")]))
        result = CliRunner().invoke(cli_app, ["import-schemes", str(bad)])
        assert result.exit_code == 2
        assert "nothing was written" in result.output and "bad.json: record 1" in result.output
        assert _count(api) == before
    finally:
        get_settings.cache_clear()
