"""Rich progress display shared by the subcommands (all output goes to stderr)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

_console = Console(stderr=True)


@contextmanager
def status(message: str) -> Iterator[None]:
    """A spinner while a long step runs (silent when stderr is not a terminal)."""
    if not _console.is_terminal:
        yield
        return
    with _console.status(message):
        yield
