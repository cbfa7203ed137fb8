"""`innovindex build` and `innovindex demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError, SpecError

FormatOpt = Annotated[str, typer.Option("--format", help="csv, parquet or xlsx (one workbook)")]


def build_cmd(
    data: Annotated[Path, typer.Option("--data", help="iData: CSV, XLSX or Parquet")],
    out: Annotated[Path, typer.Option("--out", help="output directory (replaced atomically)")],
    meta: Annotated[Path | None, typer.Option("--meta", help="iMeta file (the framework)")] = None,
    framework: Annotated[
        str | None, typer.Option("--framework", help="built-in framework, e.g. gii2019")
    ] = None,
    pipeline: Annotated[Path | None, typer.Option("--pipeline", help="pipeline YAML")] = None,
    fmt: FormatOpt = "csv",
) -> None:
    """Build a composite index and write scores, ranks, stages, treatment and run.json."""
    from ..build import build_panel, resolve_framework
    from ..framework import Framework
    from ..io.writers import FORMATS, atomic_dir, file_sha256, write_tables
    from ..results import result_tables, run_info
    from ._progress import status

    if (meta is None) == (framework is None):
        raise SpecError("give exactly one of --meta FILE or --framework NAME")
    if fmt not in FORMATS:
        raise SpecError(f"--format must be one of {list(FORMATS)}; got {fmt!r}")
    for p in (data, meta, pipeline):
        if p is not None and not p.is_file():
            raise InputError("file not found", file=p)
    fw = Framework.read(meta) if meta is not None else resolve_framework(str(framework))
    with status("Building index"):
        panel = build_panel(data, fw, pipeline)
        tables = result_tables(panel)
    inputs = {"data": {"path": str(data), "sha256": file_sha256(data)}}
    if meta is not None:
        inputs["meta"] = {"path": str(meta), "sha256": file_sha256(meta)}
    if pipeline is not None:
        inputs["pipeline"] = {"path": str(pipeline), "sha256": file_sha256(pipeline)}
    info = run_info(panel, inputs=inputs, extra={"format": fmt})
    with atomic_dir(out) as tmp:
        write_tables(tmp, tables, fmt, info)
    typer.echo(f"wrote {len(tables) + 1} outputs for {len(panel)} year(s) to {out}", err=True)


def demo_cmd(
    out: Annotated[Path, typer.Option("--out", help="output directory")] = Path("innovindex-demo"),
    db: Annotated[Path, typer.Option("--db", help="DuckDB project store")] = Path(
        "innovindex.duckdb"
    ),
    seed: Annotated[int, typer.Option("--seed", help="seed of the synthetic world")] = 2024,
    n_patents: Annotated[
        int, typer.Option("--n-patents", help="synthetic patent applications")
    ] = 100_000,
) -> None:
    """Generate the SYNTHETIC demo world, build the GII-style index for every year, and store it."""
    from ..demo.run import run_demo

    summary = run_demo(out, db, seed=seed, n_patents=n_patents)
    typer.echo(summary)


def register(app: typer.Typer) -> None:
    """Attach ``build`` and ``demo`` to the main app."""
    app.command("build")(build_cmd)
    app.command("demo")(demo_cmd)
