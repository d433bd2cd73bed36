"""Progress bars for long runs (Rich), silent with ``--quiet`` or when not on a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class Reporter:
    """Stage progress: ``task = r.stage("Parsing", total)`` then ``r.advance(task)``."""

    def __init__(self, progress: Progress | None):
        self._progress = progress

    def stage(self, description: str, total: int | None = None) -> int | None:
        if self._progress is None:
            return None
        return self._progress.add_task(description, total=total)

    def advance(self, task: int | None, n: int = 1) -> None:
        if self._progress is not None and task is not None:
            self._progress.advance(task, n)

    def update(self, task: int | None, **kwargs: object) -> None:
        if self._progress is not None and task is not None:
            self._progress.update(task, **kwargs)  # type: ignore[arg-type]

    def done(self, task: int | None) -> None:
        if self._progress is not None and task is not None:
            task_obj = self._progress.tasks[task]
            self._progress.update(task, total=task_obj.completed, completed=task_obj.completed)


SILENT = Reporter(None)


@contextmanager
def progress_bars(quiet: bool, console: Console | None = None) -> Iterator[Reporter]:
    console = console or Console(stderr=True)
    if quiet or not console.is_terminal:
        yield SILENT
        return
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                  console=console, transient=False) as progress:
        yield Reporter(progress)
