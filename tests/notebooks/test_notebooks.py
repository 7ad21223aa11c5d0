"""The analyst notebooks: committed without outputs, and executed headless on a small store.

The executed tests build one SQLite store per module (the curated set plus a small sample of the
public data when the data directory exists, else the curated set only), register two tiny model
versions, then run each notebook in a fresh kernel with its ``parameters`` cell overridden.
"""

from __future__ import annotations

import ast
import os
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from tests.conftest import CURATED, REPO

NOTEBOOKS_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
EXPECTED = ("01-explore-data.ipynb", "02-train-and-evaluate.ipynb", "03-compare-and-promote.ipynb")
CELL_TIMEOUT = 110  # seconds per cell
NOTEBOOK_BUDGET = 120  # seconds per notebook
# tiny PartnerRanker parameters; the ranker is being tuned, so only the names its __init__ has are passed
TINY = {
    "n_estimators": 15,
    "num_leaves": 7,
    "min_child_samples": 5,
    "n_cold_queries": 60,
    "theme_folds": 2,
    "n_candidates": 60,
    "retrieval_estimators": 10,
    "n_graph": 40,
    "n_embedding": 20,
    "n_nearest": 20,
    "n_prior": 150,
    "n_jobs": 1,  # LightGBM's OpenMP threads crawl on a busy machine
}


def tiny_params(**overrides: object) -> dict[str, object]:
    """:data:`TINY` (plus ``overrides``) restricted to the parameters PartnerRanker has today."""
    from models.ranker import PartnerRanker

    known = PartnerRanker().get_params()
    return {k: v for k, v in {**TINY, **overrides}.items() if k in known}


PARAMETERS = {
    "01-explore-data.ipynb": {"top": 10, "max_map_links": 500},
    "02-train-and-evaluate.ipynb": {"n_queries": 30, "seed": 1},
    "03-compare-and-promote.ipynb": {"k": 5},
}


def _params_cell(book: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cells = [c for c in book.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "a notebook needs exactly one cell tagged `parameters`"
    return cells[0]


# --------------------------------------------------------------------------- static checks (fast)


def test_the_three_notebooks_exist() -> None:
    assert [p.name for p in NOTEBOOKS] == list(EXPECTED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, c in enumerate(book.cells)
        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts (clear them)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_structure(path: Path) -> None:
    """Imports first, then the parameters cell; no functions or classes defined in a notebook."""
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    code = [c for c in book.cells if c.cell_type == "code"]
    first = ast.parse(code[0].source)
    assert first.body and all(isinstance(s, ast.Import | ast.ImportFrom | ast.Expr) for s in first.body), (
        "the first code cell imports"
    )
    assert code[1] is _params_cell(book), "the second code cell is the `parameters` cell"
    for cell in code:
        tree = ast.parse(cell.source)
        defs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)]
        assert not defs, f"{path.name}: put logic in models/notebook/ or models/plots.py, not a notebook"


# --------------------------------------------------------------------------- execution


@pytest.fixture(scope="module")
def notebook_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """A small SQLite store with two registered (tiny) versions; yields its URL and the versions."""
    from db.importers.runner import import_all, import_dataset
    from db.migrate import upgrade
    from db.session import make_engine, make_session_factory, session_scope
    from models.train import train_and_register
    from service.config import Settings
    from tests.helpers import public_sample

    root = tmp_path_factory.mktemp("notebooks")
    url = f"sqlite:///{root / 'store.db'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    public = Settings().data_dir
    if public is not None and (public / "twin_cities.csv").is_file():
        sample = public_sample(public, root / "public", twins=500, interreg=200)
        import_all(factory, curated_dir=CURATED, data_dir=sample)
    else:
        import_dataset(factory, "curated", curated_dir=CURATED, data_dir=None)
    # two versions for notebook 03 (the first also fills the embedding cache for the others)
    versions = []
    for seed, leaves in ((0, 7), (1, 15)):
        with session_scope(factory) as session:
            versions.append(
                train_and_register(session, seed=seed, params=tiny_params(num_leaves=leaves)).version
            )
    engine.dispose()
    yield url, versions


@pytest.fixture
def kernel_env(
    notebook_store: tuple[str, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, list[str]]:
    """Environment the kernel inherits: the small store, Agg plots, nothing downloaded."""
    monkeypatch.setenv("PARTNERMATCH_DATABASE_URL", notebook_store[0])
    monkeypatch.setenv("PARTNERMATCH_MODEL_DIR", str(tmp_path / "artifacts"))
    # matplotlib-inline renders with Agg into PNG outputs: headless, and the figures are checked
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return notebook_store


def inject_parameters(book: nbformat.NotebookNode, values: dict[str, object]) -> None:
    """Append assignments to the `parameters` cell (what papermill does, without papermill)."""
    cell = _params_cell(book)
    lines = [f"{name} = {value!r}" for name, value in values.items()]
    cell.source = cell.source + "\n\n# injected by tests/notebooks/test_notebooks.py\n" + "\n".join(lines)


def execute(path: Path, values: dict[str, object]) -> tuple[nbformat.NotebookNode, float]:
    from nbclient import NotebookClient

    book = nbformat.read(path, as_version=4)
    inject_parameters(book, values)
    client = NotebookClient(
        book,
        kernel_name="python3",  # ipykernel's spec runs the interpreter running pytest (.venv's)
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
    )
    start = time.perf_counter()
    try:
        client.execute()  # raises CellExecutionError naming the cell when a cell fails
    finally:
        keep = os.environ.get("PARTNERMATCH_NOTEBOOK_OUTPUT_DIR")  # to look at the executed notebooks
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            nbformat.write(book, Path(keep) / path.name)
    return book, time.perf_counter() - start


def _outputs_text(book: nbformat.NotebookNode, containing: str) -> str:
    """Text of the outputs of the cells whose source contains ``containing``."""
    parts = []
    for c in book.cells:
        if containing not in c.source:
            continue
        for o in c.get("outputs", []):
            parts.append(o.get("text", "") or str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.mark.notebooks
def test_01_explore_data(kernel_env: tuple[str, list[str]]) -> None:
    book, seconds = execute(NOTEBOOKS_DIR / EXPECTED[0], PARAMETERS[EXPECTED[0]])
    assert seconds < NOTEBOOK_BUDGET, f"took {seconds:.0f} s"
    images = sum("image/png" in o.get("data", {}) for c in book.cells for o in c.get("outputs", []))
    assert images >= 8


@pytest.mark.notebooks
def test_02_train_and_evaluate(kernel_env: tuple[str, list[str]], tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from db.repositories import model_versions
    from db.session import make_engine, make_session_factory

    engine = make_engine(kernel_env[0])
    with make_session_factory(engine)() as session:
        before = {r.version for r in model_versions.list_versions(session)}
    values = {**PARAMETERS[EXPECTED[1]], "model_params": tiny_params()}
    # the CLI's report for the same store, seed, queries and parameters, which the notebook must reproduce
    cli_report = tmp_path / "cli.json"
    cli = Path(sys.executable).parent / "partnermatch"
    subprocess.run(
        [str(cli), "evaluate", "--seed", str(values["seed"]), "--queries", str(values["n_queries"]),
         "--params", json.dumps(values["model_params"]), "--output", str(cli_report)],
        check=True, env=os.environ, capture_output=True,
    )  # fmt: skip
    book, seconds = execute(NOTEBOOKS_DIR / EXPECTED[1], {**values, "cli_report": str(cli_report)})
    assert seconds < NOTEBOOK_BUDGET, f"took {seconds:.0f} s"
    with make_session_factory(engine)() as session:
        rows = model_versions.list_versions(session)
    engine.dispose()
    new = [r for r in rows if r.version not in before]
    assert len(new) == 1 and new[0].status == "trained"
    assert "leave_one_out.HR@10" in new[0].metrics["summary"]
    assert "queries" not in new[0].metrics["evaluation"]["settings"]["leave_one_out"]  # averages only
    assert new[0].params["num_leaves"] == TINY["num_leaves"]
    # same seed -> same metrics as `partnermatch evaluate` (compare_reports' `equal` column)
    check = _outputs_text(book, "compare_reports")
    assert "True" in check and "False" not in check, check
    # the per-query breakdown comes from the report itself
    assert "first_rank" in _outputs_text(book, "per_query_ranks(report")


@pytest.mark.notebooks
def test_03_compare_and_promote(kernel_env: tuple[str, list[str]]) -> None:
    from db.session import make_engine, make_session_factory
    from models import registry

    url, (oldest, _) = kernel_env
    book, seconds = execute(
        NOTEBOOKS_DIR / EXPECTED[2], {**PARAMETERS[EXPECTED[2]], "promote_version": oldest}
    )
    assert seconds < NOTEBOOK_BUDGET, f"took {seconds:.0f} s"
    assert "overlap@5" in _outputs_text(book, "compare_answers")
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        promoted = registry.promoted(session)
    engine.dispose()
    assert promoted is not None and promoted.version == oldest
