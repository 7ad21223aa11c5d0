"""The rooms of the code and what each may import (ARCHITECTURE.md), checked on the source.

Every ``import`` and ``from ... import`` of the project's own packages is read with ``ast``,
including imports inside functions, so a lazy import cannot slip past.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("service", "models", "features", "db")
# the layers from the bottom up: a module may import its own layer and those below it
LAYERS = {"db": 0, "features": 1, "models": 2, "service": 3}
ADVICE = ("models.advice", "models.funding", "models.plans")


def _module(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the project modules ``path`` imports (``from a import b`` gives a and a.b)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {name for name in found if name.split(".")[0] in PACKAGES}


SOURCES = {_module(p): _imports(p) for pkg in PACKAGES for p in sorted((REPO / pkg).rglob("*.py"))}


def _offenders(modules: list[str], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    bad = {
        m: sorted(i for i in SOURCES[m] if any(i == f or i.startswith(f"{f}.") for f in forbidden))
        for m in modules
    }
    return {m: found for m, found in bad.items() if found}


def test_the_sources_are_read():
    assert "service.recommendations.routes" in SOURCES and "models.ranker" in SOURCES
    assert "db.repositories.cities" in SOURCES["service.recommendations.service"]


def test_route_modules_import_no_db_module():
    routes = [m for m in SOURCES if m.endswith(".routes") or m in ("service.health", "service.pages")]
    assert len(routes) >= 8
    assert _offenders(routes, ("db",)) == {}


def test_models_import_no_service_module():
    assert _offenders([m for m in SOURCES if m.split(".")[0] == "models"], ("service",)) == {}


def test_ml_modules_import_nothing_from_the_advice_subpackages():
    ml = [m for m in SOURCES if m.startswith("models.") and not m.startswith(ADVICE)]
    assert "models.ranker" in ml and "models.train" in ml
    assert _offenders(ml, ADVICE) == {}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_imports_upward(package: str):
    upward = tuple(p for p in PACKAGES if LAYERS[p] > LAYERS[package])
    modules = [m for m in SOURCES if m.split(".")[0] == package]
    assert _offenders(modules, upward) == {}
