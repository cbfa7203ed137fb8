"""`innovindex patents` subcommands (placeholder until the patents module lands)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the patents subcommands to the main app."""
