"""`partnermatch evaluate` rejects bad options before touching the store."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from service.cli import app as cli_app


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--params", "{n_estimators: 5"], "--params is not valid JSON"),
        (["--params", "[1, 2]"], "must be a JSON object"),
        (["--params", '{"n_trees": 5}'], "unknown parameter(s) ['n_trees']"),
        (["--params", '{"random_state": 1}'], "unknown parameter(s) ['random_state']"),
        (["--setting", "holdout"], "unknown setting(s) ['holdout']"),
    ],
)
def test_bad_options_fail_with_a_message(args: list[str], message: str, tmp_path, monkeypatch) -> None:
    db = tmp_path / "untouched.db"
    monkeypatch.setenv("PARTNERMATCH_DATABASE_URL", f"sqlite:///{db}")
    result = CliRunner().invoke(cli_app, ["evaluate", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not db.exists()
