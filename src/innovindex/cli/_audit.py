"""`innovindex audit` subcommands (placeholder until the audit module lands)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the audit subcommands to the main app."""
