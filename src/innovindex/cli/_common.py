"""What the index subcommands share: the input options and their checks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InputError, SpecError
from ._progress import status

__all__ = [
    "DataOpt",
    "FrameworkOpt",
    "MetaOpt",
    "OutOpt",
    "PipelineOpt",
    "load_inputs",
    "status",
]

if TYPE_CHECKING:  # pragma: no cover
    from ..framework import Framework

DataOpt = Annotated[Path, typer.Option("--data", help="iData: CSV, XLSX or Parquet")]
OutOpt = Annotated[Path, typer.Option("--out", help="output directory (replaced atomically)")]
MetaOpt = Annotated[Path | None, typer.Option("--meta", help="iMeta file (the framework)")]
FrameworkOpt = Annotated[
    str | None, typer.Option("--framework", help="built-in framework, e.g. gii2019")
]
PipelineOpt = Annotated[Path | None, typer.Option("--pipeline", help="pipeline YAML")]


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
