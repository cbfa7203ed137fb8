"""Command line: a thin Typer layer over the Python API.

Every user-caused error (:class:`innovindex.errors.InnovindexError`) becomes one line on
stderr and exit status 2, never a traceback. Subcommands live in one module each and are
registered here.
"""

from __future__ import annotations

import sys

import typer
from typer.exceptions import TyperException

from ..errors import InnovindexError
from . import _audit, _build, _monitor, _patents, _web

app = typer.Typer(
    name="innovindex",
    help="Build, audit and explain composite innovation indices and patent indicators.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_build.register(app)
_audit.register(app)
_patents.register(app)
_monitor.register(app)
_web.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``innovindex`` script; returns the process exit status."""
    try:
        result = app(args=argv, standalone_mode=False, prog_name="innovindex")
    except InnovindexError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    except OSError as exc:  # e.g. an unwritable output folder: still one line, exit 2
        where = f"{exc.filename}: " if exc.filename else ""
        typer.echo(f"error: {where}{exc.strerror or exc}", err=True)
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except TyperException as exc:  # usage errors: bad option value, missing option, unknown option
        typer.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
        return 2
    return int(result) if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
