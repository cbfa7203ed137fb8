"""What the index subcommands share: the input options and their checks."""

from __future__ import annotations

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
    "load_inputs",
    "read_idata",
    "status",
]

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..framework import Framework

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
        if p is not None and not p.is_file():
            raise InputError("file not found", file=p)
    fw = Framework.read(meta) if meta is not None else resolve_framework(str(framework))
    inputs = {
        name: {"path": str(p), "sha256": file_sha256(p)}
        for name, p in paths.items()
        if p is not None
    }
    return fw, inputs
