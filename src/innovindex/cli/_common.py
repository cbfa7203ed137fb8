"""What the index subcommands share: the input options and their checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InputError, SpecError
from ._progress import status

__all__ = [
    "DataOpt",
    "DecimalOpt",
    "EncodingOpt",
    "SepOpt",
    "FrameworkOpt",
    "MetaOpt",
    "OutOpt",
    "PipelineOpt",
    "check_out",
    "echo_warnings",
    "load_inputs",
    "read_idata",
    "status",
]

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..framework import Framework


@contextmanager
def echo_warnings() -> Iterator[list[str]]:
    """Print each DataWarning raised in the block as one ``warning:`` line on stderr.

    Degenerate input still runs: the user hears about it, and the exit status is unchanged.
    The warnings are recorded by :func:`innovindex.diagnostics.collect` (the one place that
    turns warnings into lines) and also yielded, for a caller that records them too; other
    warnings pass through unchanged.
    """
    from ..diagnostics import collect

    with collect() as found:
        yield found
    for line in found:
        typer.echo(f"warning: {line}", err=True)


DataOpt = Annotated[Path, typer.Option("--data", help="iData: CSV, XLSX or Parquet")]
OutOpt = Annotated[Path, typer.Option("--out", help="output directory (replaced atomically)")]
MetaOpt = Annotated[Path | None, typer.Option("--meta", help="iMeta file (the framework)")]
FrameworkOpt = Annotated[
    str | None, typer.Option("--framework", help="built-in framework, e.g. gii2019")
]
PipelineOpt = Annotated[Path | None, typer.Option("--pipeline", help="pipeline YAML")]
SepOpt = Annotated[
    str | None,
    typer.Option("--sep", help="CSV delimiter: ',', ';', '|' or tab (default: detected)"),
]
DecimalOpt = Annotated[
    str | None, typer.Option("--decimal", help="CSV decimal mark: '.' or ',' (default: detected)")
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help="CSV encoding, e.g. utf-8, latin-1 (default: detected)"),
]


def read_idata(
    data: Path,
    framework: Framework,
    *,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """The checked iData of ``--data`` (wide or long; see docs/engine.md, "Data as it comes")."""
    from ..io.idata import read_data
    from ..io.sniff import check_options

    sep, decimal, encoding = check_options(sep, decimal, encoding)
    return read_data(data, framework, sep=sep, decimal=decimal, encoding=encoding)


def load_inputs(
    meta: Path | None, framework: str | None, **files: Path | None
) -> tuple[Framework, dict[str, Any]]:
    """Check the framework choice and that every given file exists; return the framework and
    the ``inputs`` record for run.json (path and SHA-256 of each file)."""
    from ..building import resolve_framework
    from ..framework import Framework
    from ..io.writers import file_sha256

    if (meta is None) == (framework is None):
        raise SpecError("give exactly one of --meta FILE or --framework NAME")
    paths = {**files, "meta": meta}
    for p in paths.values():
        if p is not None and p.is_dir():
            raise InputError("is a folder; expected a file", file=p)
        if p is not None and not p.is_file():
            raise InputError("file not found", file=p)
    fw = Framework.read(meta) if meta is not None else resolve_framework(str(framework))
    inputs = {
        name: {"path": str(p), "sha256": file_sha256(p)}
        for name, p in paths.items()
        if p is not None
    }
    return fw, inputs


#: Endings that name a file, not the folder --out expects: writing a folder of CSV files under
#: such a name would give e.g. a "results.xlsx" that is no workbook.
_FILE_SUFFIXES = (".csv", ".xlsx", ".xls", ".parquet", ".json", ".yaml", ".yml", ".txt", ".zip")
_STORE_SUFFIXES = (".duckdb", ".db", ".ddb")


def check_out(out: Path, keep: list[Any] | tuple[Any, ...] = (), fmt: str | None = None) -> Path:
    """Check ``--out`` before any work: a folder name (not a file name such as
    ``results.xlsx``), not a symbolic link, not holding an input or the store, and either
    new, empty, or an earlier innovindex output with nothing else in it.

    Returns the resolved output folder. Raises :class:`InputError` (one line).
    """
    from ..io.writers import check_output_dir

    suffix = out.suffix.lower()
    if suffix in _FILE_SUFFIXES or suffix in _STORE_SUFFIXES:
        hint = (
            f" (use --format {suffix[1:]} with an output folder)"
            if fmt and suffix[1:] in ("csv", "xlsx", "parquet")
            else ""
        )
        raise InputError(f"--out names a folder of outputs, not a {suffix} file{hint}", file=out)
    return check_output_dir(out, keep=[k for k in keep if k is not None])
