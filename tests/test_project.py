"""Project-level checks: compose file, README set-up, CI script, no public data committed."""

from __future__ import annotations

import subprocess

import yaml

from tests.conftest import REPO


def test_compose_names_api_and_postgres_with_environment():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"api", "db"}
    assert services["db"]["image"].startswith("postgres")
    env = services["api"]["environment"]
    assert env["PARTNERMATCH_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@db:5432/" in env["PARTNERMATCH_DATABASE_URL"]
    assert env["PARTNERMATCH_DATA_DIR"] == "/data/public"
    assert any(v.endswith(":/data/public:ro") for v in services["api"]["volumes"])
    assert services["api"]["depends_on"]["db"]["condition"] == "service_healthy"
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "torch==2.13.0" in dockerfile and "whl/cpu" in dockerfile


def test_readme_setup_is_make_run_and_make_test():
    readme = (REPO / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "torch==2.13.0" in (REPO / "pyproject.toml").read_text()


def test_public_datasets_are_not_committed():
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    forbidden = ("twin_cities", "urbact_", "interreg_2014", "worldbank_")
    assert not [f for f in files.splitlines() if any(x in f.rsplit("/", 1)[-1] for x in forbidden)]
