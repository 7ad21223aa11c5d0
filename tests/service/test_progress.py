"""Stages of long work: structured log lines off a terminal, rich on one; the CLI commands mark theirs."""

from __future__ import annotations

import io
import json
import logging
from functools import partial

import pytest
from rich.console import Console
from typer.testing import CliRunner

from db.progress import stage
from service.cli import app as cli_app
from service.config import get_settings
from service.logs import JsonFormatter
from service.progress import RichReporter, show_progress
from tests.conftest import CURATED
from tests.helpers import SMALL_RANKER_PARAMS


@pytest.fixture
def json_log() -> io.StringIO:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    progress_logger = logging.getLogger("partnermatch.progress")
    progress_logger.addHandler(handler)
    level = progress_logger.level
    progress_logger.setLevel(logging.INFO)
    yield out
    progress_logger.removeHandler(handler)
    progress_logger.setLevel(level)


def _records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_off_a_terminal_a_stage_is_two_structured_log_lines(json_log: io.StringIO) -> None:
    with show_progress(Console(file=io.StringIO())):  # a file is not a terminal
        with stage("warm rows", cities=3) as progress:
            progress.count(rows=1200)
        with stage("rank the queries", total=2) as progress:
            progress.advance(2)
    start, end, ranked_start, ranked_end = _records(json_log.getvalue())
    assert start["stage"] == "warm rows" and start["event"] == "start" and start["cities"] == 3
    assert end["stage"] == "warm rows" and end["event"] == "end" and end["rows"] == 1200
    assert isinstance(end["elapsed_s"], float) and end["msg"].startswith("warm rows done in ")
    assert ranked_start["total"] == 2 and (ranked_end["total"], ranked_end["done"]) == (2, 2)


def test_a_failed_stage_says_so(json_log: io.StringIO) -> None:
    with pytest.raises(ValueError), stage("import twins"):
        raise ValueError("bad line")
    (_, failed) = _records(json_log.getvalue())
    assert failed["event"] == "failed" and failed["level"] == "warning" and "elapsed_s" in failed


def test_on_a_terminal_stages_are_drawn_with_rich(json_log: io.StringIO) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    with show_progress(console) as reporter:
        assert isinstance(reporter, RichReporter)
        with stage("fit the ranker"):
            with stage("warm rows") as progress:
                progress.count(rows=1200)
            with stage("rank the queries", total=3) as progress:
                progress.advance(3)
    drawn = screen.getvalue()
    assert "\x1b[" in drawn  # terminal control codes: rich drew it
    assert "  warm rows" in drawn and "1,200 rows" in drawn  # indented under its parent stage
    assert "3/3" in drawn and "0:00:00" in drawn  # count and elapsed time
    assert json_log.getvalue() == ""  # shown, not logged twice


def test_import_train_and_evaluate_write_their_stages(tmp_path, monkeypatch) -> None:
    import models.train

    monkeypatch.setenv("PARTNERMATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("PARTNERMATCH_MODEL_DIR", str(tmp_path / "artifacts"))
    monkeypatch.setenv("PARTNERMATCH_CURATED_DIR", str(CURATED))
    # a real fit, small enough for the suite
    small = partial(models.train.train_and_register, params=SMALL_RANKER_PARAMS)
    monkeypatch.setattr(models.train, "train_and_register", small)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        imported = runner.invoke(cli_app, ["import", "curated"])
        trained = runner.invoke(cli_app, ["train"])
        evaluated = runner.invoke(
            cli_app, ["evaluate", "--setting", "leave_one_out", "--queries", "10",
                      "--params", json.dumps(SMALL_RANKER_PARAMS)],
        )  # fmt: skip
    finally:
        get_settings.cache_clear()
    for result in (imported, trained, evaluated):
        assert result.exit_code == 0, result.output
    ends = {
        name: {r["stage"]: r for r in _records(result.stderr) if r.get("event") == "end"}
        for name, result in (("import", imported), ("train", trained), ("evaluate", evaluated))
    }
    assert ends["import"]["import curated"]["inserted"] > 0
    assert {"load the store", "fit the ranker", "warm model", "cold model", "register the model"} <= set(
        ends["train"]
    )
    assert ends["train"]["warm rows"]["rows"] > 0 and ends["train"]["fit the ranker"]["elapsed_s"] > 0
    assert ends["evaluate"]["evaluate leave_one_out"]["queries"] > 0
    ranked = ends["evaluate"]["rank the queries"]
    assert ranked["done"] == ranked["total"] > 0
