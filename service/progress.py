"""How the CLI shows the stages of long work (db/progress.py): rich on a terminal, log lines otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from db.progress import LogReporter, Reporter, Stage, reporting


def _counts(counts: dict[str, object]) -> str:
    return "  ".join(f"{v:,} {k}" if isinstance(v, int) else f"{k} {v}" for k, v in counts.items())


class _Mark(SpinnerColumn):
    """A spinner while the stage runs, then a tick, or a cross when it failed."""

    def render(self, task):  # type: ignore[no-untyped-def]
        if task.fields.get("failed"):
            return Text("✗", style="red")
        return super().render(task)


class RichReporter:
    """A line per stage, indented under the stage it runs in, with a bar when the stage has a total.

    A finished line keeps its counts and elapsed time, so the screen ends as a record of the run.
    """

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            _Mark(finished_text="[green]✓"),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[of]}"),  # "n/total", for a stage that has a total
            TimeElapsedColumn(),
            console=console,
        )
        self._tasks: dict[int, TaskID] = {}
        self._depth = 0

    def start(self, stage: Stage) -> None:
        if not self._tasks:
            self.progress.start()
        description = "  " * self._depth + stage.name
        if stage.counts:
            description += f"  [dim]{_counts(stage.counts)}"
        # without a total, rich shows a pulsing bar and no "n/m": right for stages that cannot count
        of = f"0/{stage.total:,}" if stage.total is not None else ""
        self._tasks[id(stage)] = self.progress.add_task(description, total=stage.total, of=of)
        self._depth += 1

    def advance(self, stage: Stage, n: int) -> None:
        self.progress.update(self._tasks[id(stage)], advance=n, of=f"{stage.done:,}/{stage.total:,}")

    def end(self, stage: Stage, *, failed: bool) -> None:
        task = self._tasks.pop(id(stage))
        self._depth -= 1
        description = "  " * self._depth + stage.name
        if stage.counts:
            description += f"  [dim]{_counts(stage.counts)}"
        total = stage.total if stage.total is not None else 1
        self.progress.update(task, description=description, total=total, completed=total, failed=failed)
        self.progress.stop_task(task)  # freezes its elapsed time
        if not self._tasks:
            self.progress.stop()


@contextmanager
def show_progress(console: Console | None = None) -> Iterator[Reporter]:
    """Stages marked inside this block: rich when ``console`` (default: stderr) is a terminal, else logged."""
    console = console or Console(file=sys.stderr)
    reporter: Reporter = RichReporter(console) if console.is_terminal else LogReporter()
    with reporting(reporter):
        yield reporter
