"""models.notebook.compare_and_promote on tiny hand-made inputs; models.plots draws its tables."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pytest

from models import plots
from models.notebook import compare_and_promote
from tests.models.notebook._figures import assert_figures


def version(name: str, status: str, hr: float | None) -> SimpleNamespace:
    metrics = {"train": {"cities": 6}}
    if hr is not None:
        metrics["summary"] = {"leave_one_out.HR@10": hr}
    return SimpleNamespace(version=name, status=status, created_at=dt.datetime(2026, 1, 1), promoted_at=None,
                           metrics=metrics, params={"num_leaves": 7, "embedder": object()})  # fmt: skip


def test_versions_best_and_pick() -> None:
    rows = [version("v3", "trained", None), version("v2", "promoted", 0.2), version("v1", "trained", 0.3)]
    frame = compare_and_promote.versions_frame(rows)
    assert frame.index.tolist() == ["v3", "v2", "v1"]
    assert frame.loc["v1", "train.cities"] == 6 and frame.loc["v2", "param.num_leaves"] == 7
    assert isinstance(frame.loc["v1", "param.embedder"], str)
    assert compare_and_promote.best_version(frame) == "v1"
    assert compare_and_promote.best_version(frame, metric="cold_start.HR@10") is None
    assert compare_and_promote.pick_versions(frame) == ("v2", "v3")
    assert compare_and_promote.pick_versions(frame, a="v1") == ("v1", "v3")
    with pytest.raises(ValueError, match="not registered"):
        compare_and_promote.pick_versions(frame, b="v9")
    with pytest.raises(ValueError, match="two registered versions"):
        compare_and_promote.pick_versions(frame.loc[["v1"]])
    assert compare_and_promote.versions_frame([]).empty


def answer(*cities: tuple[int, str]) -> SimpleNamespace:
    partners = [
        SimpleNamespace(
            rank=k, city=SimpleNamespace(id=i, name=n, country="DE"), score=1.0 / k, reasons=[f"r{i}"]
        )
        for k, (i, n) in enumerate(cities, start=1)
    ]
    return SimpleNamespace(partners=partners)


def test_comparing_answers() -> None:
    fa = compare_and_promote.response_frame(answer((1, "A"), (2, "B"), (3, "C")))
    fb = compare_and_promote.response_frame(answer((3, "C"), (4, "D"), (1, "A")))
    assert fa.columns.tolist() == ["rank", "city_id", "name", "country", "score", "reasons"]
    assert compare_and_promote.overlap_at_k([1, 2, 3], [3, 4, 1], k=3) == pytest.approx(2 / 3)
    assert compare_and_promote.overlap_at_k([], [], k=3) == 1.0
    assert compare_and_promote.overlap_at_k([1, 2], [1, 2], k=10) == 1.0
    both = compare_and_promote.side_by_side(fa, fb, labels=("x", "y"))
    assert both.columns.tolist() == ["name", "country", "rank x", "rank y", "reasons x", "reasons y"]
    assert both["name"].tolist()[:2] == ["A", "C"] and np.isnan(both.set_index("name").loc["B", "rank y"])
    table = compare_and_promote.compare_answers([fa], [fb], queries=["q"], k=3)
    assert table.loc["q"].to_dict() == {"overlap@3": pytest.approx(2 / 3), "only_a": "B", "only_b": "D"}
    assert (
        compare_and_promote.request_label({"city_name": "Surabaya", "needs": "composting"})
        == "Surabaya: composting"
    )
    assert (
        compare_and_promote.request_label({"city": {"name": "Takeo"}, "needs": "x" * 50}, width=5)
        == "Takeo: xxxxx…"
    )


def test_plot_of_the_versions() -> None:
    versions = compare_and_promote.versions_frame([version("v1", "trained", 0.3)])
    assert_figures([plots.version_metrics(versions, metrics=["leave_one_out.HR@10"])])
