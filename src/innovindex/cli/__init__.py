"""Command line: a thin Typer layer over the Python API.

Every user-caused error (:class:`innovindex.errors.InnovindexError`) becomes one line on
stderr and exit status 2, never a traceback. Subcommands live in one module each and are
registered here.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from typer.exceptions import TyperException

from ..errors import InnovindexError
from . import _audit, _build, _data, _firms, _monitor, _patents, _show, _web

app = typer.Typer(
    name="innovindex",
    help="Build, audit and explain composite innovation indices and patent indicators.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
_build.register(app)
_audit.register(app)
_patents.register(app)
_firms.register(app)
_monitor.register(app)
_data.register(app)
_show.register(app)
_web.register(app)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"innovindex {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="print the version and exit", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Build, audit and explain composite innovation indices and patent indicators."""


#: Longest error line printed: input echoed in a message (a YAML bomb, a huge cell) is cut.
MAX_ERROR_LINE = 300


def one_line(text: str, limit: int = MAX_ERROR_LINE) -> str:
    """``text`` on one line (white space runs collapsed), cut to ``limit`` characters with a
    note saying how much was cut. Messages name the place first, so the cut keeps it."""
    flat = " ".join(str(text).split())
    if len(flat) <= limit:
        return flat
    note = f" ... [{len(flat) - limit:,} more characters cut]"
    return flat[: max(0, limit - len(note))] + note


def _error(text: str) -> int:
    typer.echo(one_line(f"error: {text}"), err=True)
    return 2


#: Exit status of a command stopped by Ctrl-C (SIGINT), as shells report it (128 + 2).
INTERRUPTED = 130


def interrupted() -> int:
    """Say that the command was stopped by Ctrl-C; return :data:`INTERRUPTED`.

    The outputs are written atomically, so an interrupted command leaves them (and the
    store) as they were.
    """
    typer.echo("interrupted (Ctrl-C)", err=True)
    return INTERRUPTED


def _is_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is DuckDB's report of a Ctrl-C during a query.

    The DuckDB Python client checks for signals while a query runs and, on SIGINT, raises a
    plain ``RuntimeError("Query interrupted")`` instead of :class:`KeyboardInterrupt`
    (``duckdb.InterruptException`` when the query was interrupted through the connection).
    """
    if type(exc) is RuntimeError and str(exc).strip() == "Query interrupted":
        return True
    kind = type(exc)
    return kind.__name__ == "InterruptException" and kind.__module__.split(".")[0] in (
        "duckdb",
        "_duckdb",
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``innovindex`` script; returns the process exit status."""
    try:
        result = app(args=argv, standalone_mode=False, prog_name="innovindex")
    except KeyboardInterrupt:  # Ctrl-C before Typer runs the command (Typer catches the rest)
        return interrupted()
    except InnovindexError as exc:
        return _error(str(exc))
    except OSError as exc:  # e.g. an unwritable output folder: still one line, exit 2
        where = f"{exc.filename}: " if exc.filename else ""
        return _error(f"{where}{exc.strerror or exc}")
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except TyperException as exc:  # usage errors: bad option value, missing option, unknown option
        return _error(exc.format_message())
    except (MemoryError, RecursionError) as exc:  # last line of defence: still one line
        kind = "out of memory" if isinstance(exc, MemoryError) else "input nested too deeply"
        return _error(f"{kind}; the input is too large or too deep to process")
    except Exception as exc:
        if _is_interrupt(exc):
            return interrupted()
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb"):
            # Last line of defence for the store: DuckDB errors not turned into InputError.
            return _error(f"the store (DuckDB) failed: {first}")
        if os.environ.get("INNOVINDEX_DEBUG"):
            raise
        # A bug, not bad input: still one line, but exit status 1 (2 is for the user's input).
        typer.echo(
            one_line(
                f"internal error: {type(exc).__name__}: {first} "
                "(a bug in innovindex: please report it; INNOVINDEX_DEBUG=1 shows the traceback)"
            ),
            err=True,
        )
        return 1
    if result == INTERRUPTED:
        # Typer turns a KeyboardInterrupt during the command into exit status 130, silently
        return interrupted()
    return int(result) if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
